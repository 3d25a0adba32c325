/**
 * Secrets on screen (issue 17), in Chromium, on each database: the TOTP code
 * counts down and is replaced when it runs out, a revealed password hides
 * itself after the settings' time, and copying puts one field on the
 * clipboard (audited as a copy) and clears it afterwards only if it still
 * holds the copy. The page's timers run on playwright's clock and the
 * server's on a ManualClock, so no test waits for real seconds.
 */
import { expect } from 'chai';
import type { Browser, Locator, Page } from 'playwright-core';
import { totpCode, type Actor, type Latchkey } from '../../core/index.ts';
import { Harness, HOST_SESSION_COOKIE, subjectOf } from '../express/harness.ts';
import { forEachDatabase, ManualClock, openVault, testDatabases, type Vault } from '../support/databases.ts';
import { hostFixture, owner } from '../support/host-fixture.ts';
import { expectQuiet, launchChromium, requireChromium, shot, watch, type PageWatch } from './support.ts';

// In-page callbacks run in Chromium; the project compiles without the DOM lib.
declare const navigator: any;

const SEED = 'JBSWY3DPEHPK3PXPJBSWY3DP';
const PASSWORD = 'Rack-Pass-4471';
const NOTES = 'vlan 42, rack 4';
const CLEAR_SECONDS = 30;
const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };

// One Chromium for the file, shared by the suites of both databases.
let chromium: Promise<Browser> | undefined;
let suitesLeft = testDatabases().length;

forEachDatabase('e2e: secrets on screen', (db) => {
  let clock: ManualClock;
  let vault: Vault;
  let lk: Latchkey;
  let h: Harness;
  let entryId: string;
  let plainId: string;

  before(async function () {
    requireChromium(this);
    chromium ??= launchChromium();
    // Three seconds into a 30-second TOTP step, near the real time (cookies expire by the real clock).
    clock = new ManualClock(Math.floor(Date.now() / 30_000) * 30_000 + 3_000);
    vault = await openVault(db, hostFixture(), { clock });
    lk = vault.lk;
    h = await Harness.start(db, { vault });
    // Chromium asks every new page's origin for one; a 404 would count as a console error.
    h.app.get('/favicon.ico', (_req, res) => { res.status(204).end(); });
    await lk.settings.update(owner, { adminAccessMode: 'full' });
    entryId = (await lk.entries.create(owner, {
      name: 'Rack switch', clientId: 'c-acme', username: 'netadmin', password: PASSWORD, notes: NOTES, totpSecret: SEED,
    })).id;
    plainId = (await lk.entries.create(owner, { name: 'Printer', clientId: 'c-acme', username: 'lp', password: 'printer-pw' })).id;
  });
  after(async () => {
    await h?.close();
    await vault?.close();
    suitesLeft -= 1;
    if (suitesLeft === 0) await (await chromium)?.close();
  });

  /**
   * The client summary of Acme as `actor`, in a fresh context, its timers on a
   * paused clock that only `page.clock.runFor` moves.
   */
  async function summary(actor: Actor = owner, viewport = DESKTOP): Promise<{ page: Page; watch: PageWatch }> {
    const browser = await chromium!;
    const context = await browser.newContext({ viewport, locale: 'en-GB', permissions: ['clipboard-read', 'clipboard-write'] });
    context.setDefaultTimeout(15_000);
    await context.addCookies([{ name: HOST_SESSION_COOKIE, value: encodeURIComponent(subjectOf(actor)), url: h.origin }]);
    const page = await context.newPage();
    const watched = watch(page);
    const start = Date.now();
    await page.clock.install({ time: start });
    const response = await page.goto(`${h.origin}/host/page/clientSummary?clientId=c-acme`, { waitUntil: 'load' });
    expect(response?.status()).to.equal(200);
    await page.clock.pauseAt(start + 60_000);
    return { page, watch: watched };
  }

  const row = (page: Page, id: string) => page.locator(`[data-lk-row="${id}"]`);
  const showing = (locator: Locator, text: string) => locator.filter({ hasText: text }).waitFor();
  const clipboard = (page: Page): Promise<string> => page.evaluate(() => navigator.clipboard.readText());
  /** Polls from here, in real time: the page's own timers (and so waitForFunction's) are on the paused clock. */
  async function clipboardBecomes(page: Page, expected: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const held = await clipboard(page);
      if (held === expected) return;
      if (Date.now() > deadline) throw new Error(`the clipboard holds "${held}", not "${expected}"`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const entryActions = async (id: string) => (await lk.audit.list(owner, { entryId: id })).map((e) => e.action).filter((a) => a !== 'entry.create');

  it('the TOTP code counts down each second; at 0 the next code replaces it and counts down in turn', async () => {
    await lk.settings.update(owner, { revealHideSeconds: 0 });
    const { page, watch } = await summary();
    await row(page, entryId).locator(`[data-lk-reveal="${entryId}"]`).click();
    const totp = row(page, entryId).locator(`[data-lk-totp-for="${entryId}"]`);
    const first = totpCode(SEED, clock.now()).code;
    await showing(totp, `Current code: ${first} (27 s left)`);
    await page.clock.runFor(1_000);
    await showing(totp, `Current code: ${first} (26 s left)`);
    await page.clock.runFor(25_000);
    await showing(totp, `Current code: ${first} (1 s left)`);

    // The server's time reaches the next step as the page's count reaches 0.
    clock.advanceSeconds(27);
    const next = totpCode(SEED, clock.now()).code;
    expect(next).not.to.equal(first);
    await page.clock.runFor(1_000);
    await showing(totp, `Current code: ${next} (30 s left)`);
    // 32 seconds after the reveal: the new code, 25 seconds left (issue 17 saw "27 s left" and the old code here).
    await page.clock.runFor(5_000);
    await showing(totp, `Current code: ${next} (25 s left)`);
    await shot(page, 'secrets-totp-next-code');
    // On a phone the code and its copy button stay within the screen.
    await page.setViewportSize(PHONE);
    for (const part of [totp, row(page, entryId).locator('[data-lk-field="totp"]')]) {
      const box = (await part.boundingBox())!;
      expect(box.x + box.width, 'right edge at 390 px').to.be.at.most(PHONE.width);
    }
    await shot(page, 'secrets-totp-next-code-phone');
    expect(await entryActions(entryId)).to.deep.equal(['entry.reveal', 'entry.reveal']);
    expect((await lk.audit.list(owner, { entryId, action: 'entry.reveal' }))[0]!.details).to.deep.equal({ fields: ['totpSecret'], place: 'clientSummary' });

    // Hidden, the count stops: no further code is asked for.
    await row(page, entryId).locator(`[data-lk-reveal="${entryId}"]`).click();
    await page.clock.runFor(60_000);
    expect(await totp.textContent()).to.equal('');
    expect(await entryActions(entryId)).to.have.length(2);
    expectQuiet(watch, 'TOTP count');
    await page.context().close();
  });

  it('a revealed password hides itself after the settings\' seconds: shown at N-1, hidden at N (on a phone)', async () => {
    await lk.settings.update(owner, { revealHideSeconds: 10 });
    const { page, watch } = await summary(owner, PHONE);
    const entry = row(page, entryId);
    const button = entry.locator(`[data-lk-reveal="${entryId}"]`);
    const secret = entry.locator(`[data-lk-secret-for="${entryId}"]`);
    await button.click();
    await showing(secret, PASSWORD);
    await page.clock.runFor(9_000);
    expect(await secret.textContent()).to.equal(PASSWORD);
    expect(await button.getAttribute('aria-pressed')).to.equal('true');
    await shot(page, 'secrets-revealed-phone');
    await page.clock.runFor(1_000);
    expect(await secret.textContent()).to.equal('••••••••');
    expect(await button.getAttribute('aria-pressed')).to.equal('false');
    expect(await entry.locator(`[data-lk-details-for="${entryId}"]`).isHidden()).to.equal(true);
    expect(await entry.locator(`[data-lk-notes-for="${entryId}"]`).textContent()).to.equal('');

    // Revealed again, the time starts again from the new reveal.
    await button.click();
    await showing(secret, PASSWORD);
    await page.clock.runFor(9_000);
    expect(await secret.textContent()).to.equal(PASSWORD);
    await page.clock.runFor(1_000);
    expect(await secret.textContent()).to.equal('••••••••');
    expectQuiet(watch, 'hide after 10 s');
    await page.context().close();
  });

  it('with 0 seconds a revealed password stays until hidden by hand', async () => {
    await lk.settings.update(owner, { revealHideSeconds: 0 });
    const { page, watch } = await summary();
    const secret = row(page, plainId).locator(`[data-lk-secret-for="${plainId}"]`);
    await row(page, plainId).locator(`[data-lk-reveal="${plainId}"]`).click();
    await showing(secret, 'printer-pw');
    await page.clock.runFor(3_600_000);
    expect(await secret.textContent()).to.equal('printer-pw');
    expectQuiet(watch, 'never hide');
    await page.context().close();
  });

  it('copy puts the one field on the clipboard, audited as entry.copy and no reveal; the clipboard is cleared when the delay ends, not before', async () => {
    const { page, watch } = await summary();
    const entry = row(page, plainId);
    const before = await entryActions(plainId);
    await page.evaluate(() => navigator.clipboard.writeText('nothing yet'));
    await entry.locator('[data-lk-field="password"]').click();
    await clipboardBecomes(page, 'printer-pw');
    const [copied] = await lk.audit.list(owner, { entryId: plainId });
    expect([copied!.action, copied!.details]).to.deep.equal(['entry.copy', { field: 'password', place: 'clientSummary' }]);
    expect(await entryActions(plainId), 'no reveal').to.deep.equal(['entry.copy', ...before]);

    await page.clock.runFor((CLEAR_SECONDS - 1) * 1000);
    expect(await clipboard(page)).to.equal('printer-pw');
    await page.clock.runFor(1_000);
    await clipboardBecomes(page, '');
    await showing(page.locator('[data-lk-toast]'), 'Clipboard cleared');

    // The username and the TOTP code copy the same way, the code as the one of the moment.
    await entry.locator('[data-lk-field="username"]').click();
    await clipboardBecomes(page, 'lp');
    await row(page, entryId).locator('[data-lk-field="totp"]').click();
    const code = totpCode(SEED, clock.now()).code;
    await clipboardBecomes(page, code);
    expect((await lk.audit.list(owner, { action: 'entry.copy' })).slice(0, 2).map((e) => e.details)).to.deep.equal([{ field: 'totp', place: 'clientSummary' }, { field: 'username', place: 'clientSummary' }]);
    expectQuiet(watch, 'copy and clear');
    await page.context().close();
  });

  it('what the person copied after the secret stays on the clipboard when the delay ends', async () => {
    const { page, watch } = await summary();
    await page.evaluate(() => navigator.clipboard.writeText('nothing yet'));
    await row(page, plainId).locator('[data-lk-field="password"]').click();
    await clipboardBecomes(page, 'printer-pw');
    await page.evaluate(() => navigator.clipboard.writeText('my own note'));
    await page.clock.runFor(CLEAR_SECONDS * 1000);
    // Time for the clearing check to read the clipboard and decide (it reads, then writes only when it still holds the secret).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await clipboard(page)).to.equal('my own note');
    expectQuiet(watch, 'keep what was copied since');
    await page.context().close();
  });

  it('the settings page sets the seconds, refusing 3601 next to the field and taking 3600', async () => {
    const { page } = await summary();
    await page.goto(`${h.origin}/host/page/adminPages?page=settings`, { waitUntil: 'load' });
    const input = page.locator('[data-lk-settings-form] input[name=revealHideSeconds]');
    await input.fill('3601');
    await page.locator('[data-lk-settings-form] button[type=submit]').click();
    await page.locator('[data-lk-error-for="revealHideSeconds"]').filter({ hasText: /.+/ }).waitFor();
    expect((await lk.settings.get(owner)).revealHideSeconds).not.to.equal(3601);
    await input.fill('3600');
    await page.locator('[data-lk-settings-form] button[type=submit]').click();
    await showing(page.locator('[data-lk-toast]'), 'Saved.');
    expect((await lk.settings.get(owner)).revealHideSeconds).to.equal(3600);
    await shot(page, 'secrets-settings-reveal-hide');
    await page.context().close();
  });
});
