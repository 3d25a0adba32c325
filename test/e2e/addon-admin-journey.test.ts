import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { adminLogin, clickAndReload, expectQuiet, shot, startE2E, visit, type E2E, type WatchedPage, requireChromium } from './support.ts';
import { grantRow, pickByKeyboard } from './picker.ts';

// In-page callbacks run in Chromium; the project compiles without the DOM lib, so its globals are declared loosely here.
declare const document: any;

const OLIVIA = { kind: 'admin', adminId: '1' } as const;
const CARMEN = { kind: 'admin', adminId: '5' } as const;
const ADDON = '/admin/addons/latchkey';

describe('[sqlite] e2e: the addon admin on the addon pages', function () {
  let e2e: E2E;
  let w: WatchedPage;
  let page: Page;

  before(async function () {
    requireChromium(this);
    e2e = await startE2E();
    w = await e2e.newPage({ clipboard: true });
    page = w.page;
    await adminLogin(page, 'olivia', 'addon-olivia');
  });
  after(async () => e2e?.close());

  it('dashboard: counts by client, admin and category, and what is due for rotation', async () => {
    await page.click(`a[href="${ADDON}"]`);
    await page.waitForURL(`**${ADDON}`);
    const report = await e2e.host.latchkey.report.build(OLIVIA);
    const admin = page.locator('.lk-admin');
    expect(await admin.locator('.lk-admin-nav a').allInnerTexts())
      .to.deep.equal(['Dashboard', 'All access details', 'Categories', 'Settings', 'Audit log', 'API tokens', 'Import and export', 'Effective access', 'Access review']);
    expect(await admin.locator('.lk-admin-nav a[aria-current=page]').count()).to.equal(1);
    const stats = await admin.locator('.lk-stat-value').allInnerTexts();
    expect(Number(stats[0])).to.equal(report.total);
    expect(report.total).to.be.greaterThan(20);
    expect(Number(stats[1])).to.equal(report.dueForRotation.length);

    const byClient = await admin.locator('section[aria-labelledby="lk-by-client"] tr').allInnerTexts();
    const blueHarbour = report.byClient.find((r) => r.key === '1')!;
    expect(byClient.map((r) => r.replace(/\s+/g, ' ').trim())).to.include(`Blue Harbour Coffee Roasters ${blueHarbour.count}`);
    const byAdmin = (await admin.locator('section[aria-labelledby="lk-by-admin"] tr').allInnerTexts()).join('\n');
    expect(byAdmin).to.contain('Olivia Bennett');
    const byCategory = (await admin.locator('section[aria-labelledby="lk-by-category"] tr').allInnerTexts()).join('\n');
    expect(byCategory).to.contain('Network & infrastructure');
    // Raw ids never stand in for names when the name is known.
    expect(byClient.join('\n') + byAdmin + byCategory).not.to.match(/\b[0-9A-HJKMNP-TV-Z]{26}\b/);
    await shot(page, 'addon-dashboard');
    expectQuiet(w.watch, 'dashboard');
  });

  it('all access details: a table with the columns, reveal and search', async () => {
    await page.click('.lk-admin-nav a:has-text("All access details")');
    await page.waitForURL(/page=entries/);
    const table = page.locator('.lk-panel .lk-table');
    const headers = (await table.locator('thead th').allTextContents()).map((h) => h.trim());
    expect(headers.slice(0, 8)).to.deep.equal([
      'Name', 'Username', 'Password', 'Owner', 'Admins and roles allowed', 'Clients allowed', 'Category', 'Edit rights',
    ]);
    const rows = table.locator('tbody tr');
    expect(await rows.count()).to.be.greaterThan(20);

    // Each row is headed by the entry's name and client, never its id.
    const sophos = table.locator('tbody tr', { hasText: 'Sophos XGS — WebAdmin' });
    const cells = await sophos.locator('th, td').allInnerTexts();
    expect(cells[0]).to.match(/^Sophos XGS — WebAdmin\s+Bergmann & Söhne Metallbau GmbH/);
    expect(cells[1]).to.equal('admin');
    expect(cells[3]).to.equal('Lena Hoffmann');
    expect(cells[4]).to.contain('Support');
    expect(cells[5]).to.contain('Petra Klein');
    expect(cells[7]).to.contain('Support');
    const stripe = table.locator('tbody tr', { hasText: 'Stripe — Northwind Hosting' });
    expect((await stripe.locator('th, td').allInnerTexts())[6]).to.equal('Payment providers');
    expect((await rows.locator('th[scope=row]').allInnerTexts()).join('\n')).not.to.match(/\b[0-9A-HJKMNP-TV-Z]{26}\b|…/);

    const id = (await sophos.getAttribute('data-lk-row'))!;
    await sophos.locator(`[data-lk-reveal="${id}"]`).click();
    await page.waitForFunction((x) => document.querySelector(`[data-lk-secret-for="${x}"]`)?.textContent !== '••••••••', id);
    const expected = (await e2e.host.latchkey.entries.reveal(OLIVIA, id)).password!.expose();
    expect(await sophos.locator(`[data-lk-secret-for="${id}"]`).innerText()).to.equal(expected);
    // The pressed button says "Hide", and so does its accessible name.
    expect(await sophos.locator(`[data-lk-reveal="${id}"]`).getAttribute('aria-label')).to.equal('Hide the password of Sophos XGS — WebAdmin');
    await shot(page, 'addon-entries');

    // At 1366 px the table fits its panel; buttons keep their own height, the watch label its words, usernames one line.
    const fit = await table.evaluate((t: any) => ({ table: t.getBoundingClientRect().width, box: t.parentElement.clientWidth }));
    expect(fit.table).to.be.at.most(fit.box);
    for (const height of await sophos.locator('.lk-row-actions .lk-button').evaluateAll((bs: any[]) => bs.map((b) => b.getBoundingClientRect().height))) {
      expect(height).to.be.below(32);
    }
    const watchLabel = table.locator('label.lk-watch').first();
    expect(await watchLabel.innerText()).to.equal('Notify me of password changes');
    expect(await watchLabel.evaluate((l: any) => l.scrollWidth <= l.clientWidth && l.getBoundingClientRect().width > 60)).to.equal(true);
    for (const lines of await table.locator('code.lk-username').evaluateAll((cs: any[]) => cs.map((c) => c.getClientRects().length))) {
      expect(lines).to.equal(1);
    }

    await page.fill('.lk-filter input[name=search]', 'Stripe');
    await Promise.all([page.waitForURL(/search=Stripe/), page.click('.lk-filter button[type=submit]')]);
    const names = await page.locator('.lk-panel .lk-table tbody tr th[scope=row] .lk-name').allInnerTexts();
    expect(names.length).to.be.greaterThan(0);
    expect(names.every((n) => /stripe/i.test(n))).to.equal(true);
    await shot(page, 'addon-entries-search');
    expectQuiet(w.watch, 'entries');
  });

  it('categories: members listed; one is created and deleted', async () => {
    await visit(page, `${ADDON}?page=categories`, 'addon-categories-page');
    const table = page.locator('.lk-panel .lk-table');
    const network = table.locator('tbody tr', { hasText: 'Network & infrastructure' });
    expect(await network.locator('.lk-chip').allInnerTexts()).to.deep.equal(['Role: Support ✎']);
    const registrars = table.locator('tbody tr', { hasText: 'Registrars & DNS' });
    expect(await registrars.locator('.lk-chip').allInnerTexts()).to.have.members(['Role: Support', 'Role: Billing']);
    await shot(page, 'addon-categories');

    await page.click('[data-lk-category-new]');
    const dialog = page.locator('[data-lk-category-dialog]');
    await dialog.waitFor({ state: 'visible' });
    await dialog.locator('[name=name]').fill('Backups — e2e');
    await pickByKeyboard(dialog, 'suppo', 'Support');
    await pickByKeyboard(dialog, 'hoffm', 'Lena Hoffmann');
    await grantRow(dialog, 'Lena Hoffmann').locator('select').selectOption('edit');
    // A client member is found by name, never typed as an id.
    await pickByKeyboard(dialog, 'blue harb', 'Blue Harbour Coffee Roasters');
    await shot(page, 'addon-category-dialog');
    await clickAndReload(page, dialog.locator('button[type=submit]'));

    const created = page.locator('.lk-panel .lk-table tbody tr', { hasText: 'Backups — e2e' });
    expect(await created.locator('.lk-chip').allInnerTexts()).to.have.members([
      'Role: Support', 'Admin: Lena Hoffmann ✎', 'Client: Blue Harbour Coffee Roasters',
    ]);
    await created.locator('[data-lk-category-delete]').click();
    const confirm = page.locator('[data-lk-confirm-dialog]');
    await confirm.waitFor({ state: 'visible' });
    expect(await confirm.locator('[data-lk-confirm-text]').innerText()).to.contain('Backups — e2e');
    await clickAndReload(page, confirm.locator('button[type=submit]'));
    expect(await page.locator('.lk-panel .lk-table tbody tr', { hasText: 'Backups — e2e' }).count()).to.equal(0);
    expectQuiet(w.watch, 'categories');
  });

  it('categories: a client\'s own category is listed with its client, renamed (members untouched) and deleted (entries kept)', async () => {
    const BLUE_HARBOUR = { kind: 'client', clientId: '1' } as const;
    await visit(page, `${ADDON}?page=categories`, 'addon-client-categories');
    const shop = page.locator('table[aria-labelledby="lk-client-categories"] tbody tr', { hasText: 'Shop & payments' });
    expect((await shop.locator('td').allInnerTexts())[1]).to.equal('Blue Harbour Coffee Roasters');
    const before = (await e2e.host.latchkey.categories.list(BLUE_HARBOUR)).find((c) => c.name === 'Shop & payments')!;
    expect(before.members.length).to.be.greaterThan(0);

    await shop.locator('[data-lk-category-edit]').click();
    const dialog = page.locator('[data-lk-category-dialog]');
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.locator('[data-lk-members-part]').first().isHidden()).to.equal(true);
    await dialog.locator('[name=name]').fill('Shop, POS & payments');
    await shot(page, 'addon-client-category-rename');
    await clickAndReload(page, dialog.locator('button[type=submit]'));

    const renamed = (await e2e.host.latchkey.categories.list(BLUE_HARBOUR)).find((c) => c.id === before.id)!;
    expect(renamed.name).to.equal('Shop, POS & payments');
    expect(renamed.members).to.deep.equal(before.members);
    const [event] = await e2e.host.latchkey.audit.list(OLIVIA, { action: 'category.update', limit: 1 });
    expect(event!.actor).to.deep.include({ kind: 'admin', id: '1' });
    expect(event!.details).to.deep.include({ name: 'Shop, POS & payments', previousName: 'Shop & payments', ownerClientId: '1' });

    const filed = await e2e.host.latchkey.entries.list(OLIVIA, { categoryId: before.id, limit: 50 });
    expect(filed.total).to.be.greaterThan(0);
    const row = page.locator('table[aria-labelledby="lk-client-categories"] tbody tr', { hasText: 'Shop, POS & payments' });
    await row.locator('[data-lk-category-delete]').click();
    const confirm = page.locator('[data-lk-confirm-dialog]');
    await confirm.waitFor({ state: 'visible' });
    await clickAndReload(page, confirm.locator('button[type=submit]'));
    expect((await e2e.host.latchkey.categories.list(BLUE_HARBOUR)).map((c) => c.id)).not.to.include(before.id);
    for (const entry of filed.items) expect((await e2e.host.latchkey.entries.get(BLUE_HARBOUR, entry.id)).categoryId).to.equal(null);
    expectQuiet(w.watch, 'client categories');
  });

  it('settings and a client category saved unchanged write nothing and audit nothing', async () => {
    const lk = e2e.host.latchkey;
    const latestSeq = async () => (await lk.audit.list(OLIVIA, { limit: 1 }))[0]?.seq ?? 0;
    await visit(page, `${ADDON}?page=settings`, 'addon-settings-unchanged');
    const settingsBefore = await lk.settings.get(OLIVIA);
    const seqBefore = await latestSeq();
    const form = page.locator('[data-lk-settings-form]');
    await form.locator('button[type=submit]').click();
    await page.waitForFunction(() => document.querySelector('[data-lk-toast]')?.textContent === 'Saved.');
    expect(await lk.settings.get(OLIVIA)).to.deep.equal(settingsBefore);
    expect(await latestSeq()).to.equal(seqBefore);

    await visit(page, `${ADDON}?page=categories`, 'addon-client-category-unchanged');
    const office = (await lk.categories.listOfClients(OLIVIA, { clientId: '1' })).items.find((c) => c.name === 'Office')!;
    const row = page.locator('table[aria-labelledby="lk-client-categories"] tbody tr', { hasText: 'Office' });
    await row.locator('[data-lk-category-edit]').click();
    const dialog = page.locator('[data-lk-category-dialog]');
    await dialog.waitFor({ state: 'visible' });
    await clickAndReload(page, dialog.locator('button[type=submit]'));
    const after = (await lk.categories.listOfClients(OLIVIA, { clientId: '1' })).items.find((c) => c.id === office.id)!;
    expect(after).to.deep.equal(office);
    expect(await latestSeq()).to.equal(seqBefore);
    expectQuiet(w.watch, 'unchanged saves');
  });

  it('settings: the mode is changed and saved; a reload shows it, and it takes effect', async () => {
    await visit(page, `${ADDON}?page=settings`, 'addon-settings-page');
    const form = page.locator('[data-lk-settings-form]');
    const mode = form.locator('select[name=adminAccessMode]');
    expect(await mode.inputValue()).to.equal('restricted');
    // Support is allowed, Full Administrator extended (from the seed).
    expect(await form.locator('[data-lk-list="allowedAdminRoleIds"] input[value="2"]').isChecked()).to.equal(true);
    expect(await form.locator('[data-lk-list="extendedAdminRoleIds"] input[value="1"]').isChecked()).to.equal(true);
    await shot(page, 'addon-settings');
    const before = await e2e.host.latchkey.entries.list(CARMEN, { clientId: '1' });
    expect(before.items.filter((e) => e.owner.kind === 'client')).to.deep.equal([]);

    await mode.selectOption('full');
    await form.locator('input[name=historyDepth]').fill('7');
    await form.locator('button[type=submit]').click();
    await page.waitForFunction(() => document.querySelector('[data-lk-toast]')?.textContent === 'Saved.');
    expect(await form.locator('.lk-form-error').innerText()).to.equal('');
    await shot(page, 'addon-settings-saved');

    await page.reload();
    await shot(page, 'addon-settings-reloaded');
    expect(await page.locator('select[name=adminAccessMode]').inputValue()).to.equal('full');
    expect(await page.locator('input[name=historyDepth]').inputValue()).to.equal('7');
    // Unchanged lists survive the save.
    expect(await page.locator('[data-lk-list="allowedAdminRoleIds"] input[value="2"]').isChecked()).to.equal(true);
    const settings = await e2e.host.latchkey.settings.get(OLIVIA);
    expect(settings.adminAccessMode).to.equal('full');
    expect(settings.extendedAdminRoleIds).to.deep.equal(['1']);
    const after = await e2e.host.latchkey.entries.list(CARMEN, { clientId: '1' });
    expect(after.items.filter((e) => e.owner.kind === 'client').length).to.be.greaterThan(0);

    // A value out of range is refused with the error next to the field.
    await page.locator('input[name=historyDepth]').fill('1000');
    await page.locator('[data-lk-settings-form] button[type=submit]').click();
    await page.waitForFunction(() => (document.querySelector('[data-lk-error-for="historyDepth"]')?.textContent ?? '') !== '');
    await shot(page, 'addon-settings-error');

    await page.reload();
    await shot(page, 'addon-settings-reloaded-again');
    await page.locator('select[name=adminAccessMode]').selectOption('restricted');
    await page.locator('[data-lk-settings-form] button[type=submit]').click();
    await page.waitForFunction(() => document.querySelector('[data-lk-toast]')?.textContent === 'Saved.');
    expect((await e2e.host.latchkey.settings.get(OLIVIA)).adminAccessMode).to.equal('restricted');
    // The console shows the expected 400 of the refused save; nothing else went wrong.
    expect(w.watch.dialogs).to.deep.equal([]);
    expect(w.watch.errors).to.deep.equal([]);
    w.watch.consoleErrors.length = 0;
  });

  it('settings: the mail editor shows the mail and language picked, inserts a placeholder at the cursor, previews it as text and in a sandboxed frame, and resets to the default', async () => {
    const settingsBefore = await e2e.host.latchkey.settings.get(OLIVIA);
    await visit(page, `${ADDON}?page=settings`, 'addon-settings-mail-editor');
    const box = page.locator('[data-lk-mail-templates]');
    await box.locator('[data-lk-mail-kind]').selectOption('password_changed');
    await box.locator('[data-lk-mail-language]').selectOption('de');
    const editor = box.locator('[data-lk-mail-editor][data-kind="password_changed"][data-language="de"]');
    expect(await box.locator('[data-lk-mail-editor]:visible').count()).to.equal(1);
    expect(await editor.isVisible()).to.equal(true);
    const badge = editor.locator('[data-lk-mail-state]');
    expect(await badge.innerText()).to.equal('Default text');
    const subject = editor.locator('[data-lk-mail-field="subject"]');
    const defaultSubject = (await editor.getAttribute('data-default-subject'))!;
    expect(await subject.inputValue()).to.equal(defaultSubject);

    await subject.fill('Geändert: ');
    await box.locator('[data-lk-insert="{{entryName}}"]').click();
    expect(await subject.inputValue()).to.equal('Geändert: {{entryName}}');
    expect(await badge.innerText()).to.equal('Customised');
    // The preview fills the placeholder with the sample facts of the editor's language.
    await page.waitForFunction(() => document.querySelector('[data-lk-preview-subject]')?.textContent === 'Geändert: WordPress-Verwaltung — example.com');
    await shot(page, 'addon-settings-mail-preview');

    await box.locator('[data-lk-preview-view="html"]').click();
    const frame = box.locator('[data-lk-preview-html] iframe');
    expect(await frame.getAttribute('sandbox')).to.equal('');
    expect(await frame.getAttribute('srcdoc')).to.match(/<\/(p|td|body)>/);
    expect(await box.locator('[data-lk-preview-text]').isHidden()).to.equal(true);
    expect(await box.locator('[data-lk-preview-view="html"]').getAttribute('aria-pressed')).to.equal('true');
    await box.locator('[data-lk-preview-view="text"]').click();
    expect(await box.locator('[data-lk-preview-text]').isVisible()).to.equal(true);
    expect(await box.locator('[data-lk-preview-html]').isHidden()).to.equal(true);

    await editor.locator('[data-lk-mail-reset]').click();
    expect(await subject.inputValue()).to.equal(defaultSubject);
    expect(await badge.innerText()).to.equal('Default text');
    await page.waitForFunction(() => document.querySelector('[data-lk-toast]')?.textContent === 'Default text restored. Save the settings to keep it.');
    await page.waitForFunction(() => !document.querySelector('[data-lk-preview-subject]')?.textContent?.startsWith('Geändert'));
    // Nothing is saved until the settings are.
    expect(await e2e.host.latchkey.settings.get(OLIVIA)).to.deep.equal(settingsBefore);
    expectQuiet(w.watch, 'mail editor');
  });

  it('history: a former password is restored from the history dialog, once confirmed', async () => {
    const lk = e2e.host.latchkey;
    const created = await lk.entries.create(OLIVIA, { name: 'E2E restore', password: 'Restore-me-1st!', clientId: '6' });
    await lk.entries.update(OLIVIA, created.id, { version: 1, password: 'Second-one-2nd!' });
    await visit(page, `${ADDON}?page=entries&search=E2E%20restore`, 'addon-history-restore');
    const row = page.locator(`[data-lk-row="${created.id}"]`);
    await row.locator('[data-lk-history]').click();
    const dialog = page.locator('.lk-panel [data-lk-history-dialog]');
    await dialog.locator('[data-lk-history-restore]').first().waitFor();
    expect(await dialog.locator('li').count()).to.equal(1);
    await dialog.locator('[data-lk-history-restore]').click();
    const confirm = page.locator('.lk-panel [data-lk-confirm-dialog]');
    expect(await confirm.locator('h2').innerText()).to.equal('Restore this password?');
    expect(await confirm.locator('[data-lk-confirm-text]').innerText()).to.contain('version 1 becomes the current one again');
    await shot(page, 'addon-history-restore-confirm');
    expect(await axeViolations(page), 'the history and confirm dialogs').to.deep.equal([]);
    await clickAndReload(page, confirm.locator('button[type=submit]'));
    expect((await lk.entries.reveal(OLIVIA, created.id)).password?.expose()).to.equal('Restore-me-1st!');
    // The confirm dialog says "Delete" again for the next delete.
    await page.locator(`[data-lk-row="${created.id}"] [data-lk-delete]`).click();
    expect(await confirm.locator('button[type=submit]').innerText()).to.equal('Delete');
    await confirm.locator('[data-lk-close]').click();

    // A reminder's link: the client's page marks the entry and opens its edit dialog, where the stored password is updated.
    await page.goto(`/admin/clients/6#lk-entry-${created.id}`, { waitUntil: 'load' });
    await page.locator(`.lk-entry.lk-target[data-lk-row="${created.id}"]`).waitFor();
    await page.waitForFunction(() => document.querySelector('.lk-panel [data-lk-entry-dialog]')?.open === true);
    expect(await page.locator('.lk-panel [data-lk-entry-dialog] [name=name]').inputValue()).to.equal('E2E restore');
    await shot(page, 'client-summary-linked-entry');
    expectQuiet(w.watch, 'history restore');
  });

  it('audit log: sentences, filtered by action, by client, person and entry chosen by name, and by day; exported as CSV', async () => {
    await visit(page, `${ADDON}?page=audit`, 'addon-audit-page');
    const sentences = () => page.locator('.lk-panel table.lk-audit tbody tr td:nth-child(2)').allInnerTexts();
    const all = await sentences();
    expect(all.length).to.be.greaterThan(10);
    expect(all.slice(0, 2)).to.include('Olivia Bennett restored version 1 of the password of “E2E restore” for Pixelforge Studio, from the addon pages.');
    expect(all.join('\n')).to.not.match(/[{}]|"fields"/);
    await shot(page, 'addon-audit');

    await page.selectOption('.lk-filter select[name=action]', 'entry.reveal');
    await Promise.all([page.waitForURL(/action=entry\.reveal/), page.click('.lk-filter button[type=submit]')]);
    expect((await sentences()).every((line) => / revealed /.test(line))).to.equal(true);

    /** Types into a picker, picks the suggestion named `name`, and checks that the form will send its id. */
    const pick = async (label: string, typed: string, name: string) => {
      const input = page.getByRole('combobox', { name: label });
      await input.fill('');
      await input.pressSequentially(typed);
      const option = page.getByRole('option', { name: new RegExp(`^${name}`) });
      await option.waitFor();
      await option.click();
      expect(await input.inputValue()).to.equal(name);
    };
    await page.selectOption('.lk-filter select[name=action]', '');
    await pick('Client', 'pixel', 'Pixelforge Studio');
    expect(await page.locator('.lk-filter input[type=hidden][name=clientId]').inputValue()).to.equal('6');
    await Promise.all([page.waitForURL(/clientId=6/), page.click('.lk-filter button[type=submit]')]);
    expect((await sentences()).every((line) => line.includes(' for Pixelforge Studio'))).to.equal(true);
    expect(await page.getByRole('combobox', { name: 'Client' }).inputValue()).to.equal('Pixelforge Studio');
    await shot(page, 'addon-audit-by-client');

    // A name typed but not picked filters nothing: the page comes back whole, with no "unavailable" notice.
    await page.getByRole('combobox', { name: 'Client' }).fill('Pixelforge');
    await pick('Actor', 'olivia', 'Olivia Bennett');
    await Promise.all([page.waitForURL(/actor=admin%3A1/), page.click('.lk-filter button[type=submit]')]);
    expect(page.url()).to.not.match(/clientId=6/);
    expect((await sentences()).every((line) => line.startsWith('Olivia Bennett '))).to.equal(true);

    await pick('Access detail', 'E2E rest', 'E2E restore');
    const today = new Date().toISOString().slice(0, 10);
    await page.fill('.lk-filter input[name=from]', today);
    await page.fill('.lk-filter input[name=to]', today);
    await Promise.all([page.waitForURL(/entryId=/), page.click('.lk-filter button[type=submit]')]);
    const forEntry = await sentences();
    expect(forEntry.map((line) => line.replace(/ for Pixelforge Studio.*$/, ''))).to.deep.equal([
      'Olivia Bennett revealed “E2E restore” (password)',
      'Olivia Bennett restored version 1 of the password of “E2E restore”',
      'Olivia Bennett changed “E2E restore” (password)',
      'Olivia Bennett created “E2E restore”',
    ]);
    await shot(page, 'addon-audit-by-entry');
    // The page and its pickers, one of them open, pass axe-core's rules.
    await page.getByRole('combobox', { name: 'Client' }).pressSequentially('pi');
    await page.getByRole('option').first().waitFor();
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.keyboard.press('Escape');
    // At a phone's width the page fits without sideways scrolling.
    const wide = page.viewportSize()!;
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(390);
      await shot(page, 'addon-audit-phone');
    } finally {
      await page.setViewportSize(wide);
    }

    const csv = await page.locator('[data-lk-audit-csv]').getAttribute('href');
    expect(csv).to.match(new RegExp(`/api/audit/csv\\?entryId=[^&]+&from=${today}&to=${today}&actorKind=admin&actorId=1$`));
    const download = await page.evaluate(async (href: string) => (await fetch(href, { credentials: 'same-origin' })).text(), csv!);
    expect(download.replace(/^\uFEFF/, '').trimEnd().split('\r\n')).to.have.length(5);
    expect(download).to.contain('Olivia Bennett restored version 1 of the password of “E2E restore”').and.to.not.contain('Restore-me-1st!');
    expectQuiet(w.watch, 'audit');
  });

  it('is not offered to staff who do not run the addon', async () => {
    const sam = await e2e.newPage();
    await adminLogin(sam.page, 'sam', 'addon-sam');
    expect(await sam.page.locator(`a[href="${ADDON}"]`).count()).to.equal(0);
    const response = await sam.page.goto(ADDON);
    expect(response?.status()).to.equal(403);
    await shot(sam.page, 'addon-forbidden-for-support');
  });
});

/** axe-core's violations in Latchkey's panel, as `rule: targets`. Evaluated, not added as a script tag: the host's CSP allows no inline script. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));
  return page.evaluate(async () => (await (globalThis as any).axe.run('.lk-panel')).violations
    .map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(' ')).join(', ')}`)) as Promise<string[]>;
}
