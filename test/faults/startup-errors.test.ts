import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { API_IDENTIFIER, API_SECRET, FakeWhmcs } from '../whmcs/fake-whmcs.ts';

const PASSWORD = 'start-pw-sentinel-5521';
/** A MySQL URL on a port where nothing listens: the database is down. */
const DOWN_URL = `mysql://latchkey:${PASSWORD}@127.0.0.1:1/latchkey`;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a TypeScript entry point of the project as `npm start` and `npx latchkey` do (through tsx). */
function run(script: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', script, ...args], {
      env: { ...process.env, ...env }, timeout: 60_000, cwd: process.cwd(),
    }, (err, stdout, stderr) => {
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
    });
  });
}

/** One line naming what failed and what to check: no stack frames, no error object, no password. */
function expectOneLine(result: Run, check: RegExp): void {
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).to.have.length(1);
  expect(lines[0]).to.match(/database unavailable: cannot reach the database server \(ECONNREFUSED\)/);
  expect(lines[0]).to.match(check);
  expect(result.stderr + result.stdout).not.to.include(PASSWORD);
  expect(result.stderr).not.to.match(/\bat \S+ \(|\{|errno/);
  expect(result.status).to.equal(1);
}

describe('starting with the database down', function () {
  this.timeout(120_000);
  let dataDir: string;
  before(() => { dataDir = mkdtempSync(join(tmpdir(), 'latchkey-start-')); });
  after(() => { rmSync(dataDir, { recursive: true, force: true }); });

  it('npm start (the demo host) says in one line what failed and which setting to check, and exits 1', async () => {
    const result = await run('examples/demo-host/main.ts', [], { LATCHKEY_DATABASE_URL: DOWN_URL, LATCHKEY_DATA_DIR: dataDir, PORT: '0' });
    expectOneLine(result, /Check LATCHKEY_DATABASE_URL \(mysql:\/\/latchkey:\*\*\*@127\.0\.0\.1:1\/latchkey\)/);
  });

  it('the standalone service for WHMCS (latchkey serve) says in one line what failed and which setting to check, and exits 1', async () => {
    const whmcs = await FakeWhmcs.start();
    try {
      const result = await run('adapters/cli/main.ts', ['serve'], {
        WHMCS_URL: whmcs.url, WHMCS_API_IDENTIFIER: API_IDENTIFIER, WHMCS_API_SECRET: API_SECRET, LATCHKEY_DATABASE_URL: DOWN_URL,
        LATCHKEY_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`, PORT: '0',
        LATCHKEY_EMBED_SECRET: 'e'.repeat(32), LATCHKEY_SESSION_SECRET: 's'.repeat(32), LATCHKEY_FRAME_ANCESTORS: 'https://billing.example.com',
      });
      expectOneLine(result, /Check LATCHKEY_DATABASE_URL \(mysql:\/\/latchkey:\*\*\*@127\.0\.0\.1:1\/latchkey\)/);
    } finally {
      await whmcs.close();
    }
  });

  for (const command of [['migrate', 'status'], ['audit', 'verify']]) {
    it(`npx latchkey ${command.join(' ')} says in one line what failed and which setting to check, and exits 1`, async () => {
      const result = await run('adapters/cli/main.ts', command, { LATCHKEY_DATABASE_URL: DOWN_URL, LATCHKEY_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}` });
      expectOneLine(result, /Check LATCHKEY_DATABASE_URL \(mysql:\/\/latchkey:\*\*\*@127\.0\.0\.1:1\/latchkey\)/);
    });
  }
});
