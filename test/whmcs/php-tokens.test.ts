import { expect } from 'chai';
import express from 'express';
import { decodeProtectedHeader, decodeJwt } from 'jose';
import { Inbox } from '../mail/support/inbox.ts';
import { EmbedTokenError, EmbedTokenVerifier } from '../../adapters/express/embed-token.ts';
import { mountLatchkey } from '../../adapters/express/index.ts';
import { ManualClock, openVault, type Vault } from '../support/databases.ts';
import { acme, hostFixture } from '../support/host-fixture.ts';
import { forEachDatabaseWithPhp, phpJson, requirePhp, WHMCS_RUNTIME } from './php.ts';
import { listenOnLoopback, type LoopbackServer } from '../support/loopback.ts';

const SECRET = 'whmcs-and-latchkey-share-this-secret-0123456789';
const SESSION_SECRET = 'latchkey-own-session-secret-for-csrf-and-frames';
const EMBED = { issuer: 'https://billing.host.test', audience: 'latchkey-install-1', secret: SECRET };

/** A token signed by the module's TokenSigner under php-cli. */
async function phpSign(subject: string, ctx: Record<string, unknown>, options: { secret?: string; issuer?: string; now?: number; lifetime?: number } = {}): Promise<string> {
  const out = await phpJson<{ token: string }>(`
    require $module . 'lib/TokenSigner.php';
    $signer = new Latchkey\\Whmcs\\TokenSigner($input['secret'], $input['issuer'], $input['audience'], $input['lifetime']);
    echo json_encode(array('token' => $signer->sign($input['subject'], $input['ctx'], $input['now'])));`, {
    secret: options.secret ?? SECRET, issuer: options.issuer ?? EMBED.issuer, audience: EMBED.audience,
    lifetime: options.lifetime ?? 120, subject, ctx, now: options.now ?? null,
  });
  return out.token;
}

async function refusal(verifier: EmbedTokenVerifier, token: string): Promise<string> {
  const err = await verifier.verify(token).then(() => null, (e: unknown) => e);
  expect(err, 'the token should be refused').to.be.instanceOf(EmbedTokenError);
  return (err as Error).message;
}


forEachDatabaseWithPhp("tokens the WHMCS module signs under php-cli, checked by Latchkey's embed verifier", (db) => {
  let vault: Vault;
  let verifier: EmbedTokenVerifier;
  before(async function () {
    requirePhp(this);
    vault = await openVault(db, hostFixture());
    verifier = new EmbedTokenVerifier(EMBED, vault.lk);
  });
  after(async () => { await vault?.close(); });

  it('an admin on a client summary: accepted, naming the admin and the client', async () => {
    const token = await phpSign('admin:a-owner', { place: 'clientSummary', clientId: 'c-acme', language: 'fr' });
    expect(decodeProtectedHeader(token)).to.deep.equal({ alg: 'HS256', typ: 'JWT' });
    const claims = decodeJwt(token);
    expect(claims.exp! - claims.iat!).to.equal(120);
    expect(await verifier.verify(token)).to.deep.equal({
      actor: { kind: 'admin', adminId: 'a-owner' }, place: 'clientSummary', clientId: 'c-acme', language: 'fr',
    });
  });

  it("a client's contact in the client area, and staff on a ticket: accepted", async () => {
    const contact = await verifier.verify(await phpSign('client:c-acme:contact:k-acme-dev', { place: 'clientArea' }));
    expect(contact).to.deep.equal({ actor: { kind: 'client', clientId: 'c-acme', contactId: 'k-acme-dev' }, place: 'clientArea' });
    const ticket = await verifier.verify(await phpSign('admin:a-sam', { place: 'ticketSidebar', ticketId: 't-100' }));
    expect(ticket).to.deep.equal({ actor: { kind: 'admin', adminId: 'a-sam' }, place: 'ticketSidebar', ticketId: 't-100' });
  });

  it('the five-minute maximum is accepted', async () => {
    await verifier.verify(await phpSign('client:c-acme', { place: 'clientArea' }, { lifetime: 300 }));
  });

  it('signed with another secret: refused', async () => {
    const token = await phpSign('admin:a-owner', { place: 'adminPages' }, { secret: 'another-secret-of-a-different-whmcs-0123456789' });
    expect(await refusal(verifier, token)).to.equal('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it('accepted once: the same token a second time is refused', async () => {
    const token = await phpSign('admin:a-owner', { place: 'adminPages', page: 'settings' });
    await verifier.verify(token);
    expect(await refusal(verifier, token)).to.equal('token already used');
  });

  it('expired, from another issuer, or naming the system: refused', async () => {
    const old = await phpSign('admin:a-owner', { place: 'adminPages' }, { now: Math.floor(Date.now() / 1000) - 400 });
    expect(await refusal(verifier, old)).to.match(/ERR_JWT_EXPIRED|ERR_JWT_CLAIM_VALIDATION_FAILED/);
    const elsewhere = await phpSign('admin:a-owner', { place: 'adminPages' }, { issuer: 'https://other-billing.test' });
    expect(await refusal(verifier, elsewhere)).to.equal('ERR_JWT_CLAIM_VALIDATION_FAILED');
    const cron = await phpSign('system', { job: 'reminders' });
    expect(await refusal(verifier, cron)).to.equal('bad subject or context');
  });

  it('a token with its payload edited after signing: refused', async () => {
    const token = await phpSign('client:c-acme', { place: 'clientArea' });
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    claims.sub = 'admin:a-owner';
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    expect(await refusal(verifier, forged)).to.equal('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });
});

forEachDatabaseWithPhp("the module's daily cron asks Latchkey to send due reminders", (db) => {
  let vault: Vault;
  let clock: ManualClock;
  let server: LoopbackServer | undefined;
  let url: string;
  const inbox = new Inbox();

  before(async function () {
    requirePhp(this);
    // A month ago, so that once the test moves it on by 31 days Latchkey's clock and the tokens' agree again.
    clock = new ManualClock(Date.now() - 31 * 86_400_000);
    vault = await openVault(db, hostFixture(), { clock });
    const app = express();
    mountLatchkey(app, { latchkey: vault.lk, basePath: '/latchkey', secret: SESSION_SECRET, embed: EMBED, cron: { mailer: inbox } });
    server = await listenOnLoopback(app);
    url = `${server.origin}/latchkey`;
  });
  after(async () => {
    await server?.close();
    await vault?.close();
  });

  const settings = () => ({ url, secret: SECRET, issuer: EMBED.issuer, audience: EMBED.audience, lifetime: '60', cron: 'on' });

  it('DailyCronJob → POST {url}/api/cron/reminders with a system token → reminders queued and sent, logged in WHMCS', async () => {
    await vault.lk.entries.create(acme, { name: 'Mail server', password: 'first', reminderDays: 30 });
    clock.advanceDays(31);
    const activity = await phpJson<string[]>(`
      ${WHMCS_RUNTIME}
      require $module . 'hooks.php';
      run_hook('DailyCronJob', array());
      echo json_encode($activity);`, {
      tables: { tbladdonmodules: Object.entries(settings()).map(([setting, value]) => ({ module: 'latchkey', setting, value })) },
    });
    expect(activity).to.deep.equal(['Latchkey: Reminders queued: 1. Mail sent: 1, failed (kept for a retry): 0, dropped: 0.']);
    expect(inbox.messages).to.have.length(1);
    expect(inbox.messages[0]!.to).to.equal('it@acme.test');
    expect(inbox.messages[0]!.text).to.contain('Mail server');
  });

  it('answers the counts to Bridge::runReminders; nothing more to send the second time', async () => {
    const out = await phpJson<Record<string, number>>(`
      require $module . 'lib/Bridge.php';
      echo json_encode((new Latchkey\\Whmcs\\Bridge($input))->runReminders());`, settings());
    expect(out).to.deep.equal({ queued: 0, sent: 0, failed: 0, dropped: 0 });
  });

  it('refuses requests without a valid system token, once used, or for a user', async () => {
    const post = (headers: Record<string, string>, body?: string) => fetch(`${url}/api/cron/reminders`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body,
    });
    expect((await post({})).status).to.equal(401);
    const user = await phpSign('admin:a-owner', { place: 'adminPages' });
    expect((await post({ Authorization: `Bearer ${user}` })).status).to.equal(401);
    const other = await phpSign('system', { job: 'reminders' }, { secret: 'another-secret-of-a-different-whmcs-0123456789' });
    expect((await post({ Authorization: `Bearer ${other}` })).status).to.equal(401);
    const wrongJob = await phpSign('system', { job: 'everything' });
    expect((await post({ Authorization: `Bearer ${wrongJob}` })).status).to.equal(401);

    const system = await phpSign('system', { job: 'reminders' });
    const first = await post({}, `token=${encodeURIComponent(system)}`);
    expect(first.status).to.equal(200);
    expect(first.headers.get('cache-control')).to.equal('no-store');
    const replay = await post({ Authorization: `Bearer ${system}` });
    expect(replay.status).to.equal(401);
    const body = await replay.json() as { error: string; message: string };
    expect(body.error).to.equal('unauthenticated');
    expect(JSON.stringify(body)).not.to.contain(system.slice(-20));
  });
});
