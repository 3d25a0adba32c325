import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import knexFactory, { type Knex } from 'knex';
import { createLatchkey, Keyring, type Latchkey } from '../../core/index.ts';
import { tableNames } from '../../core/store/table-names.ts';
import { forEachDatabase } from '../support/databases.ts';
import { hostFixture, owner } from '../support/host-fixture.ts';

const WORKER_SCRIPT = fileURLToPath(new URL('./note-backfill-worker.ts', import.meta.url));
const ENTRIES = 5;
const BATCH = 2;

/**
 * The notes' backfill killed with SIGKILL half-way leaves each entry either
 * indexed (marked, with its terms) or not (unmarked, with none); the next run
 * indexes exactly the rest, and the index ends as if every entry had been
 * saved with it.
 */
forEachDatabase('the notes\' backfill killed half-way', (db) => {
  const key = { id: 'kA', key: randomBytes(32) };
  const prefix = `t${randomBytes(4).toString('hex')}_`;
  const t = tableNames(prefix);
  let dir: string | undefined;
  let url: string;
  let raw: Knex;
  let lk: Latchkey;

  before(async () => {
    if (db.name === 'sqlite') {
      dir = mkdtempSync(join(tmpdir(), 'lk-note-backfill-'));
      url = `sqlite:${join(dir, 'vault.sqlite')}`;
      raw = knexFactory({ client: 'better-sqlite3', connection: { filename: join(dir, 'vault.sqlite') }, useNullAsDefault: true });
    } else {
      url = db.url;
      raw = knexFactory({ client: 'mysql2', connection: db.url });
    }
    lk = await createLatchkey({ database: { url }, keys: new Keyring([key]), host: hostFixture(), tablePrefix: prefix, migrate: true });
  });
  after(async () => {
    if (db.name === 'mariadb') {
      await lk.migrator.rollback(true);
      await raw.schema.dropTableIfExists(t.migrations);
      await raw.schema.dropTableIfExists(t.migrationsLock);
    }
    await lk.close();
    await raw.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the entries a killed run indexed keep their terms, the rest have none; the next run indexes only the rest', async function () {
    this.timeout(60_000);
    for (let i = 0; i < ENTRIES; i++) await lk.entries.create(owner, { name: `Entry ${i}`, notes: `Production host ${i}` });
    const written = await raw(t.noteTerms).select('entry_id', 'term').orderBy(['entry_id', 'term']);
    await raw(t.noteTerms).delete();
    await raw(t.entries).update({ notes_indexed: null });

    const child = fork(WORKER_SCRIPT, [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, LK_DB_URL: url, LK_TABLE_PREFIX: prefix, LK_BATCH: String(BATCH), LK_KEY_ID: key.id, LK_KEY: key.key.toString('base64') },
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      child.on('message', (m: { done: number }) => { if (m.done === BATCH) resolve(); });
      child.on('exit', () => reject(new Error('the backfill worker ended before its first batch')));
    });
    child.kill('SIGKILL');
    expect(await exited).to.equal('SIGKILL');

    const marks = await raw(t.entries).select('id', 'notes_indexed').orderBy('id') as Array<{ id: string; notes_indexed: number | boolean | null }>;
    expect(marks.map((m) => (m.notes_indexed === null ? 'no' : 'yes'))).to.deep.equal([...Array(BATCH).fill('yes'), ...Array(ENTRIES - BATCH).fill('no')]);
    const indexed = new Set((await raw(t.noteTerms).distinct('entry_id') as Array<{ entry_id: string }>).map((r) => r.entry_id));
    expect([...indexed].sort()).to.deep.equal(marks.slice(0, BATCH).map((m) => m.id));

    expect(await lk.noteIndex.pending()).to.equal(ENTRIES - BATCH);
    expect(await lk.noteIndex.backfill({ batchSize: BATCH })).to.equal(ENTRIES - BATCH);
    expect(await lk.noteIndex.pending()).to.equal(0);
    expect(await raw(t.noteTerms).select('entry_id', 'term').orderBy(['entry_id', 'term'])).to.deep.equal(written);
    expect((await lk.entries.list(owner, { search: 'produ' })).total).to.equal(ENTRIES);
  });
});
