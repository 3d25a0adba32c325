// Key rotation against hand-written code doing the same work in the same run:
// Latchkey re-wraps every data key from KEK A to B; the raw loop re-wraps them
// back from B to A, reading forward by primary key and writing each batch with
// one CASE UPDATE. Both report rows per second overall, in their first tenth
// and in their last (a walk that restarts from the start of the table slows
// as it goes).
import { performance } from 'node:perf_hooks';
import { Keyring } from '../core/index.ts';
import { EntryCipher } from '../core/crypto/entry-cipher.ts';
import { keyA, keyB, type BenchVault } from './world.ts';

const BATCH = 500;

export interface RotationRun {
  rows: number;
  rowsPerSecond: number;
  firstTenthRowsPerSecond: number;
  lastTenthRowsPerSecond: number;
}

export interface RotationFigures {
  latchkey: RotationRun;
  raw: RotationRun;
}

export async function timeRotation(vault: BenchVault): Promise<RotationFigures> {
  const toB = await vault.sibling(new Keyring([keyB, keyA]));
  const latchkey = await timed((onBatch) => toB.keyRotation.rewrapAll(BATCH, onBatch));
  const raw = await timed((onBatch) => rawRotation(vault, new Keyring([keyA, keyB]), onBatch));
  return { latchkey, raw };
}

async function timed(run: (onBatch: (done: number) => void) => Promise<number>): Promise<RotationRun> {
  const marks: Array<[done: number, at: number]> = [[0, performance.now()]];
  const rows = await run((done) => { marks.push([done, performance.now()]); });
  const [, start] = marks[0]!;
  const [, end] = marks[marks.length - 1]!;
  const at = (share: number) => marks.find(([done]) => done >= rows * share) ?? marks[marks.length - 1]!;
  const rate = (from: [number, number], to: [number, number]) => (to[0] - from[0]) / Math.max(1e-9, (to[1] - from[1]) / 1000);
  return {
    rows,
    rowsPerSecond: rows / ((end - start) / 1000),
    firstTenthRowsPerSecond: rate(marks[0]!, at(0.1)),
    lastTenthRowsPerSecond: rate(at(0.9), marks[marks.length - 1]!),
  };
}

/** The raw baseline: keyset pages, each key unwrapped and wrapped again, one UPDATE per page. */
async function rawRotation(vault: BenchVault, keys: Keyring, onBatch: (done: number) => void): Promise<number> {
  const cipher = new EntryCipher(keys);
  const knex = vault.knex;
  let after = '';
  let done = 0;
  for (;;) {
    const rows = await knex(vault.tables.entries).select('id', 'kek_id', 'wrapped_key', 'key_version')
      .where('id', '>', after).whereNot('kek_id', keys.activeKeyId).orderBy('id').limit(BATCH) as Array<{ id: string; kek_id: string; wrapped_key: string; key_version: number }>;
    if (rows.length === 0) return done;
    after = rows[rows.length - 1]!.id;
    const blobs = await Promise.all(rows.map((r) => cipher.rewrap(r.id, r.key_version, { keyId: r.kek_id, blob: r.wrapped_key })));
    const ids = rows.map((r) => r.id);
    await knex.raw(
      `UPDATE ?? SET kek_id = ?, wrapped_key = CASE id ${rows.map(() => 'WHEN ? THEN ?').join(' ')} END WHERE id IN (${ids.map(() => '?').join(', ')})`,
      [vault.tables.entries, keys.activeKeyId, ...rows.flatMap((r, i) => [r.id, blobs[i]!.blob]), ...ids],
    );
    done += rows.length;
    onBatch(done);
  }
}
