import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { adminLogin, clientLogin, expectQuiet, requireChromium, shot, startE2E, visit, type E2E, type WatchedPage } from './support.ts';

// In-page callbacks run in Chromium; the project compiles without the DOM lib, so its globals are declared loosely here.
declare const document: any;
declare const window: any;

const TRANSFER_PAGE = '/admin/addons/latchkey?page=transfer';
const OLIVIA = { kind: 'admin', adminId: '1' } as const;

/** A Chrome export: two logins, and one whose address is a script. */
const CHROME_CSV = [
  'name,url,username,password,note',
  'Harbour router,https://router.harbour.example,admin,r0uter-pw,',
  'Staging panel,staging.harbour.example,ops,st4ging-pw,rack 2',
  'Trap,javascript:alert(1),x,y,',
].join('\n');

/** Chooses the file, as a user picking it from disk would. */
async function chooseFile(page: Page, name: string, text: string): Promise<void> {
  await page.setInputFiles('[data-lk-import-form] input[type=file]', { name, mimeType: 'text/csv', buffer: Buffer.from(text) });
}

/** Clicks an export button and reads the file the browser saves. */
async function downloaded(page: Page, button: string): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  return { name: download.suggestedFilename(), text: readFileSync(await download.path(), 'utf8') };
}

describe('[sqlite] e2e: an addon admin previews, confirms and follows an import, then exports', function () {
  let e2e: E2E;
  let w: WatchedPage;
  let page: Page;

  before(async function () {
    requireChromium(this);
    e2e = await startE2E();
    w = await e2e.newPage();
    page = w.page;
    await adminLogin(page, 'olivia', 'transfer-olivia');
  });
  after(async () => e2e?.close());

  it('the preview lists every row with its status and its problems by field, in words, as cards on a phone, and writes nothing', async () => {
    await visit(page, TRANSFER_PAGE, 'transfer-empty');
    expect(await page.locator('.lk-admin-nav a[aria-current=page]').innerText()).to.equal('Import and export');
    const before = (await e2e.host.latchkey.entries.list(OLIVIA, { search: 'harbour' })).total;
    await chooseFile(page, 'chrome.csv', CHROME_CSV);
    await page.selectOption('select[name=format]', 'chrome-csv');
    await page.click('[data-lk-import-preview]');
    await page.locator('[data-lk-import-plan]').waitFor({ state: 'visible' });
    const rows = await page.locator('[data-lk-import-rows] tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    expect(rows.map((r) => r.slice(1, 3))).to.deep.equal([['Harbour router', 'Will be created'], ['Staging panel', 'Will be created'], ['Trap', 'Invalid']]);
    expect(rows[2]![5]).to.equal('websiteUrl: must be an http:// or https:// address');
    expect(await page.locator('[data-lk-import-counts]').innerText()).to.equal('2 to create, 0 already there, 0 skipped, 1 invalid, 0 matching no client.');
    expect((await e2e.host.latchkey.entries.list(OLIVIA, { search: 'harbour' })).total).to.equal(before);
    await shot(page, 'transfer-preview');
    // On a phone each row is a card whose cells name their column; nothing scrolls sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.locator('[data-lk-import-rows] tr').first().locator('td').nth(1).getAttribute('data-lk-label')).to.equal('Name');
    expect(await page.locator('[data-lk-import-plan]').evaluate((plan) => [...plan.querySelectorAll('*')]
      .filter((el) => el.scrollWidth > el.clientWidth + 1 && ['auto', 'scroll'].includes(window.getComputedStyle(el).overflowX)).length)).to.equal(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(390);
    await shot(page, 'transfer-preview-phone');
    await page.setViewportSize({ width: 1366, height: 800 });
    expectQuiet(w.watch, 'preview');
  });

  it('confirming shows the progress until the import is done, with its counts, and the entries are there', async () => {
    await page.click('[data-lk-import-confirm]');
    await page.locator('[data-lk-import-progress]').waitFor({ state: 'visible' });
    const status = page.locator('[data-lk-import-progress] [role=status]');
    await page.waitForFunction(() => document.querySelector('[data-lk-import-progress] [role=status]')?.textContent?.startsWith('Import finished'));
    expect(await status.innerText()).to.equal('Import finished: 2 created, 0 already there, 0 skipped, 1 invalid, 0 matching no client.');
    expect(await page.locator('[data-lk-import-progress] progress').evaluate((bar) => [bar.value, bar.max])).to.deep.equal([2, 2]);
    expect(await page.locator('[data-lk-import-plan]').isHidden()).to.equal(true);
    const names = (await e2e.host.latchkey.entries.list(OLIVIA, { search: 'harbour' })).items.map((e) => e.name);
    expect(names).to.include.members(['Harbour router', 'Staging panel']);
    await shot(page, 'transfer-done');
    expectQuiet(w.watch, 'import');
  });

  it('the same file again plans nothing new: every valid row is already there', async () => {
    await chooseFile(page, 'chrome.csv', CHROME_CSV);
    await page.selectOption('select[name=format]', 'chrome-csv');
    await page.click('[data-lk-import-preview]');
    await page.locator('[data-lk-import-plan]').waitFor({ state: 'visible' });
    expect(await page.locator('[data-lk-import-counts]').innerText()).to.equal('0 to create, 2 already there, 0 skipped, 1 invalid, 0 matching no client.');
    expect(await page.locator('[data-lk-import-confirm]').isDisabled()).to.equal(true);
  });

  it('Download CSV saves a file of the entries with their passwords', async () => {
    const file = await downloaded(page, '[data-lk-export-form] [data-lk-export=csv]');
    expect(file.name).to.match(/^latchkey-export-\d{4}-\d\d-\d\d\.csv$/);
    expect(file.text.split('\r\n')[0]).to.equal('\uFEFFname,username,password,website_url,login_url,notes,totp,client_id,client,category,tags');
    expect(file.text).to.include('Harbour router,admin,r0uter-pw,https://router.harbour.example,');
    expectQuiet(w.watch, 'export');
  });

  it('Download Latchkey JSON for one client, chosen with the client picker, holds that client\'s entries only', async () => {
    await page.selectOption('[data-lk-export-form] select[name=scope]', 'client');
    await page.fill('#lk-export-client', 'Blue');
    await page.locator('#lk-export-client-options [role=option]').first().click();
    const file = await downloaded(page, '[data-lk-export-form] [data-lk-export=json]');
    expect(file.name).to.match(/^latchkey-export-\d{4}-\d\d-\d\d\.json$/);
    const entries = (JSON.parse(file.text) as { entries: Array<{ clientId: string | null }> }).entries;
    expect(entries).to.not.be.empty;
    expect([...new Set(entries.map((e) => e.clientId))]).to.deep.equal(['1']);
    expectQuiet(w.watch, 'export of one client');
  });
});

describe('[sqlite] e2e: a client sees import and export only once an admin allows it', function () {
  let e2e: E2E;
  let w: WatchedPage;
  let page: Page;

  before(async function () {
    requireChromium(this);
    e2e = await startE2E();
    w = await e2e.newPage();
    page = w.page;
    await clientLogin(page, 'hello@blueharbourcoffee.example', 'transfer-emma');
  });
  after(async () => e2e?.close());

  it('with the setting off, the client area shows neither import nor export', async () => {
    await visit(page, '/clientarea/passwords', 'transfer-client-off');
    expect(await page.locator('.lk-clientarea').count()).to.equal(1);
    expect(await page.locator('[data-lk-transfer], [data-lk-import-form], [data-lk-export-form]').count()).to.equal(0);
  });

  it('with the setting on, the client imports into its own entries and exports only those', async () => {
    await e2e.host.latchkey.settings.update(OLIVIA, { clientImportExport: true });
    await visit(page, '/clientarea/passwords', 'transfer-client-on');
    expect(await page.locator('[data-lk-import-form] input[name=target]').count()).to.equal(0);
    await chooseFile(page, 'chrome.csv', CHROME_CSV);
    await page.selectOption('select[name=format]', 'chrome-csv');
    await page.click('[data-lk-import-preview]');
    await page.locator('[data-lk-import-plan]').waitFor({ state: 'visible' });
    await page.click('[data-lk-import-confirm]');
    await page.waitForFunction(() => document.querySelector('[data-lk-import-progress] [role=status]')?.textContent?.startsWith('Import finished'));
    const file = await downloaded(page, '[data-lk-export-form] [data-lk-export=csv]');
    const names = file.text.split('\r\n').slice(1).filter(Boolean).map((line) => line.split(',')[0]);
    expect(names).to.include.members(['Harbour router', 'Staging panel', 'Mailchimp']);
    // Shared with the client by staff, not its own: not in its export.
    expect(names).not.to.include('Cloudflare (DNS for blueharbourcoffee.example)');
    await shot(page, 'transfer-client-done');
    expectQuiet(w.watch, 'client import and export');
  });
});
