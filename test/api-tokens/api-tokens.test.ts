import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { MemoryDirectory } from '../../adapters/memory/memory-directory.ts';
import type { ApiTokenScope } from '../../core/index.ts';
import { BASE, Harness } from '../express/harness.ts';
import { forEachDatabase, ManualClock, openVault, type Vault } from '../support/databases.ts';
import { hostFixture, owner, sam } from '../support/host-fixture.ts';

const DAY_MS = 86_400_000;

interface Call {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** A script's request: the token in the Authorization header, no cookies, no CSRF token. */
async function bearer(h: Harness, token: string, method: string, path: string, json?: unknown): Promise<Call> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${h.origin}${BASE}/api${path}`, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) as Record<string, unknown> : {} };
}

forEachDatabase('API tokens', (db) => {
  let host: MemoryDirectory;
  let clock: ManualClock;
  let vault: Vault;
  let h: Harness;

  beforeEach(async () => {
    host = hostFixture();
    clock = new ManualClock();
    vault = await openVault(db, host, { clock });
    h = await Harness.start(db, { vault });
  });

  afterEach(async () => {
    await h.close();
    await vault.close();
  });

  const make = async (scopes: ApiTokenScope[], options: { name?: string; days?: number; admin?: typeof owner } = {}) => {
    const { token, info } = await vault.lk.apiTokens.create(options.admin ?? owner, {
      name: options.name ?? `script ${scopes.join('+')}`, scopes, expiresInDays: options.days ?? 30,
    });
    return { token: token.expose(), info };
  };
  const ownerEntry = async (name = 'Core router') =>
    (await vault.lk.entries.create(owner, { name, username: 'admin', password: 'router-secret-pw' })).id;
  const auditOf = async (action: string) => (await vault.lk.audit.list({ kind: 'system' }, { action, limit: 50 }));

  describe('creating', () => {
    it('a new token is lk_ and 43 base64url characters, shown once and listed without it', async () => {
      const { token, info } = await make(['read']);
      expect(token).to.match(/^lk_[A-Za-z0-9_-]{43}$/);
      const listed = await vault.lk.apiTokens.list(owner);
      expect(listed.map((t) => t.id)).to.deep.equal([info.id]);
      expect(JSON.stringify(listed)).not.to.include(token.slice(3));
      expect(listed[0]).to.include({ name: 'script read', adminId: 'a-owner', status: 'active', lastUsedAt: null, revokedAt: null });
    });

    it('the table keeps the SHA-256 of the token and nowhere the token itself', async () => {
      const { token } = await make(['read', 'reveal', 'write', 'manage']);
      const rows = await vault.raw(vault.tables.apiTokens).select('*');
      expect(rows).to.have.length(1);
      expect(rows[0].token_hash).to.equal(createHash('sha256').update(token).digest('hex'));
      const everything = JSON.stringify(rows) + JSON.stringify(await vault.raw(vault.tables.audit).select('*'));
      expect(everything).not.to.include(token.slice(3));
      expect(everything).not.to.include(token.slice(3, 20));
    });

    it('over HTTP, the panel session with its CSRF token creates one and the answer is the only place it shows', async () => {
      const browser = h.browser(owner);
      const page = await browser.hostPage('adminPages', { page: 'tokens' });
      const created = await browser.api('POST', '/tokens', { name: 'deploy', scopes: ['read'], expiresInDays: 7 }, page.csrf);
      expect(created.status).to.equal(201);
      const token = created.json<{ token: string }>().token;
      expect(token).to.match(/^lk_/);
      const listed = await browser.api('GET', '/tokens');
      expect(listed.status).to.equal(200);
      expect(listed.text).to.include('deploy').and.not.include(token);
      const again = await browser.hostPage('adminPages', { page: 'tokens' });
      expect(again.html).to.include('deploy').and.not.include(token);
    });

    it('the expiry runs from 1 to 365 days: 0, 366 and none are refused naming the field, and nothing is written', async () => {
      for (const [days, rule] of [[0, 'tooSmall'], [366, 'tooLarge'], [undefined, 'required'], [1.5, 'mustBeWholeNumber']] as const) {
        const attempt = vault.lk.apiTokens.create(owner, { name: 'x', scopes: ['read'], expiresInDays: days as number });
        const err = await attempt.then(() => null, (e: unknown) => e as { field: string; issues: Array<{ rule: string }> });
        expect(err, `${days} days`).to.include({ field: 'expiresInDays' });
        if (days !== 1.5) expect(err!.issues[0]!.rule).to.equal(rule);
      }
      expect(await vault.raw(vault.tables.apiTokens).count({ n: '*' }).first()).to.satisfy((r: { n: number | string }) => Number(r.n) === 0);
      const one = await make(['read'], { days: 1 });
      const year = await make(['read'], { days: 365 });
      expect(one.info.expiresAt.getTime() - one.info.createdAt.getTime()).to.equal(DAY_MS);
      expect(year.info.expiresAt.getTime() - year.info.createdAt.getTime()).to.equal(365 * DAY_MS);
    });

    it('scopes must be some of read, reveal, write, manage', async () => {
      const browser = h.browser(owner);
      const page = await browser.hostPage('adminPages', { page: 'tokens' });
      const none = await browser.api('POST', '/tokens', { name: 'x', scopes: [], expiresInDays: 7 }, page.csrf);
      expect(none.status).to.equal(400);
      expect(none.json()).to.include({ field: 'scopes' });
      const bogus = await browser.api('POST', '/tokens', { name: 'x', scopes: ['root'], expiresInDays: 7 }, page.csrf);
      expect(bogus.status).to.equal(400);
      expect(bogus.json()).to.include({ field: 'scopes.0' });
    });
  });

  describe('calling the API', () => {
    it('a Bearer request needs no CSRF token, while a cookie request without one is still refused', async () => {
      const { token } = await make(['write']);
      const viaToken = await bearer(h, token, 'POST', '/entries', { name: 'From a script', password: 'pw-script' });
      expect(viaToken.status).to.equal(201);
      const cookie = await h.browser(owner).api('POST', '/entries', { name: 'From a page', password: 'pw-page' });
      expect(cookie.status).to.equal(403);
      expect(cookie.json()).to.include({ error: 'csrf' });
    });

    it('each scope opens its own routes and no other', async () => {
      const id = await ownerEntry();
      const read = (await make(['read'])).token;
      const reveal = (await make(['reveal'])).token;
      const write = (await make(['write'])).token;
      const manage = (await make(['manage'])).token;
      const cases: Array<[string, string, string, unknown, Record<string, number>]> = [
        ['list', 'GET', '/entries', undefined, { read: 200, reveal: 403, write: 403, manage: 403 }],
        ['one', 'GET', `/entries/${id}`, undefined, { read: 200, reveal: 403, write: 403, manage: 403 }],
        ['reveal', 'POST', `/entries/${id}/reveal`, {}, { read: 403, reveal: 200, write: 403, manage: 403 }],
        ['create', 'POST', '/entries', { name: 'n', password: 'p' }, { read: 403, reveal: 403, write: 201, manage: 403 }],
        ['settings', 'GET', '/settings', undefined, { read: 403, reveal: 403, write: 403, manage: 200 }],
        ['audit', 'GET', '/audit', undefined, { read: 403, reveal: 403, write: 403, manage: 200 }],
      ];
      const tokens: Record<string, string> = { read, reveal, write, manage };
      for (const [label, method, path, json, expected] of cases) {
        for (const [scope, status] of Object.entries(expected)) {
          const answer = await bearer(h, tokens[scope]!, method, path, json);
          expect(answer.status, `${label} with ${scope}`).to.equal(status);
          if (status === 403) expect(answer.body).to.include({ error: 'insufficient_scope', field: 'authorization' });
        }
      }
      // The reveal answer is the entry's secret, as for a panel.
      expect((await bearer(h, reveal, 'POST', `/entries/${id}/reveal`, {})).body.password).to.equal('router-secret-pw');
    });

    it('no token, whatever its scopes, lists, creates or revokes tokens', async () => {
      const { token, info } = await make(['read', 'reveal', 'write', 'manage']);
      expect((await bearer(h, token, 'GET', '/tokens')).status).to.equal(403);
      expect((await bearer(h, token, 'POST', '/tokens', { name: 'child', scopes: ['read'], expiresInDays: 365 })).status).to.equal(403);
      expect((await bearer(h, token, 'DELETE', `/tokens/${info.id}`)).status).to.equal(403);
      expect(await vault.raw(vault.tables.apiTokens).select('id')).to.have.length(1);
    });

    it('a token is accepted until the millisecond before its expiry, and refused at it and after', async () => {
      const { token } = await make(['read'], { days: 1 });
      clock.advanceSeconds(DAY_MS / 1000 - 0.001);
      expect((await bearer(h, token, 'GET', '/entries')).status).to.equal(200);
      clock.advanceSeconds(0.001);
      const atExpiry = await bearer(h, token, 'GET', '/entries');
      expect(atExpiry.status).to.equal(401);
      clock.advanceSeconds(1);
      expect((await bearer(h, token, 'GET', '/entries')).status).to.equal(401);
      expect((await vault.lk.apiTokens.list(owner))[0]!.status).to.equal('expired');
    });

    it('unknown, expired and revoked tokens get the same 401 that names the header and says no more', async () => {
      const expired = (await make(['read'], { days: 1, name: 'old' })).token;
      const revoked = await make(['read'], { name: 'gone' });
      await vault.lk.apiTokens.revoke(owner, revoked.info.id);
      clock.advanceDays(2);
      const unknown = `lk_${'A'.repeat(43)}`;
      const answers = await Promise.all([unknown, expired, revoked.token, 'not-even-a-token'].map((t) => bearer(h, t, 'GET', '/entries')));
      for (const answer of answers) {
        expect(answer.status).to.equal(401);
        expect(answer.headers.get('www-authenticate')).to.equal('Bearer error="invalid_token"');
        expect(answer.body).to.deep.equal(answers[0]!.body);
      }
      expect(answers[0]!.body).to.include({ error: 'invalid_token', field: 'authorization' });
      expect(JSON.stringify(answers[0]!.body)).not.to.match(/revoked|unknown|inactive|malformed/i);
    });

    it('a revoked token stops at once, and the list says when', async () => {
      const { token, info } = await make(['read']);
      expect((await bearer(h, token, 'GET', '/entries')).status).to.equal(200);
      const browser = h.browser(owner);
      const page = await browser.hostPage('adminPages', { page: 'tokens' });
      expect((await browser.api('DELETE', `/tokens/${info.id}`, undefined, page.csrf)).status).to.equal(204);
      expect((await bearer(h, token, 'GET', '/entries')).status).to.equal(401);
      const [listed] = await vault.lk.apiTokens.list(owner);
      expect(listed).to.include({ status: 'revoked' });
      expect(listed!.revokedAt).to.be.an.instanceOf(Date);
    });

    it('an admin revokes their own tokens; only addon managers revoke and list anyone\'s', async () => {
      const samToken = await make(['read'], { admin: sam, name: 'sam script' });
      const ownerToken = await make(['read'], { name: 'owner script' });
      await vault.lk.apiTokens.revoke(sam, ownerToken.info.id).then(() => expect.fail('sam revoked the owner\'s token'), (err: Error) => {
        expect(err.name).to.equal('NotFoundError');
      });
      await vault.lk.apiTokens.list(sam, { all: true }).then(() => expect.fail('sam listed every token'), (err: Error) => {
        expect(err.name).to.equal('ForbiddenError');
      });
      expect((await vault.lk.apiTokens.list(sam)).map((t) => t.name)).to.deep.equal(['sam script']);
      expect((await vault.lk.apiTokens.list(owner, { all: true })).map((t) => t.name)).to.have.members(['sam script', 'owner script']);
      await vault.lk.apiTokens.revoke(owner, samToken.info.id);
      expect((await bearer(h, samToken.token, 'GET', '/entries')).status).to.equal(401);
      expect((await bearer(h, ownerToken.token, 'GET', '/entries')).status).to.equal(200);
    });

    it('the last use is remembered', async () => {
      const { token } = await make(['read']);
      clock.advanceSeconds(90);
      await bearer(h, token, 'GET', '/entries');
      const [listed] = await vault.lk.apiTokens.list(owner);
      expect(listed!.lastUsedAt!.getTime()).to.equal(clock.now().getTime());
    });
  });

  describe('reaching no further than its admin', () => {
    it('an admin who stops running the addon takes the settings from their manage token at once', async () => {
      const { token } = await make(['manage']);
      expect((await bearer(h, token, 'GET', '/settings')).status).to.equal(200);
      host.data.admins.find((a) => a.id === 'a-owner')!.addonManager = false;
      const demoted = await bearer(h, token, 'GET', '/settings');
      expect(demoted.status).to.equal(403);
      expect(demoted.body).to.include({ error: 'forbidden' });
    });

    it('a token sees only what its admin sees: another admin\'s private entry is not found', async () => {
      const id = await ownerEntry('Owner private');
      const { token } = await make(['read', 'reveal'], { admin: sam });
      expect((await bearer(h, token, 'GET', `/entries/${id}`)).status).to.equal(404);
      expect((await bearer(h, token, 'POST', `/entries/${id}/reveal`, {})).status).to.equal(404);
    });

    it('a disabled or removed admin\'s tokens are refused as invalid', async () => {
      const { token } = await make(['read']);
      const admin = host.data.admins.find((a) => a.id === 'a-owner')!;
      admin.disabled = true;
      expect((await bearer(h, token, 'GET', '/entries')).status).to.equal(401);
      admin.disabled = false;
      expect((await bearer(h, token, 'GET', '/entries')).status).to.equal(200);
      host.data.admins = host.data.admins.filter((a) => a.id !== 'a-owner');
      expect((await bearer(h, token, 'GET', '/entries')).status).to.equal(401);
      const [refused] = await auditOf('apiToken.refused');
      expect(refused!.details).to.include({ reason: 'adminInactive', name: 'script read' });
    });
  });

  describe('the audit trail', () => {
    it('what a token does is audited as its admin, naming the token', async () => {
      const { token, info } = await make(['write', 'reveal'], { name: 'backup job' });
      const created = await bearer(h, token, 'POST', '/entries', { name: 'Scripted', password: 'scripted-pw' });
      await bearer(h, token, 'POST', `/entries/${String(created.body.id)}/reveal`, {});
      for (const action of ['entry.create', 'entry.reveal']) {
        const [event] = await auditOf(action);
        expect(event!.actor).to.deep.equal({ kind: 'admin', id: 'a-owner' });
        expect(event!.details, action).to.include({ via: 'backup job', viaTokenId: info.id });
        expect(event!.ip).to.equal('127.0.0.1');
      }
      const [made] = await auditOf('apiToken.create');
      expect(made!.details).to.include({ name: 'backup job', tokenId: info.id });
    });

    it('refused tokens are audited with the reason, and the token string is nowhere in the trail', async () => {
      const expired = await make(['read'], { days: 1, name: 'old job' });
      const revoked = await make(['read'], { name: 'gone job' });
      const narrow = await make(['read'], { name: 'narrow job' });
      await vault.lk.apiTokens.revoke(owner, revoked.info.id);
      const unknown = `lk_${'B'.repeat(43)}`;
      await bearer(h, narrow.token, 'GET', '/settings');
      clock.advanceDays(1);
      for (const t of [expired.token, revoked.token, unknown]) await bearer(h, t, 'GET', '/entries');
      const refusals = (await auditOf('apiToken.refused')).map((e): Record<string, unknown> => ({ actor: e.actor, ...e.details }));
      expect(refusals).to.deep.include.members([
        { actor: { kind: 'system', id: null }, reason: 'unknown' },
        { actor: { kind: 'admin', id: 'a-owner' }, reason: 'revoked', tokenId: revoked.info.id, name: 'gone job' },
        { actor: { kind: 'admin', id: 'a-owner' }, reason: 'expired', tokenId: expired.info.id, name: 'old job' },
      ]);
      expect(refusals.find((r) => r.reason === 'outOfScope')).to.include({ name: 'narrow job', route: 'GET /settings', needed: 'manage' });
      const trail = JSON.stringify(await vault.raw(vault.tables.audit).select('*'));
      for (const t of [expired.token, revoked.token, narrow.token, unknown]) expect(trail).not.to.include(t.slice(3));
    });
  });
});
