import { expect } from 'chai';
import { totpCode, type Actor } from '../../core/index.ts';
import { Harness, type Browser, type HttpResponse } from '../express/harness.ts';
import { forEachDatabase, ManualClock, openVault, type Vault } from '../support/databases.ts';
import { acme, hostFixture, owner, sam } from '../support/host-fixture.ts';
import { SoftPasskey } from '../support/soft-passkey.ts';

const ATTEMPTS = 3;
const MINUTES = 10;

/**
 * Step-up verification over real HTTP: a browser signed in to the host opens
 * a panel (its CSRF cookie is the session a verification is bound to), sets
 * up an authenticator app, and verifies with codes computed here from the
 * seed it was shown. The clock is the vault's, moved by hand.
 */
forEachDatabase('step-up verification before guarded actions', (db) => {
  let clock: ManualClock;
  let vault: Vault;
  let h: Harness;
  let entryId: string;

  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 0, 1, 10));
    vault = await openVault(db, hostFixture(), { clock });
    h = await Harness.start(db, { vault, rateLimits: { stepUpPerActor: { limit: ATTEMPTS, windowSeconds: 3600 } } });
    await vault.lk.settings.update(owner, {
      adminAccessMode: 'full',
      stepUp: { actions: ['reveal', 'historyReveal', 'apiTokenCreate'], allStaff: true, allClients: true, minutes: MINUTES },
    });
    entryId = (await vault.lk.entries.create(owner, { name: 'Router', password: 'router-pw', clientId: 'c-acme' })).id;
  });
  afterEach(async () => {
    await h.close();
    await vault.close();
  });

  /** A browser signed in as `actor` that has opened a panel, with its CSRF token. */
  async function session(actor: Actor): Promise<{ browser: Browser; api: (method: string, path: string, json?: unknown) => Promise<HttpResponse> }> {
    const browser = h.browser(actor);
    const page = actor.kind === 'client' ? await browser.hostPage('clientArea') : await browser.hostPage('clientSummary', { clientId: 'c-acme' });
    expect(page.csrf, page.html.slice(0, 200)).to.be.a('string');
    return { browser, api: (method, path, json) => browser.api(method, path, json, page.csrf) };
  }

  const codeAt = (seed: string) => totpCode(seed, clock.now()).code;

  /** Sets up an authenticator app for the session's person; the seed and recovery codes, as shown once. */
  async function enrol(api: (method: string, path: string, json?: unknown) => Promise<HttpResponse>): Promise<{ seed: string; recoveryCodes: string[] }> {
    const begun = await api('POST', '/step-up/totp');
    expect(begun.status, begun.text).to.equal(200);
    const { secret, otpauthUri, qrCode } = begun.json<{ secret: string; otpauthUri: string; qrCode: string }>();
    expect(otpauthUri).to.include(`secret=${secret}`);
    expect(qrCode).to.match(/^data:image\/png;base64,/);
    const confirmed = await api('POST', '/step-up/totp/confirm', { code: codeAt(secret) });
    expect(confirmed.status, confirmed.text).to.equal(200);
    // The next code belongs to the next 30-second step: a code is accepted once.
    clock.advanceSeconds(30);
    return { seed: secret, recoveryCodes: confirmed.json<{ recoveryCodes: string[] }>().recoveryCodes };
  }

  const reveal = (api: (method: string, path: string, json?: unknown) => Promise<HttpResponse>) => api('POST', `/entries/${entryId}/reveal`, {});

  it('a guarded reveal is refused with verification_required until the person has set up a factor and verified', async () => {
    const { api } = await session(sam);
    const before = await reveal(api);
    expect(before.status).to.equal(403);
    expect(before.json()).to.deep.include({ error: 'verification_required', methods: [] });
    expect(before.text).not.to.include('router-pw');
    await enrol(api);
    // Enrolment verified this session.
    expect((await reveal(api)).json()).to.include({ password: 'router-pw' });
  });

  it('with the settings off, nobody is asked (what an existing install keeps)', async () => {
    await vault.lk.settings.update(owner, { stepUp: { actions: [] } });
    const { api } = await session(sam);
    expect((await reveal(api)).status).to.equal(200);
  });

  it('the policy asks only the staff roles and client groups it names', async () => {
    await vault.lk.settings.update(owner, { stepUp: { allStaff: false, staffRoleIds: ['r-full'], allClients: false, clientGroupIds: [] } });
    expect((await reveal((await session(sam)).api)).status, 'sam (r-support)').to.equal(200);
    expect((await reveal((await session(owner)).api)).status, 'owner (r-full)').to.equal(403);
  });

  it('each action is guarded on its own: with only former passwords and sharing checked, a reveal passes and those (and a restore) are refused', async () => {
    await vault.lk.settings.update(owner, { stepUp: { actions: ['historyReveal', 'share'] } });
    const entry = await vault.lk.entries.get(owner, entryId);
    await vault.lk.entries.update(owner, entryId, { version: entry.version, password: 'router-pw-2' });
    const historyId = (await vault.lk.entries.history(owner, entryId))[0]!.id;
    const { api } = await session(sam);
    expect((await reveal(api)).status, 'reveal').to.equal(200);
    const former = await api('POST', `/entries/${entryId}/history/${historyId}/reveal`, {});
    expect(former.status, 'former password').to.equal(403);
    expect(former.text).not.to.include('router-pw');
    const version = (await vault.lk.entries.get(owner, entryId)).version;
    expect((await api('PUT', `/entries/${entryId}/grants`, { version, grants: [] })).json(), 'share').to.include({ error: 'verification_required' });
    // Restoring puts a former password back in use: guarded with revealing one, and nothing is written.
    const owners = await session(owner);
    expect((await owners.api('POST', `/entries/${entryId}/history/${historyId}/restore`, { version })).json(), 'restore').to.include({ error: 'verification_required' });
    expect((await vault.lk.entries.get(owner, entryId)).version).to.equal(version);
  });

  it('a verification holds up to its expiry instant, and is refused one second after', async () => {
    const { api } = await session(sam);
    const { seed } = await enrol(api);
    const verified = await api('POST', '/step-up/verify', { code: codeAt(seed) });
    expect(verified.status, verified.text).to.equal(200);
    expect(verified.json()).to.deep.equal({ verifiedUntil: new Date(clock.now().getTime() + MINUTES * 60_000).toISOString() });
    clock.advanceSeconds(MINUTES * 60);
    expect((await reveal(api)).status, 'exactly at the limit').to.equal(200);
    clock.advanceSeconds(1);
    const late = await reveal(api);
    expect(late.status, 'one second after').to.equal(403);
    expect(late.json()).to.deep.include({ error: 'verification_required', methods: ['totp', 'recoveryCode'] });
  });

  it('a verification belongs to its session: another browser of the same person is still asked', async () => {
    const first = await session(sam);
    await enrol(first.api);
    const second = await session(sam);
    expect((await reveal(first.api)).status).to.equal(200);
    expect((await reveal(second.api)).status).to.equal(403);
  });

  it('verification attempts are throttled per person: the limit-th is still checked, the next is 429 even with the right code', async () => {
    const { api } = await session(sam);
    const { seed } = await enrol(api);
    // Enrolment's confirmation was the first attempt of the window.
    for (let i = 2; i < ATTEMPTS; i++) expect((await api('POST', '/step-up/verify', { code: '000000' })).status, `attempt ${i}`).to.equal(400);
    const atLimit = await api('POST', '/step-up/verify', { code: codeAt(seed) });
    expect(atLimit.status, 'the limit-th attempt').to.equal(200);
    clock.advanceSeconds(30);
    const over = await api('POST', '/step-up/verify', { code: codeAt(seed) });
    expect(over.status, 'past the limit').to.equal(429);
    expect(over.json()).to.include({ error: 'rate_limited' });
  });

  it('attempts are audited, success and failure, never with the code', async () => {
    const { api } = await session(sam);
    const { seed } = await enrol(api);
    expect((await api('POST', '/step-up/verify', { code: '123456' })).status).to.equal(400);
    const good = codeAt(seed);
    expect((await api('POST', '/step-up/verify', { code: good })).status).to.equal(200);
    const events = (await vault.lk.audit.list(owner, {})).filter((e) => e.action.startsWith('stepUp.'));
    expect(events.map((e) => e.action)).to.deep.equal(['stepUp.verify', 'stepUp.failed', 'stepUp.enrol']);
    const text = JSON.stringify(events);
    expect(text).not.to.include('123456');
    expect(text).not.to.include(good);
    expect(text).not.to.include(seed);
  });

  it('a code already accepted is refused the second time, even within its 30 seconds', async () => {
    const { api } = await session(sam);
    const { seed } = await enrol(api);
    const code = codeAt(seed);
    expect((await api('POST', '/step-up/verify', { code })).status).to.equal(200);
    expect((await api('POST', '/step-up/verify', { code })).json()).to.include({ field: 'code' });
  });

  it('a recovery code verifies once; the same code is refused afterwards', async () => {
    const { api } = await session(acme);
    const { recoveryCodes } = await enrol(api);
    expect(recoveryCodes).to.have.length(10);
    const own = (await vault.lk.entries.create(acme, { name: 'Mail', password: 'mail-pw' })).id;
    const other = await session(acme);
    expect((await other.api('POST', `/entries/${own}/reveal`, {})).status, 'not yet verified').to.equal(403);
    expect((await other.api('POST', '/step-up/verify', { recoveryCode: recoveryCodes[3] })).status).to.equal(200);
    expect((await other.api('POST', `/entries/${own}/reveal`, {})).json()).to.include({ password: 'mail-pw' });
    const third = await session(acme);
    const again = await third.api('POST', '/step-up/verify', { recoveryCode: recoveryCodes[3] });
    expect(again.status).to.equal(400);
    expect(again.json()).to.include({ field: 'recoveryCode' });
    const status = await third.api('GET', '/step-up');
    expect(status.json()).to.include({ recoveryCodesLeft: 9, verifiedUntil: null });
  });

  it('the recovery codes are stored hashed and the seed sealed: neither is in the database in the clear', async () => {
    const { api } = await session(sam);
    const { seed, recoveryCodes } = await enrol(api);
    const rows = JSON.stringify([
      await vault.raw(vault.tables.stepUpFactors).select(),
      await vault.raw(vault.tables.stepUpRecoveryCodes).select(),
    ]);
    expect(rows).not.to.include(seed);
    for (const code of recoveryCodes) expect(rows).not.to.include(code);
  });

  it('an addon manager resets a person\'s enrolment (audited); the person is asked to set up afresh; others may not', async () => {
    const samSession = await session(sam);
    await enrol(samSession.api);
    expect((await (await session(sam)).api('POST', '/step-up/reset', { adminId: 'a-owner' })).status, 'sam is no manager').to.equal(403);
    const reset = await (await session(owner)).api('POST', '/step-up/reset', { adminId: 'a-sam' });
    expect(reset.status, reset.text).to.equal(204);
    const after = await reveal(samSession.api);
    expect(after.status).to.equal(403);
    expect(after.json()).to.deep.include({ methods: [] });
    expect((await samSession.api('POST', '/step-up/totp')).status, 'enrols afresh').to.equal(200);
    const events = await vault.lk.audit.list(owner, {});
    expect(events.find((e) => e.action === 'stepUp.reset')?.details).to.deep.include({ person: 'admin:a-sam' });
  });

  it('API tokens are refused a guarded reveal unless the settings exempt them, and making one is guarded', async () => {
    const { api } = await session(owner);
    expect((await api('POST', '/tokens', { name: 'Job', scopes: ['reveal'], expiresInDays: 1 })).status, 'token creation guarded').to.equal(403);
    await enrol(api);
    const made = await api('POST', '/tokens', { name: 'Job', scopes: ['reveal'], expiresInDays: 1 });
    expect(made.status, made.text).to.equal(201);
    const bearer = () => h.browser().send('POST', `/latchkey/api/entries/${entryId}/reveal`, { json: {}, headers: { authorization: `Bearer ${made.json<{ token: string }>().token}` } });
    expect((await bearer()).status).to.equal(403);
    await vault.lk.settings.update(owner, { stepUp: { exemptApiTokens: true } });
    expect((await bearer()).status).to.equal(200);
  });

  it('a passkey added answers its challenge once: the same signed answer replayed is refused, and audited as a failure', async () => {
    const { api } = await session(sam);
    const key = new SoftPasskey(h.origin, '127.0.0.1');
    const registerOptions = (await api('POST', '/step-up/passkey/options', { purpose: 'register' })).json<{ challenge: string }>();
    const added = await api('POST', '/step-up/passkey', { passkey: key.register(registerOptions) });
    expect(added.status, added.text).to.equal(200);
    expect((await reveal(api)).status, 'adding verified the session').to.equal(200);

    const later = await session(sam);
    const refused = await reveal(later.api);
    expect(refused.json()).to.deep.include({ error: 'verification_required', methods: ['passkey'] });
    const options = (await later.api('POST', '/step-up/passkey/options', { purpose: 'verify' })).json<{ challenge: string }>();
    const answer = key.authenticate(options);
    expect((await later.api('POST', '/step-up/verify', { passkey: answer })).status).to.equal(200);
    expect((await reveal(later.api)).status).to.equal(200);

    const third = await session(sam);
    const replayed = await third.api('POST', '/step-up/verify', { passkey: answer });
    expect(replayed.status).to.equal(400);
    expect(replayed.json()).to.include({ field: 'passkey' });
    const actions = (await vault.lk.audit.list(owner, {})).filter((e) => e.action.startsWith('stepUp.')).map((e) => [e.action, e.details?.method]);
    expect(actions).to.deep.equal([['stepUp.failed', 'passkey'], ['stepUp.verify', 'passkey'], ['stepUp.enrol', 'passkey']]);
  });

  it('a passkey answer signed for another site is refused', async () => {
    const { api } = await session(sam);
    const key = new SoftPasskey('https://evil.example', 'evil.example');
    const options = (await api('POST', '/step-up/passkey/options', { purpose: 'register' })).json<{ challenge: string }>();
    const added = await api('POST', '/step-up/passkey', { passkey: key.register(options) });
    expect(added.status).to.equal(400);
    expect((await api('GET', '/step-up')).json()).to.deep.include({ methods: [] });
  });
});
