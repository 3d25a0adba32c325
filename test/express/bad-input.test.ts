import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { LANGUAGES, type Actor, type Category, type Language } from '../../core/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { acme, owner } from '../support/host-fixture.ts';
import { countRows, snapshotTables } from '../support/table-rows.ts';
import { BASE, Harness, hs256Embed, signEmbed, type Browser, type HttpResponse, type SendOptions } from './harness.ts';

/**
 * Bad input over real HTTP: each refusal names the field and why, in the
 * user's language, and writes nothing (every Latchkey table compared before
 * and after). The limits are tested at the limit and one past it.
 */

interface Session {
  browser: Browser;
  csrf: string;
}

interface ErrorBody {
  error: string;
  field: string;
  message: string;
  issues: Array<{ field: string; rule: string; message: string }>;
}

const JSON_LIMIT = 256 * 1024;
const FORM_LIMIT = 16 * 1024;
const UNKNOWN_ID = '0190aaaa-0000-7000-8000-000000000000';

/** The `latchkey` strings of a language, as the locale file has them. */
function strings(language: Language): { validation: Record<string, string>; errors: Record<string, string>; page: Record<string, string> } {
  return JSON.parse(readFileSync(new URL(`../../locales/${language}/latchkey.json`, import.meta.url), 'utf8'));
}

/** A JSON body of exactly `bytes` bytes: the object, then spaces (still valid JSON). */
function jsonOfSize(value: unknown, bytes: number): string {
  const json = JSON.stringify(value);
  return json + ' '.repeat(bytes - Buffer.byteLength(json));
}

forEachDatabase('HTTP: bad input refused precisely', (db) => {
  let h: Harness;
  const sessions = new Map<Actor, Session>();

  async function as(actor: Actor): Promise<Session> {
    const known = sessions.get(actor);
    if (known) return known;
    const browser = h.browser(actor);
    const page = actor.kind === 'client' ? await browser.hostPage('clientArea') : await browser.hostPage('clientSummary', { clientId: 'c-acme' });
    expect(page.csrf, page.html.slice(0, 300)).to.be.a('string');
    const session = { browser, csrf: page.csrf! };
    sessions.set(actor, session);
    return session;
  }

  async function send(actor: Actor, method: string, path: string, options: SendOptions = {}): Promise<HttpResponse> {
    const { browser, csrf } = await as(actor);
    return browser.send(method, `${BASE}/api${path}`, { csrf, ...options });
  }

  /** Sends, and checks that no table changed (entries, categories, audit, settings... every row). */
  async function unchanged(action: () => Promise<HttpResponse>): Promise<HttpResponse> {
    const before = await snapshotTables(h.vault);
    const auditBefore = await countRows(h.vault, h.vault.tables.audit);
    const response = await action();
    expect(await countRows(h.vault, h.vault.tables.audit), 'no audit event').to.equal(auditBefore);
    expect(await snapshotTables(h.vault), `nothing written (${response.status} ${response.text.slice(0, 200)})`).to.deep.equal(before);
    return response;
  }

  function expectRefused(response: HttpResponse, field: string, rule?: string): ErrorBody {
    expect(response.status, response.text).to.equal(400);
    const body = response.json<ErrorBody>();
    expect(body).to.include({ error: 'invalid_input', field });
    if (rule) expect(body.issues.find((i) => i.field === field)?.rule, response.text).to.equal(rule);
    return body;
  }

  before(async () => {
    h = await Harness.start(db);
  });
  after(async () => { await h.close(); });

  describe('characters that hide what text says, or that the database cannot keep', () => {
    const cases: Array<{ title: string; actor: Actor; method: string; path: (ids: { entry: string; category: string }) => string; body?: unknown; field: string; rule: string; char?: string }> = [
      { title: 'an entry name with a right-to-left override', actor: acme, method: 'POST', path: () => '/entries', body: { name: 'abc\u202Egpj.exe' }, field: 'name', rule: 'invisibleCharacter', char: 'U+202E' },
      { title: 'an entry name with NUL', actor: owner, method: 'POST', path: () => '/entries', body: { name: 'Router\u0000' }, field: 'name', rule: 'controlCharacter', char: 'U+0000' },
      { title: 'an entry name with an unpaired surrogate', actor: owner, method: 'POST', path: () => '/entries', body: { name: 'Router \uD83D' }, field: 'name', rule: 'unpairedSurrogate' },
      { title: 'a username with a zero-width space', actor: acme, method: 'POST', path: () => '/entries', body: { name: 'Mail', username: 'ad\u200Bmin' }, field: 'username', rule: 'invisibleCharacter', char: 'U+200B' },
      { title: 'a username with a line break', actor: acme, method: 'POST', path: () => '/entries', body: { name: 'Mail', username: 'admin\nroot' }, field: 'username', rule: 'controlCharacter', char: 'U+000A' },
      { title: 'notes with an escape character', actor: acme, method: 'POST', path: () => '/entries', body: { name: 'Mail', notes: 'line\n\u001B[2J' }, field: 'notes', rule: 'controlCharacter', char: 'U+001B' },
      { title: 'a password with NUL', actor: acme, method: 'POST', path: () => '/entries', body: { name: 'Mail', password: 'pass\u0000word' }, field: 'password', rule: 'controlCharacter', char: 'U+0000' },
      { title: 'a password with an unpaired surrogate', actor: acme, method: 'POST', path: () => '/entries', body: { name: 'Mail', password: 'pass\uDC00word' }, field: 'password', rule: 'unpairedSurrogate' },
      { title: 'a website with a bidirectional isolate', actor: acme, method: 'POST', path: () => '/entries', body: { name: 'Mail', websiteUrl: 'https://mail.example.test/\u2066x' }, field: 'websiteUrl', rule: 'invisibleCharacter', char: 'U+2066' },
      { title: 'a rename with a byte-order mark inside', actor: owner, method: 'PATCH', path: ({ entry }) => `/entries/${entry}`, body: { version: 1, name: 'Rou\uFEFFter' }, field: 'name', rule: 'invisibleCharacter', char: 'U+FEFF' },
      { title: 'a category name with an Arabic letter mark', actor: owner, method: 'POST', path: () => '/categories', body: { name: 'Ops\u061C' }, field: 'name', rule: 'invisibleCharacter', char: 'U+061C' },
      { title: 'a category rename with an unpaired surrogate', actor: owner, method: 'PATCH', path: ({ category }) => `/categories/${category}`, body: { name: '\uDFFFOps' }, field: 'name', rule: 'unpairedSurrogate' },
      { title: 'a mail subject with a left-to-right mark', actor: owner, method: 'PATCH', path: () => '/settings', body: { mailTemplates: { reminder: { en: { subject: 'Rotate\u200E {{entryName}}', body: 'Please.' } } } }, field: 'mailTemplates.reminder.en.subject', rule: 'invisibleCharacter', char: 'U+200E' },
      { title: 'a mail body with a bell', actor: owner, method: 'PATCH', path: () => '/settings', body: { mailTemplates: { reminder: { en: { subject: 'Rotate', body: 'Please.\u0007' } } } }, field: 'mailTemplates.reminder.en.body', rule: 'controlCharacter', char: 'U+0007' },
      { title: 'a previewed mail subject with a word joiner', actor: owner, method: 'POST', path: () => '/mail/preview', body: { kind: 'reminder', language: 'en', subject: 'Ro\u2060tate', body: 'x' }, field: 'subject', rule: 'invisibleCharacter', char: 'U+2060' },
      { title: 'a search with NUL', actor: owner, method: 'GET', path: () => '/entries?search=Router%00', field: 'search', rule: 'controlCharacter', char: 'U+0000' },
      { title: 'a client search with a right-to-left embedding', actor: owner, method: 'GET', path: () => '/clients?search=Ac%E2%80%ABme', field: 'search', rule: 'invisibleCharacter', char: 'U+202B' },
      { title: 'an audit filter with a zero-width joiner', actor: owner, method: 'GET', path: () => '/audit?action=entry.reveal%E2%80%8D', field: 'action', rule: 'invisibleCharacter', char: 'U+200D' },
    ];

    for (const c of cases) {
      it(`${c.title} → 400 naming ${c.field}, nothing written`, async () => {
        const entry = (await h.vault.lk.entries.create(owner, { name: 'Router', clientId: 'c-acme' })).id;
        const category = (await h.vault.lk.categories.create(owner, { name: 'Network' })).id;
        const response = await unchanged(() => send(c.actor, c.method, c.path({ entry, category }), c.method === 'GET' ? {} : { json: c.body }));
        const body = expectRefused(response, c.field, c.rule);
        if (c.char) expect(body.message).to.contain(c.char);
      });
    }

    it('the admin entries page shows a refused search beside its form, not an error page', async () => {
      const page = await unchanged(async () => (await h.browser(owner).hostPage('adminPages', { page: 'entries', search: 'Router\u0000' })).response);
      expect(page.status, page.text.slice(0, 300)).to.equal(200);
      expect(page.text).to.match(/<p class="lk-form-error" id="lk-entries-search-problem" role="alert">[^<]*U\+0000/);
      const fine = await h.browser(owner).hostPage('adminPages', { page: 'entries', search: 'Router' });
      expect(fine.html).not.to.contain('lk-entries-search-problem');
    });

    it('says which character, in the language of the user', async () => {
      for (const language of LANGUAGES) {
        const response = await unchanged(() => send(acme, 'POST', '/entries', { json: { name: 'abc\u202Egpj.exe' }, headers: { 'accept-language': language } }));
        const body = expectRefused(response, 'name', 'invisibleCharacter');
        expect(body.message, language).to.equal(`name: ${strings(language).validation.invisibleCharacter!.replace('{{char}}', 'U+202E')}`);
      }
    });

    it('keeps tabs and line breaks in notes, and a password exactly as given', async () => {
      const notes = 'Step 1:\tlog in\r\nStep 2:\tcheck the mail';
      const password = ' p\u202Ea\u200Bss\t ';
      const created = await send(acme, 'POST', '/entries', { json: { name: 'Mail', notes, password } });
      expect(created.status, created.text).to.equal(201);
      const revealed = await send(acme, 'POST', `/entries/${created.json<{ id: string }>().id}/reveal`);
      expect(revealed.json()).to.include({ notes, password });
    });
  });

  describe('a wrong type is named as such, in every language', () => {
    const cases: Array<[string, unknown, string]> = [
      ['name', 12345, 'mustBeText'],
      ['username', false, 'mustBeText'],
      ['reminderDays', '30', 'mustBeNumber'],
      ['sharedWithAdmin', 'yes', 'mustBeYesNo'],
      ['grants', 'k-acme-dev', 'mustBeList'],
    ];
    for (const [field, value, rule] of cases) {
      it(`${field}: ${JSON.stringify(value)} → 400 "${strings('en').validation[rule]}"`, async () => {
        for (const language of LANGUAGES) {
          const response = await unchanged(() => send(acme, 'POST', '/entries', {
            json: { name: 'Mail', [field]: value }, headers: { 'accept-language': language },
          }));
          const body = expectRefused(response, field, rule);
          expect(body.message, language).to.equal(`${field}: ${strings(language).validation[rule]}`);
        }
      });
    }

    it('a missing field is still "required"', async () => {
      const response = await unchanged(() => send(acme, 'POST', '/entries', { json: { username: 'ann' } }));
      expectRefused(response, 'name', 'required');
    });
  });

  describe('bodies over the size limit, or that the parser cannot read', () => {
    it(`a JSON body of exactly ${JSON_LIMIT} bytes is read; one byte more → 413 naming the limit, nothing written`, async () => {
      const atLimit = await send(acme, 'POST', '/entries', { raw: { body: jsonOfSize({ name: 'At the limit' }, JSON_LIMIT), type: 'application/json' } });
      expect(atLimit.status, atLimit.text).to.equal(201);
      for (const language of LANGUAGES) {
        const over = await unchanged(() => send(acme, 'POST', '/entries', {
          raw: { body: jsonOfSize({ name: 'Over the limit' }, JSON_LIMIT + 1), type: 'application/json' },
          headers: { 'accept-language': language },
        }));
        expect(over.status, over.text).to.equal(413);
        expect(over.headers.get('cache-control')).to.equal('no-store');
        expect(over.json()).to.deep.equal({
          error: 'body_too_large', limitKib: 256, message: strings(language).errors.body_too_large!.replace('{{kib}}', '256'),
        });
      }
    });

    it('a body in a charset or content encoding the parser does not read → 415 saying what it reads, nothing written', async () => {
      for (const [type, headers] of [
        ['application/json; charset=latin1', {}], ['application/json; charset=windows-1252', {}], ['application/json', { 'content-encoding': 'compress' }],
      ] as const) {
        for (const language of LANGUAGES) {
          const response = await unchanged(() => send(acme, 'POST', '/entries', {
            raw: { body: '{"name":"Latin"}', type }, headers: { ...headers, 'accept-language': language },
          }));
          expect(response.status, `${type} ${JSON.stringify(headers)}: ${response.text}`).to.equal(415);
          expect(response.json()).to.deep.equal({ error: 'unsupported_body', message: strings(language).errors.unsupported_body });
        }
      }
    });

    it('a body that says gzip but is not → 400 naming (body), not a 500', async () => {
      const response = await unchanged(() => send(acme, 'POST', '/entries', {
        raw: { body: '{"name":"Not gzip"}', type: 'application/json' }, headers: { 'content-encoding': 'gzip' },
      }));
      expectRefused(response, '(body)', 'badJson');
    });

    it('a settings change over the limit → 413 too', async () => {
      const over = await unchanged(() => send(owner, 'PATCH', '/settings', { raw: { body: jsonOfSize({ historyDepth: 3 }, JSON_LIMIT + 1), type: 'application/json' } }));
      expect(over.status, over.text).to.equal(413);
      expect(over.json()).to.include({ error: 'body_too_large' });
    });

    it(`a sign-in form of exactly ${FORM_LIMIT} bytes is read; one byte more → a 413 page naming the limit`, async () => {
      const form = (bytes: number) => `token=${'a'.repeat(bytes - 'token='.length)}`;
      const browser = h.browser();
      // No embed configured here: a form that is read ends at the refused sign-in.
      const atLimit = await unchanged(() => browser.send('POST', `${BASE}/embed`, { raw: { body: form(FORM_LIMIT), type: 'application/x-www-form-urlencoded' } }));
      expect(atLimit.status, atLimit.text.slice(0, 200)).to.equal(401);
      for (const language of LANGUAGES) {
        const over = await unchanged(() => browser.send('POST', `${BASE}/embed`, {
          raw: { body: form(FORM_LIMIT + 1), type: 'application/x-www-form-urlencoded' }, headers: { 'accept-language': language },
        }));
        expect(over.status, over.text.slice(0, 200)).to.equal(413);
        expect(over.headers.get('content-type')).to.match(/^text\/html/);
        const page = strings(language).page;
        expect(over.text).to.contain(`<h1>${page.tooLargeTitle}</h1>`);
        expect(over.text).to.contain(escapeHtml(page.tooLargeMessage!.replace('{{kib}}', '16')));
      }
    });
  });

  describe('deleting an entry names the version it was decided on', () => {
    it('without a version → 400 naming version, and the entry stays', async () => {
      const entry = await h.vault.lk.entries.create(acme, { name: 'Keep me' });
      for (const query of ['', '?version=', '?version=abc', '?version=0', '?version=1&version=1', '?version=1&force=1']) {
        const response = await unchanged(() => send(acme, 'DELETE', `/entries/${entry.id}${query}`));
        expectRefused(response, query.includes('force') ? 'force' : 'version');
      }
      expect((await h.vault.lk.entries.get(acme, entry.id)).name).to.equal('Keep me');
    });

    it('at a stale version → 409 with the current version; at the current one → 204, and it is gone', async () => {
      const entry = await h.vault.lk.entries.create(acme, { name: 'Changing' });
      await h.vault.lk.entries.update(acme, entry.id, { version: 1, name: 'Changed' });
      const stale = await unchanged(() => send(acme, 'DELETE', `/entries/${entry.id}?version=1`));
      expect(stale.status, stale.text).to.equal(409);
      expect(stale.json()).to.include({ error: 'conflict', currentVersion: 2 });
      const current = await send(acme, 'DELETE', `/entries/${entry.id}?version=2`);
      expect(current.status, current.text).to.equal(204);
      expect((await send(acme, 'GET', `/entries/${entry.id}`)).status).to.equal(404);
    });
  });

  describe('ids in the path go through the id rules', () => {
    const refused: Array<[string, string, string]> = [
      ['GET', `/services/${'c'.repeat(70)}`, 'clientId'],
      ['GET', `/services/${'c'.repeat(65)}`, 'clientId'],
      ['GET', '/services/%00', 'clientId'],
      ['GET', '/services/c-acme%E2%80%AE', 'clientId'],
      ['GET', '/services/c%20acme', 'clientId'],
      ['GET', `/entries/${'e'.repeat(70)}`, 'id'],
      ['GET', '/entries/%00', 'id'],
      ['GET', '/entries/service:%00', 'id'],
      ['POST', `/entries/${UNKNOWN_ID.toUpperCase()}/reveal`, 'id'],
      ['PATCH', '/entries/nope', 'id'],
      ['DELETE', '/entries/nope?version=1', 'id'],
      ['GET', `/entries/${UNKNOWN_ID}0/history`, 'id'],
      ['POST', `/entries/${UNKNOWN_ID}/history/not-an-id/reveal`, 'historyId'],
      ['PATCH', '/categories/%00', 'categoryId'],
      ['DELETE', `/categories/${'x'.repeat(70)}`, 'categoryId'],
    ];
    for (const [method, path, field] of refused) {
      const shown = path.replace(/(.)\1{9,}/, (run, unit: string) => `<${run.length} × ${unit}>`);
      it(`${method} ${shown} → 400 naming ${field}, nothing written`, async () => {
        const response = await unchanged(() => send(owner, method, path, method === 'PATCH' ? { json: { version: 1, name: 'x' } } : {}));
        expectRefused(response, field);
      });
    }

    it('well-formed ids still reach the vault: 200 for the services of a client at the 64-character limit and below', async () => {
      for (const [actor, path] of [[owner, '/services/c-acme'], [owner, `/services/${'c'.repeat(64)}`], [acme, '/entries/service:s-acme-vps']] as const) {
        const response = await send(actor, 'GET', path);
        expect(response.status, `${path}: ${response.text}`).to.equal(200);
      }
      expect((await send(owner, 'GET', `/entries/${UNKNOWN_ID}`)).status).to.equal(404);
    });
  });

  describe('ids in the address of a frame page go through the id rules', () => {
    it('a clientId or ticketId that is not an id → a 400 page naming it, in the user\'s language; a good one opens', async () => {
      const embed = hs256Embed();
      const framed = await Harness.start(db, { embed, vault: h.vault });
      try {
        const browser = framed.browser();
        const token = await signEmbed(embed.secret, { sub: 'admin:a-owner', ctx: { place: 'clientSummary', clientId: 'c-acme' } });
        const entered = await browser.get(`${BASE}/embed?token=${encodeURIComponent(token)}`);
        expect(entered.status, entered.text.slice(0, 200)).to.equal(303);
        const good = await browser.get(`${BASE}/frame/clientSummary?clientId=c-acme`);
        expect(good.status, good.text.slice(0, 200)).to.equal(200);
        for (const [query, field] of [
          ['clientId=%00', 'clientId'], [`clientId=${'c'.repeat(65)}`, 'clientId'], ['clientId=c-acme&clientId=c-globex', 'clientId'],
          ['clientId=c-acme&ticketId=t%E2%80%AE100', 'ticketId'],
        ] as const) {
          for (const language of ['en', 'fr'] as const) {
            const page = await unchanged(() => browser.get(`${BASE}/frame/clientSummary?${query}`, { headers: { 'accept-language': language } }));
            expect(page.status, `${query}: ${page.text.slice(0, 200)}`).to.equal(400);
            expect(page.text).to.contain(escapeHtml(strings(language).page.badAddressMessage!.replace('{{field}}', field)));
          }
        }
      } finally {
        await framed.close();
      }
    });
  });

  describe('a change that changes nothing writes nothing', () => {
    it('an empty settings change → 200 with the settings as they are, no write, no audit event', async () => {
      const current = (await send(owner, 'GET', '/settings')).json();
      for (const body of [{}, { historyDepth: (current as { historyDepth: number }).historyDepth, adminAccessMode: (current as { adminAccessMode: string }).adminAccessMode }]) {
        const response = await unchanged(() => send(owner, 'PATCH', '/settings', { json: body }));
        expect(response.status, response.text).to.equal(200);
        expect(response.json()).to.deep.equal(current);
      }
    });

    it('an empty category change → 200 with the category as it is, no write, no audit event', async () => {
      const created = await h.vault.lk.categories.create(owner, {
        name: 'Unchanged', members: [{ kind: 'admin', id: 'a-sam' }, { kind: 'admin_role', id: 'r-support', canEdit: true }],
      });
      const listed = sortedMembers((await send(owner, 'GET', '/categories')).json<Category[]>().find((c) => c.id === created.id)!);
      for (const body of [
        {},
        { name: 'Unchanged' },
        { name: '  Unchanged  ', members: [{ kind: 'admin_role', id: 'r-support', canEdit: true }, { kind: 'admin', id: 'a-sam' }, { kind: 'admin', id: 'a-sam' }] },
      ]) {
        const response = await unchanged(() => send(owner, 'PATCH', `/categories/${created.id}`, { json: body }));
        expect(response.status, response.text).to.equal(200);
        expect(sortedMembers(response.json<Category>()), JSON.stringify(body)).to.deep.equal(listed);
      }
    });
  });
});

/** Members in one order: the vault keeps them as a set. */
function sortedMembers(category: Category): Category {
  return { ...category, members: [...category.members].sort((a, b) => `${a.kind}:${a.id}`.localeCompare(`${b.kind}:${b.id}`)) };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;').replace(/`/g, '&#x60;').replace(/=/g, '&#x3D;');
}
