import type { Knex } from 'knex';
import type { Dialect } from './database.ts';
import type { TableNames } from './table-names.ts';
import { AuditSeal, sameMac, type SealedFields } from './audit-seal.ts';

export const AUDIT_HEAD_KEY = 'audit.head';
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The event a write records, before its own, when it cannot vouch for the
 * chain head: deleted, unsealed, altered, naming another event, or sealed with
 * a key this instance does not hold. Sealed like any event, with the head's
 * MAC as found, it keeps the doubt on record, so the next write cannot launder
 * a truncated chain into an intact one; `verify`, with the whole keyring, then
 * clears the doubt only if that head was genuine after all (an instance still
 * on the old keyring during a key change).
 */
export const HEAD_UNVERIFIED_ACTION = 'audit.head.unverified';

/** One audit event as a service records it. `details` must never hold a secret. */
export interface AuditRecord {
  actorKind: 'admin' | 'client' | 'system';
  actorId: string | null;
  action: string;
  entryId?: string | null;
  clientId?: string | null;
  categoryId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  details?: Record<string, unknown> | null;
}

export interface AuditRow extends SealedFields {
  hash: string;
  /** The MAC over `hash` under `key_id`; null for an unkeyed event from before migration 0006. */
  mac: string | null;
}

/** The newest event as the settings table remembers it, sealed with a MAC since migration 0006. */
export interface Head {
  seq: number;
  hash: string;
  keyId?: string;
  mac?: string;
}

/** A point of the chain known from outside the database: event `seq` had MAC `head` at `at`. */
export interface ChainMark {
  seq: number;
  head: string;
  at: string;
}

/**
 * Reads a caller wants answered with the chain's last event, under the
 * chain's lock: each a subquery returning one value, by the column name it is
 * answered under. The lock makes them exact for the event being appended (no
 * other writer can add a row meanwhile), and riding on the read the append
 * makes anyway costs no statement of their own.
 */
export type ReadsAlongside = Readonly<Record<string, Knex.QueryBuilder>>;

export type ChainVerdict = { ok: true; events: number } | { ok: false; seq: number; reason: string };

type Link = { seq: number; hash: string };
type Walk = { ok: true; end: Link; keyed: boolean } | { ok: false; seq: number; reason: string };

/**
 * Append-only audit events, hash-chained and sealed with MACs under a key the
 * database never holds (see AuditSeal). The head (last seq and hash, with its
 * own MAC) lives in the settings table, so deleting the newest events is
 * caught as well as editing any. What the database alone cannot show (a
 * genuine older head put back, the events after it removed) is what
 * checkpoints kept outside it are for. Appends lock the head row inside the
 * caller's transaction, which keeps the chain linear when several app
 * instances write at once.
 */
export class AuditLog {
  constructor(private readonly t: TableNames, private readonly dialect: Dialect, private readonly seal: AuditSeal) {}

  /**
   * Takes the chain's lock for the rest of the caller's transaction and reads
   * the head. Every write transaction appends an event, so a service that must
   * decide on a consistent view (the per-client entry limit) takes it first.
   *
   * The migration creates the head row. Should it be missing (tables emptied
   * by hand) it is created first on MySQL: `SELECT ... FOR UPDATE` on a missing
   * row takes only a gap lock, which two transactions can both hold, and their
   * inserts then deadlock; `INSERT ... ON DUPLICATE KEY UPDATE` locks the row.
   */
  async lock(trx: Knex.Transaction, at: number): Promise<Head> {
    let headRow = await this.readHead(trx, true);
    if (!headRow && this.dialect === 'mysql') {
      await trx(this.t.settings)
        .insert({ key: AUDIT_HEAD_KEY, value: JSON.stringify({ seq: 0, hash: GENESIS_HASH }), updated_at: at })
        .onConflict('key').merge(['key']);
      headRow = await this.readHead(trx, true);
    }
    return headRow ? JSON.parse(headRow.value) as Head : { seq: 0, hash: GENESIS_HASH };
  }

  /** Appends `record` after the chain's head; answers `alongside`'s reads, made before the record was added. */
  async append(trx: Knex.Transaction, record: AuditRecord, at: number, alongside: ReadsAlongside = {}): Promise<Record<string, unknown>> {
    const head = await this.lock(trx, at);
    const { last, read } = await this.lastEvent(trx, alongside);
    let previous: Link = head;
    if (!await this.headIsGenuine(trx, head, last)) {
      previous = await this.insert(trx, last ?? { seq: 0, hash: GENESIS_HASH }, {
        actorKind: 'system', actorId: null, action: HEAD_UNVERIFIED_ACTION,
        details: { headSeq: head.seq, headKeyId: head.keyId ?? null, headMac: head.mac ?? null, lastSeq: last?.seq ?? 0 },
      }, at);
    }
    await this.writeHead(trx, await this.insert(trx, previous, record, at), at);
    return read;
  }

  /**
   * Appends several events in order, as `append` would one by one, with the
   * head locked, checked and written once: a bulk write (an import's batch)
   * audits each entry without paying the chain's round trips per event.
   */
  async appendMany(trx: Knex.Transaction, records: readonly AuditRecord[], at: number): Promise<void> {
    if (records.length === 0) return;
    const head = await this.lock(trx, at);
    const { last } = await this.lastEvent(trx);
    let previous: Link = head;
    if (!await this.headIsGenuine(trx, head, last)) {
      previous = await this.insert(trx, last ?? { seq: 0, hash: GENESIS_HASH }, {
        actorKind: 'system', actorId: null, action: HEAD_UNVERIFIED_ACTION,
        details: { headSeq: head.seq, headKeyId: head.keyId ?? null, headMac: head.mac ?? null, lastSeq: last?.seq ?? 0 },
      }, at);
    }
    const rows: Array<Record<string, unknown>> = [];
    for (const record of records) {
      const sealed = await this.sealed(previous, record, at);
      rows.push(sealed.row);
      previous = sealed.link;
    }
    // Well under MySQL's 65,535 placeholders a statement (15 columns a row).
    for (let i = 0; i < rows.length; i += 500) await trx(this.t.audit).insert(rows.slice(i, i + 500));
    await this.writeHead(trx, previous, at);
  }

  /**
   * Run at start-up. Seals a head that has no MAC yet: the empty head the first
   * migration writes, or the head of an unkeyed chain written before migration
   * 0006, once every unkeyed link checks out (a broken one stays unsealed, and
   * `verify` names the break). Moves a genuine head sealed with an older key to
   * the active one, so the older key can leave the keyring. A vault not yet
   * migrated is left alone.
   */
  async sealHead(db: Knex, at: number): Promise<void> {
    if (!await db.schema.hasTable(this.t.audit) || !await db.schema.hasColumn(this.t.audit, 'key_id')) return;
    const keyId = this.seal.activeKeyId;
    await db.transaction(async (trx) => {
      const row = await this.readHead(trx, true);
      if (!row) return;
      const head = JSON.parse(row.value) as Head;
      if (head.keyId === keyId) return;
      const reseal = head.mac === undefined ? await this.unkeyedChainEndsAt(trx, head) : await this.headMacHolds(head);
      if (reseal) await this.writeHead(trx, head, at);
    });
  }

  /**
   * Whether every event is an unkeyed one from before migration 0006, intact,
   * and `head` names the last: the one state in which an unsealed head is
   * trusted (and sealed), read once after the upgrade.
   */
  private async unkeyedChainEndsAt(trx: Knex.Transaction, head: Head): Promise<boolean> {
    const walked = await this.walk(trx, { seq: 0, hash: GENESIS_HASH }, new Map());
    return walked.ok && !walked.keyed && walked.end.seq === head.seq && walked.end.hash === head.hash;
  }

  /**
   * Walks the whole chain in order and checks the head, and that the chain
   * holds every mark (authenticated checkpoints): answers the first break.
   */
  async verify(db: Knex, marks: readonly ChainMark[] = []): Promise<ChainVerdict> {
    const checked = await this.check(db, marks);
    return checked.ok ? { ok: true, events: checked.end.seq } : checked;
  }

  /** Like `verify`, and on success the last link: what a checkpoint records. */
  async check(db: Knex, marks: readonly ChainMark[] = []): Promise<{ ok: true; end: Link } | { ok: false; seq: number; reason: string }> {
    const bySeq = new Map<number, ChainMark[]>();
    for (const mark of marks) bySeq.set(mark.seq, [...bySeq.get(mark.seq) ?? [], mark]);
    let end: Link = { seq: 0, hash: GENESIS_HASH };
    let keyed = false;
    let head: Head | null;
    // Events written while we read move the head on: read on to meet it (the
    // head and its event commit together, so the head is never behind).
    for (let round = 0; ; round += 1) {
      const walked = await this.walk(db, end, bySeq, keyed);
      if (!walked.ok) return walked;
      ({ end, keyed } = walked);
      const row = await this.readHead(db, false);
      head = row ? JSON.parse(row.value) as Head : null;
      if (!head || head.seq <= end.seq || round === 3) break;
    }
    const broken = await this.headBreak(head, end);
    if (broken) return broken;
    for (const mark of marks) {
      if (mark.seq > end.seq) {
        return { ok: false, seq: end.seq + 1, reason: `events ${end.seq + 1} to ${mark.seq} are missing: the checkpoint of ${mark.at} names event ${mark.seq}` };
      }
    }
    return { ok: true, end };
  }

  private async headBreak(head: Head | null, end: Link): Promise<{ ok: false; seq: number; reason: string } | null> {
    const at = end.seq + 1;
    if (!head) return { ok: false, seq: at, reason: 'the chain head is missing from the settings table' };
    if (head.mac === undefined || head.keyId === undefined) return { ok: false, seq: at, reason: 'the chain head carries no MAC' };
    let genuine: boolean;
    try {
      genuine = sameMac(await this.seal.head(head.keyId, head.seq, head.hash), head.mac);
    } catch (err) {
      return { ok: false, seq: at, reason: `the chain head cannot be checked with key "${head.keyId}": ${messageOf(err)}` };
    }
    if (!genuine) return { ok: false, seq: at, reason: 'the chain head was altered (its MAC does not match)' };
    if (head.seq > end.seq) return { ok: false, seq: at, reason: `events after ${end.seq} are missing (the chain head names event ${head.seq})` };
    if (head.seq < end.seq) return { ok: false, seq: head.seq + 1, reason: `the chain head names event ${head.seq}, but the chain goes on to event ${end.seq}` };
    if (head.hash !== end.hash) return { ok: false, seq: end.seq, reason: `the chain head names another event ${end.seq}` };
    return null;
  }

  /** Checks every event after `from`, a thousand at a time. */
  private async walk(db: Knex | Knex.Transaction, from: Link, marks: ReadonlyMap<number, ChainMark[]>, keyedBefore = false): Promise<Walk> {
    let expectedSeq = from.seq + 1;
    let prevHash = from.hash;
    let keyed = keyedBefore;
    const batch = 1000;
    for (;;) {
      const rows = await db(this.t.audit).select('*').where('seq', '>=', expectedSeq).orderBy('seq').limit(batch) as AuditRow[];
      for (const row of rows) {
        const seq = Number(row.seq);
        if (seq !== expectedSeq) return { ok: false, seq: expectedSeq, reason: `event ${expectedSeq} is missing` };
        if (row.prev_hash !== prevHash) return { ok: false, seq, reason: `event ${seq} does not follow event ${seq - 1}` };
        const fault = await this.eventFault(row, keyed);
        if (fault) return { ok: false, seq, reason: fault };
        for (const mark of marks.get(seq) ?? []) {
          if (mark.head !== row.hash) return { ok: false, seq, reason: `event ${seq} is not the event the checkpoint of ${mark.at} recorded` };
        }
        keyed ||= row.key_id !== null;
        prevHash = row.hash;
        expectedSeq += 1;
      }
      if (rows.length < batch) return { ok: true, end: { seq: expectedSeq - 1, hash: prevHash }, keyed };
    }
  }

  /**
   * Why one event does not hold, or null when it does. An event sealed with a
   * key the provider no longer holds is checked by its hash alone: the next
   * MAC that can be checked (a later event's, the head's) vouches for it.
   */
  private async eventFault(row: AuditRow, afterKeyed: boolean): Promise<string | null> {
    const seq = Number(row.seq);
    if (row.key_id === null && afterKeyed) return `event ${seq} carries no key id, yet follows keyed events`;
    if (this.seal.hash(row) !== row.hash) return `event ${seq} was altered`;
    if (row.key_id === null) return null;
    let mac: string | null = null;
    try {
      mac = await this.seal.event(row.key_id, seq, row.hash);
    } catch {
      // Retired key: covered by the next MAC that can be checked.
    }
    if (mac !== null && !sameMac(mac, row.mac ?? '')) return `event ${seq} was altered (its MAC does not match under key "${row.key_id}")`;
    if (row.action === HEAD_UNVERIFIED_ACTION && !await this.headWasGenuine(row)) {
      const d = JSON.parse(row.details ?? '{}') as { headSeq?: number; headKeyId?: string | null; lastSeq?: number };
      const sealed = d.headKeyId ? `sealed with key "${d.headKeyId}"` : 'with no MAC';
      return `when event ${seq} was written, the chain head was not genuine (it named event ${d.headSeq}, ${sealed}; the last event was ${d.lastSeq})`;
    }
    return null;
  }

  /** Whether the head a doubting write found named the event before it, with a MAC that checks out under the whole keyring. */
  private async headWasGenuine(row: AuditRow): Promise<boolean> {
    const d = JSON.parse(row.details ?? '{}') as { headSeq?: number; headKeyId?: string | null; headMac?: string | null; lastSeq?: number };
    const previous = Number(row.seq) - 1;
    if (d.headSeq !== previous || d.lastSeq !== previous || !d.headKeyId || !d.headMac) return false;
    return this.headMacHolds({ seq: previous, hash: row.prev_hash, keyId: d.headKeyId, mac: d.headMac });
  }

  /**
   * Whether a write may chain on from `head`: a fresh chain, a sealed head
   * naming the last event, or the unsealed head of an intact unkeyed chain
   * (an instance that migrated while running). A head sealed with a key no
   * longer held cannot be vouched for, so it does not count.
   */
  private async headIsGenuine(trx: Knex.Transaction, head: Head, last: Link | null): Promise<boolean> {
    if (last === null) return head.seq === 0 && head.hash === GENESIS_HASH;
    if (head.seq !== last.seq || head.hash !== last.hash) return false;
    return head.mac === undefined ? this.unkeyedChainEndsAt(trx, head) : this.headMacHolds(head);
  }

  private async headMacHolds(head: Head): Promise<boolean> {
    if (head.mac === undefined || head.keyId === undefined) return false;
    try {
      return sameMac(await this.seal.head(head.keyId, head.seq, head.hash), head.mac);
    } catch {
      return false;
    }
  }

  private async insert(trx: Knex.Transaction, previous: Link, record: AuditRecord, at: number): Promise<Link> {
    const { row, link } = await this.sealed(previous, record, at);
    await trx(this.t.audit).insert(row);
    return link;
  }

  /** The event's row, chained after `previous` and sealed, and the link it becomes. */
  private async sealed(previous: Link, record: AuditRecord, at: number): Promise<{ row: Record<string, unknown>; link: Link }> {
    const fields = {
      seq: previous.seq + 1,
      at,
      actor_kind: record.actorKind,
      actor_id: record.actorId,
      action: record.action,
      entry_id: record.entryId ?? null,
      client_id: record.clientId ?? null,
      category_id: record.categoryId ?? null,
      ip: record.ip?.slice(0, 64) ?? null,
      user_agent: record.userAgent?.slice(0, 512) ?? null,
      details: record.details ? JSON.stringify(record.details) : null,
      prev_hash: previous.hash,
      key_id: this.seal.activeKeyId,
    };
    const hash = this.seal.hash(fields);
    const mac = await this.seal.event(fields.key_id, fields.seq, hash);
    return { row: { ...fields, hash, mac }, link: { seq: fields.seq, hash } };
  }

  private async writeHead(trx: Knex.Transaction, link: Link, at: number): Promise<void> {
    const keyId = this.seal.activeKeyId;
    const value = JSON.stringify({ seq: link.seq, hash: link.hash, keyId, mac: await this.seal.head(keyId, link.seq, link.hash) });
    const updated = await trx(this.t.settings).where('key', AUDIT_HEAD_KEY).update({ value, updated_at: at });
    if (updated === 0) await trx(this.t.settings).insert({ key: AUDIT_HEAD_KEY, value, updated_at: at });
  }

  /** The last event, with `alongside` read in the same statement (on an empty trail, in one of their own). */
  private async lastEvent(trx: Knex.Transaction, alongside: ReadsAlongside = {}): Promise<{ last: Link | null; read: Record<string, unknown> }> {
    const reads = Object.entries(alongside).map(([column, query]) => query.clone().as(column));
    const row = await trx(this.t.audit).select('seq', 'hash', ...reads).orderBy('seq', 'desc').first() as
      ({ seq: number | string; hash: string } & Record<string, unknown>) | undefined;
    if (!row) return { last: null, read: reads.length > 0 ? await trx.first(...reads) as Record<string, unknown> : {} };
    const { seq, hash, ...read } = row;
    return { last: { seq: Number(seq), hash }, read };
  }

  private async readHead(db: Knex | Knex.Transaction, forUpdate: boolean): Promise<{ value: string } | undefined> {
    const query = db(this.t.settings).select('value').where('key', AUDIT_HEAD_KEY);
    return await (forUpdate && this.dialect === 'mysql' ? query.forUpdate() : query).first() as { value: string } | undefined;
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
