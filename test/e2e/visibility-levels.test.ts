import { expect } from 'chai';
import { grantRow, pickByKeyboard } from './picker.ts';
import { adminLogin, clickAndReload, clientLogin, expectQuiet, shot, startE2E, visit, type E2E, requireChromium } from './support.ts';

const SAM = { kind: 'admin', adminId: '2' } as const;
const SYSTEM = { kind: 'system' } as const;
/** Blue Harbour Coffee, the demo's client whose main contact is Emma. */
const BLUE_HARBOUR = '1';

/**
 * In Chromium: staff choose what the client may do with each field in the
 * entry dialog and a share level in the share dialog; a client whose area is
 * closed finds an honest notice.
 */
describe('[sqlite] e2e: field access, share levels and a closed client area', function () {
  let e2e: E2E;

  before(async function () {
    requireChromium(this);
    e2e = await startE2E();
  });
  after(async () => e2e?.close());

  it('Sam hides the password from the client in the entry dialog and gives Marc edit-and-share in the share dialog', async () => {
    const lk = e2e.host.latchkey;
    const entry = await lk.entries.create(SAM, { name: 'Roaster PLC — levels e2e', clientId: BLUE_HARBOUR, username: 'plc', password: 'Plc-e2e-pw-5531' });
    const sam = await e2e.newPage();
    await adminLogin(sam.page, 'sam', 'levels-sam');
    await visit(sam.page, `/admin/clients/${BLUE_HARBOUR}`, 'levels-summary');
    const row = sam.page.locator(`.lk-panel .lk-entry[data-lk-row="${entry.id}"]`);

    await row.locator('[data-lk-edit]').click();
    const dialog = sam.page.locator('.lk-panel [data-lk-entry-dialog]').first();
    await dialog.waitFor({ state: 'visible' });
    const password = dialog.locator('[data-lk-field-access-for=password]');
    expect(await password.inputValue()).to.equal('');
    for (const field of ['username', 'urls', 'notes', 'totp']) await dialog.locator(`[data-lk-field-access-for=${field}]`).selectOption('edit');
    await password.selectOption('hidden');
    await shot(sam.page, 'levels-entry-dialog');
    await clickAndReload(sam.page, dialog.locator('button[type=submit]'));
    expect((await lk.entries.get(SAM, entry.id)).clientFieldAccess).to.deep.equal({
      username: 'edit', password: 'hidden', urls: 'edit', notes: 'edit', totp: 'edit',
    });

    await sam.page.locator(`.lk-panel .lk-entry[data-lk-row="${entry.id}"] [data-lk-share]`).click();
    const share = sam.page.locator('.lk-panel [data-lk-share-dialog]').first();
    await share.waitFor({ state: 'visible' });
    await pickByKeyboard(share, 'dubois', 'Marc Dubois');
    await grantRow(share, 'Marc Dubois').locator('select').selectOption('share');
    await shot(sam.page, 'levels-share-dialog');
    await clickAndReload(sam.page, share.locator('button[type=submit]'));
    expect(await lk.entries.grants(SAM, entry.id)).to.deep.include({ kind: 'admin', id: '3', canEdit: true, canShare: true });

    // Opened again, the dialog shows who has which level.
    await sam.page.locator(`.lk-panel .lk-entry[data-lk-row="${entry.id}"] [data-lk-share]`).click();
    await share.waitFor({ state: 'visible' });
    expect(await grantRow(share, 'Marc Dubois').locator('select').inputValue()).to.equal('share');
    expectQuiet(sam.watch, 'sam sets levels');
  });

  it('a client whose area is closed finds a notice saying so, not an empty vault', async () => {
    const lk = e2e.host.latchkey;
    await lk.settings.update(SYSTEM, { clientArea: { excludedClientIds: [BLUE_HARBOUR] } });
    try {
      const emma = await e2e.newPage();
      await clientLogin(emma.page, 'hello@blueharbourcoffee.example', 'levels-emma');
      await visit(emma.page, '/clientarea/passwords', 'levels-closed-area');
      const notice = emma.page.locator('[data-lk-unavailable=client_area]');
      expect(await notice.count()).to.equal(1);
      expect(await notice.innerText()).to.contain('not available for your account');
      expect(await emma.page.locator('.lk-entry').count()).to.equal(0);
      await shot(emma.page, 'levels-closed-area');
    } finally {
      await lk.settings.update(SYSTEM, { clientArea: { excludedClientIds: [] } });
    }
  });
});
