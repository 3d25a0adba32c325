import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { adminLogin, clientLogin, requireChromium, shot, startE2E, type E2E } from './support.ts';
import { sidewaysOverflow } from '../support/chromium.ts';

// In-page callbacks run in Chromium; the project compiles without the DOM lib, so its globals are declared loosely here.
declare const document: any;
declare const window: any;

const AXE_SOURCE = readFileSync(join(dirname(createRequire(import.meta.url).resolve('axe-core')), 'axe.min.js'), 'utf8');
const ADDON = '/admin/addons/latchkey';
const WIDTHS = [{ width: 1366, height: 800 }, { width: 390, height: 844 }] as const;
const STAFF_PAGES: readonly (readonly [name: string, path: string])[] = [
  ['client-summary', '/admin/clients/1'],
  ['ticket-sidebar', '/admin/tickets/1'],
  ...['dashboard', 'entries', 'categories', 'settings', 'audit', 'tokens', 'transfer', 'access', 'review']
    .map((page) => [`addon-${page}`, `${ADDON}?page=${page}`] as const),
  // The access report with its table filled: who reaches a client's entries, and why.
  ['addon-access-client', `${ADDON}?page=access&clientId=1`],
];

/** What axe finds in Latchkey's own markup (everything under `.lk`), one line per rule and element. */
async function axeViolations(page: Page): Promise<string[]> {
  // The pages' CSP refuses inline scripts (addScriptTag); evaluated through the DevTools protocol, axe is not a page script.
  if (!await page.evaluate(() => 'axe' in window)) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    // label-content-name-mismatch is experimental in axe: on, it catches a "Hide" button still named "Reveal …".
    const result = await window.axe.run({ include: [['.lk']] }, {
      resultTypes: ['violations'], rules: { 'label-content-name-mismatch': { enabled: true } },
    });
    return result.violations.flatMap((v: { id: string; help: string; nodes: { target: string[] }[] }) =>
      v.nodes.map((n) => `${v.id} (${v.help}) at ${n.target.join(' ')}`));
  });
  return violations as string[];
}

/** Opens `path` and waits for the page and Latchkey's deferred script. */
async function open(page: Page, path: string): Promise<void> {
  const response = await page.goto(path, { waitUntil: 'load' });
  expect(response?.status(), `GET ${path}`).to.be.below(400);
}

/** Axe's findings and any sideways scroll of the page as it is now, labelled `what`; screenshots it as `name`. */
async function check(page: Page, what: string, name: string): Promise<string[]> {
  await shot(page, name);
  const problems = (await axeViolations(page)).map((v) => `${what}: ${v}`);
  const wider = await sidewaysOverflow(page);
  if (wider.px > 0) problems.push(`${what}: ${wider.px} px wider than the window, past it: ${wider.culprits.join(', ')}`);
  for (const scroller of wider.scrollers) problems.push(`${what}: scrolls sideways inside ${scroller}`);
  return problems;
}

/** Opens the dialog a click on `opener` shows in the first panel, checks it, and closes it with Escape. */
async function checkDialog(page: Page, opener: string, dialog: string, what: string, name: string): Promise<string[]> {
  await page.locator(opener).first().click();
  const shown = page.locator(`${dialog}[open]`);
  await shown.waitFor({ state: 'visible' });
  // The history dialog fills its list after opening; its rows are part of what is checked.
  await page.waitForLoadState('networkidle');
  const problems = await check(page, what, name);
  await page.keyboard.press('Escape');
  await shown.waitFor({ state: 'detached' }).catch(() => undefined);
  await page.locator(`${dialog}:not([open])`).first().waitFor({ state: 'attached' });
  return problems;
}

/** Reveals the first password on the page, checks the page so, and hides it again. */
async function checkRevealed(page: Page, what: string, name: string): Promise<string[]> {
  const button = page.locator('[data-lk-reveal]').first();
  await button.click();
  await page.locator('[data-lk-reveal][aria-pressed=true]').first().waitFor();
  const problems = await check(page, `${what} with a password revealed`, name);
  await button.click();
  await page.locator('[data-lk-reveal][aria-pressed=false]').first().waitFor();
  return problems;
}

describe('[sqlite] e2e: every page and dialog is accessible and fits the window without sideways scrolling, at desktop and phone widths', function () {
  let e2e: E2E;
  let staff: Page;
  let client: Page;

  before(async function () {
    requireChromium(this);
    e2e = await startE2E();
    // A token in the list, so that its table is checked too.
    await e2e.host.latchkey.apiTokens.create({ kind: 'admin', adminId: '1' }, { name: 'Nightly export to the accounting system', scopes: ['read', 'reveal'], expiresInDays: 90 });
    staff = (await e2e.newPage()).page;
    await adminLogin(staff, 'olivia', 'a11y-olivia');
    client = (await e2e.newPage()).page;
    await clientLogin(client, 'hello@blueharbourcoffee.example', 'a11y-emma');
  });
  after(async () => e2e?.close());

  for (const size of WIDTHS) {
    const at = `${size.width}px`;

    it(`the staff panels and every addon page pass axe and nothing on them scrolls sideways at ${at}`, async () => {
      await staff.setViewportSize(size);
      const problems: string[] = [];
      for (const [name, path] of STAFF_PAGES) {
        await open(staff, path);
        problems.push(...await check(staff, name, `a11y-${name}-${at}`));
      }
      expect(problems).to.deep.equal([]);
    });

    it(`a revealed password and the entry, share and history dialogs pass axe and fit at ${at}`, async () => {
      await staff.setViewportSize(size);
      await open(staff, `${ADDON}?page=entries`);
      const problems = [
        ...await checkRevealed(staff, 'all access details', `a11y-addon-entries-revealed-${at}`),
        ...await checkDialog(staff, '[data-lk-new]', '[data-lk-entry-dialog]', 'new entry dialog', `a11y-new-dialog-${at}`),
        ...await checkDialog(staff, '[data-lk-edit]', '[data-lk-entry-dialog]', 'edit dialog', `a11y-edit-dialog-${at}`),
        ...await checkDialog(staff, '[data-lk-share]', '[data-lk-share-dialog]', 'share dialog', `a11y-share-dialog-${at}`),
        ...await checkDialog(staff, '[data-lk-history]', '[data-lk-history-dialog]', 'history dialog', `a11y-history-dialog-${at}`),
      ];
      expect(problems).to.deep.equal([]);
    });

    it(`the client area passes axe and scrolls no sideways at ${at}`, async () => {
      await client.setViewportSize(size);
      await open(client, '/clientarea/passwords');
      expect([
        ...await check(client, 'client area', `a11y-client-area-${at}`),
        ...await checkRevealed(client, 'client area', `a11y-client-area-revealed-${at}`),
      ]).to.deep.equal([]);
    });
  }

  it('the step-up dialog passes axe and fits at both widths', async () => {
    await e2e.host.latchkey.settings.update({ kind: 'system' }, { stepUp: { actions: ['reveal'], allStaff: true } });
    const problems: string[] = [];
    for (const size of WIDTHS) {
      await staff.setViewportSize(size);
      await open(staff, '/admin/tickets/1');
      problems.push(...await checkDialog(staff, '.ticket-sidebar [data-lk-reveal]', '[data-lk-step-up-dialog]',
        'step-up dialog', `a11y-step-up-dialog-${size.width}px`));
    }
    expect(problems).to.deep.equal([]);
  });
});
