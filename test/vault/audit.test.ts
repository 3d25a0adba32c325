import { expect } from 'chai';
import {
  ConflictError, ForbiddenError, LimitExceededError, NotFoundError, ValidationError,
  type AdminActor, type AuditEvent, type ClientActor, type CreateEntryInput, type LatchkeyError, type RequestOrigin,
} from '../../core/index.ts';
import { ManualClock, forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { acme, acmeDev, globex, hostFixture, owner, sam } from '../support/host-fixture.ts';
import { countRows, emptyTables, rejection, snapshotTables } from '../support/table-rows.ts';

const ORIGIN = { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) LatchkeyAuditTest/1.0' };
const ownerAt: AdminActor = { ...owner, origin: ORIGIN };
const acmeAt: ClientActor = { ...acme, origin: ORIGIN };

const SECRETS = ['audit-sentinel-pw-1', 'audit-sentinel-pw-2', 'audit-sentinel-notes', 'JBSWY3DPEHPK3PXP'];

interface Expected {
  action: string;
  actor: { kind: string; id: string | null };
  entryId?: string | null;
  clientId?: string | null;
  categoryId?: string | null;
}

/**
 * The audit trail: one event per action with who, what, which entry and
 * client, when, and from where; hash-chained so that editing or deleting a
 * row behind our back is found by `verify()`.
 */
forEachDatabase('audit trail', (db) => {
  let vault: Vault;
  let clock: ManualClock;

  before(async () => {
    clock = new ManualClock();
    vault = await openVault(db, hostFixture(), { clock });
  });
  beforeEach(async () => { await emptyTables(vault); });
  after(async () => { await vault.close(); });

  const auditRows = () => countRows(vault, vault.tables.audit);
  const newest = async (): Promise<AuditEvent> => (await vault.lk.audit.list(owner, { limit: 1 }))[0]!;

  /** Runs one action and checks it wrote exactly one event, with these fields, at the clock's time. */
  async function expectOneEvent<T>(action: () => Promise<T>, expected: Expected | ((result: T) => Expected), origin: RequestOrigin = ORIGIN): Promise<T> {
    clock.advanceDays(1);
    const before = await auditRows();
    const result = await action();
    expect(await auditRows(), 'rows in the audit table').to.equal(before + 1);
    const want = typeof expected === 'function' ? expected(result) : expected;
    const event = await newest();
    expect(event.seq).to.equal(before + 1);
    expect(event.action).to.equal(want.action);
    expect(event.actor).to.deep.equal(want.actor);
    expect(event.entryId, 'entryId').to.equal(want.entryId ?? null);
    expect(event.clientId, 'clientId').to.equal(want.clientId ?? null);
    expect(event.categoryId, 'categoryId').to.equal(want.categoryId ?? null);
    expect(event.at.getTime(), 'time').to.equal(clock.now().getTime());
    expect(event.ip).to.equal(origin.ip ?? null);
    expect(event.userAgent).to.equal(origin.userAgent ?? null);
    return result;
  }

  const asOwner = { kind: 'admin', id: 'a-owner' };
  const asAcme = { kind: 'client', id: 'c-acme' };

  it('every action writes exactly one event with actor, action, entry, client, time, IP and user agent', async () => {
    const { lk } = vault;
    const entry = await expectOneEvent(
      () => lk.entries.create(acmeAt, { name: 'Mail', password: SECRETS[0], notes: SECRETS[2], totpSecret: SECRETS[3] }),
      (e) => ({ action: 'entry.create', actor: asAcme, entryId: e.id, clientId: 'c-acme' }),
    );
    await expectOneEvent(() => lk.entries.reveal(acmeAt, entry.id),
      { action: 'entry.reveal', actor: asAcme, entryId: entry.id, clientId: 'c-acme' });
    await expectOneEvent(() => lk.entries.update(acmeAt, entry.id, { version: 1, password: SECRETS[1] }),
      { action: 'entry.update', actor: asAcme, entryId: entry.id, clientId: 'c-acme' });
    const [old] = await lk.entries.history(acme, entry.id);
    await expectOneEvent(() => lk.entries.revealHistory(acmeAt, entry.id, old!.id),
      { action: 'entry.history.reveal', actor: asAcme, entryId: entry.id, clientId: 'c-acme' });
    await expectOneEvent(() => lk.entries.share(acmeAt, entry.id, { version: 2, grants: [{ kind: 'contact', id: 'k-acme-dev' }] }),
      { action: 'entry.share', actor: asAcme, entryId: entry.id, clientId: 'c-acme' });
    const devAt: ClientActor = { ...acmeDev, origin: ORIGIN };
    await expectOneEvent(() => lk.entries.reveal(devAt, entry.id),
      { action: 'entry.reveal', actor: { kind: 'client', id: 'c-acme/k-acme-dev' }, entryId: entry.id, clientId: 'c-acme' });
    await expectOneEvent(() => lk.entries.reveal(acmeAt, 'service:s-acme-vps'),
      { action: 'entry.reveal', actor: asAcme, entryId: 'service:s-acme-vps', clientId: 'c-acme' });

    const clientCategory = await expectOneEvent(() => lk.categories.create(acmeAt, { name: 'Mine' }),
      (c) => ({ action: 'category.create', actor: asAcme, clientId: 'c-acme', categoryId: c.id }));
    await expectOneEvent(() => lk.categories.update(acmeAt, clientCategory.id, { name: 'Ours' }),
      { action: 'category.update', actor: asAcme, clientId: 'c-acme', categoryId: clientCategory.id });
    await expectOneEvent(() => lk.categories.delete(acmeAt, clientCategory.id),
      { action: 'category.delete', actor: asAcme, clientId: 'c-acme', categoryId: clientCategory.id });

    const adminCategory = await expectOneEvent(() => lk.categories.create(ownerAt, { name: 'Network', members: [{ kind: 'admin', id: 'a-sam' }] }),
      (c) => ({ action: 'category.create', actor: asOwner, categoryId: c.id }));
    await expectOneEvent(() => lk.categories.update(ownerAt, adminCategory.id, { members: [] }),
      { action: 'category.update', actor: asOwner, categoryId: adminCategory.id });
    await expectOneEvent(() => lk.categories.delete(ownerAt, adminCategory.id),
      { action: 'category.delete', actor: asOwner, categoryId: adminCategory.id });

    await expectOneEvent(() => lk.settings.update(ownerAt, { adminAccessMode: 'full' }), { action: 'settings.update', actor: asOwner });

    const adminEntry = await expectOneEvent(() => lk.entries.create(ownerAt, { name: 'Router', clientId: 'c-acme', password: SECRETS[0] }),
      (e) => ({ action: 'entry.create', actor: asOwner, entryId: e.id, clientId: 'c-acme' }));
    await expectOneEvent(() => lk.entries.reveal(ownerAt, entry.id),
      { action: 'entry.reveal', actor: asOwner, entryId: entry.id, clientId: 'c-acme' });
    await expectOneEvent(() => lk.entries.delete(ownerAt, adminEntry.id, { version: 1 }),
      { action: 'entry.delete', actor: asOwner, entryId: adminEntry.id, clientId: 'c-acme' });
    await expectOneEvent(() => lk.entries.delete(acmeAt, entry.id, { version: 3 }),
      { action: 'entry.delete', actor: asAcme, entryId: entry.id, clientId: 'c-acme' });

    const total = await auditRows();
    expect(total).to.equal(18);
    expect(await lk.audit.verify()).to.deep.equal({ ok: true, events: total });
  });

  it('records no IP or user agent when the actor carries no origin, and a system actor as system', async () => {
    await expectOneEvent(() => vault.lk.entries.create(acme, { name: 'Mail' }),
      (e) => ({ action: 'entry.create', actor: asAcme, entryId: e.id, clientId: 'c-acme' }), {});
    await expectOneEvent(() => vault.lk.settings.update({ kind: 'system' }, { historyDepth: 3 }),
      { action: 'settings.update', actor: { kind: 'system', id: null } }, {});
  });

  it('keeps an over-long IP and user agent to their column sizes, and the chain still verifies', async () => {
    const actor: ClientActor = { ...acme, origin: { ip: `2001:db8::${'f'.repeat(100)}`, userAgent: 'U'.repeat(2000) } };
    await vault.lk.entries.create(actor, { name: 'Mail' });
    const event = await newest();
    expect(event.ip).to.have.length(64);
    expect(event.userAgent).to.equal('U'.repeat(512));
    expect(await vault.lk.audit.verify()).to.deep.equal({ ok: true, events: 1 });
  });

  it('never writes a secret into the audit trail', async () => {
    const { lk } = vault;
    const e = await lk.entries.create(acmeAt, { name: 'Mail', password: SECRETS[0], notes: SECRETS[2], totpSecret: SECRETS[3] });
    await lk.entries.reveal(acmeAt, e.id);
    await lk.entries.update(acmeAt, e.id, { version: 1, password: SECRETS[1], notes: null });
    const [old] = await lk.entries.history(acme, e.id);
    await lk.entries.revealHistory(acmeAt, e.id, old!.id);
    await lk.entries.reveal(acmeAt, 'service:s-acme-vps');
    const rows = await vault.raw(vault.tables.audit).select('*');
    const text = JSON.stringify(rows);
    for (const secret of [...SECRETS, 'acme-vps-root-pw']) expect(text).not.to.include(secret);
  });

  it('a failed action writes no event and changes no table', async () => {
    const { lk } = vault;
    await lk.settings.update(owner, { clientEntryLimit: 1 });
    const entry = await lk.entries.create(acme, { name: 'Mail', password: SECRETS[0] });
    await lk.entries.share(acme, entry.id, { version: 1, grants: [{ kind: 'contact', id: 'k-acme-dev' }] });
    const adminCategory = await lk.categories.create(owner, { name: 'Network' });

    const attempts: Array<[string, () => Promise<unknown>, abstract new (...args: never[]) => LatchkeyError]> = [
      ['a contact with a view-only grant updates', () => lk.entries.update(acmeDev, entry.id, { version: 2, name: 'x' }), ForbiddenError],
      ['a contact with a view-only grant deletes', () => lk.entries.delete(acmeDev, entry.id, { version: 2 }), ForbiddenError],
      ['a contact with a view-only grant reshares', () => lk.entries.share(acmeDev, entry.id, { version: 2, grants: [] }), ForbiddenError],
      ['another client reveals', () => lk.entries.reveal(globex, entry.id), NotFoundError],
      ['another client reads the history', () => lk.entries.history(globex, entry.id), NotFoundError],
      ['an admin without access reveals client data', () => lk.entries.reveal(sam, entry.id), NotFoundError],
      ['a non-manager creates an admin category', () => lk.categories.create(sam, { name: 'Mine' }), ForbiddenError],
      ['a non-manager renames an admin category', () => lk.categories.update(sam, adminCategory.id, { name: 'x' }), ForbiddenError],
      ['a non-manager deletes an admin category', () => lk.categories.delete(sam, adminCategory.id), ForbiddenError],
      ['a non-manager changes the settings', () => lk.settings.update(sam, { adminAccessMode: 'full' }), ForbiddenError],
      ['a client changes the settings', () => lk.settings.update(acme, { adminAccessMode: 'full' }), ForbiddenError],
      ['a non-manager reads the audit log', () => lk.audit.list(sam), ForbiddenError],
      ['a contact creates an entry', () => lk.entries.create(acmeDev, { name: 'x' }), ForbiddenError],
      ['a create with an empty name', () => lk.entries.create(acme, { name: '' }), ValidationError],
      ['a create with a javascript: URL', () => lk.entries.create(owner, { name: 'x', websiteUrl: 'javascript:alert(1)' }), ValidationError],
      ['a create with an unknown field', () => lk.entries.create(owner, { name: 'x', colour: 'red' } as unknown as CreateEntryInput), ValidationError],
      ['a create linking another client\'s service', () => lk.entries.create(owner, { name: 'x', clientId: 'c-globex', serviceId: 's-acme-vps' }), ValidationError],
      ['an update with a data: URL', () => lk.entries.update(acme, entry.id, { version: 2, loginUrl: 'data:,x' }), ValidationError],
      ['a share with an admin, by a client', () => lk.entries.share(acme, entry.id, { version: 2, grants: [{ kind: 'admin', id: 'a-sam' }] }), ValidationError],
      ['a category with an unknown member', () => lk.categories.create(owner, { name: 'x', members: [{ kind: 'admin', id: 'a-nope' }] }), ValidationError],
      ['a settings change out of range', () => lk.settings.update(owner, { historyDepth: 1000 }), ValidationError],
      ['an update from a stale version', () => lk.entries.update(acme, entry.id, { version: 1, name: 'x' }), ConflictError],
      ['a share from a stale version', () => lk.entries.share(acme, entry.id, { version: 1, grants: [] }), ConflictError],
      ['a delete from a stale version', () => lk.entries.delete(acme, entry.id, { version: 1 }), ConflictError],
      ['a create over the entry limit', () => lk.entries.create(acme, { name: 'Second', password: SECRETS[1] }), LimitExceededError],
      ['a reveal of an entry that does not exist', () => lk.entries.reveal(acme, '01900000-0000-7000-8000-000000000000'), NotFoundError],
      ['a history reveal of a version that does not exist', () => lk.entries.revealHistory(acme, entry.id, '01900000-0000-7000-8000-000000000000'), NotFoundError],
    ];
    for (const [what, attempt, type] of attempts) {
      const before = await snapshotTables(vault);
      await rejection(attempt(), type);
      expect(await snapshotTables(vault), what).to.deep.equal(before);
    }
    expect(await lk.audit.verify()).to.deep.equal({ ok: true, events: 4 });
  });

  it('concurrent actions on a fresh vault append to one unbroken chain', async () => {
    const { lk } = vault;
    const created = await Promise.all(Array.from({ length: 6 }, (_, i) => lk.entries.create(acme, { name: `Entry ${i}`, password: `pw-${i}` })));
    await Promise.all(created.flatMap((e) => [lk.entries.reveal(acme, e.id), lk.entries.reveal(acme, e.id)]));
    expect(await lk.audit.verify()).to.deep.equal({ ok: true, events: 18 });
    const seqs = (await vault.raw(vault.tables.audit).select('seq').orderBy('seq')).map((r: { seq: number | string }) => Number(r.seq));
    expect(seqs).to.deep.equal(Array.from({ length: 18 }, (_, i) => i + 1));
  });

  it('lists events newest first, filtered by entry, client, actor and action, and pages with beforeSeq', async () => {
    const { lk } = vault;
    const a = await lk.entries.create(acme, { name: 'A', password: 'pw-a' });
    const g = await lk.entries.create(globex, { name: 'G', password: 'pw-g' });
    await lk.entries.reveal(acme, a.id);
    await lk.entries.reveal(globex, g.id);
    await lk.entries.reveal(acme, a.id);
    expect((await lk.audit.list(owner)).map((e) => e.seq)).to.deep.equal([5, 4, 3, 2, 1]);
    expect((await lk.audit.list(owner, { entryId: a.id })).map((e) => e.seq)).to.deep.equal([5, 3, 1]);
    expect((await lk.audit.list(owner, { clientId: 'c-globex' })).map((e) => e.seq)).to.deep.equal([4, 2]);
    expect((await lk.audit.list(owner, { actorKind: 'client', actorId: 'c-acme', action: 'entry.reveal' })).map((e) => e.seq)).to.deep.equal([5, 3]);
    expect((await lk.audit.list(owner, { limit: 2 })).map((e) => e.seq)).to.deep.equal([5, 4]);
    expect((await lk.audit.list(owner, { limit: 2, beforeSeq: 4 })).map((e) => e.seq)).to.deep.equal([3, 2]);
    expect((await lk.audit.list({ kind: 'system' }, { limit: 1 })).map((e) => e.seq)).to.deep.equal([5]);
  });

  describe('tampering', () => {
    /** Six events: create, reveal, update, share, reveal, settings. */
    beforeEach(async () => {
      const { lk } = vault;
      const e = await lk.entries.create(acmeAt, { name: 'Mail', password: SECRETS[0] });
      await lk.entries.reveal(acmeAt, e.id);
      await lk.entries.update(acmeAt, e.id, { version: 1, password: SECRETS[1] });
      await lk.entries.share(acmeAt, e.id, { version: 2, grants: [{ kind: 'contact', id: 'k-acme-dev' }] });
      await lk.entries.reveal(acmeDev, e.id);
      await lk.settings.update(ownerAt, { adminAccessMode: 'full' });
      expect(await lk.audit.verify()).to.deep.equal({ ok: true, events: 6 });
    });

    const audit = () => vault.raw(vault.tables.audit);
    async function expectBrokenAt(seq: number): Promise<void> {
      const verdict = await vault.lk.audit.verify();
      expect(verdict.ok).to.equal(false);
      if (verdict.ok) return;
      expect(verdict.seq).to.equal(seq);
      expect(verdict.reason).to.be.a('string').and.not.equal('');
    }

    it('editing the details of an event is detected at that event', async () => {
      await audit().where('seq', 3).update({ details: JSON.stringify({ fields: ['name'] }) });
      await expectBrokenAt(3);
    });

    it('editing the actor of an event is detected at that event', async () => {
      await audit().where('seq', 2).update({ actor_id: 'c-globex' });
      await expectBrokenAt(2);
    });

    it('editing the action, entry, time or IP of an event is detected', async () => {
      for (const [seq, change] of [[4, { action: 'entry.update' }], [5, { entry_id: 'service:s-acme-vps' }], [1, { at: 0 }], [6, { ip: '198.51.100.1' }]] as const) {
        const [original] = await audit().where('seq', seq).select('action', 'entry_id', 'at', 'ip');
        await audit().where('seq', seq).update(change);
        await expectBrokenAt(seq);
        await audit().where('seq', seq).update(original);
        expect(await vault.lk.audit.verify()).to.deep.equal({ ok: true, events: 6 });
      }
    });

    it('moving an event to another place in the chain is detected', async () => {
      await audit().where('seq', 3).delete();
      await audit().where('seq', 4).update({ seq: 3 });
      await expectBrokenAt(3);
    });

    it('deleting an event in the middle is detected at the missing event', async () => {
      await audit().where('seq', 3).delete();
      await expectBrokenAt(3);
    });

    it('deleting the first event is detected', async () => {
      await audit().where('seq', 1).delete();
      await expectBrokenAt(1);
    });

    it('deleting the last event is detected, although no later event points at it', async () => {
      await audit().where('seq', 6).delete();
      await expectBrokenAt(6);
    });

    it('emptying the audit table is detected', async () => {
      await audit().delete();
      await expectBrokenAt(1);
    });

    it('the next event after a detected break does not hide it', async () => {
      await audit().where('seq', 2).update({ details: null });
      await vault.lk.entries.create(acme, { name: 'Later' });
      await expectBrokenAt(2);
    });
  });
});
