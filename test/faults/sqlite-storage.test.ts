import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startDemoHost } from '../../examples/demo-host/app.ts';
import { createLatchkey, openDatabase, type Latchkey } from '../../core/index.ts';
import { Harness } from '../express/harness.ts';
import { testKeys } from '../support/databases.ts';
import { acme, hostFixture } from '../support/host-fixture.ts';

const asRoot = process.getuid?.() === 0;

/**
 * Makes a file refuse writes for real. Root writes through 0444, so as root
 * the file is made immutable (chattr +i), which the kernel enforces for root
 * too; `undo` gives it back.
 */
function makeReadOnly(file: string): { undo(): void } | string {
  if (!asRoot) {
    chmodSync(file, 0o444);
    return { undo: () => chmodSync(file, 0o644) };
  }
  const done = spawnSync('chattr', ['+i', file], { encoding: 'utf8' });
  if (done.status !== 0) return `chattr +i is refused here (${(done.stderr || String(done.error)).trim()})`;
  return { undo: () => { spawnSync('chattr', ['-i', file]); } };
}

/** A folder on a disk that supports chattr: the system's tmp, else one beside the tests (tmpfs has no immutable flag). */
function scratchFolder(): string {
  const inTmp = mkdtempSync(join(tmpdir(), 'latchkey-sqlite-'));
  if (!asRoot) return inTmp;
  const probe = join(inTmp, 'probe');
  spawnSync('touch', [probe]);
  if (spawnSync('chattr', ['+i', probe]).status === 0) {
    spawnSync('chattr', ['-i', probe]);
    return inTmp;
  }
  rmSync(inTmp, { recursive: true, force: true });
  return mkdtempSync(join(process.cwd(), '.latchkey-sqlite-'));
}

describe('[sqlite] a SQLite file that is full or read-only', function () {
  this.timeout(60_000);
  let scratch: string;
  const consoleError = console.error;
  before(() => { scratch = scratchFolder(); });
  after(() => { rmSync(scratch, { recursive: true, force: true }); });
  beforeEach(() => { console.error = () => undefined; });
  afterEach(() => { console.error = consoleError; });

  it("answers a save on a full file with 503, Retry-After and the user's language, and still serves reads", async () => {
    const { knex } = openDatabase({ url: `sqlite:${join(scratch, 'full.db')}` });
    const lk = await createLatchkey({ database: { knex }, keys: testKeys(), host: hostFixture(), migrate: true });
    const h = await Harness.start({ name: 'sqlite', url: 'sqlite::memory:' }, { latchkey: lk });
    try {
      const browser = h.browser(acme);
      const page = await browser.hostPage('clientArea');
      const before = await browser.api('POST', '/entries', { name: 'Before', password: 'x' }, page.csrf);
      expect(before.status, before.text).to.equal(201);
      // The file may not grow by a single page more: the next write that needs one fails with SQLITE_FULL.
      const [{ page_count: pages }] = await knex.raw('PRAGMA page_count') as Array<{ page_count: number }>;
      await knex.raw(`PRAGMA max_page_count = ${pages}`);
      const notes = 'n'.repeat(20_000);
      const full = await browser.send('POST', '/latchkey/api/entries', {
        json: { name: 'After', password: 'x', notes }, csrf: page.csrf, headers: { 'accept-language': 'es' },
      });
      expect(full.status, full.text).to.equal(503);
      expect(full.headers.get('retry-after')).to.match(/^[1-9]\d*$/);
      expect(full.json()).to.deep.include({ error: 'database_unavailable' });
      expect(full.json<{ message: string }>().message).to.match(/contraseñas no está disponible/);
      const list = await browser.api('GET', '/entries');
      expect(list.status).to.equal(200);
      expect(list.json<{ items: Array<{ name: string }> }>().items.map((e) => e.name)).to.deep.equal(['Before']);
    } finally {
      await h.close();
      await lk.close();
      await knex.destroy();
    }
  });

  it('warns at start, in one line, that a read-only file will refuse saves, serves reads, and answers a save with 503', async function () {
    const file = join(scratch, 'readonly.db');
    const first = await createLatchkey({ database: { url: `sqlite:${file}` }, keys: testKeys(), host: hostFixture(), migrate: true });
    const keys = testKeys();
    await first.close();
    const locked = makeReadOnly(file);
    if (typeof locked === 'string') {
      if (process.env.CI === 'true') throw new Error(locked);
      this.skip();
    }
    const warnings: string[] = [];
    let lk: Latchkey | undefined;
    let h: Harness | undefined;
    try {
      lk = await createLatchkey({ database: { url: `sqlite:${file}` }, keys, host: hostFixture(), migrate: true, warn: (line) => warnings.push(line) });
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.match(/read-only.*check its permissions/);
      expect(warnings[0]).not.to.include('\n');
      h = await Harness.start({ name: 'sqlite', url: 'sqlite::memory:' }, { latchkey: lk });
      const browser = h.browser(acme);
      const page = await browser.hostPage('clientArea');
      expect(page.status).to.equal(200);
      expect((await browser.api('GET', '/entries')).status).to.equal(200);
      const save = await browser.api('POST', '/entries', { name: 'Refused' }, page.csrf);
      expect(save.status, save.text).to.equal(503);
      expect(save.headers.get('retry-after')).to.match(/^[1-9]\d*$/);
    } finally {
      await h?.close();
      await lk?.close();
      locked.undo();
    }
  });

  it('the demo host started on a read-only file says so at start, then serves its pages', async function () {
    const dataDir = join(scratch, 'demo');
    const quiet = { port: 0, dataDir, env: {}, log: () => undefined, mailEveryMs: 3_600_000 };
    await (await startDemoHost({ ...quiet, logError: () => undefined })).close();
    const locked = makeReadOnly(join(dataDir, 'demo.sqlite'));
    if (typeof locked === 'string') {
      if (process.env.CI === 'true') throw new Error(locked);
      this.skip();
    }
    const logged: string[] = [];
    try {
      const demo = await startDemoHost({ ...quiet, logError: (line) => logged.push(line) });
      try {
        expect(logged[0]).to.match(/^latchkey: warning: the SQLite file is read-only/);
        expect((await fetch(`${demo.url}/admin/login`)).status).to.equal(200);
      } finally {
        await demo.close();
      }
    } finally {
      locked.undo();
    }
  });
});
