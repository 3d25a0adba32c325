import type { VaultContext } from './context.ts';

/** The audit actions of a rotation run: it starts (or picks up one that stopped half-way) and finishes. */
export const ROTATION_ACTIONS = ['key.rotation.started', 'key.rotation.resumed', 'key.rotation.finished'] as const;
type RotationAction = typeof ROTATION_ACTIONS[number];

/** What `KeyRotation.check` found: the key ids entries use, and those the keyring cannot open. */
export interface KeyCheck {
  keyIds: string[];
  failing: Array<{ keyId: string; reason: string }>;
}

/**
 * Re-wraps every entry's data key under the active KEK, a batch at a time.
 * Each row is updated only if it still names the old KEK, so a run that
 * crashes half-way simply resumes where it stopped; field ciphertexts are
 * untouched (they are sealed with the data key, which does not change).
 *
 * A run is on the audit trail: started (or resumed, when the last run stopped
 * before it finished) with the number of data keys to re-wrap, and finished
 * with the number it re-wrapped. A run with nothing to do records nothing.
 */
export class KeyRotation {
  constructor(private readonly ctx: VaultContext) {}

  async pending(): Promise<number> {
    return this.ctx.guard(async () => {
      const row = await this.ctx.knex(this.ctx.tables.entries)
        .whereNot('kek_id', this.ctx.cipher.activeKeyId).count({ n: '*' }).first() as { n: number | string };
      return Number(row.n);
    });
  }

  async rewrapAll(batchSize = 500, onBatch?: (done: number) => void): Promise<number> {
    const pending = await this.pending();
    return this.ctx.guard(async () => {
      const t = this.ctx.tables;
      const active = this.ctx.cipher.activeKeyId;
      const resumed = await this.lastRunUnfinished();
      if (pending === 0 && !resumed) return 0;
      await this.record(resumed ? 'key.rotation.resumed' : 'key.rotation.started', { keyId: active, pending });
      let done = 0;
      for (;;) {
        const rows = await this.ctx.knex(t.entries)
          .select('id', 'kek_id', 'wrapped_key', 'key_version')
          .whereNot('kek_id', active).orderBy('id').limit(batchSize) as Array<{ id: string; kek_id: string; wrapped_key: string; key_version: number }>;
        if (rows.length === 0) {
          await this.record('key.rotation.finished', { keyId: active, rewrapped: done });
          return done;
        }
        const rewrapped = await Promise.all(rows.map(async (row) => ({
          row, wrapped: await this.ctx.cipher.rewrap(row.id, row.key_version, { keyId: row.kek_id, blob: row.wrapped_key }),
        })));
        await this.ctx.knex.transaction(async (trx) => {
          for (const { row, wrapped } of rewrapped) {
            await trx(t.entries).where({ id: row.id, kek_id: row.kek_id })
              .update({ kek_id: wrapped.keyId, wrapped_key: wrapped.blob });
          }
        });
        done += rows.length;
        onBatch?.(done);
      }
    });
  }

  /**
   * Whether the keyring opens this vault: for each key id the data keys are
   * wrapped under, one data key is unwrapped. Answers the ids checked and
   * those that fail (missing from the keyring, or another key under that
   * name); the reason never carries key material.
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
}
