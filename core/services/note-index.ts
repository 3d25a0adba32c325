import type { VaultContext } from './context.ts';
import { deleteNoteTerms, insertNoteTerms } from '../store/note-terms.ts';

/** What the backfill reads of an entry: enough to open its notes, and nothing else. */
type UnindexedRow = { id: string; kek_id: string; wrapped_key: string; key_version: number; notes_ct: string | null };

export interface BackfillOptions {
  /** Entries per transaction (default 200). */
  batchSize?: number;
  /** Told how many entries are done after each batch. */
  onBatch?: (done: number) => void;
  /** Stops between two batches (a service shutting down); what is written stays written. */
  signal?: AbortSignal;
}

/**
 * Writes the notes' search terms of entries saved before migration 0018,
 * which have none (`notes_indexed` null). Entries saved since get theirs with
 * every write. The walk goes forward through `(notes_indexed, id)`, a batch a
 * transaction; an entry's terms and its mark are written together, and only
 * while it is still unmarked and its notes still the ones decrypted, so a run
 * killed half-way resumes where it stopped, two runs at once do no harm, and
 * an entry whose notes were changed meanwhile keeps the terms that change wrote.
 */
export class NoteIndex {
  constructor(private readonly ctx: VaultContext) {}

  /** Entries whose notes' terms are still to write. */
  async pending(): Promise<number> {
    return this.ctx.guard(async () => {
      const row = await this.ctx.knex(this.ctx.tables.entries).whereNull('notes_indexed').count({ n: '*' }).first() as { n: number | string };
      return Number(row.n);
    });
  }

  /** Indexes every entry still unindexed; answers how many it marked. Nothing to do costs one index probe. */
  async backfill(options: BackfillOptions = {}): Promise<number> {
    const { batchSize = 200, onBatch, signal } = options;
    return this.ctx.guard(async () => {
      let done = 0;
      let after: string | null = null;
      while (!signal?.aborted) {
        const rows = await this.nextBatch(after, batchSize);
        if (rows.length === 0) break;
        after = rows[rows.length - 1]!.id;
        done += await this.index(rows);
        onBatch?.(done);
      }
      return done;
    });
  }

  private async nextBatch(after: string | null, size: number): Promise<UnindexedRow[]> {
    const qb = this.ctx.knex(this.ctx.tables.entries)
      .select('id', 'kek_id', 'wrapped_key', 'key_version', 'notes_ct')
      .whereNull('notes_indexed').orderBy('id').limit(size);
    if (after !== null) qb.where('id', '>', after);
    return await qb as UnindexedRow[];
  }

  /** Decrypts the batch's notes, then marks each entry and writes its terms in one transaction. */
  private async index(rows: readonly UnindexedRow[]): Promise<number> {
    const cipher = this.ctx.cipher;
    const terms = await Promise.all(rows.map(async (row) => {
      if (row.notes_ct === null) return [];
      const dataKey = await cipher.openDataKey(row.id, Number(row.key_version), { keyId: row.kek_id, blob: row.wrapped_key });
      return this.ctx.searchKey.termsOf(cipher.decrypt(dataKey, 'notes', row.notes_ct));
    }));
    const t = this.ctx.tables;
    return this.ctx.knex.transaction(async (trx) => {
      const marked: string[] = [];
      for (const row of rows) {
        // The row's lock, taken first: a change of its notes either committed before (and marked it) or waits for this.
        const count = await trx(t.entries).where('id', row.id).whereNull('notes_indexed')
          .where((n) => (row.notes_ct === null ? n.whereNull('notes_ct') : n.where('notes_ct', row.notes_ct)))
          .update({ notes_indexed: true });
        if (count > 0) marked.push(row.id);
      }
      const written = new Set(marked);
      await deleteNoteTerms(trx, t, marked);
      await insertNoteTerms(trx, t, rows.flatMap((row, i) => (written.has(row.id) ? terms[i]!.map((term) => ({ entry_id: row.id, term })) : [])));
      return marked.length;
    });
  }
}
