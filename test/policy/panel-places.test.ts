import { expect } from 'chai';
import { createHooks, Renderer, type Hooks, type HookSurface, type Latchkey } from '../../core/index.ts';
import { forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { acme, hostFixture, owner, sam } from '../support/host-fixture.ts';

const surface: HookSurface = { apiBase: '/lk/api', assetBase: '/lk/assets', pageUrl: '/page', csrfToken: 'csrf', clipboardClearSeconds: 30 };

/** "Display clients' access details in clients' summary and clients' tickets": each place can be switched off. */
forEachDatabase('where staff and clients find the panel', (db) => {
  let vault: Vault;
  let lk: Latchkey;
  let hooks: Hooks;

  before(async () => {
    vault = await openVault(db, hostFixture());
    lk = vault.lk;
    hooks = createHooks(lk, new Renderer());
  });
  after(async () => { await vault.close(); });

  it('the client summary panel shows by default, and not once the installer switches it off; the ticket sidebar stays', async () => {
    expect(await hooks.clientSummary(sam, { clientId: 'c-acme' }, surface)).to.contain('lk-panel');
    await lk.settings.update(owner, { staffPanels: { clientSummary: false } });
    expect(await hooks.clientSummary(sam, { clientId: 'c-acme' }, surface)).to.equal(null);
    expect(await hooks.clientSummary(owner, { clientId: 'c-acme' }, surface)).to.equal(null);
    expect(await hooks.ticketSidebar(sam, { ticketId: 't-100' }, surface)).to.contain('lk-panel');
    await lk.settings.update(owner, { staffPanels: { clientSummary: true } });
    expect(await hooks.clientSummary(sam, { clientId: 'c-acme' }, surface)).to.contain('lk-panel');
  });

  it('the ticket sidebar can be switched off on its own', async () => {
    await lk.settings.update(owner, { staffPanels: { ticketSidebar: false } });
    expect(await hooks.ticketSidebar(sam, { ticketId: 't-100' }, surface)).to.equal(null);
    expect(await hooks.clientSummary(sam, { clientId: 'c-acme' }, surface)).to.contain('lk-panel');
    await lk.settings.update(owner, { staffPanels: { ticketSidebar: true } });
    expect(await hooks.ticketSidebar(sam, { ticketId: 't-100' }, surface)).to.contain('lk-panel');
  });

  it('the contact page and the device page can each be switched off on their own', async () => {
    await lk.settings.update(owner, { staffPanels: { contactPanel: false } });
    expect(await hooks.contactPanel(sam, { contactId: 'k-acme-dev' }, surface)).to.equal(null);
    expect(await hooks.devicePanel(sam, { deviceId: 'd-fw' }, surface)).to.contain('lk-panel');
    await lk.settings.update(owner, { staffPanels: { contactPanel: true, devicePanel: false } });
    expect(await hooks.devicePanel(sam, { deviceId: 'd-fw' }, surface)).to.equal(null);
    expect(await hooks.contactPanel(sam, { contactId: 'k-acme-dev' }, surface)).to.contain('lk-panel');
    expect(await hooks.clientSummary(sam, { clientId: 'c-acme' }, surface)).to.contain('lk-panel');
    await lk.settings.update(owner, { staffPanels: { devicePanel: true } });
    expect(await hooks.devicePanel(sam, { deviceId: 'd-fw' }, surface)).to.contain('lk-panel');
  });

  describe('the client area when private entries are off for the client', () => {
    it('offers no "Add" and says why, and shows none of the client\'s own entries', async () => {
      await lk.entries.create(acme, { name: 'Acme shop login', password: 'shop' });
      const before = await hooks.clientArea(acme, {}, surface);
      expect(before).to.contain('data-lk-new').and.to.contain('Acme shop login');
      await lk.settings.update(owner, { clientPrivateEntries: { excludedClientIds: ['c-acme'] } });
      const after = (await hooks.clientArea(acme, {}, surface))!;
      expect(after).not.to.contain('data-lk-new');
      expect(after).not.to.contain('Acme shop login');
      expect(after).to.contain('turned off for your account');
    });
  });
});
