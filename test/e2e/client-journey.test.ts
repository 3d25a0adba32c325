import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { clickAndReload, clientLogin, expectQuiet, shot, startE2E, visit, type E2E, type WatchedPage, requireChromium } from './support.ts';
import { pickByKeyboard } from './picker.ts';

// In-page callbacks run in Chromium; the project compiles without the DOM lib, so its globals are declared loosely here.
declare const document: any;

const OLIVIA = { kind: 'admin', adminId: '1' } as const;
const CARMEN = { kind: 'admin', adminId: '5' } as const;

describe('[sqlite] e2e: a client in the client area', function () {
  let e2e: E2E;
  let w: WatchedPage;
  let page: Page;
  let entryId = '';

  before(async function () {
    requireChromium(this);
    e2e = await startE2E();
    w = await e2e.newPage({ clipboard: true });
    page = w.page;
  });
  after(async () => e2e?.close());

  it('finds the four parts: Owned, Shared with me, Service passwords, Categories', async () => {
    await clientLogin(page, 'hello@blueharbourcoffee.example', 'client-emma');
    await page.click('.mainnav a[href="/clientarea/passwords"], nav a[href="/clientarea/passwords"]');
    await page.waitForURL('**/clientarea/passwords');
    const panel = page.locator('.lk-panel.lk-clientarea');
    expect(await panel.count()).to.equal(1);
    const tabs = await panel.locator('.lk-tabs a').allInnerTexts();
    expect(tabs.map((t) => t.replace(/\s*\d+$/, ''))).to.deep.equal(['Owned', 'Shared with me', 'Service passwords', 'Categories']);
    expect(await panel.locator('#lk-owned-title').innerText()).to.equal('Owned');
    expect(await panel.locator('#lk-shared-title').innerText()).to.equal('Shared with me');
    expect(await panel.locator('#lk-services-title').innerText()).to.equal('Service passwords');
    expect(await panel.locator('#lk-categories-title').innerText()).to.equal('Categories');

    expect(await panel.locator('#lk-owned .lk-name').allInnerTexts()).to.include.members(['Mailchimp', 'Square POS back office']);
    expect(await panel.locator('#lk-shared .lk-name').allInnerTexts()).to.include('Cloudflare (DNS for blueharbourcoffee.example)');
    expect(await panel.locator('#lk-services .lk-entry').evaluateAll((els) => els.map((el) => el.getAttribute('data-lk-row'))))
      .to.have.members(['service:1', 'service:2', 'service:3']);
    expect(await panel.locator('#lk-categories .lk-category .lk-name').allInnerTexts()).to.include.members(['Office', 'Shop & payments']);
    // Nothing of another client.
    expect(await panel.innerText()).not.to.match(/Figma|DATEV|Northwind Hosting —|Stripe — Northwind/);

    // The client reveals one of its service passwords.
    await panel.locator('[data-lk-reveal="service:1"]').click();
    await page.waitForFunction(() => document.querySelector('[data-lk-secret-for="service:1"]')?.textContent !== '••••••••');
    await shot(page, 'client-passwords');
    expectQuiet(w.watch, 'client area');
  });

  it('creates an entry', async () => {
    const panel = page.locator('.lk-panel.lk-clientarea');
    await panel.locator('#lk-owned [data-lk-new]').click();
    const dialog = panel.locator('[data-lk-entry-dialog]');
    await dialog.waitFor({ state: 'visible' });
    await dialog.locator('[name=name]').fill('Coffee supplier portal');
    await dialog.locator('[name=username]').fill('orders@blueharbourcoffee.example');
    await dialog.locator('[name=password]').fill('Beans-e2e-2024!');
    await dialog.locator('[name=websiteUrl]').fill('https://portal.green-beans.example/');
    // The account links the entry to one of its own contacts, found by name.
    const contact = dialog.locator('[data-lk-link-field="contactId"] input');
    await contact.fill('tom');
    const option = dialog.locator('[data-lk-link-field="contactId"] [role=option]', { hasText: 'Tom Whitaker' });
    await option.waitFor({ state: 'visible' });
    await option.click();
    expect(await contact.inputValue()).to.equal('Tom Whitaker');
    await shot(page, 'client-add-dialog');
    await clickAndReload(page, dialog.locator('button[type=submit]'));

    const row = panel.locator('#lk-owned .lk-entry', { hasText: 'Coffee supplier portal' });
    expect(await row.count()).to.equal(1);
    entryId = (await row.getAttribute('data-lk-row'))!;
    expect(await row.locator('.lk-badge', { hasText: 'Shared with staff' }).count()).to.equal(0);
    // The website serves as the login link when there is no login URL.
    expect(await row.locator('a', { hasText: 'Log in' }).getAttribute('href')).to.equal('https://portal.green-beans.example/');
    // Not shared yet: staff who see only what clients share (shared mode) would not see it; its owner is the client.
    const stored = await e2e.host.latchkey.entries.get(OLIVIA, entryId);
    expect(stored.owner).to.deep.equal({ kind: 'client', id: '1' });
    expect(stored.sharedWithAdmin).to.equal(false);
    expect(stored.links.contactId).to.equal('2');
    expectQuiet(w.watch, 'create');
  });

  it('shares it with the administration (edit → "Share with the administration")', async () => {
    const panel = page.locator('.lk-panel.lk-clientarea');
    await panel.locator(`[data-lk-row="${entryId}"] [data-lk-edit]`).click();
    const dialog = panel.locator('[data-lk-entry-dialog]');
    await dialog.waitFor({ state: 'visible' });
    const box = dialog.locator('[name=sharedWithAdmin]');
    expect(await box.isChecked()).to.equal(false);
    await box.check();
    await shot(page, 'client-share-with-admin');
    await clickAndReload(page, dialog.locator('button[type=submit]'));

    const row = panel.locator(`[data-lk-row="${entryId}"]`);
    expect(await row.locator('.lk-badge', { hasText: 'Shared with staff' }).count()).to.equal(1);
    expect((await e2e.host.latchkey.entries.get(OLIVIA, entryId)).sharedWithAdmin).to.equal(true);
    // The share dialog shows the same flag.
    await row.locator('[data-lk-share]').click();
    const share = panel.locator('[data-lk-share-dialog]');
    await share.waitFor({ state: 'visible' });
    expect(await share.locator('[name=sharedWithAdmin]').isChecked()).to.equal(true);
    await shot(page, 'client-share-dialog');
    await share.locator('[data-lk-close]').click();
    expectQuiet(w.watch, 'share with the administration');
  });

  it('creates a category and files the entry in it', async () => {
    const panel = page.locator('.lk-panel.lk-clientarea');
    await panel.locator('[data-lk-category-new]').click();
    const dialog = panel.locator('[data-lk-category-dialog]');
    await dialog.waitFor({ state: 'visible' });
    await dialog.locator('[name=name]').fill('Suppliers');
    // Tom, a contact, may view what is filed here.
    await pickByKeyboard(dialog, 'whitak', 'Tom Whitaker');
    await shot(page, 'client-category-dialog');
    await clickAndReload(page, dialog.locator('button[type=submit]'));

    const category = panel.locator('#lk-categories .lk-category', { hasText: 'Suppliers' });
    expect(await category.count()).to.equal(1);
    expect(await category.innerText()).to.contain('0 entries');
    expect(await category.innerText()).to.contain('Tom Whitaker');

    await panel.locator(`[data-lk-row="${entryId}"] [data-lk-edit]`).click();
    const entryDialog = panel.locator('[data-lk-entry-dialog]');
    await entryDialog.waitFor({ state: 'visible' });
    await entryDialog.locator('select[name=categoryId]').selectOption({ label: 'Suppliers' });
    await clickAndReload(page, entryDialog.locator('button[type=submit]'));

    const row = panel.locator(`[data-lk-row="${entryId}"]`);
    expect(await row.locator('.lk-badge-category').innerText()).to.equal('Suppliers');
    expect(await panel.locator('#lk-categories .lk-category', { hasText: 'Suppliers' }).innerText()).to.contain('1 entry');
    // Filing it did not undo the sharing.
    expect(await row.locator('.lk-badge', { hasText: 'Shared with staff' }).count()).to.equal(1);
    await shot(page, 'client-after-category');
    expectQuiet(w.watch, 'category');
  });

  it('Tom, the contact, now sees it under "Shared with me" through the category', async () => {
    const tom = await e2e.newPage();
    await clientLogin(tom.page, 'tom@blueharbourcoffee.example', 'client-tom');
    await visit(tom.page, '/clientarea/passwords', 'client-tom-passwords-page');
    const panel = tom.page.locator('.lk-panel.lk-clientarea');
    expect(await panel.locator('#lk-shared .lk-name').allInnerTexts()).to.include('Coffee supplier portal');
    // A contact who is not the main account adds nothing of the client's own.
    expect(await panel.locator('#lk-owned [data-lk-new]').count()).to.equal(0);
    // Nor does it pick among the client's contacts: no contact field, no list of their names.
    expect(await panel.locator('[data-lk-link-fields]').count()).to.equal(0);
    await shot(tom.page, 'client-contact-passwords');
    expectQuiet(tom.watch, 'contact');
    // In restricted mode Billing still sees nothing of it.
    let refused = false;
    try { await e2e.host.latchkey.entries.get(CARMEN, entryId); } catch { refused = true; }
    expect(refused).to.equal(true);
  });
});
