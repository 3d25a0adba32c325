import { expect } from 'chai';
import { forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { acme, hostFixture, owner } from '../support/host-fixture.ts';

forEachDatabase('vault basics', (db) => {
  let vault: Vault;
  beforeEach(async () => { vault = await openVault(db, hostFixture()); });
  afterEach(async () => { await vault.close(); });

  it('stores an entry and reveals its password to its owner', async () => {
    const created = await vault.lk.entries.create(acme, { name: 'Mail', username: 'ann', password: 'hunter2-sentinel' });
    const secrets = await vault.lk.entries.reveal(acme, created.id);
    expect(secrets.password?.expose()).to.equal('hunter2-sentinel');
    const page = await vault.lk.entries.list(acme);
    expect(page.items.map((e) => e.id)).to.deep.equal([created.id]);
    const updated = await vault.lk.entries.update(acme, created.id, { version: 1, password: 'new-pass' });
    expect(updated.version).to.equal(2);
    const history = await vault.lk.entries.history(acme, created.id);
    expect(history).to.have.length(1);
    expect((await vault.lk.entries.revealHistory(acme, created.id, history[0]!.id)).expose()).to.equal('hunter2-sentinel');
    expect(await vault.lk.audit.verify()).to.deep.equal({ ok: true, events: 4 });
    const events = await vault.lk.audit.list(owner);
    expect(events.map((e) => e.action)).to.deep.equal(['entry.history.reveal', 'entry.update', 'entry.reveal', 'entry.create']);
  });
});
