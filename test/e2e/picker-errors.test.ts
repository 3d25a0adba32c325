import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import express from 'express';
import type { Browser, Locator, Page } from 'playwright-core';
import { mountLatchkey } from '../../adapters/express/index.ts';
import type { Logger } from '../../core/index.ts';
import { openVault, type Vault } from '../support/databases.ts';
import { faultyHost, RAW_FAULT_MESSAGE, type HostFault } from '../support/faulty-host.ts';
import { owner } from '../support/host-fixture.ts';
import { listenOnLoopback, type LoopbackServer } from '../support/loopback.ts';
import { launchChromium, requireChromium, watch, type PageWatch } from './support.ts';

const BASE = '/latchkey';
/** How long a search may wait on the host before the API gives up: short, so a hang costs the suite little. */
const DEADLINE_MS = 300;
const FRENCH = JSON.parse(readFileSync(new URL('../../locales/fr/latchkey.json', import.meta.url), 'utf8')) as {
  errors: { host_unavailable: string };
  js: { searchFailed: string };
};

/** The in-process host's addon settings page, in French, with Latchkey's panel: its step-up reset picks a client by name. */
function hostPage(fragment: string): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Réglages</title></head><body>${fragment}</body></html>`;
}

/**
 * In Chromium, on the settings page of a host whose directory fails (a raw
 * driver error, or no answer within the deadline): the step-up reset's
 * client picker and the contact list it fills say why nothing is listed, in
 * the panel's language, and stop saying so once the host answers again.
 */
describe('[sqlite] e2e: a picker says so when the host platform cannot search', function () {
  const host = faultyHost();
  let vault: Vault;
  let server: LoopbackServer;
  let browser: Browser;
  let page: Page;
  let seen: PageWatch;
  let input: Locator;
  let status: Locator;
  /** What Latchkey logs: each outage, for the operator (kept off the test's output). */
  const logged: string[] = [];
  const keep = (message: string) => { logged.push(message); };
  const logger: Logger = { info: keep, warn: keep, error: keep };

  before(async function () {
    requireChromium(this);
    vault = await openVault({ name: 'sqlite', url: 'sqlite::memory:' }, host.directory, { hostSearchDeadlineMs: DEADLINE_MS, logger });
    const app = express();
    const mount = mountLatchkey(app, { latchkey: vault.lk, basePath: BASE, secret: randomBytes(32).toString('base64url'), identify: () => owner, logger });
    app.get('/host/settings', (req, res, next) => {
      mount.render('adminPages', req, res, { page: 'settings', language: 'fr' })
        .then((fragment) => { res.type('html').send(hostPage(fragment ?? '')); }, next);
    });
    server = await listenOnLoopback(app);
    browser = await launchChromium();
    const context = await browser.newContext({ baseURL: server.origin, locale: 'fr-FR' });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    seen = watch(page);
    await page.goto('/host/settings');
    input = page.locator('#lk-step-up-reset-client');
    status = page.locator('[data-lk-search-picker]:has(#lk-step-up-reset-client) [data-lk-picker-status]');
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await vault?.close();
  });
  afterEach(async () => {
    host.fault(null);
    await page?.unrouteAll();
    await input?.fill('');
  });

  /** Whether the status line is shown on screen (not merely read out by a 1-px screen-reader box). */
  async function shownOnScreen(line: Locator): Promise<boolean> {
    const box = await line.boundingBox();
    return box !== null && box.width > 1 && box.height > 1;
  }

  /** No script error or JS dialog so far; Chromium's own lines for the refused requests are all it logged. */
  function expectNoScriptErrors(what: string): void {
    expect(seen.errors, `${what}: uncaught errors`).to.deep.equal([]);
    expect(seen.dialogs, `${what}: JS dialogs`).to.deep.equal([]);
    expect(seen.consoleErrors.splice(0).filter((line) => !/Failed to load resource/.test(line)), `${what}: other console errors`).to.deep.equal([]);
  }

  /** Types `text` and waits until the status line says `said`. */
  async function search(text: string, said: string): Promise<void> {
    await input.fill(text);
    await page.locator('[data-lk-search-picker] [data-lk-picker-status]', { hasText: said }).waitFor({ state: 'attached' });
  }

  const sayings: Record<HostFault, string> = { throws: 'fails with a raw driver error', hangs: 'does not answer in time' };
  for (const fault of ['throws', 'hangs'] as const) {
    it(`when the host ${sayings[fault]}, the client picker shows the platform's outage in French under its input; a later search that answers clears it`, async () => {
      host.fault('findClients', fault);
      await search('acme', FRENCH.errors.host_unavailable);
      expect(await status.innerText()).to.equal(FRENCH.errors.host_unavailable);
      expect(await status.getAttribute('role'), 'read out too').to.equal('status');
      expect(await shownOnScreen(status), 'shown on screen').to.equal(true);
      const [field, line] = [await input.boundingBox(), await status.boundingBox()];
      expect(line!.y, 'under the input').to.be.at.least(field!.y + field!.height - 1);
      expect(await input.getAttribute('aria-expanded')).to.equal('false');
      expect(await page.locator('body').innerText()).not.to.contain(RAW_FAULT_MESSAGE);

      host.fault(null);
      await input.fill('acm');
      await page.locator('[role=option]', { hasText: 'Acme Ltd' }).waitFor({ state: 'visible' });
      expect(await status.innerText()).not.to.contain(FRENCH.errors.host_unavailable);
      expect(await shownOnScreen(status), 'back to the screen reader alone').to.equal(false);
      expect(logged.join('\n'), 'the outage is logged for the operator').to.contain("the host directory's findClients");
      expectNoScriptErrors(fault);
    });
  }

  it('emptying the input takes the message away', async () => {
    host.fault('findClients');
    await search('acme', FRENCH.errors.host_unavailable);
    await input.fill('');
    expect(await status.textContent()).to.equal('');
    expect(await shownOnScreen(status)).to.equal(false);
    expectNoScriptErrors('emptied');
  });

  it("an answer that is not the API's JSON (a proxy's error page, a dropped connection) shows the generic French message, never its text", async () => {
    const proxyPage = '<html><body><h1>502 Bad Gateway</h1><p>upstream 10.0.0.7:8443 refused</p></body></html>';
    for (const answer of ['proxy page', 'dropped'] as const) {
      await page.route(`**${BASE}/api/clients?**`, (route) => (answer === 'dropped'
        ? route.abort('connectionreset')
        : route.fulfill({ status: 502, contentType: 'text/html', body: proxyPage })));
      await search(`globex ${answer}`, FRENCH.js.searchFailed);
      expect(await status.innerText(), answer).to.equal(FRENCH.js.searchFailed);
      expect(await shownOnScreen(status), answer).to.equal(true);
      expect(await page.locator('body').innerText(), answer).not.to.match(/Bad Gateway|10\.0\.0\.7/);
      await page.unrouteAll();
      await input.fill('');
    }
    expectNoScriptErrors('not JSON');
  });

  it("a client picked while the host cannot list its contacts: the contact list says why, until a later pick lists them", async () => {
    const contacts = page.locator('select[data-lk-reset-contacts]');
    const problem = page.locator('form[data-lk-step-up-reset] [data-lk-error-for="contactId"]');
    const pickAcme = async () => {
      await input.fill('acme');
      await page.locator('[role=option]', { hasText: 'Acme Ltd' }).click();
    };
    host.fault('contactsOfClients');
    await pickAcme();
    await problem.filter({ hasText: FRENCH.errors.host_unavailable }).waitFor({ state: 'visible' });
    expect(await contacts.isDisabled()).to.equal(true);

    host.fault(null);
    await pickAcme();
    await contacts.locator('option', { hasText: 'Ann Acme' }).waitFor({ state: 'attached' });
    expect(await problem.textContent()).to.equal('');
    expect(await contacts.isEnabled()).to.equal(true);
    expectNoScriptErrors('contacts');
  });
});
