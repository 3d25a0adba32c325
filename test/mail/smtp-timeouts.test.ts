import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { SmtpMailer, smtpTimeouts } from '../../adapters/smtp/smtp-mailer.ts';
import { ConfigurationError } from '../../core/index.ts';
import { forEachDatabase, ManualClock, openVault, type Vault } from '../support/databases.ts';
import { acme, hostFixture } from '../support/host-fixture.ts';
import { rejection } from '../support/table-rows.ts';
import { SmtpSink } from './support/smtp-sink.ts';

/** A short lease, so the derived timeouts are short: 400 ms to connect, 400 ms for the greeting, 1 s per answer. */
const LEASE_MS = 4_000;

const message = {
  to: 'it@acme.test', toName: 'Acme', recipient: { kind: 'client' as const, id: 'c-acme' },
  subject: 'Hello', text: 'Hello', html: '<p>Hello</p>', messageId: '<timeouts@latchkey>',
};

describe('SMTP timeouts', () => {
  it('derive from the mail lease: a tenth to connect, a tenth for the greeting, a quarter per answer', () => {
    expect(smtpTimeouts()).to.deep.equal({ connectionMs: 6_000, greetingMs: 6_000, socketMs: 15_000 });
    expect(smtpTimeouts(LEASE_MS)).to.deep.equal({ connectionMs: 400, greetingMs: 400, socketMs: 1_000 });
    expect(new SmtpMailer({ url: 'smtp://127.0.0.1:1', from: 'a@b.test', leaseMs: LEASE_MS }).timeouts.socketMs).to.equal(1_000);
  });

  it('together stay under half the lease: one millisecond under is taken, half the lease is refused', () => {
    expect(smtpTimeouts(60_000, { connectionMs: 10_000, greetingMs: 10_000, socketMs: 9_999 }).socketMs).to.equal(9_999);
    for (const overrides of [{ connectionMs: 10_000, greetingMs: 10_000, socketMs: 10_000 }, { socketMs: 30_000 }, { socketMs: 0 }, { greetingMs: 1.5 }]) {
      expect(() => smtpTimeouts(60_000, overrides), JSON.stringify(overrides)).to.throw(ConfigurationError);
    }
  });

  it('a server that takes the connection and never greets: the send fails after the greeting timeout', async () => {
    const held: Socket[] = [];
    const silent: Server = createServer((socket) => { held.push(socket); });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const mailer = new SmtpMailer({ url: `smtp://127.0.0.1:${(silent.address() as AddressInfo).port}`, from: 'a@b.test', leaseMs: LEASE_MS });
    try {
      const started = Date.now();
      const err = await rejection(mailer.send(message), Error) as Error & { code?: string };
      const took = Date.now() - started;
      expect(err.code).to.equal('ETIMEDOUT');
      expect(err.message).to.match(/greeting/i);
      expect(took, 'waited for the greeting timeout, and gave up well before the lease').to.be.within(400, LEASE_MS / 2);
    } finally {
      mailer.close();
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

forEachDatabase('an SMTP server that hangs', (db) => {
  let vault: Vault;
  let sink: SmtpSink;
  let mailer: SmtpMailer;

  beforeEach(async () => {
    const clock = new ManualClock();
    vault = await openVault(db, hostFixture(), { clock });
    await vault.lk.entries.create(acme, { name: 'Mail server', password: 'secret', reminderDays: 30 });
    clock.advanceDays(30);
    sink = await SmtpSink.start();
    mailer = new SmtpMailer({ url: sink.url, from: 'Latchkey <latchkey@host.test>', leaseMs: LEASE_MS });
  });

  afterEach(async () => {
    mailer.close();
    await sink.close();
    await vault.close();
  });

  it('a server that never answers DATA: the send fails after the socket timeout, below the lease, and the row waits for a retry', async () => {
    sink.decide = () => 'stall';
    const started = Date.now();
    const result = await vault.lk.runMailOnce(mailer, { leaseMs: LEASE_MS });
    const took = Date.now() - started;
    expect(result).to.deep.equal({ queued: 1, sent: 0, failed: 1, dropped: 0 });
    expect(sink.stalled, 'the server had the whole message').to.have.length(1);
    expect(took, 'waited for the socket timeout, and gave up before the lease ran out').to.be.within(1_000, LEASE_MS);
    const [row] = await vault.raw(vault.tables.outbox).select('*') as Array<{ status: string; attempts: number; last_error: string; claimed_by: string | null }>;
    expect(row).to.include({ status: 'pending', attempts: 1, claimed_by: null });
    expect(row!.last_error).to.match(/^ETIMEDOUT .*timeout/i);
  });
});
