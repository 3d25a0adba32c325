import { expect } from 'chai';
import { createHooks, Renderer, type Hooks, type HookSurface, type Latchkey } from '../../core/index.ts';
import { forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { hostFixture, owner, sam } from '../support/host-fixture.ts';

const surface: HookSurface = { apiBase: '/lk/api', assetBase: '/lk/assets', pageUrl: '/page', csrfToken: 'csrf', clipboardClearSeconds: 30 };

/** "Display clients' access details in clients' summary and clients' tickets": each place can be switched off. */
forEachDatabase('where staff find the panel', (db) => {
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
});
