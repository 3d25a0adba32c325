import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { forEachDatabase, type Vault } from '../support/databases.ts';
import { openFileVault } from '../support/file-vault.ts';
import { countRows } from '../support/table-rows.ts';
import { prefixOf } from '../support/shared-vault.ts';

const CLI = fileURLToPath(new URL('../../adapters/cli/main.ts', import.meta.url));
const HOST_MODULE = fileURLToPath(new URL('../support/fixture-host-module.ts', import.meta.url));
const ITGLUE = fileURLToPath(new URL('./fixtures/itglue.csv', import.meta.url));
const KEY = { id: 'cli1', key: randomBytes(32) };

/** `npx latchkey import|export` in its own process, over the same database as a running vault. */
forEachDatabase('the import and export command line', (db) => {
  let scratch: string;
  let vault: Vault;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'latchkey-import-cli-'));
    vault = await openFileVault(db, scratch, KEY);
    env = {
      ...process.env,
      LATCHKEY_DATABASE_URL: db.name === 'sqlite' ? `sqlite:${join(scratch, `${prefixOf(vault)}.sqlite`)}` : db.url,
      LATCHKEY_TABLE_PREFIX: prefixOf(vault),
      LATCHKEY_KEYS: `${KEY.id}:${KEY.key.toString('base64')}`,
      LATCHKEY_KEYS_FILE: '',
      LATCHKEY_HOST_MODULE: HOST_MODULE,
    };
  });
  after(async () => { await vault.close(); rmSync(scratch, { recursive: true, force: true }); });

  const run = (...args: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, ...args], { env, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });

  it('--dry-run lists every row with its client or its problem and writes nothing; the import then shows progress and a summary', async () => {
    const dry = await run('import', ITGLUE, '--format', 'itglue-csv', '--admin', 'a-owner', '--map-column', 'name', '--dry-run');
    expect(dry.code, dry.stderr).to.equal(0);
    expect(dry.stdout.split('\n')).to.deep.equal([
      'line 2\tcreate\tAcme firewall → Acme Ltd (c-acme)',
      'line 3\tcreate\tGlobex mail → Globex (c-globex)',
      'line 4\tnoClient\tInitech VPN: owner matches no client',
      'line 5\tskipped\tOld box → Acme Ltd (c-acme): archived',
      'would create 2; already there 0; skipped 1; invalid 0; no client 1',
      '',
    ]);
    expect(await countRows(vault, vault.tables.entries)).to.equal(0);

    const real = await run('import', ITGLUE, '--format', 'itglue-csv', '--admin', 'a-owner', '--map-column', 'name');
    expect(real.code, real.stderr).to.equal(0);
    // Progress comes a batch (200 entries) at a time: two entries are one batch.
    expect(real.stderr).to.equal('imported 2/2 (100%)\n');
    expect(real.stdout).to.equal('line 4\tnoClient\tInitech VPN: owner matches no client\ncreated 2; already there 0; skipped 1; invalid 0; no client 1\n');
    expect(await countRows(vault, vault.tables.entries)).to.equal(2);
  });

  it('export writes an owner-only file and says how many entries it holds; a bad format is refused', async () => {
    const out = join(scratch, 'export.csv');
    const done = await run('export', '--admin', 'a-owner', '--out', out);
    expect(done.code, done.stderr).to.equal(0);
    expect(done.stdout).to.equal(`exported 2 entries (2 with their secrets) to ${out}\n`);
    expect(statSync(out).mode & 0o777).to.equal(0o600);
    expect(readFileSync(out, 'utf8')).to.include('Acme firewall,fwadmin,fw-pass');
    const bad = await run('export', '--admin', 'a-owner', '--out', out, '--format', 'xlsx');
    expect([bad.code, bad.stderr]).to.deep.equal([2, 'latchkey: --format must be csv or json\n']);
  });
});
