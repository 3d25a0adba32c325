import { expect } from 'chai';
import { forEachDatabase, type TestDatabase } from '../support/databases.ts';
import { acme, globex, owner, sam } from '../support/host-fixture.ts';
import { snapshotTables } from '../support/table-rows.ts';
import { BASE, csrfTokenIn, Harness, hs256Embed, signEmbed, type Browser, type HttpResponse } from './harness.ts';

const ACME_ENTRY = 'Acme mail server';
const GLOBEX_ENTRY = 'Globex DNS panel';
const SAM_PRIVATE = 'Sam’s own notes';

interface Session {
  browser: Browser;
  csrf: string;
}

interface Listed {
  items: Array<{ id: string; name: string; clientId: string | null }>;
}

/**
 * A frame session is confined to the place and context its embed token named:
 * a ticket sidebar or client summary to that client (and ticket), the addon
 * pages to the addon, the client area to the client's own area. Over real HTTP,
 * with an actor who may see every client in-process.
 */
function frameScopeSuite(db: TestDatabase): void {
  const embed = hs256Embed();
  let h: Harness;
  let acmeEntry: string;
  let globexEntry: string;
  let globexService: string;

  before(async () => {
    h = await Harness.start(db, { embed });
    const lk = h.vault.lk;
    await lk.settings.update(owner, { adminAccessMode: 'full' });
    acmeEntry = (await lk.entries.create(acme, { name: ACME_ENTRY, password: 'acme-mail-pw' })).id;
    globexEntry = (await lk.entries.create(globex, { name: GLOBEX_ENTRY, password: 'globex-dns-pw' })).id;
    await lk.entries.create(sam, { name: SAM_PRIVATE, password: 'sam-pw' });
    globexService = (await lk.serviceCredentials.list(owner, 'c-globex'))[0]!.id;
  });
  after(async () => { await h.close(); });

  /** Exchanges a token for a frame session, as the host's iframe does, and reads the frame's CSRF token. */
  async function enter(sub: string, ctx: Record<string, string>, browser = h.browser()): Promise<Session> {
    const entered = await browser.get(`${BASE}/embed?token=${encodeURIComponent(await signEmbed(embed.secret, { sub, ctx }))}`);
    expect(entered.status, entered.text.slice(0, 200)).to.equal(303);
    const frame = await browser.get(entered.headers.get('location')!);
    expect(frame.status, frame.text.slice(0, 300)).to.equal(200);
    return { browser, csrf: csrfTokenIn(frame.text)! };
  }

  const names = (response: HttpResponse) => response.json<Listed>().items.map((e) => e.name);
  const ticketSidebar = (adminId: string) => enter(`admin:${adminId}`, { place: 'ticketSidebar', ticketId: 't-100' });

  describe('a staff place the installer switched off', () => {
    it('a framed client summary says the panel is switched off, in plain words, and shows no entry', async () => {
      await h.vault.lk.settings.update(owner, { staffPanels: { clientSummary: false } });
      try {
        const browser = h.browser();
        const entered = await browser.get(`${BASE}/embed?token=${encodeURIComponent(await signEmbed(embed.secret, { sub: 'admin:a-sam', ctx: { place: 'clientSummary', clientId: 'c-acme' } }))}`);
        expect(entered.status).to.equal(303);
        const frame = await browser.get(entered.headers.get('location')!);
        expect(frame.status).to.equal(200);
        expect(frame.text).to.contain('switched off').and.not.to.contain(ACME_ENTRY);
      } finally {
        await h.vault.lk.settings.update(owner, { staffPanels: { clientSummary: true } });
      }
    });
  });

  describe('a ticket-sidebar session (ticket t-100, client Acme)', () => {
    it('lists only its client’s entries, though the actor sees both clients in-process', async () => {
      const inProcess = (await h.vault.lk.entries.list(sam)).items.map((e) => e.name);
      expect(inProcess).to.include.members([ACME_ENTRY, GLOBEX_ENTRY, SAM_PRIVATE]);
      const { browser } = await ticketSidebar('a-sam');
      const list = await browser.api('GET', '/entries');
      expect(list.status, list.text).to.equal(200);
      expect(names(list)).to.include(ACME_ENTRY).and.not.to.include(GLOBEX_ENTRY).and.not.to.include(SAM_PRIVATE);
      expect(list.json<Listed>().items.every((e) => e.clientId === 'c-acme')).to.equal(true);
      const other = await browser.api('GET', '/entries?clientId=c-globex');
      expect(other.status, other.text).to.equal(404);
      expect(other.json()).to.include({ error: 'not_found' });
    });

    it('cannot read, reveal, edit, share, watch, see the history of or delete another client’s entry: 404, nothing written', async () => {
      const { browser, csrf } = await ticketSidebar('a-sam');
      const before = await snapshotTables(h.vault);
      const attempts: Array<[string, string, unknown]> = [
        ['GET', `/entries/${globexEntry}`, undefined],
        ['POST', `/entries/${globexEntry}/reveal`, {}],
        ['GET', `/entries/${globexEntry}/history`, undefined],
        ['PATCH', `/entries/${globexEntry}`, { version: 1, name: 'Renamed' }],
        ['PUT', `/entries/${globexEntry}/grants`, { version: 1, grants: [] }],
        ['PUT', `/entries/${globexEntry}/watch`, { watch: true }],
        ['DELETE', `/entries/${globexEntry}?version=1`, undefined],
        ['POST', `/entries/${globexService}/reveal`, {}],
        ['GET', '/services/c-globex', undefined],
      ];
      for (const [method, path, body] of attempts) {
        const response = await browser.api(method, path, body, csrf);
        expect(response.status, `${method} ${path}: ${response.text}`).to.equal(404);
        expect(response.text).not.to.contain('globex-');
      }
      expect(await snapshotTables(h.vault)).to.deep.equal(before);
      // In-process, the same admin reveals it: the session, not the actor, is what stops it.
      expect((await h.vault.lk.entries.reveal(sam, globexEntry)).password?.expose()).to.equal('globex-dns-pw');
    });

    it('cannot file an entry under another client or none, link another ticket, or share with another client: 403', async () => {
      const { browser, csrf } = await ticketSidebar('a-sam');
      const before = await snapshotTables(h.vault);
      const refused: Array<[string, string, unknown]> = [
        ['POST', '/entries', { name: 'Smuggled', clientId: 'c-globex' }],
        ['POST', '/entries', { name: 'Unfiled' }],
        ['POST', '/entries', { name: 'Other ticket', clientId: 'c-acme', ticketId: 't-999' }],
        ['POST', '/entries', { name: 'Shared away', clientId: 'c-acme', grants: [{ kind: 'client', id: 'c-globex' }] }],
        ['PUT', `/entries/${acmeEntry}/grants`, { version: 1, grants: [{ kind: 'client', id: 'c-globex' }] }],
        ['PUT', `/entries/${acmeEntry}/grants`, { version: 1, grants: [{ kind: 'contact', id: 'k-globex-ops' }] }],
        ['PATCH', `/entries/${acmeEntry}`, { version: 1, ticketId: 't-999' }],
      ];
      for (const [method, path, body] of refused) {
        const response = await browser.api(method, path, body, csrf);
        expect(response.status, `${method} ${path} ${JSON.stringify(body)}: ${response.text}`).to.equal(403);
      }
      expect(await snapshotTables(h.vault)).to.deep.equal(before);
    });

    it('opens neither the addon pages nor another panel, even for the addon manager: 404 pages, 403 addon API', async () => {
      const { browser, csrf } = await ticketSidebar('a-owner');
      for (const path of ['/frame/adminPages?page=settings', '/frame/adminPages', '/frame/clientSummary?clientId=c-globex',
        '/frame/clientSummary?clientId=c-acme', '/frame/ticketSidebar?ticketId=t-999', '/frame/clientArea']) {
        const page = await browser.get(`${BASE}${path}`);
        expect(page.status, path).to.equal(404);
        expect(page.text).not.to.contain('lk-panel');
      }
      const before = await snapshotTables(h.vault);
      const addon: Array<[string, string, unknown]> = [
        ['GET', '/settings', undefined],
        ['PATCH', '/settings', { historyDepth: 3 }],
        ['GET', '/audit', undefined],
        ['GET', '/categories', undefined],
        ['POST', '/categories', { name: 'Sidebar category' }],
        ['GET', '/clients?search=glo', undefined],
        ['GET', '/contacts?search=glo', undefined],
        ['GET', '/category-members?search=glo', undefined],
        ['POST', '/mail/preview', {}],
        ['POST', '/addon/zendesk-links/link', {}],
      ];
      for (const [method, path, body] of addon) {
        const response = await browser.api(method, path, body, csrf);
        expect(response.status, `${method} ${path}: ${response.text}`).to.equal(403);
      }
      // Another client's contacts are outside the panel's reach: not found, as its entries are.
      const otherContacts = await browser.api('GET', '/clients/c-globex/contacts', undefined, csrf);
      expect(otherContacts.status, otherContacts.text).to.equal(404);
      expect(await snapshotTables(h.vault)).to.deep.equal(before);
    });

    it('works in full for its own client and ticket: list, reveal, create linked to the ticket, edit, share with its contact, history', async () => {
      const { browser, csrf } = await ticketSidebar('a-sam');
      const revealed = await browser.api('POST', `/entries/${acmeEntry}/reveal`, {}, csrf);
      expect(revealed.status, revealed.text).to.equal(200);
      expect(revealed.json()).to.include({ password: 'acme-mail-pw' });
      const service = (await h.vault.lk.serviceCredentials.list(owner, 'c-acme'))[0]!.id;
      expect((await browser.api('POST', `/entries/${service}/reveal`, {}, csrf)).status).to.equal(200);
      expect((await browser.api('GET', '/services/c-acme')).status).to.equal(200);
      const created = await browser.api('POST', '/entries', { name: 'Ticket router', password: 'r1', clientId: 'c-acme', ticketId: 't-100' }, csrf);
      expect(created.status, created.text).to.equal(201);
      const id = created.json<{ id: string }>().id;
      const edited = await browser.api('PATCH', `/entries/${id}`, { version: 1, password: 'r2' }, csrf);
      expect(edited.status, edited.text).to.equal(200);
      const shared = await browser.api('PUT', `/entries/${id}/grants`, { version: 2, grants: [{ kind: 'contact', id: 'k-acme-dev' }, { kind: 'admin', id: 'a-sys' }] }, csrf);
      expect(shared.status, shared.text).to.equal(200);
      const found = await browser.api('GET', `/entries/${id}/share-targets?search=acme`);
      expect(found.json<{ items: Array<{ id: string }> }>().items.map((t) => t.id), found.text).to.include('k-acme-dev');
      const history = await browser.api('GET', `/entries/${id}/history`);
      expect(history.status, history.text).to.equal(200);
      expect((await browser.api('GET', `/entries?ticketId=t-100`)).status).to.equal(200);
      expect((await browser.api('POST', '/password', {}, csrf)).status).to.equal(200);
      const frame = await browser.get(`${BASE}/frame/ticketSidebar?ticketId=t-100`);
      expect(frame.status).to.equal(200);
      expect(frame.text).to.contain('Ticket router');
    });
  });

  describe('a client-summary session (client Acme)', () => {
    it('is confined to its client the same way', async () => {
      const { browser, csrf } = await enter('admin:a-sam', { place: 'clientSummary', clientId: 'c-acme' });
      expect(names(await browser.api('GET', '/entries'))).to.include(ACME_ENTRY).and.not.to.include(GLOBEX_ENTRY);
      expect((await browser.api('GET', '/entries?clientId=c-globex')).status).to.equal(404);
      expect((await browser.api('POST', `/entries/${globexEntry}/reveal`, {}, csrf)).status).to.equal(404);
      expect((await browser.api('POST', `/entries/${acmeEntry}/reveal`, {}, csrf)).status).to.equal(200);
      expect((await browser.get(`${BASE}/frame/clientSummary?clientId=c-globex`)).status).to.equal(404);
      expect((await browser.get(`${BASE}/frame/clientSummary?clientId=c-acme`)).status).to.equal(200);
    });
  });

  describe('one browser showing several panels', () => {
    it('keeps each panel its tokens opened, and nothing besides', async () => {
      const acmeSummary = await enter('admin:a-sam', { place: 'clientSummary', clientId: 'c-acme' });
      const browser = acmeSummary.browser;
      const globexSummary = await enter('admin:a-sam', { place: 'clientSummary', clientId: 'c-globex' }, browser);
      expect((await browser.get(`${BASE}/frame/clientSummary?clientId=c-acme`)).status).to.equal(200);
      expect((await browser.get(`${BASE}/frame/clientSummary?clientId=c-globex`)).status).to.equal(200);
      expect((await browser.api('POST', `/entries/${acmeEntry}/reveal`, {}, acmeSummary.csrf)).status).to.equal(200);
      expect((await browser.api('POST', `/entries/${globexEntry}/reveal`, {}, globexSummary.csrf)).status).to.equal(200);
      // With two clients open, a list names the one it wants.
      const unnamed = await browser.api('GET', '/entries');
      expect(unnamed.status, unnamed.text).to.equal(400);
      expect(unnamed.json()).to.include({ field: 'clientId' });
      expect(names(await browser.api('GET', '/entries?clientId=c-globex'))).to.deep.equal([GLOBEX_ENTRY]);
      // Still nothing unfiled, no sharing across the two, no addon pages.
      expect(names(await browser.api('GET', '/entries?clientId=c-acme'))).not.to.include(SAM_PRIVATE);
      const across = await browser.api('PUT', `/entries/${acmeEntry}/grants`, { version: 1, grants: [{ kind: 'client', id: 'c-globex' }] }, acmeSummary.csrf);
      expect(across.status, across.text).to.equal(403);
      expect((await browser.get(`${BASE}/frame/adminPages`)).status).to.equal(404);
      expect((await browser.api('GET', '/settings')).status).to.equal(403);
    });

    it('two panels loading together, as two summaries on one page do, both open', async () => {
      const browser = h.browser();
      const tokens = await Promise.all(['c-acme', 'c-globex'].map((clientId) => signEmbed(embed.secret, { sub: 'admin:a-sam', ctx: { place: 'clientSummary', clientId } })));
      const entered = await Promise.all(tokens.map((token) => browser.get(`${BASE}/embed?token=${encodeURIComponent(token)}`)));
      expect(entered.map((r) => r.status)).to.deep.equal([303, 303]);
      const frames = await Promise.all(entered.map((r) => browser.get(r.headers.get('location')!)));
      expect(frames.map((r) => r.status)).to.deep.equal([200, 200]);
      expect(frames[0]!.text).to.contain(ACME_ENTRY);
      expect(frames[1]!.text).to.contain(GLOBEX_ENTRY);
    });

    it('a token for another user starts afresh: the first user’s panels are closed to the second', async () => {
      const { browser } = await enter('admin:a-sam', { place: 'clientSummary', clientId: 'c-acme' });
      await enter('admin:a-sys', { place: 'clientSummary', clientId: 'c-globex' }, browser);
      expect((await browser.get(`${BASE}/frame/clientSummary?clientId=c-acme`)).status).to.equal(404);
      expect((await browser.api('GET', `/entries/${acmeEntry}`)).status).to.equal(404);
    });
  });

  describe('sessions that keep their wider scope', () => {
    it('the addon pages session reaches every client the admin may, and the addon’s own pages', async () => {
      const { browser, csrf } = await enter('admin:a-owner', { place: 'adminPages', page: 'entries' });
      expect(names(await browser.api('GET', '/entries'))).to.include.members([ACME_ENTRY, GLOBEX_ENTRY]);
      expect((await browser.api('POST', `/entries/${globexEntry}/reveal`, {}, csrf)).status).to.equal(200);
      expect((await browser.api('GET', '/settings')).status).to.equal(200);
      expect((await browser.get(`${BASE}/frame/adminPages?page=audit`)).status).to.equal(200);
      // The addon pages are its place: not a client's panel.
      expect((await browser.get(`${BASE}/frame/clientSummary?clientId=c-acme`)).status).to.equal(404);
    });

    it('the client-area session keeps the client’s own area; an admin’s client-area token reaches nothing', async () => {
      const client = await enter('client:c-acme', { place: 'clientArea' });
      expect(names(await client.browser.api('GET', '/entries'))).to.include(ACME_ENTRY).and.not.to.include(GLOBEX_ENTRY);
      expect((await client.browser.api('POST', '/categories', { name: 'Mine' }, client.csrf)).status).to.equal(201);
      expect((await client.browser.get(`${BASE}/frame/adminPages`)).status).to.equal(404);

      const browser = h.browser();
      const entered = await browser.get(`${BASE}/embed?token=${encodeURIComponent(await signEmbed(embed.secret, { sub: 'admin:a-owner', ctx: { place: 'clientArea' } }))}`);
      expect(entered.status).to.equal(303);
      expect((await browser.api('GET', '/entries')).status).to.equal(404);
      expect((await browser.api('GET', `/entries/${acmeEntry}`)).status).to.equal(404);
      expect((await browser.api('GET', '/settings')).status).to.equal(403);
    });
  });
}

forEachDatabase('HTTP: a frame session reaches only the place and context its token named', frameScopeSuite);
