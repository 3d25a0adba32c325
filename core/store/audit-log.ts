import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Dialect } from './database.ts';
import type { TableNames } from './table-names.ts';

export const AUDIT_HEAD_KEY = 'audit.head';
export const GENESIS_HASH = '0'.repeat(64);

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

export interface AuditRow {
  seq: number | string;
  at: number | string;
  actor_kind: string;
  actor_id: string | null;
  action: string;
  entry_id: string | null;
  client_id: string | null;
  category_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: string | null;
  prev_hash: string;
  hash: string;
}

export interface Head {
  seq: number;
  hash: string;
}

/**
 * Append-only, hash-chained audit events. Each event's hash covers its fields
 * and the previous hash; the head (last seq and hash) lives in the settings
 * table, so deleting the newest events is caught as well as editing any.
 * Appends lock the head row inside the caller's transaction, which keeps the
 * chain linear when several app instances write at once.
 */
export class AuditLog {
  constructor(private readonly t: TableNames, private readonly dialect: Dialect) {}

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
    let headRow = await this.readHead(trx);
    if (!headRow && this.dialect === 'mysql') {
      await trx(this.t.settings)
        .insert({ key: AUDIT_HEAD_KEY, value: JSON.stringify({ seq: 0, hash: GENESIS_HASH }), updated_at: at })
        .onConflict('key').merge(['key']);
      headRow = await this.readHead(trx);
    }
    return headRow ? JSON.parse(headRow.value) as Head : { seq: 0, hash: GENESIS_HASH };
  }

  private async readHead(trx: Knex.Transaction): Promise<{ value: string } | undefined> {
    const query = trx(this.t.settings).select('value').where('key', AUDIT_HEAD_KEY);
    return await (this.dialect === 'mysql' ? query.forUpdate() : query).first() as { value: string } | undefined;
  }

  async append(trx: Knex.Transaction, record: AuditRecord, at: number): Promise<void> {
    const head = await this.lock(trx, at);
    const row: Omit<AuditRow, 'hash'> = {
      seq: head.seq + 1,
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
      prev_hash: head.hash,
    };
    const hash = chainHash(row);
    await trx(this.t.audit).insert({ ...row, hash });
    const value = JSON.stringify({ seq: row.seq, hash });
    const updated = await trx(this.t.settings).where('key', AUDIT_HEAD_KEY).update({ value, updated_at: at });
    if (updated === 0) await trx(this.t.settings).insert({ key: AUDIT_HEAD_KEY, value, updated_at: at });
  }

  /** Walks the whole chain in order; answers the first broken link, or null when intact. */
  async verify(db: Knex): Promise<{ ok: true; events: number } | { ok: false; seq: number; reason: string }> {
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    const batch = 1000;
    for (;;) {
      const rows = await db(this.t.audit).select('*').where('seq', '>=', expectedSeq).orderBy('seq').limit(batch) as AuditRow[];
      for (const row of rows) {
        const seq = Number(row.seq);
        if (seq !== expectedSeq) return { ok: false, seq: expectedSeq, reason: `event ${expectedSeq} is missing` };
        if (row.prev_hash !== prevHash) return { ok: false, seq, reason: `event ${seq} does not follow event ${seq - 1}` };
        const { hash, ...fields } = row;
        if (chainHash({ ...fields, seq, at: Number(row.at) }) !== hash) return { ok: false, seq, reason: `event ${seq} was altered` };
        prevHash = hash;
        expectedSeq += 1;
      }
      if (rows.length < batch) break;
    }
    const headRow = await db(this.t.settings).select('value').where('key', AUDIT_HEAD_KEY).first() as { value: string } | undefined;
    const head: Head = headRow ? JSON.parse(headRow.value) : { seq: 0, hash: GENESIS_HASH };
    if (head.seq !== expectedSeq - 1 || head.hash !== prevHash) {
      return { ok: false, seq: expectedSeq, reason: `events after ${expectedSeq - 1} are missing (the chain head names event ${head.seq})` };
    }
    return { ok: true, events: expectedSeq - 1 };
  }
}

function chainHash(row: Omit<AuditRow, 'hash'>): string {
  const canonical = JSON.stringify([
    Number(row.seq), Number(row.at), row.actor_kind, row.actor_id, row.action, row.entry_id, row.client_id,
    row.category_id, row.ip, row.user_agent, row.details, row.prev_hash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
