import { expect } from 'chai';
import { SmtpMailer } from '../../adapters/smtp/smtp-mailer.ts';
import { forEachDatabase, ManualClock, openVault, type Vault } from '../support/databases.ts';
import { acme, hostFixture } from '../support/host-fixture.ts';
import { outboxStatuses } from './support/bulk-reminders.ts';
import { SmtpSink } from './support/smtp-sink.ts';

const SECOND = 1 / 86_400;

interface OutboxRow {
  status: string;
  attempts: number;
  last_error: string | null;
  next_attempt_at: number | string;
  claimed_by: string | null;
  claimed_until: number | string | null;
  sent_at: number | string | null;
}

/**
 * When the SMTP server refuses or is not there, the messages stay in the
 * outbox with their error and a later retry time (the clock is moved, not
 * waited for), and go out once the server is back.
 */
forEachDatabase('a failing SMTP server', (db) => {
  let vault: Vault;
  let clock: ManualClock;
  let sink: SmtpSink;
  let mailer: SmtpMailer;

  beforeEach(async () => {
    clock = new ManualClock();
    vault = await openVault(db, hostFixture(), { clock });
    for (const name of ['Mail server', 'Router', 'Backup NAS']) {
      await vault.lk.entries.create(acme, { name, password: 'secret', reminderDays: 30 });
    }
    clock.advanceDays(30);
    expect(await vault.lk.reminders.enqueueDue()).to.equal(3);
    sink = await SmtpSink.start();
    mailer = new SmtpMailer({ url: sink.url, from: 'Latchkey <latchkey@host.test>' });
  });

  afterEach(async () => {
    mailer.close();
    await sink.close();
    await vault.close();
  });

  const rows = async () => await vault.raw(vault.tables.outbox).select('*').orderBy('id') as OutboxRow[];

  it('a server that refuses each message (451 after DATA): rows stay pending with the error, then go out when it takes them again', async () => {
    sink.decide = () => ({ reject: 'Mailbox busy, try again later', code: 451 });
    const dispatcher = vault.lk.dispatcher(mailer, { workerId: 'w1' });
    const failedAt = clock.now().getTime();
    expect(await dispatcher.drain()).to.deep.equal({ sent: 0, failed: 3, dropped: 0 });
    expect(sink.rejected).to.have.length(3);
    expect(sink.accepted).to.have.length(0);
    for (const row of await rows()) {
      expect(row.status).to.equal('pending');
      expect(row.attempts).to.equal(1);
      expect(row.last_error).to.contain('451').and.to.contain('Mailbox busy');
      expect(Number(row.next_attempt_at)).to.equal(failedAt + 30_000);
      expect(row.claimed_by).to.equal(null);
      expect(row.sent_at).to.equal(null);
    }

    // Still refusing after the first backoff: a second attempt, and a longer wait.
    clock.advanceDays(30 * SECOND);
    expect(await dispatcher.drain()).to.deep.equal({ sent: 0, failed: 3, dropped: 0 });
    const secondAt = clock.now().getTime();
    for (const row of await rows()) {
      expect(row.attempts).to.equal(2);
      expect(Number(row.next_attempt_at)).to.equal(secondAt + 60_000);
    }

    // The server is back, but the messages wait for their retry time.
    sink.decide = () => 'accept';
    clock.advanceDays(59 * SECOND);
    expect(await dispatcher.drain()).to.deep.equal({ sent: 0, failed: 0, dropped: 0 });
    expect(sink.accepted).to.have.length(0);
    clock.advanceDays(1 * SECOND);
    expect(await dispatcher.drain()).to.deep.equal({ sent: 3, failed: 0, dropped: 0 });

    expect(sink.accepted).to.have.length(3);
    expect(sink.messageIdCounts().size).to.equal(3);
    expect(sink.accepted.map((m) => m.to)).to.deep.equal([['it@acme.test'], ['it@acme.test'], ['it@acme.test']]);
    // The refused attempts carried the same Message-ID as the accepted one: a server can tell a repeat.
    expect(new Set(sink.rejected.map((m) => m.messageId))).to.deep.equal(new Set(sink.accepted.map((m) => m.messageId)));
    for (const row of await rows()) {
      expect(row.status).to.equal('sent');
      expect(row.last_error).to.equal(null);
      expect(Number(row.sent_at)).to.equal(clock.now().getTime());
    }
    // Sent is sent: nothing goes again later.
    clock.advanceDays(1);
    expect(await dispatcher.drain()).to.deep.equal({ sent: 0, failed: 0, dropped: 0 });
    expect(sink.accepted).to.have.length(3);
  });

  it('nothing listening on the port: rows keep the connection error; the same mailer sends them once a server listens there again', async () => {
    const port = sink.port;
    await sink.close();
    const run = () => vault.lk.runMailOnce(mailer);
    expect(await run()).to.deep.equal({ queued: 0, sent: 0, failed: 3, dropped: 0 });
    for (const row of await rows()) {
      expect(row.status).to.equal('pending');
      expect(row.attempts).to.equal(1);
      expect(row.last_error).to.match(/ECONNREFUSED/);
    }

    sink = await SmtpSink.start(port);
    clock.advanceDays(31 * SECOND);
    expect(await run()).to.deep.equal({ queued: 0, sent: 3, failed: 0, dropped: 0 });
    expect(sink.accepted).to.have.length(3);
    expect(await outboxStatuses(vault)).to.deep.equal({ sent: 3 });
  });

  it('after maxAttempts failures a message is marked failed and kept with its error, and not tried again', async () => {
    sink.decide = () => ({ reject: 'Recipient address rejected', code: 550 });
    const dispatcher = vault.lk.dispatcher(mailer, { workerId: 'w1', maxAttempts: 2 });
    expect(await dispatcher.drain()).to.deep.equal({ sent: 0, failed: 3, dropped: 0 });
    clock.advanceDays(30 * SECOND);
    expect(await dispatcher.drain()).to.deep.equal({ sent: 0, failed: 3, dropped: 0 });
    expect(await outboxStatuses(vault)).to.deep.equal({ failed: 3 });
    for (const row of await rows()) {
      expect(row.attempts).to.equal(2);
      expect(row.last_error).to.contain('550').and.to.contain('Recipient address rejected');
    }
    sink.decide = () => 'accept';
    clock.advanceDays(1);
    expect(await dispatcher.drain()).to.deep.equal({ sent: 0, failed: 0, dropped: 0 });
    expect(sink.accepted).to.have.length(0);
  });
});
