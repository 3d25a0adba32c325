import type { VaultContext } from './context.ts';
import { sealContext } from './step-up.ts';

/** A second factor's seed is sealed under its own data key at this version, which never changes. */
const FACTOR_KEY_VERSION = 1;

/** The audit actions of a rotation run: it starts (or picks up one that stopped half-way) and finishes. */
export const ROTATION_ACTIONS = ['key.rotation.started', 'key.rotation.resumed', 'key.rotation.finished'] as const;
type RotationAction = typeof ROTATION_ACTIONS[number];

/** What `KeyRotation.check` found: the key ids entries use, and those the keyring cannot open. */
export interface KeyCheck {
  keyIds: string[];
  failing: Array<{ keyId: string; reason: string }>;
}

/**
 * Re-wraps every entry's data key under the active KEK, a batch at a time
 * (then the second factors' and the notes' search key, which are few).
 * The walk goes forward through the primary key (`id > last ORDER BY id`), so
 * each batch costs the same at the end of the table as at the start, and a
 * batch is written by one statement. A row's `kek_id` says whether it is done:
 * each row is written only if it still names the KEK it was read with, so a
 * run killed half-way (even kill -9) simply resumes, and two runs at once do
 * no harm. Field ciphertexts are untouched (they are sealed with the data key,
 * which does not change).
 *
 * A run is on the audit trail: started (or resumed, when the last run stopped
 * before it finished) with the number of data keys to re-wrap, and finished
 * with the number it re-wrapped. A run with nothing to do records nothing.
 */
export class KeyRotation {
  constructor(private readonly ctx: VaultContext) {}

  /** Data keys still under another KEK: entries', the sealed seeds of people's second factors, and the notes' search key. */
  async pending(): Promise<number> {
    return this.ctx.guard(async () => {
      const active = this.ctx.cipher.activeKeyId;
      const [entries, factors, searchKey] = await Promise.all([
        this.ctx.knex(this.ctx.tables.entries).whereNot('kek_id', active).count({ n: '*' }).first() as Promise<{ n: number | string }>,
        this.factorsToRewrap(active).count({ n: '*' }).first() as Promise<{ n: number | string }>,
        this.ctx.searchKey.pendingRewrap(active),
      ]);
      return Number(entries.n) + Number(factors.n) + searchKey;
    });
  }

  async rewrapAll(batchSize = 500, onBatch?: (done: number) => void): Promise<number> {
    const pending = await this.pending();
    return this.ctx.guard(async () => {
      const active = this.ctx.cipher.activeKeyId;
      const resumed = await this.lastRunUnfinished();
      if (pending === 0 && !resumed) return 0;
      await this.record(resumed ? 'key.rotation.resumed' : 'key.rotation.started', { keyId: active, pending });
      let done = 0;
      let after: string | null = null;
      for (;;) {
        const rows = await this.nextBatch(active, after, batchSize);
        if (rows.length === 0) {
          done += await this.rewrapFactors(active) + await this.ctx.searchKey.rewrap(active);
          await this.record('key.rotation.finished', { keyId: active, rewrapped: done });
          return done;
        }
        after = rows[rows.length - 1]!.id;
        const rewrapped = await Promise.all(rows.map(async (row) => ({
          row, wrapped: await this.ctx.cipher.rewrap(row.id, row.key_version, { keyId: row.kek_id, blob: row.wrapped_key }),
        })));
        done += await this.write(rewrapped);
        onBatch?.(done);
      }
    });
  }

  /**
   * Whether the keyring opens this vault: for each key id the data keys are
   * wrapped under, one data key is unwrapped, and so is the notes' search key.
   * Answers the ids checked and those that fail (missing from the keyring, or
   * another key under that name); the reason never carries key material.
   */
  async check(): Promise<KeyCheck> {
    return this.ctx.guard(async () => {
      const t = this.ctx.tables.entries;
      const ids = (await this.ctx.knex(t).distinct('kek_id').orderBy('kek_id') as Array<{ kek_id: string }>).map((r) => r.kek_id);
      const failing: KeyCheck['failing'] = [];
      for (const keyId of ids) {
        const row = await this.ctx.knex(t).select('id', 'wrapped_key', 'key_version').where('kek_id', keyId).first() as
          { id: string; wrapped_key: string; key_version: number };
        try {
          await this.ctx.cipher.openDataKey(row.id, Number(row.key_version), { keyId, blob: row.wrapped_key });
        } catch (err) {
          failing.push({ keyId, reason: err instanceof Error ? err.message.split('\n')[0]!.slice(0, 200) : 'does not unwrap' });
        }
      }
      // The notes' search key is wrapped under a KEK too: without it, searches by notes fail.
      const searchKey = await this.ctx.searchKey.problem();
      if (searchKey && !failing.some((f) => f.keyId === searchKey.keyId)) failing.push(searchKey);
      return { keyIds: ids, failing };
    });
  }

  private async lastRunUnfinished(): Promise<boolean> {
    const last = await this.ctx.knex(this.ctx.tables.audit).select('action')
      .whereIn('action', [...ROTATION_ACTIONS]).orderBy('seq', 'desc').first() as { action: string } | undefined;
    return last !== undefined && last.action !== 'key.rotation.finished';
  }

  private async record(action: RotationAction, details: Record<string, string | number>): Promise<void> {
    await this.ctx.knex.transaction((trx) => this.ctx.record(trx, { kind: 'system' }, { action, details }));
  }

  /** Second factors whose seed is sealed under another KEK (passkeys seal nothing). */
  private factorsToRewrap(active: string) {
    return this.ctx.knex(this.ctx.tables.stepUpFactors).whereNotNull('kek_id').whereNot('kek_id', active);
  }

  /**
   * The sealed seeds of second factors, one person each, so few: each is
   * re-wrapped on its own, and written only while it names the KEK read.
   */
  private async rewrapFactors(active: string): Promise<number> {
    const rows = await this.factorsToRewrap(active).select('id', 'kek_id', 'wrapped_key') as Array<{ id: string; kek_id: string; wrapped_key: string }>;
    let written = 0;
    for (const row of rows) {
      const wrapped = await this.ctx.cipher.rewrap(sealContext(row.id), FACTOR_KEY_VERSION, { keyId: row.kek_id, blob: row.wrapped_key });
      written += await this.ctx.knex(this.ctx.tables.stepUpFactors).where({ id: row.id, kek_id: row.kek_id })
        .update({ kek_id: wrapped.keyId, wrapped_key: wrapped.blob });
    }
    return written;
  }

  /** The next rows still under another KEK, after `after` in primary-key order. */
  private async nextBatch(active: string, after: string | null, size: number): Promise<KeyRow[]> {
    const qb = this.ctx.knex(this.ctx.tables.entries)
      .select('id', 'kek_id', 'wrapped_key', 'key_version')
      .whereNot('kek_id', active).orderBy('id').limit(size);
    if (after !== null) qb.where('id', '>', after);
    return await qb as KeyRow[];
  }

  /**
   * One UPDATE for the batch (one per KEK pair, should the batch mix old KEKs):
   * each row gets its own wrapped key through a CASE on its id, and only while
   * it still names the KEK it was read with.
   */
  private async write(rewrapped: ReadonlyArray<{ row: KeyRow; wrapped: { keyId: string; blob: string } }>): Promise<number> {
    const groups = new Map<string, Array<typeof rewrapped[number]>>();
    for (const item of rewrapped) {
      const key = JSON.stringify([item.row.kek_id, item.wrapped.keyId]);
      groups.set(key, [...groups.get(key) ?? [], item]);
    }
    let written = 0;
    for (const items of groups.values()) {
      const [{ row: { kek_id: from }, wrapped: { keyId: to } }] = items as [typeof rewrapped[number]];
      written += await this.ctx.knex(this.ctx.tables.entries)
        .whereIn('id', items.map((item) => item.row.id))
        .andWhere('kek_id', from)
        .update({
          kek_id: to,
          wrapped_key: this.ctx.knex.raw(`CASE id ${items.map(() => 'WHEN ? THEN ?').join(' ')} END`, items.flatMap((item) => [item.row.id, item.wrapped.blob])),
        });
    }
    return written;
  }
}

/** What a rotation reads of an entry: its id and its wrapped data key. */
type KeyRow = { id: string; kek_id: string; wrapped_key: string; key_version: number };
