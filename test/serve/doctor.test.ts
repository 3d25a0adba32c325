import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { acme } from '../support/host-fixture.ts';
import { forEachDatabase } from '../support/databases.ts';
import { FakeWhmcs } from '../whmcs/fake-whmcs.ts';
import { doctor, SECRETS, ServeDatabase, whmcsEnv } from './support.ts';

/** The report's line for one check. */
function lineOf(report: string, check: string): string {
  const line = report.split('\n').find((l) => l.includes(` ${check}: `));
  expect(line, `no line for "${check}" in:\n${report}`).to.be.a('string');
  return line!;
}

/**
 * `latchkey doctor` against a vault that holds an entry, as `serve` left it,
 * and a WHMCS that answers as the API reference documents.
 */
forEachDatabase('latchkey doctor', (testDb) => {
  let whmcs: FakeWhmcs;
  let db: ServeDatabase;
  let empty: ServeDatabase;

  before(async function () {
    this.timeout(60_000);
    whmcs = await FakeWhmcs.start();
    db = await ServeDatabase.open(testDb);
    empty = db.withPrefix(`e${randomBytes(4).toString('hex')}_`);
    const lk = await db.vault({ migrate: true });
    try {
      await lk.entries.create(acme, { name: 'Acme office router', username: 'admin', password: 'router-pw-doctor' });
    } finally {
      await lk.close();
    }
  });
  after(async function () {
    this.timeout(60_000);
    await empty?.drop();
    await db?.drop();
    await whmcs?.close();
  });

  it('passes a good configuration with one ok line per check, and exits 0', async function () {
    this.timeout(30_000);
    const result = await doctor(whmcsEnv(db, whmcs.url));
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    const report = result.stdout.trim();
    for (const check of ['configuration', 'frame ancestors', 'base path', 'database reachable', 'database migrated', 'database writable', 'keys match the database', 'WHMCS API credentials']) {
      expect(lineOf(report, check)).to.match(/^ok {4}/);
    }
    expect(lineOf(report, 'keys match the database')).to.include('data keys under "k1" unwrap');
    expect(lineOf(report, 'WHMCS API credentials')).to.include('GetAdminDetails answered as Demo User (WHMCS 8.13.1)');
    expect(report.split('\n')).to.have.length(8);
    for (const secret of SECRETS) expect(result.stdout + result.stderr).not.to.include(secret);
  });

  it('names a key that does not open the vault, a refused WHMCS credential and a framing origin with a path, each with the fix, and exits 1', async function () {
    this.timeout(30_000);
    const wrongKey = randomBytes(32).toString('base64');
    const result = await doctor(whmcsEnv(db, whmcs.url, {
      LATCHKEY_KEYS: `k1:${wrongKey}`,
      WHMCS_API_SECRET: 'not-the-secret-of-this-credential',
      LATCHKEY_FRAME_ANCESTORS: 'https://billing.example.com https://admin.example.com/admin/',
      WHMCS_DATABASE_URL: 'mysql://latchkey_ro:whmcs-ro-pw-sentinel@127.0.0.1:1/whmcs',
    }));
    expect(result.code).to.equal(1);
    const report = result.stdout;
    expect(lineOf(report, 'keys match the database')).to.match(/^FAIL {2}keys match the database: data keys under "k1": .*LATCHKEY_KEYS must hold every key/);
    expect(lineOf(report, 'WHMCS API credentials')).to.match(/^FAIL .*Authentication Failed: check WHMCS_API_IDENTIFIER and WHMCS_API_SECRET/);
    expect(lineOf(report, 'frame ancestors')).to.match(/^FAIL .*"https:\/\/admin\.example\.com\/admin\/" has a path/);
    expect(lineOf(report, 'WHMCS database')).to.equal(
      'FAIL  WHMCS database: database unavailable: cannot reach the database server (ECONNREFUSED): check WHMCS_DATABASE_URL (mysql://latchkey_ro:***@127.0.0.1:1/whmcs) and the SELECT grants of step 4',
    );
    expect(lineOf(report, 'database migrated')).to.match(/^ok/);
    for (const secret of [wrongKey, 'not-the-secret-of-this-credential', 'whmcs-ro-pw-sentinel', ...SECRETS]) expect(report + result.stderr).not.to.include(secret);
  });

  it('names each pending migration of a database never migrated, and what to run', async function () {
    this.timeout(30_000);
    const result = await doctor(whmcsEnv(empty, whmcs.url, { LATCHKEY_FRAME_ANCESTORS: 'https://*.example.com', LATCHKEY_BASE_PATH: '/latchkey/../admin' }));
    expect(result.code).to.equal(1);
    const report = result.stdout;
    expect(lineOf(report, 'database reachable')).to.match(/^ok/);
    expect(lineOf(report, 'database migrated')).to.match(/^FAIL {2}database migrated: pending: 0001_vault_schema, 0002_reminders, .*run "npx latchkey migrate latest"/);
    expect(lineOf(report, 'frame ancestors')).to.match(/^FAIL .*has a wildcard/);
    expect(lineOf(report, 'base path')).to.match(/^FAIL .*LATCHKEY_BASE_PATH must be a plain path/);
  });
});

describe('latchkey doctor before any database', () => {
  it('says in one line which variable is wrong, and exits 1', async function () {
    this.timeout(30_000);
    const db = await ServeDatabase.open({ name: 'sqlite', url: 'sqlite::memory:' });
    const result = await doctor(whmcsEnv(db, 'https://billing.example.com', { LATCHKEY_SESSION_SECRET: 'short' })).finally(() => db.drop());
    expect(result.code).to.equal(1);
    expect(result.stdout.trim()).to.equal('FAIL  configuration: LATCHKEY_SESSION_SECRET must be at least 32 characters');
  });
});
