import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { adminLogin, clickAndReload, expectQuiet, requireChromium, shot, startE2E, visit, type E2E, type WatchedPage } from './support.ts';

// In-page callbacks run in Chromium; the project compiles without the DOM lib, so its globals are declared loosely here.
declare const navigator: any;

const TOKENS_PAGE = '/admin/addons/latchkey?page=tokens';

describe('[sqlite] e2e: an addon admin makes, copies and revokes an API token', function () {
  let e2e: E2E;
  let w: WatchedPage;
  let page: Page;
  let token = '';

  /** What a script gets back when it calls the API with the token. */
  const scriptCall = async () => (await fetch(`${e2e.host.url}/latchkey/api/entries`, { headers: { authorization: `Bearer ${token}` } })).status;

  before(async function () {
    requireChromium(this);
    e2e = await startE2E();
    w = await e2e.newPage({ clipboard: true });
    page = w.page;
    await adminLogin(page, 'olivia', 'tokens-olivia');
  });
  after(async () => e2e?.close());

  it('the page is in the addon navigation, with nothing created yet', async () => {
    await visit(page, TOKENS_PAGE, 'tokens-empty');
    expect(await page.locator('.lk-admin-nav a[aria-current=page]').innerText()).to.equal('API tokens');
    expect(await page.locator('p.lk-empty:not([hidden])').innerText()).to.equal('No API tokens yet.');
    expect(await page.locator('[data-lk-token-created]').isHidden()).to.equal(true);
  });

  it('a refused expiry is named on its field, and nothing is created', async () => {
    await page.fill('input[name=name]', 'Nightly export');
    await page.fill('input[name=expiresInDays]', '366');
    await page.click('[data-lk-token-form] button[type=submit]');
    await page.waitForSelector('[data-lk-error-for="expiresInDays"]:not(:empty)');
    expect(await page.locator('input[name=expiresInDays]').getAttribute('aria-invalid')).to.equal('true');
    expect(await e2e.host.latchkey.apiTokens.list({ kind: 'admin', adminId: '1' })).to.deep.equal([]);
    // Chromium logs the refused request's 400 itself; that one line is expected.
    expect(w.watch.consoleErrors).to.have.length(1).and.satisfy((lines: string[]) => lines[0]!.includes('400'));
    w.watch.consoleErrors.length = 0;
    expectQuiet(w.watch, 'refused expiry');
  });

  it('creating shows the token once, in a box whose button copies it', async () => {
    await page.fill('input[name=expiresInDays]', '30');
    await page.check('input[name=scopes][value=reveal]');
    await page.click('[data-lk-token-form] button[type=submit]');
    const box = page.locator('[data-lk-token-created]');
    await box.waitFor({ state: 'visible' });
    token = await box.locator('[data-lk-token-value]').innerText();
    expect(token).to.match(/^lk_[A-Za-z0-9_-]{43}$/);
    await page.evaluate(() => navigator.clipboard.writeText('nothing yet'));
    await box.locator('[data-lk-token-copy]').click();
    await page.waitForFunction(async (expected) => (await navigator.clipboard.readText()) === expected, token);
    await shot(page, 'tokens-created');
    expect(await scriptCall()).to.equal(200);
    expectQuiet(w.watch, 'create');
  });

  it('the list names the token, its admin, scopes and last use, and never shows the token again', async () => {
    await visit(page, TOKENS_PAGE, 'tokens-listed');
    expect(await page.content()).not.to.include(token.slice(3));
    expect(await page.locator('[data-lk-token-created]').isHidden()).to.equal(true);
    const cells = await page.locator('tr[data-lk-token-row] > *').allInnerTexts();
    expect(cells[0]).to.equal('Nightly export');
    expect(cells[1]).to.equal('Olivia Bennett');
    expect(cells[2]).to.contain('read').and.contain('reveal');
    expect(cells[5]).not.to.equal('Never');
    expect(cells[6]).to.equal('Active');
  });

  it('revoking asks first, then the token stops working and the list says Revoked', async () => {
    await page.click('[data-lk-token-revoke]');
    const dialog = page.locator('[data-lk-token-revoke-dialog]');
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.locator('[data-lk-token-revoke-text]').innerText()).to.contain('"Nightly export"');
    await shot(page, 'tokens-revoke');
    await clickAndReload(page, dialog.locator('[data-lk-token-confirm]'));
    expect(await page.locator('tr[data-lk-token-row] > *').nth(6).innerText()).to.equal('Revoked');
    expect(await page.locator('[data-lk-token-revoke]').count()).to.equal(0);
    expect(await scriptCall()).to.equal(401);
    await shot(page, 'tokens-revoked');
    expectQuiet(w.watch, 'revoke');
  });
});
