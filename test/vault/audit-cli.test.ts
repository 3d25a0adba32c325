import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { parseAuditCheckpoints } from '../../core/index.ts';
import { AUDIT_HEAD_KEY } from '../../core/store/audit-log.ts';
import { forEachDatabase, type Vault } from '../support/databases.ts';
import { openFileVault } from '../support/file-vault.ts';
import { acme } from '../support/host-fixture.ts';
import { prefixOf } from '../support/shared-vault.ts';

const CLI = fileURLToPath(new URL('../../adapters/cli/main.ts', import.meta.url));
const KEY = { id: 'cli1', key: randomBytes(32) };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `npx latchkey audit ...` as an installer runs it: the real command line in
 * its own process, over the same database as a running vault.
 */
forEachDatabase('the audit command line', (db) => {
  let scratch: string;
  let vault: Vault;
  let env: NodeJS.ProcessEnv;

  before(() => { scratch = mkdtempSync(join(tmpdir(), 'latchkey-audit-cli-')); });
  after(() => { rmSync(scratch, { recursive: true, force: true }); });

  beforeEach(async () => {
    vault = await openFileVault(db, scratch, KEY);
    env = {
      ...process.env,
      LATCHKEY_DATABASE_URL: db.name === 'sqlite' ? `sqlite:${join(scratch, `${prefixOf(vault)}.sqlite`)}` : db.url,
      LATCHKEY_TABLE_PREFIX: prefixOf(vault),
      LATCHKEY_KEYS: `${KEY.id}:${Buffer.from(KEY.key).toString('base64')}`,
      LATCHKEY_KEYS_FILE: '',
    };
    const e = await vault.lk.entries.create(acme, { name: 'Mail', password: 'pw' });
    for (let i = 0; i < 5; i++) await vault.lk.entries.reveal(acme, e.id);
  });
  afterEach(async () => { await vault.close(); });

  const run = (...args: string[]) => new Promise<Run>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, ...args], { env, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
  const audit = () => vault.raw(vault.tables.audit);

  it('as the README says, "npx latchkey audit verify" finds an edited or a deleted event, and exits 1', async () => {
    expect(await run('audit', 'verify')).to.deep.include({ code: 0, stdout: 'audit trail intact: 6 events\n' });

    const original = await audit().where('seq', 3).first();
    await audit().where('seq', 3).update({ actor_id: 'c-globex' });
    const edited = await run('audit', 'verify');
    expect(edited.code).to.equal(1);
    expect(edited.stdout).to.match(/^audit trail broken at event 3: /);

    await audit().where('seq', 3).update(original);
    await audit().where('seq', 4).delete();
    const deleted = await run('audit', 'verify');
    expect(deleted.code).to.equal(1);
    expect(deleted.stdout).to.equal('audit trail broken at event 4: event 4 is missing\n');
  });

  it('"audit checkpoint" prints a checkpoint; with --out it appends one to a file that "verify --checkpoint" then holds the trail to', async () => {
    const printed = await run('audit', 'checkpoint');
    expect(printed.code).to.equal(0);
    const [checkpoint] = parseAuditCheckpoints(printed.stdout);
    expect(checkpoint).to.include({ seq: 6, events: 6, keyId: KEY.id });

    const file = join(scratch, `checkpoints-${prefixOf(vault)}`);
    expect((await run('audit', 'checkpoint', '--out', file)).stdout).to.equal(`checkpoint at event 6 appended to ${file}\n`);
    const headAtSix = await vault.raw(vault.tables.settings).where('key', AUDIT_HEAD_KEY).first();
    await vault.lk.entries.create(acme, { name: 'Seventh' });
    await run('audit', 'checkpoint', '--out', file);
    expect(parseAuditCheckpoints(readFileSync(file, 'utf8')).map((c) => c.seq)).to.deep.equal([6, 7]);
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(await run('audit', 'verify', '--checkpoint', file)).to.deep.include({ code: 0, stdout: 'audit trail intact: 7 events, holds 2 checkpoints\n' });

    // Cut back to a genuine earlier head (the database alone cannot tell: see audit-tampering.test.ts): the file can.
    await audit().where('seq', 7).delete();
    await vault.raw(vault.tables.settings).where('key', AUDIT_HEAD_KEY).update(headAtSix);
    const held = await run('audit', 'verify', '--checkpoint', file);
    expect(held.code).to.equal(1);
    expect(held.stdout).to.match(/^audit trail broken at event 7: .*checkpoint/);

    await audit().where('seq', 2).update({ ip: '198.51.100.3' });
    const refused = await run('audit', 'checkpoint', '--out', file);
    expect(refused.code).to.equal(1);
    expect(refused.stdout).to.match(/^no checkpoint: the audit trail is broken at event 2/);
    expect(parseAuditCheckpoints(readFileSync(file, 'utf8'))).to.have.length(2);
  });

  it('a checkpoint file that is not one is refused naming its line, and exits 2', async () => {
    const file = join(scratch, `not-checkpoints-${prefixOf(vault)}`);
    writeFileSync(file, '# kept by the installer\n\n{"seq":1}\n');
    const result = await run('audit', 'verify', '--checkpoint', file);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.equal(`latchkey: ${file}, line 3: not a Latchkey audit checkpoint\n`);
  });
});

/** A vault the command line can open from another process: a SQLite file, or MariaDB tables under their own prefix. */
