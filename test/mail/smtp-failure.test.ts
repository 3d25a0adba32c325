import { expect } from 'chai';
import { SmtpMailer } from '../../adapters/smtp/smtp-mailer.ts';
import { createHooks, Renderer, type HookSurface } from '../../core/index.ts';
import { forEachDatabase, ManualClock, openVault, type Vault } from '../support/databases.ts';
import { acme, acmeDev, hostFixture, owner, sam } from '../support/host-fixture.ts';
import { outboxStatuses } from './support/bulk-reminders.ts';
import { SmtpSink } from './support/smtp-sink.ts';

const SECOND = 1 / 86_400;

const SURFACE: HookSurface = { apiBase: '/api', assetBase: '/assets', pageUrl: '/addon', csrfToken: 'csrf', clipboardClearSeconds: 30 };

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
    sink.decide = () => ({ reject: 'Insufficient system storage', code: 452 });
    const dispatcher = vault.lk.dispatcher(mailer, { workerId: 'w1', maxAttempts: 2 });
    expect(await dispatcher.drain()).to.deep.equal({ sent: 0, failed: 3, dropped: 0 });
    clock.advanceDays(30 * SECOND);
    expect(await dispatcher.drain()).to.deep.equal({ sent: 0, failed: 3, dropped: 0 });
    expect(await outboxStatuses(vault)).to.deep.equal({ failed: 3 });
    for (const row of await rows()) {
      expect(row.attempts).to.equal(2);
      expect(row.last_error).to.contain('452').and.to.contain('Insufficient system storage');
    }
    sink.decide = () => 'accept';
    clock.advanceDays(1);
    expect(await dispatcher.drain()).to.deep.equal({ sent: 0, failed: 0, dropped: 0 });
    expect(sink.accepted).to.have.length(0);
  });

  it('a permanent refusal (550 after DATA) fails each message at its first attempt, with the server\'s answer, never tried again', async () => {
    sink.decide = () => ({ reject: 'Recipient address rejected: mailbox unavailable', code: 550 });
    const dispatcher = vault.lk.dispatcher(mailer, { workerId: 'w1' });
    const failedAt = clock.now().getTime();
    expect(await dispatcher.drain()).to.deep.equal({ sent: 0, failed: 3, dropped: 0 });
    for (const row of await rows()) {
      expect(row.status).to.equal('failed');
      expect(row.attempts).to.equal(1);
      expect(row.last_error).to.equal('550 Recipient address rejected: mailbox unavailable');
      expect(Number(row.next_attempt_at), 'when it failed').to.equal(failedAt);
      expect(row.claimed_by).to.equal(null);
    }
    sink.decide = () => 'accept';
    clock.advanceDays(3);
    expect(await dispatcher.drain()).to.deep.equal({ sent: 0, failed: 0, dropped: 0 });
    expect(sink.rejected).to.have.length(3);
    expect(sink.accepted).to.have.length(0);
  });

  it('addon managers see refused mail on the dashboard with the server\'s answer; staff who may not run the addon see no dashboard', async () => {
    sink.decide = () => ({ reject: 'Recipient address rejected: mailbox unavailable', code: 550 });
    await vault.lk.dispatcher(mailer).drain();
    const report = await vault.lk.report.build(owner);
    expect(report.failedMailCount).to.equal(3);
    expect(report.failedMail.map((m) => [m.kind, m.recipient, m.attempts, m.error])).to.deep.equal(Array.from({ length: 3 }, () => (
      ['reminder', { kind: 'client', id: 'c-acme' }, 1, '550 Recipient address rejected: mailbox unavailable'])));

    const hooks = createHooks(vault.lk, new Renderer());
    const html = (await hooks.adminPages(owner, { page: 'dashboard' }, SURFACE))!;
    const table = /<table[^>]*data-lk-failed-mail[^>]*>([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
    expect(table).to.contain('550 Recipient address rejected: mailbox unavailable');
    expect(table).to.contain('Acme Ltd').and.to.contain('Rotation reminder');
    expect(html).to.contain('Mail that could not be sent');
    expect(await hooks.adminPages(sam, { page: 'dashboard' }, SURFACE)).to.equal(null);
  });

  it('a server answer quoting the message keeps no password: it is cut out, and the answer kept to one short line', async () => {
    await vault.lk.settings.update(owner, { includePasswordInChangeMail: true });
    const entry = await vault.lk.entries.create(acme, { name: 'Router', password: 'first', notifyOnChange: true, grants: [{ kind: 'contact', id: 'k-acme-dev', canEdit: true }] });
    await vault.lk.entries.update(acmeDev, entry.id, { version: 1, password: 'Qu0ted-Secret-77' });
    sink.decide = (mail) => {
      const quoted = /New password: (\S+)/.exec(mail.raw)?.[1];
      return quoted ? { reject: `Content rejected near "${quoted}"\r\n${'x'.repeat(400)}`, code: 554 } : 'accept';
    };
    expect(await vault.lk.dispatcher(mailer).drain()).to.deep.equal({ sent: 3, failed: 1, dropped: 0 });
    const [refused] = (await rows()).filter((r) => r.status === 'failed');
    expect(refused!.last_error).to.match(/^554 Content rejected near "\[secret\]" x+…$/);
    expect(refused!.last_error).to.have.length(200);
    const html = (await createHooks(vault.lk, new Renderer()).adminPages(owner, { page: 'dashboard' }, SURFACE))!;
    expect(html).to.contain('Content rejected near').and.not.to.contain('Qu0ted-Secret-77');
  });

  it('a temporary refusal (451) is retried with backoff, never failed at once', async () => {
    sink.decide = () => ({ reject: 'Greylisted, try again later', code: 451 });
    const dispatcher = vault.lk.dispatcher(mailer, { workerId: 'w1' });
    for (const attempt of [1, 2, 3]) {
      expect(await dispatcher.drain()).to.deep.equal({ sent: 0, failed: 3, dropped: 0 });
      expect(await outboxStatuses(vault), `after attempt ${attempt}`).to.deep.equal({ pending: 3 });
      clock.advanceDays(1);
    }
    expect((await vault.lk.report.build(owner)).failedMailCount).to.equal(0);
  });
});
