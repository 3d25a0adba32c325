import { expect } from 'chai';
import type { Page } from 'playwright-core';
import {
  adminLogin, clickAndReload, entryIdByName, expectQuiet, shot, startE2E, visit, type E2E, type WatchedPage, requireChromium } from './support.ts';
import { grantRow, pickByKeyboard } from './picker.ts';

// In-page callbacks run in Chromium; the project compiles without the DOM lib, so its globals are declared loosely here.
declare const document: any;
declare const navigator: any;

const OLIVIA = { kind: 'admin', adminId: '1' } as const;

describe('[sqlite] e2e: an admin on a client summary page', function () {
  let e2e: E2E;
  let w: WatchedPage;
  let page: Page;
  let cloudflareId: string;

  before(async function () {
    requireChromium(this);
    e2e = await startE2E();
    w = await e2e.newPage({ clipboard: true });
    page = w.page;
    cloudflareId = await entryIdByName(e2e.host, 'Cloudflare (DNS for blueharbourcoffee.example)');
  });
  after(async () => e2e?.close());

  it('logs in and opens the client summary with the Latchkey panel and its access details', async () => {
    await adminLogin(page, 'olivia', 'admin-olivia');
    await page.click('a[href="/admin/clients"]');
    await shot(page, 'admin-clients');
    await Promise.all([page.waitForURL('**/admin/clients/1'), page.click('a[href="/admin/clients/1"]')]);
    const panel = page.locator('.lk-panel.lk-summary');
    expect(await panel.count()).to.equal(1);
    expect(await panel.locator('.lk-title').innerText()).to.contain('Blue Harbour Coffee Roasters');

    const row = panel.locator(`[data-lk-row="${cloudflareId}"]`);
    expect(await row.locator('.lk-name').innerText()).to.equal('Cloudflare (DNS for blueharbourcoffee.example)');
    const fields = await row.locator('.lk-fields').innerText();
    expect(fields).to.contain('hello@blueharbourcoffee.example');
    expect(fields).to.match(/Owner\s+Sam Patel/);
    // The password is masked until revealed.
    expect(await row.locator(`[data-lk-secret-for="${cloudflareId}"]`).innerText()).to.equal('••••••••');
    // Service credentials of the client come first, read-only and badged.
    const firstRows = await panel.locator('.lk-entry').evaluateAll((els) => els.slice(0, 3).map((el) => el.getAttribute('data-lk-row')));
    expect(firstRows).to.deep.equal(['service:1', 'service:2', 'service:3']);
    expect(await panel.locator('[data-lk-row="service:1"] .lk-badge').first().innerText()).to.equal('Service');
    // No secret is in the page before a reveal.
    const password = (await e2e.host.latchkey.entries.reveal(OLIVIA, cloudflareId)).password!.expose();
    expect(await page.content()).not.to.contain(password);
    await shot(page, 'admin-client-summary');
    expectQuiet(w.watch, 'summary page');
  });

  it('reveals a password, copies it to the clipboard and offers the login link', async () => {
    const row = page.locator(`[data-lk-row="${cloudflareId}"]`);
    const password = (await e2e.host.latchkey.entries.reveal(OLIVIA, cloudflareId)).password!.expose();

    await row.locator(`[data-lk-reveal="${cloudflareId}"]`).click();
    const secret = row.locator(`[data-lk-secret-for="${cloudflareId}"]`);
    await page.waitForFunction((id) => document.querySelector(`[data-lk-secret-for="${id}"]`)?.textContent !== '••••••••', cloudflareId);
    expect(await secret.innerText()).to.equal(password);
    expect(await row.locator(`[data-lk-reveal="${cloudflareId}"]`).getAttribute('aria-pressed')).to.equal('true');
    await shot(page, 'admin-summary-revealed');
    // Hiding it again masks it.
    await row.locator(`[data-lk-reveal="${cloudflareId}"]`).click();
    expect(await secret.innerText()).to.equal('••••••••');

    await page.evaluate(() => navigator.clipboard.writeText('nothing yet'));
    await row.locator(`[data-lk-copy="${cloudflareId}"][data-lk-field="password"]`).click();
    await page.waitForFunction(async (expected) => (await navigator.clipboard.readText()) === expected, password);
    expect(await page.evaluate(() => navigator.clipboard.readText())).to.equal(password);
    expect(await page.locator('[data-lk-toast]').first().innerText()).to.match(/cop/i);

    const login = row.locator('a', { hasText: 'Log in' });
    expect(await login.count()).to.equal(1);
    expect(await login.getAttribute('href')).to.equal('https://dash.cloudflare.com/login');
    expect(await login.getAttribute('target')).to.equal('_blank');
    expect((await login.getAttribute('rel'))?.split(/\s+/)).to.include('noopener');
    // Every link in the panel goes to http(s).
    const hrefs = await page.locator('.lk-panel a[href]').evaluateAll((as) => as.map((a) => (a as unknown as { protocol: string }).protocol));
    expect(hrefs.every((p) => p === 'https:' || p === 'http:')).to.equal(true);
    expectQuiet(w.watch, 'reveal and copy');
  });

  let newId = '';
  it('adds an access detail through the dialog; it is there after the reload', async () => {
    const panel = page.locator('.lk-panel.lk-summary');
    await panel.locator('[data-lk-new]').click();
    const dialog = panel.locator('[data-lk-entry-dialog]');
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.evaluate((d) => (d as { open: boolean }).open)).to.equal(true);
    expect(await dialog.locator('h2').innerText()).to.equal('New access detail');
    // The name field has the focus.
    expect(await page.evaluate(() => document.activeElement?.name)).to.equal('name');
    await dialog.locator('[name=name]').fill('Plesk — e2e added');
    await dialog.locator('[name=username]').fill('e2e-admin');
    await dialog.locator('[data-lk-generate]').click();
    await page.waitForFunction(() => document.querySelector('[data-lk-entry-dialog] [name=password]').value.length >= 12);
    await dialog.locator('[name=password]').fill('E2e-added-pw-4711');
    await dialog.locator('[name=loginUrl]').fill('https://plesk.e2e.example:8443/');
    await dialog.locator('[name=notes]').fill('Added by the end-to-end test.');
    await dialog.locator('select[name=categoryId]').selectOption({ label: 'Network & infrastructure' });
    await shot(page, 'admin-add-dialog');
    await clickAndReload(page, dialog.locator('button[type=submit]'));

    const row = page.locator('.lk-panel.lk-summary .lk-entry', { hasText: 'Plesk — e2e added' });
    expect(await row.count()).to.equal(1);
    newId = (await row.getAttribute('data-lk-row'))!;
    const text = await row.innerText();
    expect(text).to.contain('e2e-admin');
    expect(text).to.match(/Owner\s+Olivia Bennett/);
    expect(await row.locator('.lk-badge-category').innerText()).to.equal('Network & infrastructure');
    expect(await row.locator('a', { hasText: 'Log in' }).getAttribute('href')).to.equal('https://plesk.e2e.example:8443/');
    const stored = await e2e.host.latchkey.entries.get(OLIVIA, newId);
    expect(stored.clientId).to.equal('1');
    expect((await e2e.host.latchkey.entries.reveal(OLIVIA, newId)).password!.expose()).to.equal('E2e-added-pw-4711');
    await shot(page, 'admin-summary-after-add');
    expectQuiet(w.watch, 'add');
  });

  it('edits it', async () => {
    const row = page.locator(`[data-lk-row="${newId}"]`);
    await row.locator('[data-lk-edit]').click();
    const dialog = page.locator('.lk-panel.lk-summary [data-lk-entry-dialog]');
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.locator('h2').innerText()).to.equal('Edit “Plesk — e2e added”');
    expect(await dialog.locator('[name=name]').inputValue()).to.equal('Plesk — e2e added');
    expect(await dialog.locator('[name=username]').inputValue()).to.equal('e2e-admin');
    expect(await dialog.locator('[name=loginUrl]').inputValue()).to.equal('https://plesk.e2e.example:8443/');
    // Secrets are never prefilled.
    expect(await dialog.locator('[name=password]').inputValue()).to.equal('');
    expect(await dialog.locator('[name=notes]').inputValue()).to.equal('');
    await dialog.locator('[name=name]').fill('Plesk — e2e edited');
    await dialog.locator('[name=username]').fill('e2e-admin-2');
    await shot(page, 'admin-edit-dialog');
    await clickAndReload(page, dialog.locator('button[type=submit]'));

    const edited = page.locator(`[data-lk-row="${newId}"]`);
    expect(await edited.locator('.lk-name').innerText()).to.equal('Plesk — e2e edited');
    expect(await edited.locator('.lk-fields').innerText()).to.contain('e2e-admin-2');
    // An edit without a new password keeps the old one.
    expect((await e2e.host.latchkey.entries.reveal(OLIVIA, newId)).password!.expose()).to.equal('E2e-added-pw-4711');
    expectQuiet(w.watch, 'edit');
  });

  it('shares it with an admin role', async () => {
    await page.locator(`[data-lk-row="${newId}"] [data-lk-share]`).click();
    const dialog = page.locator('.lk-panel.lk-summary [data-lk-share-dialog]');
    await dialog.waitFor({ state: 'visible' });
    await pickByKeyboard(dialog, 'bill', 'Billing');
    expect(await grantRow(dialog, 'Billing').locator('select').inputValue()).to.equal('view');
    await shot(page, 'admin-share-dialog');
    await clickAndReload(page, dialog.locator('button[type=submit]'));

    const editable = JSON.parse((await page.locator(`[data-lk-row="${newId}"] [data-lk-share]`).getAttribute('data-lk-share'))!) as { grants: Array<{ kind: string; id: string; canEdit: boolean }> };
    expect(editable.grants).to.deep.include({ kind: 'admin_role', id: '3', canEdit: false, name: 'Billing' });
    // Reopening the dialog shows the grant.
    await page.locator(`[data-lk-row="${newId}"] [data-lk-share]`).click();
    expect(await grantRow(dialog, 'Billing').locator('select').inputValue()).to.equal('view');
    await dialog.locator('[data-lk-close]').click();
    // Carmen (Billing) can now see it, through the role.
    const forCarmen = await e2e.host.latchkey.entries.get({ kind: 'admin', adminId: '5' }, newId);
    expect(forCarmen.name).to.equal('Plesk — e2e edited');
    expectQuiet(w.watch, 'share');
  });

  it('deletes it after a confirmation', async () => {
    await page.locator(`[data-lk-row="${newId}"] [data-lk-delete]`).click();
    const dialog = page.locator('.lk-panel.lk-summary [data-lk-confirm-dialog]');
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.locator('[data-lk-confirm-text]').innerText()).to.contain('Plesk — e2e edited');
    await shot(page, 'admin-delete-confirm');
    // Cancel first: nothing happens.
    await dialog.locator('[data-lk-close]').click();
    expect(await dialog.evaluate((d) => (d as { open: boolean }).open)).to.equal(false);
    expect(await page.locator(`[data-lk-row="${newId}"]`).count()).to.equal(1);

    await page.locator(`[data-lk-row="${newId}"] [data-lk-delete]`).click();
    await clickAndReload(page, dialog.locator('button[type=submit]'));
    expect(await page.locator(`[data-lk-row="${newId}"]`).count()).to.equal(0);
    expect(await page.locator('.lk-panel.lk-summary').innerText()).not.to.contain('Plesk — e2e');
    await shot(page, 'admin-summary-after-delete');
    expectQuiet(w.watch, 'delete');
  });

  it('opens the history dialog of an entry whose password changed', async () => {
    const stripeId = await entryIdByName(e2e.host, 'Stripe (shop payments)');
    await visit(page, '/admin/clients/1', 'admin-client-summary-again');
    await page.locator(`[data-lk-row="${stripeId}"] [data-lk-history]`).click();
    const dialog = page.locator('.lk-panel.lk-summary [data-lk-history-dialog]');
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.locator('h2').innerText()).to.equal('Password history of “Stripe (shop payments)”');
    const items = dialog.locator('[data-lk-history-list] li');
    expect(await items.count()).to.be.greaterThan(0);
    // Written as the host page writes dates in the panel's language (en: "Dec 6, 2026"), not the browser's en-GB "06/12/2026".
    const when = await items.first().locator('[data-lk-history-when]').innerText();
    expect(when).to.match(/^Version \d+ · [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s[AP]M$/);
    await items.first().locator('[data-lk-history-reveal]').click();
    await page.waitForFunction(() => document.querySelector('[data-lk-history-list] [data-lk-history-secret]')?.textContent !== '••••••••');
    await shot(page, 'admin-history-dialog');
    await dialog.locator('[data-lk-close]').click();
    expectQuiet(w.watch, 'history');
  });
});
