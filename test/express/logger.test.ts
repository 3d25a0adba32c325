import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import express from 'express';
import type { Logger, LogFields, Mailer } from '../../core/index.ts';
import { mountLatchkey } from '../../adapters/express/index.ts';
import { forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { listenOnLoopback, type LoopbackServer } from '../support/loopback.ts';
import { sam } from '../support/host-fixture.ts';
import { switchableHost } from '../support/switchable-host.ts';

/** A Logger that keeps its lines. */
class KeptLines implements Logger {
  readonly lines: Array<{ level: string; message: string; fields?: LogFields }> = [];
  info(message: string, fields?: LogFields): void { this.lines.push({ level: 'info', message, fields }); }
  warn(message: string, fields?: LogFields): void { this.lines.push({ level: 'warn', message, fields }); }
  error(message: string, fields?: LogFields): void { this.lines.push({ level: 'error', message, fields }); }
}

/** Runs `body` with the console's error and warn output caught instead of printed. */
async function consoleDuring(body: () => Promise<void>): Promise<string[]> {
  const caught: string[] = [];
  const { error, warn } = console;
  console.error = (...args: unknown[]) => { caught.push(args.join(' ')); };
  console.warn = (...args: unknown[]) => { caught.push(args.join(' ')); };
  try {
    await body();
  } finally {
    Object.assign(console, { error, warn });
  }
  return caught;
}

forEachDatabase('the Logger port', (db) => {
  const host = switchableHost('Billing API at billing.host.test did not answer GetAdmins');
  const logger = new KeptLines();
  let vault: Vault;
  let server: LoopbackServer;

  before(async () => {
    vault = await openVault(db, host.directory);
    const app = express();
    mountLatchkey(app, {
      latchkey: vault.lk, basePath: '/latchkey', secret: randomBytes(32).toString('base64url'), identify: () => sam, logger,
    });
    server = await listenOnLoopback(app);
  });
  after(async () => {
    await server?.close();
    await vault?.close();
  });
  beforeEach(() => { logger.lines.length = 0; });

  it("a mount given a logger writes a host outage there, not on the console, and the answer keeps the outage's detail to itself", async () => {
    host.setDown(true);
    let body = '';
    const printed = await consoleDuring(async () => {
      const res = await fetch(`${server.origin}/latchkey/api/entries?clientId=c-acme`);
      expect(res.status).to.equal(503);
      body = await res.text();
    }).finally(() => host.setDown(false));
    expect(printed).to.deep.equal([]);
    expect(logger.lines).to.deep.equal([{ level: 'error', message: 'latchkey: Billing API at billing.host.test did not answer GetAdmins', fields: undefined }]);
    expect(body).not.to.include('billing.host.test');
  });

  it("the mail loop's failures go to the Latchkey instance's logger, not the console", async () => {
    const kept = new KeptLines();
    const own = await openVault(db, host.directory, { logger: kept });
    try {
      const printed = await consoleDuring(async () => {
        const mailer: Mailer = { send: async () => {} };
        const worker = own.lk.startMail(mailer, { everyMs: 60_000, onRound: () => { throw new Error('the round listener broke'); } });
        await worker.stop();
      });
      expect(printed).to.deep.equal([]);
      expect(kept.lines).to.deep.equal([{ level: 'error', message: 'latchkey mail: onRound failed: the round listener broke', fields: undefined }]);
    } finally {
      await own.close();
    }
  });
});
