import { expect } from 'chai';
import type { Actor } from '../../core/index.ts';
import { Harness, type HttpResponse } from './harness.ts';
import { forEachDatabase, ManualClock, openVault, type Vault } from '../support/databases.ts';
import { acmeDev, hostFixture, owner, sam } from '../support/host-fixture.ts';

const LIMIT = 3;
const PASSWORD = 'router-copy-pw';

/**
 * POST /entries/:id/copy over real HTTP: the same gates as a reveal (CSRF,
 * step-up for the `copy` action, the per-actor reveal limit, field access),
 * with one field in the answer.
 */
forEachDatabase('the copy route', (db) => {
  let clock: ManualClock;
  let vault: Vault;
  let h: Harness;
  let entryId: string;

  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 0, 1, 10));
    vault = await openVault(db, hostFixture(), { clock });
    h = await Harness.start(db, { vault, rateLimits: { revealPerActor: { limit: LIMIT, windowSeconds: 3600 } } });
    await vault.lk.settings.update(owner, { adminAccessMode: 'full' });
    entryId = (await vault.lk.entries.create(owner, {
      name: 'Router', clientId: 'c-acme', username: 'admin', password: PASSWORD, notes: 'rack 4',
      clientFieldAccess: { username: 'read', password: 'hidden', urls: 'read', notes: 'read', totp: 'read' },
      grants: [{ kind: 'contact', id: 'k-acme-dev' }],
    })).id;
  });
  afterEach(async () => {
    await h.close();
    await vault.close();
  });

  /** A browser signed in as `actor` that opened a panel; its calls carry the panel's CSRF token unless told `csrf: null`. */
  async function session(actor: Actor) {
    const browser = h.browser(actor);
    const page = actor.kind === 'client' ? await browser.hostPage('clientArea') : await browser.hostPage('clientSummary', { clientId: 'c-acme' });
    expect(page.csrf, page.html.slice(0, 200)).to.be.a('string');
    return {
      copy: (field: unknown, csrf: string | null = page.csrf): Promise<HttpResponse> => browser.send('POST', `/latchkey/api/entries/${entryId}/copy`, { json: { field }, csrf }),
      reveal: (): Promise<HttpResponse> => browser.api('POST', `/entries/${entryId}/reveal`, {}, page.csrf),
    };
  }

  it('answers the one field asked for, and no other secret', async () => {
    const { copy } = await session(sam);
    const answer = await copy('password');
    expect(answer.status, answer.text).to.equal(200);
    expect(answer.json()).to.deep.equal({ field: 'password', value: PASSWORD, secondsLeft: null });
    expect(answer.headers.get('cache-control')).to.equal('no-store');
    expect(answer.text).not.to.include('rack 4');
  });

  it('a field hidden from the client is a 404 carrying no value; a field it may read copies', async () => {
    const { copy } = await session(acmeDev);
    const hidden = await copy('password');
    expect(hidden.status).to.equal(404);
    expect(hidden.text).not.to.include(PASSWORD);
    expect((await copy('notes')).json()).to.include({ value: 'rack 4' });
  });

  it('refuses a missing CSRF token and an unknown field, naming `field`, and audits neither', async () => {
    const { copy } = await session(sam);
    expect((await copy('password', null)).status).to.equal(403);
    const unknown = await copy('seed');
    expect(unknown.status).to.equal(400);
    expect(unknown.json()).to.include({ field: 'field' });
    expect(await vault.lk.audit.list(owner, { action: 'entry.copy' })).to.deep.equal([]);
  });

  it('step-up for `copy` guards copying and not revealing; step-up for `reveal` guards revealing and not copying', async () => {
    await vault.lk.settings.update(owner, { stepUp: { actions: ['copy'], allStaff: true } });
    const { copy, reveal } = await session(sam);
    const guarded = await copy('password');
    expect(guarded.status).to.equal(403);
    expect(guarded.json()).to.include({ error: 'verification_required' });
    expect(guarded.text).not.to.include(PASSWORD);
    expect((await reveal()).status).to.equal(200);

    // The next hour: a fresh window of the reveal limit, which counts refused calls too.
    clock.advanceSeconds(3600);
    await vault.lk.settings.update(owner, { stepUp: { actions: ['reveal'] } });
    expect((await reveal()).json()).to.include({ error: 'verification_required' });
    expect((await copy('password')).status).to.equal(200);
  });

  it('copies and reveals share the per-actor limit on handing out secrets: the call past it is a 429 with Retry-After', async () => {
    const { copy, reveal } = await session(sam);
    for (let i = 1; i < LIMIT; i += 1) expect((await copy('username')).status, `copy ${i}`).to.equal(200);
    expect((await reveal()).status, `call ${LIMIT}`).to.equal(200);
    const over = await copy('password');
    expect(over.status).to.equal(429);
    expect(Number(over.headers.get('retry-after'))).to.be.greaterThan(0);
    expect(over.text).not.to.include(PASSWORD);
  });
});
