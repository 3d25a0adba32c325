import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { AuditTrailBrokenError, Keyring, type AuditCheckpoint, type AuditVerdict, type Latchkey } from '../../core/index.ts';
import { AUDIT_HEAD_KEY, GENESIS_HASH, type AuditRow } from '../../core/store/audit-log.ts';
import { AuditSeal } from '../../core/store/audit-seal.ts';
import { ManualClock, forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { acme, globex, hostFixture, owner } from '../support/host-fixture.ts';
import { openSibling } from '../support/shared-vault.ts';
import { emptyTables, rejection } from '../support/table-rows.ts';

const OURS = { id: 'k2', key: randomBytes(32) };
const OLDER = { id: 'k1', key: randomBytes(32) };

/**
 * Someone who can read and write the database but does not hold the key: they
 * can recompute any SHA-256, and MAC with a key of their own under our key id,
 * but never with ours.
 */
const attacker = new AuditSeal(new Keyring([{ id: OURS.id, key: randomBytes(32) }]));

/**
 * The twelve ways issue 11 rewrote the audit trail behind Latchkey's back, and
 * more: each is detected by `verify` alone, or, for cutting back to a genuine
 * older state, by a checkpoint kept outside the database. What even a
 * checkpoint cannot see is tested too, so the docs can say it.
 */
forEachDatabase('audit trail under an attacker without the key', (db) => {
  let vault: Vault;
  let clock: ManualClock;
  /** The head as the database held it after each event: what an attacker who read it earlier could put back. */
  let heads: Map<number, string>;

  before(async () => {
    clock = new ManualClock();
    vault = await openVault(db, hostFixture(), { clock, keys: new Keyring([OURS, OLDER]) });
  });
  after(async () => { await vault.close(); });

  const audit = () => vault.raw(vault.tables.audit);
  const settings = () => vault.raw(vault.tables.settings);
  const rows = async () => await audit().select('*').orderBy('seq') as AuditRow[];
  const headValue = async () => (await settings().where('key', AUDIT_HEAD_KEY).first() as { value: string } | undefined)?.value;
  const putHead = async (value: unknown) => {
    await settings().where('key', AUDIT_HEAD_KEY).delete();
    if (value !== null) await settings().insert({ key: AUDIT_HEAD_KEY, value: typeof value === 'string' ? value : JSON.stringify(value), updated_at: 0 });
  };

  /** Sixteen events, eleven of them reveals: the head after each is kept in `heads`. */
  async function sixteenEvents(lk: Latchkey = vault.lk): Promise<void> {
    heads = new Map();
    const step = async (action: () => Promise<unknown>) => {
      clock.advanceDays(1);
      await action();
      const seq = (await rows()).length;
      heads.set(seq, (await headValue())!);
    };
    const mail = await lk.entries.create(acme, { name: 'Mail', password: 'pw-mail' });
    heads.set(1, (await headValue())!);
    for (let i = 0; i < 3; i++) await step(() => lk.entries.reveal(acme, mail.id));
    const router = await lk.entries.create(globex, { name: 'Router', password: 'pw-router' });
    heads.set(5, (await headValue())!);
    await step(() => lk.entries.reveal(globex, router.id));
    await step(() => lk.entries.reveal(acme, mail.id));
    await step(() => lk.entries.update(acme, mail.id, { version: 1, password: 'pw-mail-2' }));
    for (let i = 0; i < 4; i++) await step(() => lk.entries.reveal(acme, mail.id));
    // A real change each time (an unchanged setting writes no event).
    await step(async () => lk.settings.update(owner, { historyDepth: (await lk.settings.get(owner)).historyDepth + 1 }));
    for (let i = 0; i < 3; i++) await step(() => lk.entries.reveal(globex, router.id));
  }

  beforeEach(async () => {
    await emptyTables(vault);
    await sixteenEvents();
    expect(await vault.lk.audit.verify()).to.deep.equal({ ok: true, events: 16 });
  });

  /** Recomputes every link from `fromSeq` on, and a head for the last: with the attacker's own key, or unkeyed as before migration 0006. */
  async function rechain(fromSeq: number, how: 'own key' | 'unkeyed'): Promise<void> {
    const all = await rows();
    let prev = fromSeq === 1 ? GENESIS_HASH : all.find((r) => Number(r.seq) === fromSeq - 1)!.hash;
    for (const row of all.filter((r) => Number(r.seq) >= fromSeq)) {
      const keyId = how === 'unkeyed' ? null : row.key_id;
      const hash = attacker.hash({ ...row, prev_hash: prev, key_id: keyId });
      const mac = keyId === null ? null : await attacker.event(keyId, Number(row.seq), hash);
      await audit().where('seq', row.seq).update({ prev_hash: prev, key_id: keyId, hash, mac });
      prev = hash;
    }
    await forgeHead(Number(all.at(-1)!.seq), prev, how);
  }

  async function forgeHead(seq: number, hash: string, how: 'own key' | 'unkeyed'): Promise<void> {
    await putHead(how === 'unkeyed' ? { seq, hash } : { seq, hash, keyId: OURS.id, mac: await attacker.head(OURS.id, seq, hash) });
  }

  async function hashOf(seq: number): Promise<string> {
    return (await audit().where('seq', seq).first() as AuditRow).hash;
  }

  function expectBroken(verdict: AuditVerdict, seq: number, what: string): void {
    expect(verdict, what).to.have.property('ok', false);
    if (verdict.ok) return;
    expect(verdict.seq, `${what}: ${verdict.reason}`).to.equal(seq);
    expect(verdict.reason).to.be.a('string').and.not.equal('');
  }

  async function expectBrokenAt(seq: number, what: string, checkpoints?: AuditCheckpoint[]): Promise<void> {
    expectBroken(await vault.lk.audit.verify({ checkpoints }), seq, what);
  }

  /** Puts the database back as it was, so one test can try several variants of an attack. */
  async function restorer(): Promise<() => Promise<void>> {
    const saved = await rows();
    const head = await headValue();
    return async () => {
      await audit().delete();
      for (const row of saved) await audit().insert(row);
      await putHead(head ?? null);
      expect(await vault.lk.audit.verify(), 'restored').to.deep.equal({ ok: true, events: saved.length });
    };
  }

  it('(1) cutting the last 10 events and rewriting the head is detected, and the next write does not hide it', async () => {
    const restore = await restorer();
    const hash6 = await hashOf(6);
    const event6 = await audit().where('seq', 6).first() as AuditRow;
    const forgedHeads: Array<[string, unknown]> = [
      ['a head with no MAC', { seq: 6, hash: hash6 }],
      ['a head MACed with the attacker\'s key', { seq: 6, hash: hash6, keyId: OURS.id, mac: await attacker.head(OURS.id, 6, hash6) }],
      ['a head carrying event 6\'s own MAC', { seq: 6, hash: hash6, keyId: OURS.id, mac: event6.mac }],
      ['a head naming a key we do not hold', { seq: 6, hash: hash6, keyId: 'k9', mac: event6.mac }],
    ];
    for (const [what, head] of forgedHeads) {
      await audit().where('seq', '>', 6).delete();
      await putHead(head);
      await expectBrokenAt(7, what);
      await restore();
    }

    for (const [what, head] of [forgedHeads[0]!, forgedHeads[3]!]) {
      await audit().where('seq', '>', 6).delete();
      await putHead(head);
      await vault.lk.entries.create(acme, { name: 'Written after the cut' });
      await expectBrokenAt(7, `${what}, after the next write`);
      expect((await rows()).map((r) => r.action).slice(6)).to.deep.equal(['audit.head.unverified', 'entry.create']);
      await restore();
    }
  });

  it('(2) deleting every event and the head is detected', async () => {
    await audit().delete();
    await putHead(null);
    await expectBrokenAt(1, 'no events, no head');
  });

  it('(3) editing an event and recomputing the chain, unkeyed or with another key, is detected at that event', async () => {
    const restore = await restorer();
    await audit().where('seq', 5).update({ client_id: 'c-acme' });
    await rechain(5, 'unkeyed');
    await expectBrokenAt(5, 'recomputed unkeyed, as before migration 0006');
    await restore();

    await audit().where('seq', 5).update({ client_id: 'c-acme' });
    await rechain(5, 'own key');
    await expectBrokenAt(5, 'recomputed with the attacker\'s own key under our key id');
    await restore();

    // Passing the whole trail off as one from before migration 0006.
    await audit().where('seq', 1).update({ client_id: 'c-globex' });
    await rechain(1, 'unkeyed');
    await expectBrokenAt(17, 'the whole trail recomputed unkeyed, with an unsealed head');
  });

  it('(4) deleting 3 reveal events and renumbering the rest is detected at the first gap', async () => {
    const restore = await restorer();
    for (const how of ['own key', 'unkeyed'] as const) {
      const reveals = (await rows()).filter((r) => r.action === 'entry.reveal').map((r) => Number(r.seq));
      const gone = [reveals[1]!, reveals[5]!, reveals[6]!];
      await audit().whereIn('seq', gone).delete();
      let next = gone[0]!;
      for (const row of (await rows()).filter((r) => Number(r.seq) > gone[0]!)) {
        await audit().where('seq', row.seq).update({ seq: next });
        next += 1;
      }
      await rechain(gone[0]!, how);
      expect(await rows()).to.have.length(13);
      await expectBrokenAt(gone[0]!, how);
      await restore();
    }
  });

  it('(5) editing any one column of one event is detected at that event', async () => {
    const restore = await restorer();
    const edits: Record<string, unknown> = {
      at: 1, actor_kind: 'admin', actor_id: 'c-globex', action: 'entry.update', entry_id: '01900000-0000-7000-8000-000000000000',
      client_id: 'c-globex', category_id: '01900000-0000-7000-8000-000000000001', ip: '198.51.100.1', user_agent: 'curl/8',
      details: '{"fields":["name"]}', prev_hash: 'f'.repeat(64), hash: 'e'.repeat(64), mac: 'd'.repeat(64),
    };
    for (const [column, value] of Object.entries(edits)) {
      await audit().where('seq', 9).update({ [column]: value });
      await expectBrokenAt(9, column);
      await restore();
    }
  });

  it('(6) swapping two events is detected at the first of them', async () => {
    const restore = await restorer();
    for (const how of [null, 'own key'] as const) {
      const [eight, nine] = [await audit().where('seq', 8).first() as AuditRow, await audit().where('seq', 9).first() as AuditRow];
      await audit().where('seq', 8).update({ ...nine, seq: 8 });
      await audit().where('seq', 9).update({ ...eight, seq: 9 });
      if (how) await rechain(8, how);
      await expectBrokenAt(8, how ?? 'swapped as they were');
      await restore();
    }
  });

  it('(7) inserting a forged event is detected, at the end or in the middle', async () => {
    const restore = await restorer();
    const forged = (seq: number, prev: string) => ({
      seq, at: clock.now().getTime(), actor_kind: 'admin', actor_id: 'a-owner', action: 'entry.reveal', entry_id: null,
      client_id: 'c-acme', category_id: null, ip: null, user_agent: null, details: null, prev_hash: prev, key_id: OURS.id,
    });
    const atEnd = forged(17, await hashOf(16));
    const hash = attacker.hash(atEnd);
    await audit().insert({ ...atEnd, hash, mac: await attacker.event(OURS.id, 17, hash) });
    await forgeHead(17, hash, 'own key');
    await expectBrokenAt(17, 'at the end');
    await restore();

    for (const row of (await rows()).reverse().filter((r) => Number(r.seq) >= 5)) {
      await audit().where('seq', row.seq).update({ seq: Number(row.seq) + 1 });
    }
    await audit().insert({ ...forged(5, await hashOf(4)), hash: '0'.repeat(64), mac: null });
    await rechain(5, 'own key');
    await expectBrokenAt(5, 'in the middle');
  });

  it('(8) replacing only the head is detected', async () => {
    const restore = await restorer();
    const event16 = await audit().where('seq', 16).first() as AuditRow;
    const heads16: Array<[string, string | object]> = [
      ['MACed with the attacker\'s key', { seq: 16, hash: event16.hash, keyId: OURS.id, mac: await attacker.head(OURS.id, 16, event16.hash) }],
      ['naming event 15 with a forged MAC', { seq: 15, hash: await hashOf(15), keyId: OURS.id, mac: await attacker.head(OURS.id, 15, await hashOf(15)) }],
      ['with event 16\'s own MAC', { seq: 16, hash: event16.hash, keyId: OURS.id, mac: event16.mac }],
      ['with no MAC', { seq: 16, hash: event16.hash }],
      ['a genuine older head', heads.get(12)!],
    ];
    for (const [what, head] of heads16) {
      await putHead(head);
      const verdict = await vault.lk.audit.verify();
      expectBroken(verdict, what === 'a genuine older head' ? 13 : 17, what);
      await restore();
    }
    // A checkpoint's MAC is no head's MAC.
    const checkpoint = await vault.lk.audit.checkpoint();
    await putHead({ seq: checkpoint.seq, hash: checkpoint.head, keyId: checkpoint.keyId, mac: checkpoint.mac });
    await expectBrokenAt(17, 'a checkpoint passed off as the head');
  });

  it('(9) changing an event\'s key id is detected, to a key we hold or not, with its hash recomputed or not', async () => {
    const restore = await restorer();
    const row = await audit().where('seq', 4).first() as AuditRow;
    for (const keyId of [OLDER.id, 'k9']) {
      await audit().where('seq', 4).update({ key_id: keyId });
      await expectBrokenAt(4, `${keyId}, hash as it was`);
      await restore();
    }
    // Only the MAC ties an event to a key: recompute the hash (anyone can), keep the chain linked.
    await audit().where('seq', 4).update({ key_id: OLDER.id });
    const changed = { ...row, key_id: OLDER.id };
    await audit().where('seq', 4).update({ hash: attacker.hash(changed) });
    await rechain(5, 'own key');
    await expectBrokenAt(4, 'hash recomputed');
  });

  it('(10) a genuine old head put back after a truncation passes alone, and the later checkpoint finds it; a forged checkpoint is refused', async () => {
    const cp16 = await vault.lk.audit.checkpoint();
    expect([cp16.seq, cp16.events]).to.deep.equal([16, 16]);
    await audit().where('seq', '>', 6).delete();
    await putHead(heads.get(6)!);
    expect(await vault.lk.audit.verify(), 'the database alone cannot tell').to.deep.equal({ ok: true, events: 6 });
    await expectBrokenAt(7, 'against the checkpoint', [cp16]);

    // The vault goes on writing over the rolled-back trail: the checkpoint still finds it, at its own event.
    await sixteenEvents();
    expect(await rows()).to.have.length(22);
    await expectBrokenAt(16, 'rolled back and written past the checkpoint', [cp16]);

    const forged = { ...cp16, seq: 5 };
    await expectBrokenAt(5, 'a checkpoint with its seq changed', [forged]);
    const own = { ...cp16, mac: await attacker.checkpoint(cp16) };
    await expectBrokenAt(16, 'a checkpoint MACed with another key', [own]);
  });

  it('(11) an emptied trail is detected by a checkpoint, even once the vault has written to it again', async () => {
    const checkpoint = await vault.lk.audit.checkpoint();
    await audit().delete();
    await putHead(null);
    await expectBrokenAt(1, 'empty, with the checkpoint', [checkpoint]);
    await vault.lk.entries.create(acme, { name: 'Written after the emptying' });
    expect(await vault.lk.audit.verify(), 'a fresh-looking trail, to the database alone').to.deep.equal({ ok: true, events: 1 });
    await expectBrokenAt(2, 'written again, with the checkpoint', [checkpoint]);
  });

  it('(12) truncating after a checkpoint, back past it, is detected with the checkpoint', async () => {
    const checkpoint = await vault.lk.audit.checkpoint();
    await vault.lk.entries.create(acme, { name: 'After the checkpoint' });
    await audit().where('seq', '>', 10).delete();
    await putHead(heads.get(10)!);
    expect(await vault.lk.audit.verify()).to.deep.equal({ ok: true, events: 10 });
    await expectBrokenAt(11, 'against the checkpoint', [checkpoint]);
  });

  it('not detected: events newer than the newest checkpoint, cut with a genuine older head put back', async () => {
    clock.advanceDays(1);
    const checkpoint = await vault.lk.audit.checkpoint();
    expect(checkpoint).to.include({ seq: 16, events: 16, keyId: OURS.id, at: clock.now().toISOString() });
    await vault.lk.entries.create(acme, { name: 'Newer than the checkpoint' });
    await audit().where('seq', '>', 16).delete();
    await putHead(heads.get(16)!);
    expect(await vault.lk.audit.verify({ checkpoints: [checkpoint] })).to.deep.equal({ ok: true, events: 16 });
  });

  it('checkpoints hold on an intact trail, every one of them, and a broken trail gets none', async () => {
    const first = await vault.lk.audit.checkpoint();
    await vault.lk.entries.create(acme, { name: 'Between checkpoints' });
    const second = await vault.lk.audit.checkpoint();
    expect(second.seq).to.equal(first.seq + 1);
    expect(await vault.lk.audit.verify({ checkpoints: [first, second] })).to.deep.equal({ ok: true, events: 17 });
    await audit().where('seq', 3).update({ ip: '198.51.100.7' });
    const err = await rejection(vault.lk.audit.checkpoint(), AuditTrailBrokenError);
    expect(err.seq).to.equal(3);
  });

  it('an empty trail has a checkpoint at event 0 that a grown trail still holds', async () => {
    await emptyTables(vault);
    await putHead({ seq: 0, hash: GENESIS_HASH });
    // As after the first migration: the next start seals the empty head.
    const started = await openSibling(db, vault, hostFixture(), new Keyring([OURS, OLDER]));
    try {
      const empty = await started.audit.checkpoint();
      expect(empty).to.include({ seq: 0, events: 0, head: GENESIS_HASH });
      await started.entries.create(acme, { name: 'First' });
      expect(await vault.lk.audit.verify({ checkpoints: [empty] })).to.deep.equal({ ok: true, events: 1 });
    } finally {
      await started.close();
    }
  });
});

/**
 * Vaults upgraded from before migration 0006 hold unkeyed events. They verify
 * as a prefix: Latchkey seals their head at start once every unkeyed link
 * checks out, and from then on every event is keyed.
 */
forEachDatabase('audit events from before the keyed chain', (db) => {
  let vault: Vault;
  const keys = () => new Keyring([OURS]);

  beforeEach(async () => {
    vault = await openVault(db, hostFixture(), { keys: keys() });
    const e = await vault.lk.entries.create(acme, { name: 'Mail', password: 'pw' });
    for (let i = 0; i < 4; i++) await vault.lk.entries.reveal(acme, e.id);
    // As a vault written before migration 0006 left them: SHA-256 links, no key id, no MAC, an unsealed head.
    const seal = new AuditSeal(keys());
    let prev = GENESIS_HASH;
    for (const row of await vault.raw(vault.tables.audit).select('*').orderBy('seq') as AuditRow[]) {
      const hash = seal.hash({ ...row, prev_hash: prev, key_id: null });
      await vault.raw(vault.tables.audit).where('seq', row.seq).update({ prev_hash: prev, key_id: null, mac: null, hash });
      prev = hash;
    }
    await vault.raw(vault.tables.settings).where('key', AUDIT_HEAD_KEY).update({ value: JSON.stringify({ seq: 5, hash: prev }) });
  });
  afterEach(async () => { await vault.close(); });

  const head = async () => JSON.parse((await vault.raw(vault.tables.settings).where('key', AUDIT_HEAD_KEY).first() as { value: string }).value) as Record<string, unknown>;

  it('an intact unkeyed trail is sealed at start, verifies, and goes on keyed', async () => {
    const upgraded = await openSibling(db, vault, hostFixture(), keys());
    try {
      expect(await head()).to.include({ seq: 5, keyId: OURS.id });
      expect(await upgraded.audit.verify()).to.deep.equal({ ok: true, events: 5 });
      await upgraded.entries.create(acme, { name: 'Keyed' });
      expect(await upgraded.audit.verify()).to.deep.equal({ ok: true, events: 6 });
      const keyIds = (await vault.raw(vault.tables.audit).select('key_id').orderBy('seq')).map((r: { key_id: string | null }) => r.key_id);
      expect(keyIds).to.deep.equal([null, null, null, null, null, OURS.id]);

      // An unkeyed event edited and the unkeyed links recomputed: the keyed event after them no longer follows.
      await vault.raw(vault.tables.audit).where('seq', 2).update({ ip: '198.51.100.9' });
      const seal = new AuditSeal(keys());
      let prev = (await vault.raw(vault.tables.audit).where('seq', 1).first() as AuditRow).hash;
      for (const row of await vault.raw(vault.tables.audit).select('*').where('seq', '>=', 2).where('seq', '<=', 5).orderBy('seq') as AuditRow[]) {
        const hash = seal.hash({ ...row, prev_hash: prev });
        await vault.raw(vault.tables.audit).where('seq', row.seq).update({ prev_hash: prev, hash });
        prev = hash;
      }
      const verdict = await upgraded.audit.verify();
      expect(verdict.ok).to.equal(false);
      if (!verdict.ok) expect(verdict.seq).to.equal(6);
    } finally {
      await upgraded.close();
    }
  });

  it('an instance that was running through the upgrade chains on from the intact unkeyed trail, with no doubt recorded', async () => {
    await vault.lk.entries.create(acme, { name: 'Keyed' });
    const actions = (await vault.raw(vault.tables.audit).select('action', 'key_id').orderBy('seq')).slice(4);
    expect(actions).to.deep.equal([{ action: 'entry.reveal', key_id: null }, { action: 'entry.create', key_id: OURS.id }]);
    expect(await vault.lk.audit.verify()).to.deep.equal({ ok: true, events: 6 });
  });

  it('a broken unkeyed trail is not sealed at start, and verify names the break', async () => {
    await vault.raw(vault.tables.audit).where('seq', 3).update({ details: '{"forged":true}' });
    const upgraded = await openSibling(db, vault, hostFixture(), keys());
    try {
      expect(await head()).not.to.have.property('mac');
      const verdict = await upgraded.audit.verify();
      expect(verdict).to.deep.include({ ok: false, seq: 3 });
    } finally {
      await upgraded.close();
    }
  });
});
