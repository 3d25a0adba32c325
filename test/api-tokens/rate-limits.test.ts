import { expect } from 'chai';
import { createLatchkey, Keyring, type Latchkey } from '../../core/index.ts';
import type { RateLimitOptions } from '../../adapters/express/index.ts';
import { BASE, Harness, hs256Embed, signEmbed } from '../express/harness.ts';
import { forEachDatabase, ManualClock, openVault, testKeys, type TestDatabase, type Vault } from '../support/databases.ts';
import { hostFixture, owner, sam } from '../support/host-fixture.ts';

const LIMIT = 3;
/** Reveals and sign-ins from one address, whoever asks: above one actor's limit, so the two can be told apart. */
const ADDRESS_LIMIT = 5;
const HOUR = 3600;

interface Call {
  status: number;
  retryAfter: string | null;
  body: Record<string, unknown>;
}

async function call(origin: string, method: string, path: string, headers: Record<string, string> = {}, json?: unknown, form?: string): Promise<Call> {
  if (json !== undefined) headers['content-type'] = 'application/json';
  const sent = json === undefined ? form : JSON.stringify(json);
  const response = await fetch(`${origin}${path}`, { method, headers, body: sent, redirect: 'manual' });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { html: text };
  }
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
}

/** A second Latchkey on the same database and tables: what another app instance behind a load balancer opens. */
async function secondInstance(db: TestDatabase, vault: Vault, keys: Keyring, clock: ManualClock, host: ReturnType<typeof hostFixture>): Promise<Latchkey> {
  const tablePrefix = vault.tables.migrations.slice(0, -'migrations'.length);
  const database = db.name === 'sqlite' ? { knex: vault.raw } : { url: db.url };
  return createLatchkey({ database, keys, host, clock, tablePrefix });
}

/**
 * Two app instances, each its own Latchkey and its own mountLatchkey, over one
 * database: every limit is counted in the database, so it holds whichever
 * instance a request reaches. Requests alternate between the two.
 */
forEachDatabase('rate limits across two app instances', (db) => {
  const limits: Partial<RateLimitOptions> = {
    revealPerActor: { limit: LIMIT, windowSeconds: HOUR },
    revealPerAddress: { limit: ADDRESS_LIMIT, windowSeconds: HOUR },
    tokenFailuresPerAddress: { limit: LIMIT, windowSeconds: HOUR },
    signInPerAddress: { limit: ADDRESS_LIMIT, windowSeconds: HOUR },
    signInPerActor: { limit: LIMIT, windowSeconds: HOUR },
  };
  let clock: ManualClock;
  let vault: Vault;
  let other: Latchkey;
  let apps: Harness[];
  const embed = hs256Embed();

  beforeEach(async () => {
    const host = hostFixture();
    const keys = testKeys();
    // The start of an hour: every window of these tests is the same one until the clock is moved.
    clock = new ManualClock(Date.UTC(2026, 0, 1, 10));
    vault = await openVault(db, host, { clock, keys });
    other = await secondInstance(db, vault, keys, clock, host);
    apps = [
      await Harness.start(db, { vault, rateLimits: limits, embed }),
      await Harness.start(db, { vault, latchkey: other, rateLimits: limits, embed }),
    ];
  });

  afterEach(async () => {
    for (const app of apps) await app.close();
    await other.close();
    await vault.close();
  });

  const instance = (i: number) => apps[i % 2]!.origin;

  it('reveals by one actor: the limit-th passes on either instance, the next is 429 with Retry-After', async () => {
    const id = (await vault.lk.entries.create(owner, { name: 'Router', password: 'router-pw' })).id;
    const { token } = await vault.lk.apiTokens.create(owner, { name: 'reveal job', scopes: ['reveal'], expiresInDays: 1 });
    const reveal = (i: number) => call(instance(i), 'POST', `${BASE}/api/entries/${id}/reveal`, { authorization: `Bearer ${token.expose()}` }, {});
    for (let i = 0; i < LIMIT - 1; i++) expect((await reveal(i)).status, `reveal ${i + 1}`).to.equal(200);
    expect((await reveal(LIMIT - 1)).status, 'the limit-th reveal').to.equal(200);
    const over = await reveal(LIMIT);
    expect(over.status).to.equal(429);
    expect(over.body).to.include({ error: 'rate_limited' });
    expect(over.retryAfter).to.equal(String(HOUR));
    expect(JSON.stringify(over.body)).not.to.include('router-pw');
    // Another admin is counted on their own.
    const samEntry = (await vault.lk.entries.create(sam, { name: 'Sam box', password: 'sam-pw' })).id;
    const samToken = (await vault.lk.apiTokens.create(sam, { name: 'sam job', scopes: ['reveal'], expiresInDays: 1 })).token.expose();
    expect((await call(instance(1), 'POST', `${BASE}/api/entries/${samEntry}/reveal`, { authorization: `Bearer ${samToken}` }, {})).status).to.equal(200);
    // The next window starts afresh; Retry-After counted down to it.
    clock.advanceSeconds(HOUR - 1);
    expect((await reveal(0)).retryAfter).to.equal('1');
    clock.advanceSeconds(1);
    expect((await reveal(1)).status).to.equal(200);
  });

  it('reveals from one address add up across actors: the limit-th passes, the next is 429 for whoever asks', async () => {
    const revealer = async (actor: typeof owner, name: string) => {
      const id = (await vault.lk.entries.create(actor, { name, password: `${name}-pw` })).id;
      const { token } = await vault.lk.apiTokens.create(actor, { name, scopes: ['reveal'], expiresInDays: 1 });
      return (i: number) => call(instance(i), 'POST', `${BASE}/api/entries/${id}/reveal`, { authorization: `Bearer ${token.expose()}` }, {});
    };
    const [ownerReveal, samReveal] = [await revealer(owner, 'owner box'), await revealer(sam, 'sam box')];
    for (let i = 0; i < LIMIT; i++) expect((await ownerReveal(i)).status, `owner reveal ${i + 1}`).to.equal(200);
    expect((await samReveal(0)).status, `reveal ${ADDRESS_LIMIT - 1} from the address`).to.equal(200);
    expect((await samReveal(1)).status, `reveal ${ADDRESS_LIMIT} from the address`).to.equal(200);
    const over = await samReveal(2);
    expect(over.status, 'sam is within his own limit, the address is not').to.equal(429);
    expect(over.retryAfter).to.equal(String(HOUR));
  });

  it('refused tokens from one address: limit-1 and limit get 401, then the address waits (429), even with a valid token', async () => {
    const { token } = await vault.lk.apiTokens.create(owner, { name: 'good', scopes: ['read'], expiresInDays: 1 });
    const wrong = (i: number) => call(instance(i), 'GET', `${BASE}/api/entries`, { authorization: `Bearer lk_${String(i).repeat(43)}` });
    for (let i = 0; i < LIMIT - 1; i++) expect((await wrong(i)).status, `refusal ${i + 1}`).to.equal(401);
    expect((await wrong(LIMIT - 1)).status, 'the limit-th refusal').to.equal(401);
    const over = await wrong(LIMIT);
    expect(over.status).to.equal(429);
    expect(over.retryAfter).to.equal(String(HOUR));
    const valid = await call(instance(LIMIT + 1), 'GET', `${BASE}/api/entries`, { authorization: `Bearer ${token.expose()}` });
    expect(valid.status).to.equal(429);
    clock.advanceSeconds(HOUR);
    expect((await call(instance(0), 'GET', `${BASE}/api/entries`, { authorization: `Bearer ${token.expose()}` })).status).to.equal(200);
  });

  it('embed-token exchanges from one address: the limit-th is still checked, the next is a 429 page with Retry-After', async () => {
    const enter = (i: number) => call(instance(i), 'GET', `${BASE}/embed?token=not.a.token${i}`);
    for (let i = 0; i < ADDRESS_LIMIT; i++) expect((await enter(i)).status, `exchange ${i + 1}`).to.equal(401);
    const over = await enter(ADDRESS_LIMIT);
    expect(over.status).to.equal(429);
    expect(over.retryAfter).to.equal(String(HOUR));
    expect(String(over.body.html)).to.include('Too many attempts');
  });

  it('frame sessions opened for one user: the limit-th opens, the next is a 429 page, another user still gets in', async () => {
    const open = async (i: number, sub: string) => {
      const token = await signEmbed(embed.secret, { sub, ctx: { place: 'clientSummary', clientId: 'c-acme' } }, { now: clock.epochSeconds() });
      return call(instance(i), 'POST', `${BASE}/embed`, { 'content-type': 'application/x-www-form-urlencoded' }, undefined, `token=${token}`);
    };
    for (let i = 0; i < LIMIT; i++) expect((await open(i, 'admin:a-owner')).status, `session ${i + 1}`).to.equal(303);
    const over = await open(LIMIT, 'admin:a-owner');
    expect(over.status).to.equal(429);
    expect(over.retryAfter).to.equal(String(HOUR));
    expect((await open(LIMIT + 1, 'admin:a-sam')).status).to.equal(303);
  });

  it('attempts at the same moment on both instances are each counted once', async () => {
    const rule = { limit: 100, windowSeconds: HOUR };
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? other : vault.lk).rateLimits.hit('revealPerActor', 'admin:a-owner', rule)));
    expect((await other.rateLimits.peek('revealPerActor', 'admin:a-owner', rule)).count).to.equal(20);
  });

  it('the counters are one row per window in the database, holding no address or actor in clear', async () => {
    const wrong = (i: number) => call(instance(i), 'GET', `${BASE}/api/entries`, { authorization: 'Bearer lk_nope' });
    await wrong(0);
    await wrong(1);
    const rows = await vault.raw(vault.tables.rateLimits).select('*');
    expect(rows).to.have.length(1);
    expect(Number(rows[0].hits)).to.equal(2);
    expect(JSON.stringify(rows)).not.to.include('127.0.0.1');
  });
});
