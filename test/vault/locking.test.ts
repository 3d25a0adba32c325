import { expect } from 'chai';
import { ConflictError, type EntryView } from '../../core/index.ts';
import { forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { acme, acmeDev, hostFixture, owner } from '../support/host-fixture.ts';
import { countRows, emptyTables, rejection, snapshotTables } from '../support/table-rows.ts';

/**
 * Optimistic locking: every change names the version it was made from; a
 * stale version is a ConflictError carrying the current version, never a
 * silent overwrite, and a refused change writes nothing.
 */
forEachDatabase('optimistic locking', (db) => {
  let vault: Vault;
  let entry: EntryView;

  before(async () => { vault = await openVault(db, hostFixture()); });
  beforeEach(async () => {
    await emptyTables(vault);
    entry = await vault.lk.entries.create(acme, { name: 'Mail', username: 'ann', password: 'pw-version-1' });
  });
  after(async () => { await vault.close(); });

  const events = (action: string) => vault.lk.audit.list(owner, { action }).then((list) => list.length);

  it('two updates from the same version: exactly one wins, the other gets a conflict', async () => {
    const [a, b] = await Promise.allSettled([
      vault.lk.entries.update(acme, entry.id, { version: 1, name: 'Mail (A)', password: 'pw-from-A' }),
      vault.lk.entries.update(acme, entry.id, { version: 1, name: 'Mail (B)', password: 'pw-from-B' }),
    ]);
    const outcomes = [a, b];
    const won = outcomes.filter((o): o is PromiseFulfilledResult<EntryView> => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).to.have.length(1);
    expect(lost).to.have.length(1);
    expect(lost[0]!.reason).to.be.instanceOf(ConflictError);
    expect((lost[0]!.reason as ConflictError).currentVersion).to.equal(2);
    expect((lost[0]!.reason as ConflictError).code).to.equal('conflict');

    const winner = won[0]!.value;
    const winnerPassword = winner.name === 'Mail (A)' ? 'pw-from-A' : 'pw-from-B';
    expect(winner.version).to.equal(2);
    const stored = await vault.lk.entries.get(acme, entry.id);
    expect(stored).to.deep.equal(winner);
    expect((await vault.lk.entries.reveal(acme, entry.id)).password?.expose()).to.equal(winnerPassword);
    // The loser left no trace: one history row (the first password), one update event.
    const history = await vault.lk.entries.history(acme, entry.id);
    expect(history.map((h) => h.version)).to.deep.equal([1]);
    expect((await vault.lk.entries.revealHistory(acme, entry.id, history[0]!.id)).expose()).to.equal('pw-version-1');
    expect(await events('entry.update')).to.equal(1);
    expect(await vault.lk.audit.verify()).to.deep.equal({ ok: true, events: 4 });
  });

  it('of many concurrent updates from the same version exactly one wins, and every loser learns the current version', async () => {
    const names = Array.from({ length: 6 }, (_, i) => `Mail ${i}`);
    const outcomes = await Promise.allSettled(names.map((name) => vault.lk.entries.update(acme, entry.id, { version: 1, name })));
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).to.have.length(1);
    for (const o of lost) {
      expect(o.reason).to.be.instanceOf(ConflictError);
      expect((o.reason as ConflictError).currentVersion).to.equal(2);
    }
    const stored = await vault.lk.entries.get(acme, entry.id);
    expect(stored.version).to.equal(2);
    expect(stored.name).to.equal((won[0] as PromiseFulfilledResult<EntryView>).value.name);
    expect(await events('entry.update')).to.equal(1);
  });

  it('an update from a stale version is a conflict naming the current version, and changes nothing', async () => {
    await vault.lk.entries.update(acme, entry.id, { version: 1, password: 'pw-version-2' });
    await vault.lk.entries.update(acme, entry.id, { version: 2, name: 'Mail v3' });
    const before = await snapshotTables(vault);
    const err = await rejection(vault.lk.entries.update(acme, entry.id, { version: 1, name: 'Stale', password: 'stale-pw' }), ConflictError);
    expect(err.currentVersion).to.equal(3);
    expect(err.message).not.to.include('stale-pw');
    expect(await snapshotTables(vault)).to.deep.equal(before);
    expect((await vault.lk.entries.reveal(acme, entry.id)).password?.expose()).to.equal('pw-version-2');
  });

  it('a stale version is a conflict even when the change would not alter anything', async () => {
    await vault.lk.entries.update(acme, entry.id, { version: 1, name: 'Renamed' });
    const err = await rejection(vault.lk.entries.update(acme, entry.id, { version: 1, name: 'Renamed' }), ConflictError);
    expect(err.currentVersion).to.equal(2);
  });

  it('a version from the future is a conflict too', async () => {
    const err = await rejection(vault.lk.entries.update(acme, entry.id, { version: 7, name: 'Future' }), ConflictError);
    expect(err.currentVersion).to.equal(1);
    expect((await vault.lk.entries.get(acme, entry.id)).name).to.equal('Mail');
  });

  it('sharing from a stale version is a conflict, and the grants stay as they were', async () => {
    await vault.lk.entries.share(acme, entry.id, { version: 1, grants: [{ kind: 'contact', id: 'k-acme-dev' }] });
    const before = await snapshotTables(vault);
    const err = await rejection(vault.lk.entries.share(acme, entry.id, { version: 1, grants: [] }), ConflictError);
    expect(err.currentVersion).to.equal(2);
    expect(await snapshotTables(vault)).to.deep.equal(before);
    expect(await vault.lk.entries.grants(acme, entry.id)).to.deep.equal([{ kind: 'contact', id: 'k-acme-dev', canEdit: false }]);
    expect((await vault.lk.entries.list(acmeDev)).items.map((e) => e.id)).to.deep.equal([entry.id]);
  });

  it('an update and a share from the same version: exactly one wins', async () => {
    const outcomes = await Promise.allSettled([
      vault.lk.entries.update(acme, entry.id, { version: 1, name: 'Updated' }),
      vault.lk.entries.share(acme, entry.id, { version: 1, grants: [{ kind: 'contact', id: 'k-acme-dev', canEdit: true }] }),
    ]);
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(lost).to.have.length(1);
    expect(lost[0]!.reason).to.be.instanceOf(ConflictError);
    const stored = await vault.lk.entries.get(acme, entry.id);
    const grants = await vault.lk.entries.grants(acme, entry.id);
    expect(stored.version).to.equal(2);
    if (outcomes[0].status === 'fulfilled') {
      expect(stored.name).to.equal('Updated');
      expect(grants).to.deep.equal([]);
    } else {
      expect(stored.name).to.equal('Mail');
      expect(grants).to.deep.equal([{ kind: 'contact', id: 'k-acme-dev', canEdit: true }]);
    }
  });

  it('deleting from a stale version is a conflict, and the entry stays', async () => {
    await vault.lk.entries.update(acme, entry.id, { version: 1, password: 'pw-version-2' });
    const before = await snapshotTables(vault);
    const err = await rejection(vault.lk.entries.delete(acme, entry.id, { version: 1 }), ConflictError);
    expect(err.currentVersion).to.equal(2);
    expect(await snapshotTables(vault)).to.deep.equal(before);
    expect((await vault.lk.entries.get(acme, entry.id)).version).to.equal(2);
  });

  it('deleting from the current version removes the entry with its grants and history', async () => {
    await vault.lk.entries.update(acme, entry.id, { version: 1, password: 'pw-version-2' });
    await vault.lk.entries.share(acme, entry.id, { version: 2, grants: [{ kind: 'contact', id: 'k-acme-dev' }] });
    await vault.lk.entries.delete(acme, entry.id, { version: 3 });
    expect((await vault.lk.entries.list(acme)).total).to.equal(0);
    expect(await countRows(vault, vault.tables.entries)).to.equal(0);
    expect(await countRows(vault, vault.tables.grants)).to.equal(0);
    expect(await countRows(vault, vault.tables.history)).to.equal(0);
  });

  it('an update and a delete from the same version: exactly one wins', async () => {
    const outcomes = await Promise.allSettled([
      vault.lk.entries.update(acme, entry.id, { version: 1, name: 'Updated' }),
      vault.lk.entries.delete(acme, entry.id, { version: 1 }),
    ]);
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(lost).to.have.length(1);
    const rows = await countRows(vault, vault.tables.entries);
    if (outcomes[0].status === 'fulfilled') {
      expect(lost[0]!.reason).to.be.instanceOf(ConflictError);
      expect(rows).to.equal(1);
      expect((await vault.lk.entries.get(acme, entry.id)).name).to.equal('Updated');
    } else {
      // The delete won; the update found the entry gone (conflict or not found, never a write).
      expect(rows).to.equal(0);
    }
    expect(await vault.lk.audit.verify()).to.deep.equal({ ok: true, events: 2 });
  });

  it('two people editing what they loaded: the second must reload, and then succeeds', async () => {
    const seenByAnn = await vault.lk.entries.get(acme, entry.id);
    const seenByOwnerAdmin = await vault.lk.entries.get(acme, entry.id);
    await vault.lk.entries.update(acme, entry.id, { version: seenByAnn.version, username: 'ann2' });
    const err = await rejection(vault.lk.entries.update(acme, entry.id, { version: seenByOwnerAdmin.version, username: 'bob' }), ConflictError);
    const reloaded = await vault.lk.entries.get(acme, entry.id);
    expect(reloaded.version).to.equal(err.currentVersion);
    const saved = await vault.lk.entries.update(acme, entry.id, { version: reloaded.version, username: 'bob' });
    expect(saved.version).to.equal(3);
    expect((await vault.lk.entries.get(acme, entry.id)).username).to.equal('bob');
  });

  it('concurrent settings changes to different fields all take effect', async () => {
    await emptyTables(vault);
    await Promise.all([
      vault.lk.settings.update(owner, { historyDepth: 4 }),
      vault.lk.settings.update(owner, { clientEntryLimit: 25 }),
      vault.lk.settings.update(owner, { adminAccessMode: 'full' }),
      vault.lk.settings.update(owner, { allowedAdminIds: ['a-sam'] }),
    ]);
    const settings = await vault.lk.settings.get(owner);
    expect(settings).to.include({ historyDepth: 4, clientEntryLimit: 25, adminAccessMode: 'full' });
    expect(settings.allowedAdminIds).to.deep.equal(['a-sam']);
    expect(await vault.lk.audit.verify()).to.deep.equal({ ok: true, events: 4 });
  });
});
