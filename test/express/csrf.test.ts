import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Actor, HookPlace } from '../../core/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { acme, globex, owner, sam } from '../support/host-fixture.ts';
import { snapshotTables } from '../support/table-rows.ts';
import { Harness, type Browser, type HttpResponse } from './harness.ts';

interface Target {
  method: 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
  status: number;
}

interface RouteCase {
  title: string;
  actor: Actor;
  prepare(h: Harness): Promise<Target>;
}

let counter = 0;
const unique = (label: string) => `${label} ${++counter}`;

async function ownerEntry(h: Harness): Promise<string> {
  return (await h.vault.lk.entries.create(owner, { name: unique('Router'), username: 'admin', password: 'pw-one' })).id;
}

async function acmeEntry(h: Harness): Promise<string> {
  return (await h.vault.lk.entries.create(acme, { name: unique('Mailbox'), username: 'ann', password: 'pw-client' })).id;
}

/** Every route that changes state, with what a legitimate call looks like. */
const ROUTES: RouteCase[] = [
  {
    title: 'POST /api/entries (admin)', actor: owner,
    prepare: async () => ({ method: 'POST', path: '/entries', body: { name: unique('New'), password: 'pw' }, status: 201 }),
  },
  {
    title: 'POST /api/entries (client)', actor: acme,
    prepare: async () => ({ method: 'POST', path: '/entries', body: { name: unique('New'), password: 'pw' }, status: 201 }),
  },
  {
    title: 'PATCH /api/entries/:id', actor: owner,
    prepare: async (h) => ({ method: 'PATCH', path: `/entries/${await ownerEntry(h)}`, body: { version: 1, name: unique('Renamed') }, status: 200 }),
  },
  {
    title: 'PATCH /api/entries/:id (client)', actor: acme,
    prepare: async (h) => ({ method: 'PATCH', path: `/entries/${await acmeEntry(h)}`, body: { version: 1, password: 'pw-two' }, status: 200 }),
  },
  {
    title: 'PUT /api/entries/:id/grants', actor: owner,
    prepare: async (h) => ({
      method: 'PUT', path: `/entries/${await ownerEntry(h)}/grants`,
      body: { version: 1, grants: [{ kind: 'admin', id: 'a-sam', canEdit: true }] }, status: 200,
    }),
  },
  {
    title: 'DELETE /api/entries/:id?version= (an admin)', actor: owner,
    prepare: async (h) => ({ method: 'DELETE', path: `/entries/${await ownerEntry(h)}?version=1`, status: 204 }),
  },
  {
    title: 'DELETE /api/entries/:id?version= (a client)', actor: acme,
    prepare: async (h) => ({ method: 'DELETE', path: `/entries/${await acmeEntry(h)}?version=1`, status: 204 }),
  },
  {
    title: 'POST /api/entries/:id/reveal', actor: owner,
    prepare: async (h) => ({ method: 'POST', path: `/entries/${await ownerEntry(h)}/reveal`, status: 200 }),
  },
  {
    title: 'POST /api/entries/:id/reveal (service credentials)', actor: acme,
    prepare: async () => ({ method: 'POST', path: '/entries/service:s-acme-vps/reveal', status: 200 }),
  },
  {
    title: 'POST /api/entries/:id/history/:hid/reveal', actor: owner,
    prepare: async (h) => {
      const id = await ownerEntry(h);
      await h.vault.lk.entries.update(owner, id, { version: 1, password: 'pw-two' });
      const [item] = await h.vault.lk.entries.history(owner, id);
      return { method: 'POST', path: `/entries/${id}/history/${item!.id}/reveal`, status: 200 };
    },
  },
  {
    title: 'POST /api/categories (admin)', actor: owner,
    prepare: async () => ({ method: 'POST', path: '/categories', body: { name: unique('Network'), members: [{ kind: 'admin_role', id: 'r-support' }] }, status: 201 }),
  },
  {
    title: 'POST /api/categories (client)', actor: acme,
    prepare: async () => ({ method: 'POST', path: '/categories', body: { name: unique('Mail') }, status: 201 }),
  },
  {
    title: 'PATCH /api/categories/:id', actor: owner,
    prepare: async (h) => {
      const category = await h.vault.lk.categories.create(owner, { name: unique('Servers') });
      return { method: 'PATCH', path: `/categories/${category.id}`, body: { name: unique('Hosts') }, status: 200 };
    },
  },
  {
    title: 'DELETE /api/categories/:id', actor: acme,
    prepare: async (h) => {
      const category = await h.vault.lk.categories.create(acme, { name: unique('Old') });
      return { method: 'DELETE', path: `/categories/${category.id}`, status: 204 };
    },
  },
  {
    title: 'PATCH /api/settings', actor: owner,
    prepare: async () => ({ method: 'PATCH', path: '/settings', body: { historyDepth: 5 + (counter++ % 20) }, status: 200 }),
  },
  {
    title: 'POST /api/password', actor: owner,
    prepare: async () => ({ method: 'POST', path: '/password', body: { length: 24 }, status: 200 }),
  },
  {
    title: 'POST /api/language', actor: acme,
    prepare: async () => ({ method: 'POST', path: '/language', body: { language: 'fr' }, status: 200 }),
  },
];

/** A page that gives `actor` a panel (and so a CSRF cookie and token). */
function placeFor(actor: Actor): [HookPlace, Record<string, string>] {
  return actor.kind === 'client' ? ['clientArea', {}] : ['clientSummary', { clientId: 'c-acme' }];
}

/** Someone else, of the same kind. */
function otherThan(actor: Actor): Actor {
  return actor.kind === 'client' ? globex : sam;
}

/** A browser logged in as `actor` that has opened a page with a panel; returns the page's token. */
async function withPanel(h: Harness, actor: Actor): Promise<{ browser: Browser; token: string }> {
  const browser = h.browser(actor);
  const [place, context] = placeFor(actor);
  const page = await browser.hostPage(place, context);
  expect(page.status, page.html).to.equal(200);
  expect(page.csrf, 'the panel carries a CSRF token').to.be.a('string').and.not.equal('');
  expect(browser.cookie('lk_csrf'), 'the page set the CSRF cookie').to.be.a('string');
  return { browser, token: page.csrf! };
}

function send(browser: Browser, target: Target, csrf: string | null): Promise<HttpResponse> {
  return browser.api(target.method, target.path, target.body, csrf);
}

interface Refusal {
  title: string;
  attempt(h: Harness, actor: Actor, target: Target): Promise<HttpResponse>;
}

const REFUSALS: Refusal[] = [
  {
    title: 'a missing token (cookie present)',
    async attempt(h, actor, target) {
      const { browser } = await withPanel(h, actor);
      return send(browser, target, null);
    },
  },
  {
    title: 'an empty token header',
    async attempt(h, actor, target) {
      const { browser } = await withPanel(h, actor);
      return browser.send(target.method, `/latchkey/api${target.path}`, { json: target.body, headers: { 'x-csrf-token': '' } });
    },
  },
  {
    title: "a token from another user's session (in the victim's browser)",
    async attempt(h, actor, target) {
      const { browser } = await withPanel(h, actor);
      const { token: foreign } = await withPanel(h, otherThan(actor));
      return send(browser, target, foreign);
    },
  },
  {
    title: "another user's token and cookie (same browser, user switched)",
    async attempt(h, actor, target) {
      const { browser, token } = await withPanel(h, otherThan(actor));
      browser.loginAs(actor);
      return send(browser, target, token);
    },
  },
  {
    title: 'a token without its cookie',
    async attempt(h, actor, target) {
      const { browser, token } = await withPanel(h, actor);
      browser.dropCookie('lk_csrf');
      return send(browser, target, token);
    },
  },
  {
    title: 'a token with the cookie of another session of the same user',
    async attempt(h, actor, target) {
      const { browser, token } = await withPanel(h, actor);
      const { browser: other } = await withPanel(h, actor);
      browser.takeCookie(other, 'lk_csrf');
      expect(browser.cookie('lk_csrf')).to.not.equal(undefined);
      return send(browser, target, token);
    },
  },
  {
    title: 'a made-up token',
    async attempt(h, actor, target) {
      const { browser } = await withPanel(h, actor);
      return send(browser, target, randomBytes(32).toString('base64url'));
    },
  },
  {
    title: 'the cookie value itself as the token',
    async attempt(h, actor, target) {
      const { browser } = await withPanel(h, actor);
      return send(browser, target, decodeURIComponent(browser.cookie('lk_csrf')!));
    },
  },
];

forEachDatabase('HTTP: CSRF on every state-changing route', (db) => {
  let h: Harness;
  before(async () => {
    h = await Harness.start(db);
    // Admins see client data, so the only thing standing between a forged request and a change is the CSRF check.
    await h.vault.lk.settings.update(owner, { adminAccessMode: 'full' });
  });
  after(async () => { await h.close(); });

  for (const route of ROUTES) {
    describe(route.title, () => {
      for (const refusal of REFUSALS) {
        it(`refuses ${refusal.title} with 403 and writes nothing`, async () => {
          const target = await route.prepare(h);
          const before = await snapshotTables(h.vault);
          const response = await refusal.attempt(h, route.actor, target);
          expect(response.status, response.text).to.equal(403);
          expect(response.json()).to.include({ error: 'csrf' });
          expect(response.headers.get('cache-control')).to.equal('no-store');
          expect(response.setCookies.filter((c) => c.startsWith('lk_lang=')), 'no language cookie').to.deep.equal([]);
          expect(await snapshotTables(h.vault)).to.deep.equal(before);
        });
      }

      it('succeeds with the right token', async () => {
        const target = await route.prepare(h);
        const { browser, token } = await withPanel(h, route.actor);
        const response = await send(browser, target, token);
        expect(response.status, response.text).to.equal(target.status);
      });
    });
  }

  it('a token keeps working for the rest of the session, across requests', async () => {
    const { browser, token } = await withPanel(h, acme);
    for (let i = 0; i < 3; i += 1) {
      const response = await browser.api('POST', '/entries', { name: unique('Loop') }, token);
      expect(response.status, response.text).to.equal(201);
    }
  });

  it('two host pages open in one browser both keep working', async () => {
    const browser = h.browser(owner);
    const first = await browser.hostPage('clientSummary', { clientId: 'c-acme' });
    const second = await browser.hostPage('ticketSidebar', { ticketId: 't-100' });
    expect(first.csrf).to.be.a('string');
    expect(second.csrf).to.be.a('string');
    for (const page of [first, second]) {
      const response = await browser.api('POST', '/password', {}, page.csrf);
      expect(response.status, `token of ${page === first ? 'the first' : 'the second'} page: ${response.text}`).to.equal(200);
    }
  });

  it('a logged-out browser gets 401, never reaching the CSRF check or the service', async () => {
    const { browser, token } = await withPanel(h, owner);
    browser.logout();
    const before = await snapshotTables(h.vault);
    const response = await browser.api('POST', '/entries', { name: unique('Anon') }, token);
    expect(response.status).to.equal(401);
    expect(await snapshotTables(h.vault)).to.deep.equal(before);
  });

  it('the CSRF cookie is HttpOnly and the token is not the cookie', async () => {
    const { browser, token } = await withPanel(h, owner);
    const cookie = browser.cookieRecord('lk_csrf')!;
    expect(cookie.attributes).to.match(/(^|; )HttpOnly(;|$)/i);
    expect(cookie.attributes).to.match(/SameSite=/i);
    expect(token).to.not.equal(decodeURIComponent(cookie.value));
  });

  it('reads (GET) need no token', async () => {
    const browser = h.browser(owner);
    for (const path of ['/entries', '/categories', '/settings', '/audit']) {
      const response = await browser.api('GET', path);
      expect(response.status, `${path}: ${response.text}`).to.equal(200);
    }
  });
});
