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
import { acme, hostFixture } from '../support/host-fixture.ts';

const WORKER_SCRIPT = fileURLToPath(new URL('./rotation-worker.ts', import.meta.url));
const ENTRIES = 7;
const BATCH = 2;

/**
 * A rotation killed with SIGKILL half-way leaves every row either done (it
 * names the new KEK) or not (the old one), never in between; the next run
 * re-wraps exactly the rest, and every entry reveals under the new key alone.
 */
forEachDatabase('key rotation killed half-way', (db) => {
  const keyA = { id: 'kA', key: randomBytes(32) };
  const keyB = { id: 'kB', key: randomBytes(32) };
  const prefix = `t${randomBytes(4).toString('hex')}_`;
  const t = tableNames(prefix);
  let dir: string | undefined;
  let url: string;
  let raw: Knex;
  const opened: Latchkey[] = [];

  const open = async (...keys: Array<typeof keyA>) => {
    const lk = await createLatchkey({ database: { url }, keys: new Keyring(keys), host: hostFixture(), tablePrefix: prefix, migrate: true });
    opened.push(lk);
    return lk;
  };

  before(() => {
    if (db.name === 'sqlite') {
      dir = mkdtempSync(join(tmpdir(), 'lk-rotation-'));
      url = `sqlite:${join(dir, 'vault.sqlite')}`;
      raw = knexFactory({ client: 'better-sqlite3', connection: { filename: join(dir, 'vault.sqlite') }, useNullAsDefault: true });
    } else {
      url = db.url;
      raw = knexFactory({ client: 'mysql2', connection: db.url });
    }
  });
  after(async () => {
    const last = opened[0];
    if (last && db.name === 'mariadb') {
      await last.migrator.rollback(true);
      await raw.schema.dropTableIfExists(t.migrations);
      await raw.schema.dropTableIfExists(t.migrationsLock);
    }
    for (const lk of opened) await lk.close();
    await raw.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the rows a killed run wrote name the new KEK, the rest the old; the next run re-wraps only the rest', async function () {
    this.timeout(60_000);
    const vault = await open(keyA);
    const passwords = new Map<string, string>();
    for (let i = 0; i < ENTRIES; i++) {
      const entry = await vault.entries.create(acme, { name: `Entry ${i}`, password: `password-${i}` });
      passwords.set(entry.id, `password-${i}`);
    }

    const child = fork(WORKER_SCRIPT, [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: {
        ...process.env, LK_DB_URL: url, LK_TABLE_PREFIX: prefix, LK_BATCH: String(BATCH),
        LK_KEYS: JSON.stringify([keyB, keyA].map((k) => ({ id: k.id, key: k.key.toString('base64') }))),
      },
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      child.on('message', (m: { done: number }) => { if (m.done === BATCH) resolve(); });
      child.on('exit', () => reject(new Error('the rotation worker ended before its first batch')));
    });
    child.kill('SIGKILL');
    expect(await exited).to.equal('SIGKILL');

    const kekIds = (await raw(t.entries).select('kek_id').orderBy('id') as Array<{ kek_id: string }>).map((r) => r.kek_id);
    expect(kekIds).to.deep.equal([...Array(BATCH).fill('kB'), ...Array(ENTRIES - BATCH).fill('kA')]);

    const rotated = await open(keyB, keyA);
    expect(await rotated.keyRotation.pending()).to.equal(ENTRIES - BATCH);
    expect(await rotated.keyRotation.rewrapAll(BATCH)).to.equal(ENTRIES - BATCH);
    expect(await rotated.keyRotation.pending()).to.equal(0);

    const onlyB = await open(keyB);
    for (const [id, password] of passwords) expect((await onlyB.entries.reveal(acme, id)).password?.expose()).to.equal(password);
    const events = (await onlyB.audit.list({ kind: 'system' }, { limit: 100 }))
      .filter((e) => e.action.startsWith('key.rotation.')).reverse().map((e) => [e.action, e.details]);
    expect(events).to.deep.equal([
      ['key.rotation.started', { keyId: 'kB', pending: ENTRIES }],
      ['key.rotation.resumed', { keyId: 'kB', pending: ENTRIES - BATCH }],
      ['key.rotation.finished', { keyId: 'kB', rewrapped: ENTRIES - BATCH }],
    ]);
    expect(await onlyB.audit.verify()).to.have.property('ok', true);
  });
});
