import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { openDatabase, tableNames } from '../../core/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { owner } from '../support/host-fixture.ts';
import { FakeWhmcs } from '../whmcs/fake-whmcs.ts';
import { KEYS, ServeDatabase, ServeProcess, whmcsEnv } from './support.ts';

/**
 * A host upgrading to migration 0018 has entries whose notes have no search
 * terms yet: `latchkey migrate latest` writes them when it has the keys, and
 * `latchkey serve` does at start, so the host need do nothing.
 */
forEachDatabase('the notes\' search index of entries saved before it', (testDb) => {
  let db: ServeDatabase;
  let whmcs: FakeWhmcs;
  let dataDir: string;

  before(async function () {
    this.timeout(60_000);
    whmcs = await FakeWhmcs.start();
    db = await ServeDatabase.open(testDb);
    dataDir = mkdtempSync(join(tmpdir(), 'latchkey-note-index-'));
    const lk = await db.vault({ migrate: true });
    try {
      await lk.entries.create(owner, { name: 'Router', notes: 'Production cluster' });
      await lk.entries.create(owner, { name: 'Switch', notes: 'Production access' });
    } finally {
      await lk.close();
    }
  });
  after(async function () {
    this.timeout(60_000);
    await whmcs?.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The database as a release before 0018 left it: entries unmarked, and no terms. */
  async function forgetIndex(): Promise<void> {
    const { knex } = openDatabase({ url: db.directUrl });
    const t = tableNames(db.tablePrefix);
    try {
      await knex(t.noteTerms).delete();
      await knex(t.entries).update({ notes_indexed: null });
    } finally {
      await knex.destroy();
    }
  }

  async function foundByNotes(): Promise<{ names: string[]; pending: number }> {
    const lk = await db.vault();
    try {
      const names = (await lk.entries.list(owner, { search: 'prod' })).items.map((e) => e.name).sort();
      return { names, pending: await lk.noteIndex.pending() };
    } finally {
      await lk.close();
    }
  }

  const migrateLatest = (env: Record<string, string>) => new Promise<{ code: number; stdout: string }>((resolve) => {
    const vars = {
      PATH: process.env.PATH, HOME: process.env.HOME, NODE_OPTIONS: '', LATCHKEY_DATA_DIR: dataDir,
      LATCHKEY_DATABASE_URL: db.url, LATCHKEY_TABLE_PREFIX: db.tablePrefix, ...env,
    };
    execFile(process.execPath, ['--import', 'tsx', 'adapters/cli/main.ts', 'migrate', 'latest'], { env: vars, timeout: 60_000 }, (err, stdout) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout });
    });
  });

  it('"migrate latest" without the keys leaves them for later; with the keys it indexes them and says how many', async function () {
    this.timeout(60_000);
    await forgetIndex();
    expect(await migrateLatest({})).to.deep.equal({ code: 0, stdout: 'nothing to do\n' });
    expect(await foundByNotes()).to.deep.equal({ names: [], pending: 2 });
    expect(await migrateLatest({ LATCHKEY_KEYS: KEYS })).to.deep.equal({
      code: 0, stdout: 'nothing to do\nnotes indexed for search: 2\ndone: 2 entries\' notes indexed for search\n',
    });
    expect(await foundByNotes()).to.deep.equal({ names: ['Router', 'Switch'], pending: 0 });
  });

  it('"serve" indexes them when it starts, and logs how many', async function () {
    this.timeout(60_000);
    await forgetIndex();
    const { process: serve } = await ServeProcess.start(whmcsEnv(db, whmcs.url));
    try {
      expect(await serve.waitFor((l) => l.msg === 'notes indexed for search')).to.include({ entries: 2 });
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
    expect(await foundByNotes()).to.deep.equal({ names: ['Router', 'Switch'], pending: 0 });
  });
});
