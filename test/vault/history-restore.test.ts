import { expect } from 'chai';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type Latchkey } from '../../core/index.ts';
import { forEachDatabase, ManualClock, openVault, type Vault } from '../support/databases.ts';
import { hostFixture, owner, sam, sid } from '../support/host-fixture.ts';
import { Inbox } from '../mail/support/inbox.ts';
import { countRows, emptyTables, rejection, snapshotTables } from '../support/table-rows.ts';

/**
 * A former password can become the current one again: as a change of the
 * password (history, version, watchers told), by someone who may edit the
 * entry, recorded as its own audit action.
 */
forEachDatabase('entries: restoring a former password', (db) => {
  let vault: Vault;
  let lk: Latchkey;
  let clock: ManualClock;

  before(async () => {
    clock = new ManualClock();
    vault = await openVault(db, hostFixture(), { clock });
    lk = vault.lk;
  });
  beforeEach(async () => { await emptyTables(vault); });
  after(async () => { await vault.close(); });

  /** Owner's entry at version 3 (pw-1, pw-2, pw-3), Sam may view it and Sid may edit it; Sam watches it. */
  async function entryWithHistory(): Promise<{ id: string; first: string }> {
    const entry = await lk.entries.create(owner, {
      name: 'vps1 root', password: 'pw-1', grants: [{ kind: 'admin', id: 'a-sam' }, { kind: 'admin', id: 'a-sys', canEdit: true }],
    });
    await lk.entries.update(owner, entry.id, { version: 1, password: 'pw-2' });
    await lk.entries.update(owner, entry.id, { version: 2, password: 'pw-3' });
    await lk.entries.watch(sam, entry.id, true);
    const first = (await lk.entries.history(owner, entry.id)).find((h) => h.version === 1)!;
    return { id: entry.id, first: first.id };
  }

  it('the restored password is current, the replaced one joins the history, and the version moves on', async () => {
    const { id, first } = await entryWithHistory();
    clock.advanceDays(1);
    const restored = await lk.entries.restore(sid, id, first, { version: 3 });
    expect(restored.version).to.equal(4);
    expect(restored.passwordChangedAt?.getTime()).to.equal(clock.now().getTime());
    expect((await lk.entries.reveal(owner, id)).password?.expose()).to.equal('pw-1');
    const history = await lk.entries.history(owner, id);
    expect(history.map((h) => h.version)).to.deep.equal([3, 2, 1]);
    expect((await lk.entries.revealHistory(owner, id, history[0]!.id)).expose()).to.equal('pw-3');
  });

  it('is audited as entry.restore with the version restored, and no password in the trail', async () => {
    const { id, first } = await entryWithHistory();
    await lk.entries.restore(sid, id, first, { version: 3 });
    const [event] = await lk.audit.list(owner, { entryId: id, limit: 1 });
    expect(event!.action).to.equal('entry.restore');
    expect(event!.actor).to.deep.equal({ kind: 'admin', id: 'a-sys' });
    expect(event!.details).to.deep.equal({ fields: ['password'], restoredVersion: 1 });
    const trail = JSON.stringify(await vault.raw(vault.tables.audit).select('*'));
    for (const secret of ['pw-1', 'pw-2', 'pw-3']) expect(trail).to.not.contain(secret);
  });

  it('watchers get a change notice that says it was a restore, without the password', async () => {
    const { id, first } = await entryWithHistory();
    const before = await countRows(vault, vault.tables.outbox);
    await lk.entries.restore(sid, id, first, { version: 3 });
    expect(await countRows(vault, vault.tables.outbox)).to.equal(before + 1);
    const inbox = new Inbox();
    await lk.dispatcher(inbox).drain();
    const notice = inbox.to('sam@host.test').at(-1)!;
    expect(notice.subject).to.equal('The password of vps1 root was changed');
    expect(notice.text).to.contain('It was set back to an earlier password, version 1 of its history.');
    expect(`${notice.subject}\n${notice.text}\n${notice.html}`).to.not.contain('pw-1');
  });

  it('a stale version is a conflict and nothing is written', async () => {
    const { id, first } = await entryWithHistory();
    const before = await snapshotTables(vault);
    const err = await rejection(lk.entries.restore(sid, id, first, { version: 2 }), ConflictError);
    expect(err.currentVersion).to.equal(3);
    expect(await snapshotTables(vault)).to.deep.equal(before);
  });

  it('someone who may only view the entry may not restore, and nothing is written', async () => {
    const { id, first } = await entryWithHistory();
    const before = await snapshotTables(vault);
    await rejection(lk.entries.restore(sam, id, first, { version: 3 }), ForbiddenError);
    expect(await snapshotTables(vault)).to.deep.equal(before);
  });

  it('a version of another entry, or none at all, is not found; a missing version is a 4xx naming it', async () => {
    const { id } = await entryWithHistory();
    const other = await entryWithHistory();
    await rejection(lk.entries.restore(owner, id, other.first, { version: 3 }), NotFoundError);
    const invalid = await rejection(lk.entries.restore(owner, id, other.first, {} as { version: number }), ValidationError);
    expect(invalid.issues.map((i) => i.field)).to.deep.equal(['version']);
  });
});
