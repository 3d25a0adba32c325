import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { adminLogin, clickAndReload, expectQuiet, shot, startE2E, visit, requireChromium, type E2E, type WatchedPage } from './support.ts';

const SAM = { kind: 'admin', adminId: '2' } as const;
const TOM_LOGIN = 'WordPress staging — Tom’s developer login';
const NAS_LOGIN = 'Back-office NAS — DSM admin';

/**
 * Staff open a contact's or a device's page from the client's page and find
 * the access details linked to it there: they add one already linked (the
 * other link chosen by name), edit it and delete it, at 1366×800.
 */
describe('[sqlite] e2e: contact and device pages in the demo host', function () {
  let e2e: E2E;
  let sam: WatchedPage;
  let page: Page;
  let added: string;

  before(async function () {
    requireChromium(this);
    e2e = await startE2E();
    sam = await e2e.newPage();
    page = sam.page;
    await page.setViewportSize({ width: 1366, height: 800 });
    await adminLogin(page, 'sam', 'places-sam');
  });
  after(async () => e2e?.close());

  const panel = () => page.locator('.lk-panel.lk-contact');

  it('the client page links each contact and device to its page, which lists only what is linked to it', async () => {
    await visit(page, '/admin/clients/1', 'places-client-page');
    await Promise.all([page.waitForURL((url) => url.pathname === '/admin/contacts/2'), page.locator('a', { hasText: 'Tom Whitaker' }).click()]);
    const names = await panel().locator('.lk-name').allInnerTexts();
    expect(names).to.deep.equal([TOM_LOGIN]);
    expect(await panel().innerText()).to.contain('Contact at Blue Harbour Coffee Roasters');
    await shot(page, 'places-contact-page');

    await visit(page, '/admin/clients/1', 'places-client-page-again');
    await Promise.all([page.waitForURL((url) => url.pathname === '/admin/devices/2'), page.locator('a', { hasText: 'Back-office NAS' }).click()]);
    expect(await page.locator('.lk-panel.lk-device .lk-name').allInnerTexts()).to.deep.equal([NAS_LOGIN]);
    await visit(page, '/admin/devices/1', 'places-router-page');
    expect(await page.locator('.lk-panel.lk-device .lk-name').allInnerTexts()).to.deep.equal(['Café router admin']);
    expectQuiet(sam.watch, 'contact and device pages');
  });

  it('adds an access detail on the contact’s page: linked to the contact, and to a device chosen by name', async () => {
    await visit(page, '/admin/contacts/2', 'places-contact-before-add');
    await panel().locator('[data-lk-new]').click();
    const dialog = panel().locator('[data-lk-entry-dialog]');
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.locator('[data-lk-link-field="contactId"] input').inputValue()).to.equal('Tom Whitaker');
    await dialog.locator('[name=name]').fill('Shop theme SFTP — e2e');
    await dialog.locator('[name=password]').fill('Tom-e2e-sftp-4711');
    const device = dialog.locator('[data-lk-link-field="deviceId"] input');
    await device.fill('nas');
    const option = dialog.locator('[data-lk-link-field="deviceId"] [role=option]', { hasText: 'Back-office NAS' });
    await option.waitFor({ state: 'visible' });
    await shot(page, 'places-contact-add-dialog');
    await option.click();
    expect(await device.inputValue()).to.equal('Back-office NAS (Synology DS220+)');
    await clickAndReload(page, dialog.locator('button[type=submit]'));

    const row = panel().locator('.lk-entry', { hasText: 'Shop theme SFTP — e2e' });
    expect(await row.count()).to.equal(1);
    added = (await row.getAttribute('data-lk-row'))!;
    const stored = await e2e.host.latchkey.entries.get(SAM, added);
    expect(stored.clientId).to.equal('1');
    expect(stored.links).to.include({ contactId: '2', deviceId: '2' });
    // The device's page lists it too.
    await visit(page, '/admin/devices/2', 'places-device-after-add');
    expect(await page.locator('.lk-panel.lk-device .lk-name').allInnerTexts()).to.include('Shop theme SFTP — e2e');
    expectQuiet(sam.watch, 'add on a contact page');
  });

  it('edits it there: the dialog names its links, and a rename is saved', async () => {
    await visit(page, '/admin/contacts/2', 'places-contact-before-edit');
    await panel().locator(`[data-lk-row="${added}"] [data-lk-edit]`).click();
    const dialog = panel().locator('[data-lk-entry-dialog]');
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.locator('[data-lk-link-field="contactId"] input').inputValue()).to.equal('Tom Whitaker');
    expect(await dialog.locator('[data-lk-link-field="deviceId"] input').inputValue()).to.equal('Back-office NAS (Synology DS220+)');
    await dialog.locator('[name=name]').fill('Shop theme SFTP — e2e edited');
    await clickAndReload(page, dialog.locator('button[type=submit]'));
    expect(await panel().locator(`[data-lk-row="${added}"] .lk-name`).innerText()).to.equal('Shop theme SFTP — e2e edited');
    expect((await e2e.host.latchkey.entries.get(SAM, added)).links).to.include({ contactId: '2', deviceId: '2' });
    expectQuiet(sam.watch, 'edit on a contact page');
  });

  it('deletes it there after a confirmation', async () => {
    await panel().locator(`[data-lk-row="${added}"] [data-lk-delete]`).click();
    const dialog = panel().locator('[data-lk-confirm-dialog]');
    await dialog.waitFor({ state: 'visible' });
    await clickAndReload(page, dialog.locator('button[type=submit]'));
    expect(await panel().locator(`[data-lk-row="${added}"]`).count()).to.equal(0);
    expect(await panel().locator('.lk-name').allInnerTexts()).to.deep.equal([TOM_LOGIN]);
    await shot(page, 'places-contact-after-delete');
    expectQuiet(sam.watch, 'delete on a contact page');
  });

  it('Billing, whom the access mode keeps from client data, is told so on a contact’s page and sees none of it', async () => {
    const carmen = await e2e.newPage();
    await carmen.page.setViewportSize({ width: 1366, height: 800 });
    await adminLogin(carmen.page, 'carmen', 'places-carmen');
    await visit(carmen.page, '/admin/contacts/2', 'places-carmen-contact');
    const html = await carmen.page.locator('.lk-panel.lk-contact').innerHTML();
    expect(html).not.to.contain(TOM_LOGIN);
    expect(await carmen.page.locator('.lk-panel.lk-contact .lk-entry').count()).to.equal(0);
    expect(await carmen.page.locator('.lk-panel.lk-contact p.lk-empty:not([hidden])').innerText()).to.equal('No tiene permiso para ver los datos de acceso de este cliente.');
    expectQuiet(carmen.watch, 'carmen on a contact page');
  });

  it('an addon manager switches the contact page off in the settings: contact pages show no panel, device pages still do', async () => {
    const olivia = await e2e.newPage();
    await olivia.page.setViewportSize({ width: 1366, height: 800 });
    await adminLogin(olivia.page, 'olivia', 'places-olivia');
    await visit(olivia.page, '/admin/addons/latchkey?page=settings', 'places-settings');
    const contactPlace = olivia.page.getByLabel("On a contact's page");
    expect(await contactPlace.isChecked()).to.equal(true);
    await contactPlace.uncheck();
    await olivia.page.locator('[data-lk-settings-form] button[type=submit]').click();
    await olivia.page.waitForFunction("document.querySelector('[data-lk-toast]')?.textContent === 'Saved.'");
    expect((await e2e.host.latchkey.settings.get({ kind: 'system' })).staffPanels).to.include({ contactPanel: false, devicePanel: true });
    await visit(page, '/admin/contacts/2', 'places-contact-switched-off');
    expect(await page.locator('.lk-panel').count()).to.equal(0);
    await visit(page, '/admin/devices/2', 'places-device-still-on');
    expect(await page.locator('.lk-panel.lk-device .lk-name').allInnerTexts()).to.deep.equal([NAS_LOGIN]);
    await e2e.host.latchkey.settings.update({ kind: 'system' }, { staffPanels: { contactPanel: true } });
    expectQuiet(olivia.watch, 'switching the contact page off');
  });
});
