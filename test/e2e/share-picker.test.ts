import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { T } from '../../examples/demo-host/schema.ts';
import { grantRow, pickByKeyboard } from './picker.ts';
import { adminLogin, clickAndReload, clientLogin, expectQuiet, requireChromium, SCREENSHOT_DIR, startE2E, visit, type E2E } from './support.ts';

// In-page callbacks run in Chromium; the project compiles without the DOM lib.
declare const window: any;

const SAM = { kind: 'admin', adminId: '2' } as const;
/** Blue Harbour Coffee, the demo's first client. */
const BLUE_HARBOUR = '1';
const STAFF = 260;
const CONTACTS = 60;
const AXE = join(dirname(createRequire(import.meta.url).resolve('axe-core')), 'axe.min.js');

/** What the screen shows (the modal dialog where it is, not the page from its top) in test-output/screenshots/<name>.png. */
async function screenShot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/** Accessibility violations (axe-core) inside the element `selector` finds. */
async function axeViolations(page: Page, selector: string): Promise<string[]> {
  // Evaluated rather than added as a <script>: the panels' CSP allows no inline script, rightly.
  if (!await page.evaluate(() => Boolean(window.axe))) await page.evaluate(readFileSync(AXE, 'utf8'));
  return page.evaluate(async (sel: string) => {
    const result = await window.axe.run(window.document.querySelector(sel));
    return result.violations.map((v: { id: string; nodes: Array<{ target: string[] }> }) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }, selector);
}

/**
 * In Chromium, at a desk's 1366×800 and a phone's 390×844, with hundreds of
 * staff and contacts: the share dialog names its entry, lists who has access
 * at which level, and finds more people by part of a name, not in a grid of
 * everyone.
 */
describe('[sqlite] e2e: sharing with a searchable picker among hundreds of people', function () {
  let e2e: E2E;

  before(async function () {
    requireChromium(this);
    e2e = await startE2E();
    const knex = e2e.host.knex;
    const staff = Array.from({ length: STAFF }, (_, i) => ({
      id: 1000 + i, username: `staff${i}`, name: `Staff Member ${String(i).padStart(3, '0')}`, email: `staff${i}@northwind-hosting.example`,
      role_id: 2, language: 'en', disabled: false, password_hash: 'x',
    }));
    staff.push({ id: 1000 + STAFF, username: 'priya', name: 'Priya Ramanathan', email: 'priya@northwind-hosting.example', role_id: 2, language: 'en', disabled: false, password_hash: 'x' });
    for (let i = 0; i < staff.length; i += 100) await knex(T.admins).insert(staff.slice(i, i + 100));
    const contacts = Array.from({ length: CONTACTS }, (_, i) => ({
      id: 1000 + i, client_id: Number(BLUE_HARBOUR), name: `Barista ${String(i).padStart(2, '0')} Okafor`, email: `barista${i}@blueharbourcoffee.example`,
      is_main: false, job_title: 'Barista', password_hash: null,
    }));
    await knex(T.contacts).insert(contacts);
  });
  after(async () => e2e?.close());

  for (const viewport of [{ width: 1366, height: 800 }, { width: 390, height: 844 }]) {
    it(`at ${viewport.width}×${viewport.height}, Sam finds Priya and a contact by typing part of a name, sets their levels, then changes and removes them`, async () => {
      const lk = e2e.host.latchkey;
      const entry = await lk.entries.create(SAM, { name: `Espresso PLC ${viewport.width}`, clientId: BLUE_HARBOUR, username: 'plc', password: 'Plc-share-pw-8812' });
      const sam = await e2e.newPage();
      await sam.page.setViewportSize(viewport);
      await adminLogin(sam.page, 'sam', `share-picker-sam-${viewport.width}`);
      await visit(sam.page, `/admin/clients/${BLUE_HARBOUR}`, `share-picker-summary-${viewport.width}`);
      const shareButton = sam.page.locator(`.lk-panel .lk-entry[data-lk-row="${entry.id}"] [data-lk-share]`);
      await shareButton.click();
      const dialog = sam.page.locator('.lk-panel [data-lk-share-dialog]').first();
      await dialog.waitFor({ state: 'visible' });
      expect(await dialog.locator('h2').innerText()).to.equal(`Share “Espresso PLC ${viewport.width}”`);
      expect(await dialog.locator('[data-lk-grant-empty]').isVisible()).to.equal(true);
      // Hundreds of people, yet nothing is listed until the user types.
      expect(await dialog.locator('input[type=checkbox][data-kind]').count()).to.equal(0);

      await pickByKeyboard(dialog, 'ramanat', 'Priya Ramanathan');
      const priya = grantRow(dialog, 'Priya Ramanathan');
      expect(await priya.locator('select').inputValue()).to.equal('view');
      await priya.locator('select').selectOption('edit');

      // Typing part of a common name pages: the first page, then "Show more".
      const input = dialog.locator('[data-lk-search-picker] input[role=combobox]');
      await input.fill('okafor');
      const options = dialog.locator('[role=listbox] [role=option]');
      await options.first().waitFor({ state: 'visible' });
      expect(await options.count()).to.equal(21);
      await dialog.locator('[role=listbox] [data-lk-more-option]').click();
      await dialog.locator('[role=option]', { hasText: 'Barista 39 Okafor' }).waitFor({ state: 'visible' });
      expect(await options.count()).to.equal(41);
      await screenShot(sam.page, `share-picker-suggestions-${viewport.width}`);
      expect(await axeViolations(sam.page, '.lk-panel [data-lk-share-dialog]'), 'axe, suggestions open').to.deep.equal([]);
      await dialog.locator('[role=option]', { hasText: 'Barista 07 Okafor' }).click();
      await grantRow(dialog, 'Barista 07 Okafor').waitFor({ state: 'visible' });

      const width = await dialog.evaluate((d: { scrollWidth: number; clientWidth: number }) => [d.scrollWidth, d.clientWidth]);
      expect(width[0], 'the dialog needs no sideways scrolling').to.be.at.most(width[1]!);
      await screenShot(sam.page, `share-picker-dialog-${viewport.width}`);
      await clickAndReload(sam.page, dialog.locator('button[type=submit]'));
      expect(await lk.entries.grants(SAM, entry.id)).to.have.deep.members([
        { kind: 'admin', id: String(1000 + STAFF), canEdit: true },
        { kind: 'contact', id: '1007', canEdit: false },
      ]);

      // Opened again: who has access, at which level; Priya removed, the barista raised to edit-and-share.
      await shareButton.click();
      await dialog.waitFor({ state: 'visible' });
      const rows = dialog.locator('[data-lk-grant-rows] li');
      expect(await rows.count()).to.equal(2);
      expect(await priya.locator('select').inputValue()).to.equal('edit');
      const barista = grantRow(dialog, 'Barista 07 Okafor');
      expect(await barista.locator('select').inputValue()).to.equal('view');
      expect(await barista.locator('select').getAttribute('aria-label')).to.equal('Access for Barista 07 Okafor');
      await barista.locator('select').selectOption('share');
      await priya.getByRole('button', { name: 'Remove Priya Ramanathan' }).click();
      expect(await rows.count()).to.equal(1);
      expect(await axeViolations(sam.page, '.lk-panel [data-lk-share-dialog]'), 'axe, the list').to.deep.equal([]);
      await clickAndReload(sam.page, dialog.locator('button[type=submit]'));
      expect(await lk.entries.grants(SAM, entry.id)).to.deep.equal([{ kind: 'contact', id: '1007', canEdit: true, canShare: true }]);
      expectQuiet(sam.watch, `sharing at ${viewport.width}`);
      await sam.context.close();
    });
  }

  it('a client shares its own entry with one of its sixty contacts found by name, and is offered neither staff nor itself', async () => {
    const lk = e2e.host.latchkey;
    const blueHarbour = { kind: 'client', clientId: BLUE_HARBOUR } as const;
    const entry = await lk.entries.create(blueHarbour, { name: 'Roastery wifi', password: 'Wifi-share-pw-3307' });
    const emma = await e2e.newPage();
    await emma.page.setViewportSize({ width: 390, height: 844 });
    await clientLogin(emma.page, 'hello@blueharbourcoffee.example', 'share-picker-emma');
    await visit(emma.page, '/clientarea/passwords', 'share-picker-client-area');
    const panel = emma.page.locator('.lk-panel.lk-clientarea');
    await panel.locator(`[data-lk-row="${entry.id}"] [data-lk-share]`).click();
    const dialog = panel.locator('[data-lk-share-dialog]');
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.locator('h2').innerText()).to.equal('Share “Roastery wifi”');
    const input = dialog.locator('[data-lk-search-picker] input[role=combobox]');
    for (const text of ['priya', 'emma clarke']) {
      const [answer] = await Promise.all([
        emma.page.waitForResponse((r) => r.url().includes(`/entries/${entry.id}/share-targets?search=${encodeURIComponent(text)}`)),
        input.fill(text),
      ]);
      expect(await answer.json(), text).to.deep.equal({ items: [], more: false });
      await dialog.locator('[data-lk-picker-status]', { hasText: 'No match' }).waitFor({ state: 'attached' });
      expect(await dialog.locator('[role=option]').count(), text).to.equal(0);
    }
    await pickByKeyboard(dialog, 'barista 12', 'Barista 12 Okafor');
    await screenShot(emma.page, 'share-picker-client-dialog-390');
    await clickAndReload(emma.page, dialog.locator('button[type=submit]'));
    expect(await lk.entries.grants(blueHarbour, entry.id)).to.deep.equal([{ kind: 'contact', id: '1012', canEdit: false }]);
    expectQuiet(emma.watch, 'a client sharing by name');
    await emma.context.close();
  });

  it('an addon manager excludes a client from its private entries and denies a contact the client area by name, and undoes both, never typing an id', async () => {
    const lk = e2e.host.latchkey;
    const olivia = await e2e.newPage();
    await adminLogin(olivia.page, 'olivia', 'share-picker-olivia');
    await visit(olivia.page, '/admin/addons/latchkey?page=settings', 'share-picker-settings');
    const list = olivia.page.locator('[data-lk-client-list]:has(input[name="clientPrivateEntries.excludedClientIds"])');
    const input = list.locator('input[role=combobox]');
    await input.fill('atelier');
    await list.locator('[role=option]', { hasText: 'Atelier Lumière' }).waitFor({ state: 'visible' });
    await input.press('ArrowDown');
    await input.press('Enter');
    expect(await list.locator('.lk-chip').allInnerTexts()).to.deep.equal(['Atelier Lumière ×']);
    const save = async () => {
      await olivia.page.locator('[data-lk-settings-form] button[type=submit]').click();
      await olivia.page.waitForFunction(() => window.document.querySelector('[data-lk-toast]')?.textContent === 'Saved.');
      await olivia.page.evaluate(() => { window.document.querySelector('[data-lk-toast]').textContent = ''; });
    };
    await save();
    expect((await lk.settings.get({ kind: 'system' })).clientPrivateEntries.excludedClientIds).to.deep.equal(['2']);
    await olivia.page.reload();
    await list.getByRole('button', { name: 'Stop excluding Atelier Lumière' }).click();
    expect(await list.locator('.lk-chip').count()).to.equal(0);
    await save();
    expect((await lk.settings.get({ kind: 'system' })).clientPrivateEntries.excludedClientIds).to.deep.equal([]);

    // A contact of any client is denied the client area by name; the setting keeps the id, the page shows the name.
    const contacts = olivia.page.locator('[data-lk-client-list]:has(input[name="clientArea.restrictedContactIds"])');
    const contactInput = contacts.locator('input[role=combobox]');
    await contactInput.fill('whitaker');
    const tom = contacts.locator('[role=option]', { hasText: 'Tom Whitaker' });
    await tom.waitFor({ state: 'visible' });
    expect(await tom.innerText()).to.contain('Blue Harbour Coffee Roasters');
    await contactInput.press('ArrowDown');
    await contactInput.press('Enter');
    await save();
    expect((await lk.settings.get({ kind: 'system' })).clientArea.restrictedContactIds).to.deep.equal(['2']);
    await olivia.page.reload();
    expect(await contacts.locator('.lk-chip').allInnerTexts()).to.deep.equal(['Tom Whitaker ×']);
    await screenShot(olivia.page, 'share-picker-restricted-contacts');
    await contacts.getByRole('button', { name: 'Let Tom Whitaker into the client area again' }).click();
    await save();
    expect((await lk.settings.get({ kind: 'system' })).clientArea.restrictedContactIds).to.deep.equal([]);
    expectQuiet(olivia.watch, 'excluding by name');
  });
});
