import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import knexFactory from 'knex';
import { createLatchkey, type Actor, type Latchkey } from '../../core/index.ts';
import { forEachDatabase, testKeys, type TestDatabase } from '../support/databases.ts';
import { acme, acmeDev, globex, owner, sam } from '../support/host-fixture.ts';
import { prefixOf } from '../support/shared-vault.ts';
import { snapshotTables } from '../support/table-rows.ts';
import { BASE, Harness, type Browser, type HttpResponse } from './harness.ts';

const UNKNOWN_ID = '0190aaaa-0000-7000-8000-000000000000';

interface Session {
  browser: Browser;
  csrf: string;
}

forEachDatabase('HTTP: API errors', (db) => {
  let h: Harness;
  const sessions = new Map<Actor, Session>();

  /** A logged-in browser that has opened a panel, so it can make changes. */
  async function as(actor: Actor): Promise<Session> {
    const known = sessions.get(actor);
    if (known) return known;
    const browser = h.browser(actor);
    const page = actor.kind === 'client'
      ? await browser.hostPage('clientArea')
      : await browser.hostPage('clientSummary', { clientId: 'c-acme' });
    expect(page.csrf, page.html.slice(0, 300)).to.be.a('string');
    const session = { browser, csrf: page.csrf! };
    sessions.set(actor, session);
    return session;
  }

  async function call(actor: Actor, method: string, path: string, body?: unknown): Promise<HttpResponse> {
    const { browser, csrf } = await as(actor);
    return browser.api(method, path, body, csrf);
  }

  /** Runs the call and checks that no table changed. */
  async function unchanged(action: () => Promise<HttpResponse>): Promise<HttpResponse> {
    const before = await snapshotTables(h.vault);
    const response = await action();
    expect(await snapshotTables(h.vault), `nothing written (${response.status} ${response.text})`).to.deep.equal(before);
    return response;
  }

  before(async () => {
    h = await Harness.start(db);
    await h.vault.lk.settings.update(owner, { adminAccessMode: 'full' });
  });
  after(async () => { await h.close(); });

  async function ownerEntry(grants: Array<{ kind: 'admin' | 'admin_role' | 'client' | 'contact'; id: string; canEdit?: boolean }> = []) {
    return h.vault.lk.entries.create(owner, { name: `Switch ${randomBytes(3).toString('hex')}`, password: 'pw', clientId: 'c-acme', grants });
  }

  describe('400: bad input names the field and writes nothing', () => {
    const cases: Array<{ title: string; actor: Actor; method: string; path: (ids: { entry: string; category: string }) => string; body?: unknown; field: string }> = [
      { title: 'create without a name', actor: owner, method: 'POST', path: () => '/entries', body: { password: 'pw' }, field: 'name' },
      { title: 'create with a blank name', actor: acme, method: 'POST', path: () => '/entries', body: { name: '   ' }, field: 'name' },
      { title: 'create with a javascript: URL', actor: owner, method: 'POST', path: () => '/entries', body: { name: 'x', websiteUrl: 'javascript:alert(1)' }, field: 'websiteUrl' },
      { title: 'create with a data: login URL', actor: acme, method: 'POST', path: () => '/entries', body: { name: 'x', loginUrl: 'data:text/html,<script>alert(1)</script>' }, field: 'loginUrl' },
      { title: 'create with an unknown field', actor: owner, method: 'POST', path: () => '/entries', body: { name: 'x', owner: 'a-sam' }, field: 'owner' },
      { title: 'create with a bad TOTP seed', actor: owner, method: 'POST', path: () => '/entries', body: { name: 'x', totpSecret: 'not base32!' }, field: 'totpSecret' },
      { title: 'create with a password over 4 KiB', actor: owner, method: 'POST', path: () => '/entries', body: { name: 'x', password: 'p'.repeat(4097) }, field: 'password' },
      { title: 'create with a grant of an unknown kind', actor: owner, method: 'POST', path: () => '/entries', body: { name: 'x', grants: [{ kind: 'root', id: 'a-sam' }] }, field: 'grants.0.kind' },
      { title: 'create with a grant to an admin that does not exist', actor: owner, method: 'POST', path: () => '/entries', body: { name: 'x', grants: [{ kind: 'admin', id: 'a-ghost' }] }, field: 'grants.0.id' },
      { title: 'create for a client that does not exist', actor: owner, method: 'POST', path: () => '/entries', body: { name: 'x', clientId: 'c-ghost' }, field: 'clientId' },
      { title: "create linked to another client's service", actor: owner, method: 'POST', path: () => '/entries', body: { name: 'x', clientId: 'c-acme', serviceId: 's-globex-vps' }, field: 'serviceId' },
      { title: "a client creating for another client", actor: acme, method: 'POST', path: () => '/entries', body: { name: 'x', clientId: 'c-globex' }, field: 'clientId' },
      { title: 'create with a malformed category id', actor: owner, method: 'POST', path: () => '/entries', body: { name: 'x', categoryId: 'not-an-id' }, field: 'categoryId' },
      { title: 'create with a wrong type', actor: owner, method: 'POST', path: () => '/entries', body: { name: 'x', sharedWithAdmin: 'yes' }, field: 'sharedWithAdmin' },
      { title: 'create with an array body', actor: owner, method: 'POST', path: () => '/entries', body: [{ name: 'x' }], field: '(input)' },
      { title: 'update without a version', actor: owner, method: 'PATCH', path: ({ entry }) => `/entries/${entry}`, body: { name: 'y' }, field: 'version' },
      { title: 'update with reminder days of -1', actor: owner, method: 'PATCH', path: ({ entry }) => `/entries/${entry}`, body: { version: 1, reminderDays: -1 }, field: 'reminderDays' },
      { title: 'update with a non-http website', actor: owner, method: 'PATCH', path: ({ entry }) => `/entries/${entry}`, body: { version: 1, websiteUrl: 'ftp://x.test' }, field: 'websiteUrl' },
      { title: 'share with grants that are not a list', actor: owner, method: 'PUT', path: ({ entry }) => `/entries/${entry}/grants`, body: { version: 1, grants: 'everyone' }, field: 'grants' },
      { title: 'share with a malformed grantee id', actor: owner, method: 'PUT', path: ({ entry }) => `/entries/${entry}/grants`, body: { version: 1, grants: [{ kind: 'admin', id: 'a sam' }] }, field: 'grants.0.id' },
      { title: 'delete with a version that is not a number', actor: owner, method: 'DELETE', path: ({ entry }) => `/entries/${entry}?version=abc`, field: 'version' },
      { title: 'an id over 120 characters', actor: owner, method: 'PATCH', path: () => `/entries/${'x'.repeat(121)}`, body: { version: 1 }, field: 'id' },
      { title: 'category without a name', actor: owner, method: 'POST', path: () => '/categories', body: { name: '' }, field: 'name' },
      { title: 'category with a bad member id', actor: owner, method: 'POST', path: () => '/categories', body: { name: 'x', members: [{ kind: 'admin', id: 'bad id!' }] }, field: 'members.0.id' },
      { title: 'category rename to a number', actor: owner, method: 'PATCH', path: ({ category }) => `/categories/${category}`, body: { name: 5 }, field: 'name' },
      { title: 'settings: history depth too big', actor: owner, method: 'PATCH', path: () => '/settings', body: { historyDepth: 1000 }, field: 'historyDepth' },
      { title: 'settings: unknown access mode', actor: owner, method: 'PATCH', path: () => '/settings', body: { adminAccessMode: 'open' }, field: 'adminAccessMode' },
      { title: 'settings: an unknown service state', actor: owner, method: 'PATCH', path: () => '/settings', body: { clientServicePasswords: { visibleStatuses: ['active', 'asleep'] } }, field: 'clientServicePasswords.visibleStatuses.1' },
      { title: 'settings: an unknown field inside a group', actor: owner, method: 'PATCH', path: () => '/settings', body: { clientPrivateEntries: { excludedClients: ['1'] } }, field: 'clientPrivateEntries.excludedClients' },
      { title: 'settings: unknown setting', actor: owner, method: 'PATCH', path: () => '/settings', body: { debug: true }, field: 'debug' },
      { title: 'password: too short', actor: acme, method: 'POST', path: () => '/password', body: { length: 4 }, field: 'length' },
      { title: 'password: no character class', actor: acme, method: 'POST', path: () => '/password', body: { lower: false, upper: false, digits: false, symbols: false }, field: 'lower' },
      { title: 'language: unknown', actor: acme, method: 'POST', path: () => '/language', body: { language: 'xx' }, field: 'language' },
      { title: 'language: missing', actor: acme, method: 'POST', path: () => '/language', body: {}, field: 'language' },
      { title: 'list: limit not a number', actor: owner, method: 'GET', path: () => '/entries?limit=abc', field: 'limit' },
      { title: 'list: limit 0', actor: owner, method: 'GET', path: () => '/entries?limit=0', field: 'limit' },
      { title: 'list: unknown filter', actor: owner, method: 'GET', path: () => '/entries?owner=me', field: 'owner' },
      { title: 'list: a filter given twice', actor: owner, method: 'GET', path: () => '/entries?clientId=c-acme&clientId=c-globex', field: 'clientId' },
      { title: 'audit: negative beforeSeq', actor: owner, method: 'GET', path: () => '/audit?beforeSeq=-1', field: 'beforeSeq' },
    ];

    for (const c of cases) {
      it(`${c.title} → 400 naming ${c.field}`, async () => {
        const entry = (await ownerEntry()).id;
        const category = (await h.vault.lk.categories.create(owner, { name: `Cat ${randomBytes(3).toString('hex')}` })).id;
        const response = await unchanged(() => call(c.actor, c.method, c.path({ entry, category }), c.body));
        expect(response.status, response.text).to.equal(400);
        expect(response.headers.get('content-type')).to.match(/^application\/json/);
        const body = response.json<{ error: string; field: string; message: string }>();
        expect(body.error).to.equal('invalid_input');
        expect(body.field).to.equal(c.field);
        expect(body.message).to.be.a('string');
        expect(response.setCookies.filter((line) => line.startsWith('lk_lang=')), 'no language cookie').to.deep.equal([]);
      });
    }

    it('an id that is not valid URL encoding → 400 naming (path), not a 500', async () => {
      for (const [method, path] of [['GET', '/entries/%E0%A4%A'], ['PATCH', '/entries/%E0%A4%A'], ['POST', '/entries/%ZZ/reveal'], ['DELETE', '/categories/%E0%A4%A']]) {
        const response = await unchanged(() => call(owner, method!, path!, method === 'GET' ? undefined : {}));
        expect(response.status, `${method} ${path}: ${response.text}`).to.equal(400);
        expect(response.json()).to.include({ error: 'invalid_input', field: '(path)' });
      }
    });

    it('an error answers in the language of the panel it comes from, not the browser\'s: an Italian panel in a German browser', async () => {
      const { browser, csrf } = await as(owner);
      const send = (headers: Record<string, string>) => unchanged(() => browser.send('GET', `${BASE}/api/entries?limit=0`, { csrf, headers }));
      const german = await send({ 'Accept-Language': 'de-DE,de;q=0.9' });
      const italian = await send({ 'Accept-Language': 'de-DE,de;q=0.9', 'X-Latchkey-Language': 'it' });
      expect(german.json<{ message: string }>().message).to.contain('mindestens 1');
      expect(italian.json<{ message: string }>().message).to.contain('almeno 1');
      // A panel language Latchkey does not speak falls back to the browser's.
      const unknown = await send({ 'Accept-Language': 'de-DE', 'X-Latchkey-Language': 'xx' });
      expect(unknown.json<{ message: string }>().message).to.equal(german.json<{ message: string }>().message);
    });

    it('a body that is not JSON → 400 naming (body)', async () => {
      const { browser, csrf } = await as(owner);
      const response = await unchanged(() => browser.send('POST', `${BASE}/api/entries`, { raw: { body: '{"name": "x",', type: 'application/json' }, csrf }));
      expect(response.status, response.text).to.equal(400);
      expect(response.json()).to.include({ error: 'invalid_input', field: '(body)' });
    });

    it('a body over the size limit → 413 naming the limit, nothing written', async () => {
      const { browser, csrf } = await as(owner);
      const body = JSON.stringify({ name: 'x', notes: 'n'.repeat(300_000) });
      const response = await unchanged(() => browser.send('POST', `${BASE}/api/entries`, { raw: { body, type: 'application/json' }, csrf }));
      expect(response.status, response.text).to.equal(413);
      expect(response.json()).to.include({ error: 'body_too_large', limitKib: 256 });
    });

    it('a form-encoded body is not parsed: 400 for missing input, nothing written', async () => {
      const { browser, csrf } = await as(owner);
      const response = await unchanged(() => browser.send('POST', `${BASE}/api/entries`, { form: { name: 'x' }, csrf }));
      expect(response.status, response.text).to.equal(400);
      expect(response.json<{ field: string }>().field).to.equal('(input)');
    });
  });

  describe('404: unknown or invisible ids', () => {
    const paths: Array<[string, (id: string) => string, unknown?]> = [
      ['GET', (id) => `/entries/${id}`],
      ['PATCH', (id) => `/entries/${id}`, { version: 1, name: 'y' }],
      ['PUT', (id) => `/entries/${id}/grants`, { version: 1, grants: [] }],
      ['DELETE', (id) => `/entries/${id}?version=1`],
      ['POST', (id) => `/entries/${id}/reveal`],
      ['GET', (id) => `/entries/${id}/history`],
      ['POST', (id) => `/entries/${id}/history/${UNKNOWN_ID}/reveal`],
    ];
    for (const [method, path, body] of paths) {
      it(`${method} ${path(':id')} with an unknown id → 404, nothing written`, async () => {
        const response = await unchanged(() => call(owner, method, path(UNKNOWN_ID), body));
        expect(response.status, response.text).to.equal(404);
        expect(response.json()).to.include({ error: 'not_found' });
      });

      it(`${method} ${path(':id')} on an entry the actor may not see → 404 (same as unknown), nothing written`, async () => {
        const entry = await ownerEntry();
        const response = await unchanged(() => call(globex, method, path(entry.id), body));
        expect(response.status, response.text).to.equal(404);
      });
    }

    it('service credentials of an unknown or foreign service → 404', async () => {
      for (const id of ['service:s-ghost', 'service:s-globex-vps']) {
        const read = await call(acme, 'GET', `/entries/${id}`);
        expect(read.status, read.text).to.equal(404);
        const reveal = await unchanged(() => call(acme, 'POST', `/entries/${id}/reveal`));
        expect(reveal.status, reveal.text).to.equal(404);
      }
    });

    it('an unknown history id on a visible entry → 404, nothing written', async () => {
      const entry = await ownerEntry();
      const response = await unchanged(() => call(owner, 'POST', `/entries/${entry.id}/history/${UNKNOWN_ID}/reveal`));
      expect(response.status, response.text).to.equal(404);
    });

    it("a history id of another entry → 404", async () => {
      const a = await ownerEntry();
      await h.vault.lk.entries.update(owner, a.id, { version: 1, password: 'pw2' });
      const [item] = await h.vault.lk.entries.history(owner, a.id);
      const b = await ownerEntry();
      const response = await unchanged(() => call(owner, 'POST', `/entries/${b.id}/history/${item!.id}/reveal`));
      expect(response.status, response.text).to.equal(404);
    });

    it('unknown or foreign categories → 404, nothing written', async () => {
      const foreign = await h.vault.lk.categories.create(acme, { name: 'Acme only' });
      for (const id of [UNKNOWN_ID, foreign.id]) {
        const patch = await unchanged(() => call(globex, 'PATCH', `/categories/${id}`, { name: 'mine' }));
        expect(patch.status, patch.text).to.equal(404);
        const del = await unchanged(() => call(globex, 'DELETE', `/categories/${id}`));
        expect(del.status, del.text).to.equal(404);
      }
    });
  });

  describe('403: visible but not allowed', () => {
    it('an admin with a view-only grant may not edit, share or delete', async () => {
      const entry = await ownerEntry([{ kind: 'admin', id: 'a-sam', canEdit: false }]);
      // Only the grant makes it visible: restricted mode, sam not allowed.
      await h.vault.lk.settings.update(owner, { adminAccessMode: 'restricted' });
      try {
        expect((await call(sam, 'GET', `/entries/${entry.id}`)).status).to.equal(200);
        for (const [method, path, body] of [
          ['PATCH', `/entries/${entry.id}`, { version: 1, name: 'Hijacked' }],
          ['PUT', `/entries/${entry.id}/grants`, { version: 1, grants: [{ kind: 'admin', id: 'a-sam', canEdit: true }] }],
          ['DELETE', `/entries/${entry.id}?version=1`, undefined],
        ] as const) {
          const response = await unchanged(() => call(sam, method, path, body));
          expect(response.status, `${method}: ${response.text}`).to.equal(403);
          expect(response.json()).to.include({ error: 'forbidden' });
        }
      } finally {
        await h.vault.lk.settings.update(owner, { adminAccessMode: 'full' });
      }
    });

    it('an admin with an edit grant may edit but not share or delete', async () => {
      const entry = await ownerEntry([{ kind: 'admin', id: 'a-sam', canEdit: true }]);
      const share = await unchanged(() => call(sam, 'PUT', `/entries/${entry.id}/grants`, { version: 1, grants: [] }));
      expect(share.status, share.text).to.equal(403);
      const del = await unchanged(() => call(sam, 'DELETE', `/entries/${entry.id}?version=1`));
      expect(del.status, del.text).to.equal(403);
      const edit = await call(sam, 'PATCH', `/entries/${entry.id}`, { version: 1, name: 'Edited by Sam' });
      expect(edit.status, edit.text).to.equal(200);
    });

    it("a contact with a view-only grant may not edit the client's entry", async () => {
      const entry = await h.vault.lk.entries.create(acme, { name: 'Shared to dev', password: 'pw', grants: [{ kind: 'contact', id: 'k-acme-dev' }] });
      expect((await call(acmeDev, 'GET', `/entries/${entry.id}`)).status).to.equal(200);
      const response = await unchanged(() => call(acmeDev, 'PATCH', `/entries/${entry.id}`, { version: 1, name: 'Mine now' }));
      expect(response.status, response.text).to.equal(403);
    });

    it('service credentials are read-only here', async () => {
      const response = await unchanged(() => call(owner, 'PATCH', '/entries/service:s-acme-vps', { version: 1, name: 'Renamed' }));
      expect(response.status, response.text).to.equal(403);
      const del = await unchanged(() => call(owner, 'DELETE', '/entries/service:s-acme-vps?version=1'));
      expect(del.status, del.text).to.equal(403);
    });

    it('a client or a plain admin may not change settings; a client may not read the audit log', async () => {
      for (const actor of [acme, sam]) {
        const response = await unchanged(() => call(actor, 'PATCH', '/settings', { historyDepth: 1 }));
        expect(response.status, response.text).to.equal(403);
      }
      expect((await call(acme, 'GET', '/audit')).status).to.equal(403);
      expect((await call(acme, 'GET', '/settings')).status).to.equal(403);
    });

    it('an admin who is a member of a category may not manage it', async () => {
      const category = await h.vault.lk.categories.create(owner, { name: 'Support stuff', members: [{ kind: 'admin_role', id: 'r-support' }] });
      const response = await unchanged(() => call(sam, 'PATCH', `/categories/${category.id}`, { name: 'Mine' }));
      expect(response.status, response.text).to.equal(403);
      const del = await unchanged(() => call(sam, 'DELETE', `/categories/${category.id}`));
      expect(del.status, del.text).to.equal(403);
    });

    it("a contact may not manage the client's categories", async () => {
      const category = await h.vault.lk.categories.create(acme, { name: 'Acme shared', members: [{ kind: 'contact', id: 'k-acme-dev' }] });
      const response = await unchanged(() => call(acmeDev, 'PATCH', `/categories/${category.id}`, { name: 'Mine' }));
      expect(response.status, response.text).to.equal(403);
      const del = await unchanged(() => call(acmeDev, 'DELETE', `/categories/${category.id}`));
      expect(del.status, del.text).to.equal(403);
    });

    it('a contact may not create entries', async () => {
      const response = await unchanged(() => call(acmeDev, 'POST', '/entries', { name: 'Contact entry' }));
      expect(response.status, response.text).to.equal(403);
    });
  });

  describe('409: stale versions and limits', () => {
    it('update, share and delete with a stale version → 409 with the current version, nothing written', async () => {
      const entry = await ownerEntry();
      await h.vault.lk.entries.update(owner, entry.id, { version: 1, name: 'Moved on' });
      for (const [method, path, body] of [
        ['PATCH', `/entries/${entry.id}`, { version: 1, name: 'Old view' }],
        ['PUT', `/entries/${entry.id}/grants`, { version: 1, grants: [] }],
        ['DELETE', `/entries/${entry.id}?version=1`, undefined],
      ] as const) {
        const response = await unchanged(() => call(owner, method, path, body));
        expect(response.status, `${method}: ${response.text}`).to.equal(409);
        expect(response.json()).to.include({ error: 'conflict', currentVersion: 2 });
      }
      const fresh = await call(owner, 'PATCH', `/entries/${entry.id}`, { version: 2, name: 'Fresh view' });
      expect(fresh.status, fresh.text).to.equal(200);
      expect(fresh.json()).to.include({ version: 3 });
    });

    it("a client at its entry limit → 409 naming the limit, nothing written", async () => {
      const owned = (await h.vault.lk.entries.list(globex, { ownerKind: 'client', ownerId: 'c-globex' })).total;
      await h.vault.lk.settings.update(owner, { clientEntryLimit: owned + 1 });
      try {
        expect((await call(globex, 'POST', '/entries', { name: 'Last one' })).status).to.equal(201);
        const response = await unchanged(() => call(globex, 'POST', '/entries', { name: 'One too many' }));
        expect(response.status, response.text).to.equal(409);
        expect(response.json()).to.include({ error: 'limit_exceeded', limit: owned + 1 });
      } finally {
        await h.vault.lk.settings.update(owner, { clientEntryLimit: null });
      }
    });
  });

  describe('401: nobody logged in', () => {
    it('every API route answers 401 without touching anything', async () => {
      const anonymous = h.browser();
      const entry = await ownerEntry();
      for (const [method, path] of [
        ['GET', '/entries'], ['POST', '/entries'], ['GET', `/entries/${entry.id}`], ['PATCH', `/entries/${entry.id}`],
        ['PUT', `/entries/${entry.id}/grants`], ['DELETE', `/entries/${entry.id}`], ['POST', `/entries/${entry.id}/reveal`],
        ['GET', `/entries/${entry.id}/history`], ['GET', '/categories'], ['POST', '/categories'], ['GET', '/settings'],
        ['PATCH', '/settings'], ['GET', '/audit'], ['POST', '/password'], ['POST', '/language'], ['GET', '/services/c-acme'],
      ]) {
        const response = await unchanged(() => anonymous.api(method!, path!, method === 'GET' ? undefined : { name: 'x' }, 'token'));
        expect(response.status, `${method} ${path}`).to.equal(401);
        expect(response.json()).to.include({ error: 'unauthenticated' });
      }
    });
  });

  describe('503: the database is away', () => {
    const title = db.name === 'sqlite'
      ? 'a locked SQLite file → 503 with Retry-After, then recovers'
      : 'a MariaDB server that refuses connections → 503 with Retry-After, then recovers';
    it(title, async () => {
      await expectOutage(db, h, { dropIdleConnections: true });
    });

    // Connections cut under a warm pool fail their next query with EPIPE or a reset.
    if (db.name === 'mariadb') {
      it('connections cut under a warm pool → 503 at once', async () => {
        await expectOutage(db, h, { dropIdleConnections: false });
      });
    }

    // A destroyed pool answers "Unable to acquire a connection".
    it('a vault whose knex was destroyed → 503', async () => {
      const knex = db.name === 'sqlite'
        ? knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true })
        : knexFactory({ client: 'mysql2', connection: db.url });
      const lk = await createLatchkey({ database: { knex }, keys: testKeys(), host: h.host, tablePrefix: prefixOf(h.vault), migrate: db.name === 'sqlite' });
      const app = await Harness.start(db, { vault: h.vault, latchkey: lk });
      try {
        await knex.destroy();
        const response = await app.browser(acme).api('GET', '/entries');
        expect(response.status, response.text).to.equal(503);
      } finally {
        await app.close();
      }
    });
  });
});

async function expectOutage(db: TestDatabase, h: Harness, options: { dropIdleConnections: boolean }): Promise<void> {
  const outage = await openOutage(db, h, options);
  const app = await Harness.start(db, { vault: h.vault, latchkey: outage.lk });
  try {
    const { browser, csrf } = await pageFor(app, acme);
    expect((await browser.api('GET', '/entries')).status).to.equal(200);
    await outage.down();
    for (const [method, path, body] of [['GET', '/entries'], ['POST', '/entries', { name: 'During outage' }], ['GET', '/categories']] as const) {
      const response = await browser.api(method, path, body, csrf);
      expect(response.status, `${method} ${path}: ${response.text}`).to.equal(503);
      expect(response.headers.get('retry-after')).to.equal('5');
      expect(response.headers.get('cache-control')).to.equal('no-store');
      expect(response.json()).to.include({ error: 'database_unavailable' });
      expect(response.text).to.not.match(/select|insert|sqlite|mysql|ECONN|127\.0\.0\.1/i);
    }
    await outage.up();
    const after = await browser.api('GET', '/entries');
    expect(after.status, after.text).to.equal(200);
  } finally {
    await app.close();
    await outage.close();
  }
}

async function pageFor(h: Harness, actor: Actor): Promise<Session> {
  const browser = h.browser(actor);
  const page = await browser.hostPage('clientArea');
  expect(page.status, page.html.slice(0, 300)).to.equal(200);
  return { browser, csrf: page.csrf! };
}

interface Outage {
  lk: Latchkey;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A Latchkey whose database can be taken away and given back. SQLite: a file
 * that another process locks exclusively. MariaDB: the server reached through
 * a TCP proxy that we stop (cutting every open connection) and restart.
 */
async function openOutage(db: TestDatabase, h: Harness, options: { dropIdleConnections: boolean }): Promise<Outage> {
  if (db.name === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-outage-'));
    const filename = join(dir, 'vault.sqlite');
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename },
      useNullAsDefault: true,
      pool: {
        min: 1, max: 1,
        afterCreate: (conn: { pragma(sql: string): unknown }, done: (err: Error | null, conn: unknown) => void) => {
          conn.pragma('busy_timeout = 50');
          done(null, conn);
        },
      },
    });
    const lk = await createLatchkey({ database: { knex }, keys: testKeys(), host: h.host, migrate: true });
    const locker = new Database(filename);
    return {
      lk,
      async down() { locker.exec('BEGIN EXCLUSIVE'); },
      async up() { locker.exec('COMMIT'); },
      async close() {
        locker.close();
        await knex.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }

  const target = new URL(db.url);
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const listen = () => new Promise<void>((resolve) => {
    server = createServer((client) => {
      const upstream = connect(Number(target.port || 3306), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => { client.destroy(); upstream.destroy(); });
      }
      client.pipe(upstream).pipe(client);
    });
    server.listen(port, '127.0.0.1', () => {
      port = (server!.address() as { port: number }).port;
      resolve();
    });
  });
  const stop = () => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    if (server) server.close(() => resolve());
    else resolve();
    server = null;
  });
  await listen();
  const proxied = new URL(db.url);
  proxied.port = String(port);
  // Our own pool, so idle connections can be made to go away quickly: then the
  // next query needs a new connection, which the stopped proxy refuses.
  const knex = knexFactory({
    client: 'mysql2',
    connection: proxied.toString(),
    log: { warn() {}, error() {}, debug() {}, deprecate() {} },
    pool: options.dropIdleConnections ? { min: 0, max: 4, idleTimeoutMillis: 50, reapIntervalMillis: 20 } : { min: 0, max: 4 },
  });
  const lk = await createLatchkey({ database: { knex }, keys: testKeys(), host: h.host, tablePrefix: prefixOf(h.vault) });
  return {
    lk,
    async down() {
      await stop();
      if (options.dropIdleConnections) await new Promise((resolve) => setTimeout(resolve, 300));
    },
    up: listen,
    async close() {
      await knex.destroy();
      await stop();
    },
  };
}
