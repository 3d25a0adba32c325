import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import express from 'express';
import { HostUnavailableError, type MailMessage } from '../../core/index.ts';
import { mountLatchkey } from '../../adapters/express/index.ts';
import { forEachDatabase, ManualClock, openVault, type Vault } from '../support/databases.ts';
import { hostFixture, owner } from '../support/host-fixture.ts';
import { Inbox } from '../mail/support/inbox.ts';
import { hs256Embed, signEmbed } from './harness.ts';
import { listenOnLoopback, type LoopbackServer } from '../support/loopback.ts';
import { switchableHost } from '../support/switchable-host.ts';

/** What the host's adapter would put in its error: an address and an action, for the log only. */
const HOST_DETAIL = 'billing.host.test:443 timed out (GetClientsDetails)';

forEachDatabase('when the host platform does not answer', (db) => {
  const embed = hs256Embed();
  const inbox = new Inbox();
  /** Mail leaves through the host (as WhmcsMailer's SendEmail does), which may be away too. */
  let mailerDown = false;
  const hostMailer = {
    send: async (message: MailMessage) => {
      if (mailerDown) throw new HostUnavailableError(HOST_DETAIL);
      await inbox.send(message);
    },
  };
  const host = switchableHost(HOST_DETAIL);
  const clock = new ManualClock(Date.now() - 31 * 86_400_000);
  let vault: Vault;
  let server: LoopbackServer | undefined;
  let origin: string;
  const loggedErrors: string[] = [];
  const consoleError = console.error;

  before(async () => {
    vault = await openVault(db, host.directory, { clock });
    const app = express();
    mountLatchkey(app, {
      latchkey: vault.lk,
      basePath: '/latchkey',
      secret: randomBytes(32).toString('base64url'),
      identify: (req) => (req.get('x-test-admin') === 'owner' ? owner : null),
      embed,
      cron: { mailer: hostMailer },
    });
    server = await listenOnLoopback(app);
    origin = `${server.origin}`;
  });
  after(async () => {
    await server?.close();
    await vault?.close();
  });
  beforeEach(() => {
    console.error = (...args: unknown[]) => { loggedErrors.push(args.map(String).join(' ')); };
  });
  afterEach(() => {
    console.error = consoleError;
    host.setDown(false);
    mailerDown = false;
  });

  const runCron = async () => fetch(`${origin}/latchkey/api/cron/reminders`, {
    method: 'POST',
    // Signed at Latchkey's time, which the tests move: tokens are checked against the vault's clock.
    headers: { Authorization: `Bearer ${await signEmbed(embed.secret, { sub: 'system', ctx: { job: 'reminders' } }, { now: clock.epochSeconds() })}` },
  });

  it('the API answers 503 with the Retry-After the adapter asks for, and keeps the host detail for the log', async () => {
    host.setDown(true);
    const res = await fetch(`${origin}/latchkey/api/entries`, { headers: { 'x-test-admin': 'owner', 'accept-language': 'de' } });
    expect(res.status).to.equal(503);
    expect(res.headers.get('retry-after')).to.equal('45');
    const body = await res.json() as { error: string; message: string };
    expect(body.error).to.equal('host_unavailable');
    expect(body.message).to.match(/Verzeichnis der Plattform/);
    expect(JSON.stringify(body)).not.to.contain('billing.host.test');
    expect(loggedErrors.join('\n')).to.contain(HOST_DETAIL);
  });

  it('the cron run answers 503 and spends no attempt; the next run sends the reminder', async () => {
    await vault.lk.entries.create(owner, { name: 'Core switch', password: 'first', reminderDays: 30 });
    clock.advanceDays(31);
    host.setDown(true);
    const refused = await runCron();
    expect(refused.status).to.equal(503);
    expect(refused.headers.get('retry-after')).to.equal('45');
    expect(inbox.messages).to.have.length(0);
    const rows = await vault.raw(vault.tables.outbox).select('status', 'attempts');
    expect(rows.map((r: { status: string; attempts: number }) => [r.status, Number(r.attempts)])).to.deep.equal([['pending', 0]]);

    host.setDown(false);
    // No lease to wait out: the refused run gave its claims back.
    const accepted = await runCron();
    expect(accepted.status).to.equal(200);
    expect(await accepted.json()).to.include({ sent: 1, failed: 0 });
    expect(inbox.messages.map((m) => [m.to, m.recipient])).to.deep.equal([['olivia@host.test', { kind: 'admin', id: 'a-owner' }]]);
  });

  it('a host that cannot send the mail stops the run the same way: no attempt spent, the rows free for the next run', async () => {
    await vault.lk.entries.create(owner, { name: 'Edge router', password: 'first', reminderDays: 30 });
    clock.advanceDays(31);
    mailerDown = true;
    const refused = await runCron();
    expect(refused.status).to.equal(503);
    const pending = await vault.raw(vault.tables.outbox).where('status', 'pending').select('attempts', 'claimed_by');
    // This entry's reminder, and the first entry's second one (a period has passed for it too).
    expect(pending.map((r: { attempts: number; claimed_by: string | null }) => [Number(r.attempts), r.claimed_by])).to.deep.equal([[0, null], [0, null]]);

    mailerDown = false;
    const accepted = await runCron();
    expect(await accepted.json()).to.include({ sent: 2, failed: 0 });
  });
});

describe('mounting the cron endpoint', () => {
  it('refuses a cron option without embed, since nothing could sign its tokens', async () => {
    const vault = await openVault({ name: 'sqlite', url: 'sqlite::memory:' }, hostFixture());
    try {
      expect(() => mountLatchkey(express(), {
        latchkey: vault.lk, basePath: '/latchkey', secret: randomBytes(32).toString('base64url'), cron: { mailer: new Inbox() },
      })).to.throw(/cron needs embed/);
    } finally {
      await vault.close();
    }
  });
});
