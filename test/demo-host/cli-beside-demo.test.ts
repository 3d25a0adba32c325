import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { startDemoHost } from '../../examples/demo-host/app.ts';
import { openDatabase, redactDatabaseUrl } from '../../core/index.ts';
import { migrations } from '../../migrations/index.ts';

const CLI = fileURLToPath(new URL('../../adapters/cli/main.ts', import.meta.url));
/** Absolute, as the commands run from directories without node_modules. */
const TSX = import.meta.resolve('tsx');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npx latchkey ...` typed in `cwd` with none of Latchkey's variables set, as someone trying the demo would. */
function latchkey(cwd: string, args: string[], extra: NodeJS.ProcessEnv = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of ['LATCHKEY_DATABASE_URL', 'LATCHKEY_KEYS', 'LATCHKEY_KEYS_FILE', 'LATCHKEY_DATA_DIR', 'LATCHKEY_TABLE_PREFIX', 'LATCHKEY_HOST']) {
    if (!(name in extra)) delete env[name];
  }
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', TSX, CLI, ...args], { cwd, env, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('[sqlite] the command line beside the demo host: the demo\'s database and key without any variable', function () {
  this.timeout(180_000);
  /** A checkout where `npm start` ran: the demo's files in ./data. */
  let checkout: string;
  let elsewhere: string;

  before(async () => {
    checkout = mkdtempSync(join(tmpdir(), 'latchkey-demo-cli-'));
    elsewhere = mkdtempSync(join(tmpdir(), 'latchkey-no-demo-'));
    const demo = await startDemoHost({ port: 0, host: '127.0.0.1', dataDir: join(checkout, 'data'), env: {}, log: () => undefined, logError: () => undefined });
    await demo.close();
  });
  after(() => {
    rmSync(checkout, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  });

  it('"migrate status" names the demo\'s database and finds every migration applied', async () => {
    const result = await latchkey(checkout, ['migrate', 'status']);
    expect(result.code, result.stderr).to.equal(0);
    const [first, ...rest] = result.stdout.trimEnd().split('\n');
    expect(first).to.equal('database: sqlite:data/demo.sqlite (the demo host\'s, as LATCHKEY_DATABASE_URL is not set)');
    expect(rest, 'one line a migration').to.have.length(migrations.length);
    expect(rest.filter((line) => !line.startsWith('applied  ')), 'pending').to.deep.equal([]);
  });

  it('"audit verify" reads the demo\'s trail with the demo\'s key, and says on stderr which database it used', async () => {
    const result = await latchkey(checkout, ['audit', 'verify']);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^audit trail intact: [1-9]\d* events\n$/);
    expect(result.stderr).to.equal('database: sqlite:data/demo.sqlite (the demo host\'s, as LATCHKEY_DATABASE_URL is not set)\n');
  });

  it('LATCHKEY_DATA_DIR names the demo\'s folder from anywhere else', async () => {
    const data = join(checkout, 'data');
    const result = await latchkey(elsewhere, ['audit', 'verify'], { LATCHKEY_DATA_DIR: data });
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stderr).to.equal(`database: sqlite:${join(data, 'demo.sqlite')} (the demo host's, as LATCHKEY_DATABASE_URL is not set)\n`);
  });

  it('a key given by LATCHKEY_KEYS wins over the demo\'s key file: the wrong key cannot read the trail', async () => {
    const result = await latchkey(checkout, ['audit', 'verify'], { LATCHKEY_KEYS: `other:${Buffer.alloc(32, 9).toString('base64')}` });
    expect(result.code).to.not.equal(0);
    expect(result.stdout).to.not.match(/intact/);
  });

  for (const command of [['migrate', 'status'], ['audit', 'verify']]) {
    it(`"${command.join(' ')}" where there is no database says so, exits 2 and creates none`, async () => {
      const result = await latchkey(elsewhere, command);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.equal('latchkey: no database at data/latchkey.sqlite: set LATCHKEY_DATABASE_URL to the vault\'s database, '
        + 'or run "npx latchkey migrate latest" to create this one\n');
      expect(result.stdout).to.equal('');
      expect(readdirSync(elsewhere), 'files made').to.deep.equal([]);
    });
  }

  it('"migrate latest" creates the default database where there is none, and "status" then finds it applied', async () => {
    const fresh = join(elsewhere, 'fresh');
    mkdirSync(fresh);
    try {
      const created = await latchkey(fresh, ['migrate', 'latest'], { LATCHKEY_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}` });
      expect(created.code, created.stderr).to.equal(0);
      expect(created.stderr).to.equal('database: sqlite:data/latchkey.sqlite (the default, as LATCHKEY_DATABASE_URL is not set)\n');
      expect(existsSync(join(fresh, 'data', 'latchkey.sqlite'))).to.equal(true);
      const status = await latchkey(fresh, ['migrate', 'status']);
      expect(status.stdout.split('\n')[0]).to.equal('database: sqlite:data/latchkey.sqlite (the default, as LATCHKEY_DATABASE_URL is not set)');
      expect(status.stdout).to.not.include('pending');
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('a database named by LATCHKEY_DATABASE_URL is the one used, shown in the status without its password', async function () {
    const url = process.env.LATCHKEY_TEST_MYSQL_URL;
    if (!url) this.skip();
    const prefix = `lkcli_${process.pid}_`;
    const result = await latchkey(checkout, ['migrate', 'status'], { LATCHKEY_DATABASE_URL: url, LATCHKEY_TABLE_PREFIX: prefix });
    try {
      expect(result.code, result.stderr).to.equal(0);
      const [first, ...rest] = result.stdout.trimEnd().split('\n');
      expect(first).to.equal(`database: ${redactDatabaseUrl(url)} (from LATCHKEY_DATABASE_URL)`);
      expect(first).to.include(':***@');
      expect(rest.every((line) => line.startsWith('pending  ')), 'nothing applied under a new prefix').to.equal(true);
      expect(result.stderr).to.equal('');
    } finally {
      const { knex } = openDatabase({ url });
      await knex.schema.dropTableIfExists(`${prefix}migrations_lock`);
      await knex.schema.dropTableIfExists(`${prefix}migrations`);
      await knex.destroy();
    }
  });
});
