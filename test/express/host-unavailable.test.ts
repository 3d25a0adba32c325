import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import express from 'express';
import { HostUnavailableError, type HostDirectory } from '../../core/index.ts';
import { mountLatchkey } from '../../adapters/express/index.ts';
import { forEachDatabase, ManualClock, openVault, type Vault } from '../support/databases.ts';
import { hostFixture, owner } from '../support/host-fixture.ts';
import { Inbox } from '../mail/support/inbox.ts';
import { hs256Embed, signEmbed } from './harness.ts';
import { listenOnLoopback, type LoopbackServer } from '../support/loopback.ts';

/** What the host's adapter would put in its error: an address and an action, for the log only. */
const HOST_DETAIL = 'billing.host.test:443 timed out (GetClientsDetails)';

/** The fixture's directory, which stops answering while `down` is set, as a host that timed out. */
function switchableHost(): { directory: HostDirectory; setDown(down: boolean): void } {
  let down = false;
  const host = hostFixture();
  const directory = new Proxy(host, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => (down
        ? Promise.reject(new HostUnavailableError(HOST_DETAIL, { retryAfterSeconds: 45 }))
        : (value as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
  return { directory, setDown: (value) => { down = value; } };
}

forEachDatabase('when the host platform does not answer', (db) => {
  const embed = hs256Embed();
  const inbox = new Inbox();
  const host = switchableHost();
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
      cron: { mailer: inbox },
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
  });

  const runCron = async () => fetch(`${origin}/latchkey/api/cron/reminders`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${await signEmbed(embed.secret, { sub: 'system', ctx: { job: 'reminders' } })}` },
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
    // The first run's claim is held until its lease ends; move past it.
    clock.advanceDays(1);
    const accepted = await runCron();
    expect(accepted.status).to.equal(200);
    expect(await accepted.json()).to.include({ sent: 1, failed: 0 });
    expect(inbox.messages.map((m) => [m.to, m.recipient])).to.deep.equal([['olivia@host.test', { kind: 'admin', id: 'a-owner' }]]);
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
