import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Actor, HookPlace } from '../../core/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { snapshotTables } from '../support/table-rows.ts';
import { acme, acmeDev, globex, owner, sam } from '../support/host-fixture.ts';
import { BASE, Harness, hs256Embed, signEmbed, subjectOf, type Browser, type HttpResponse } from './harness.ts';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * A random tag in every secret of this run (letters and digits 2-7 only, so it
 * survives HTML and JSON escaping unchanged and fits in a base32 TOTP seed).
 * Nothing but secrets carries it, so finding it anywhere is a leak.
 */
const TAG = [...randomBytes(14)].map((b) => BASE32[b % 32]).join('');

const S = {
  password1: `pw1-${TAG}-one`,
  password1New: `pw1new-${TAG}-two`,
  password2: `pw2-${TAG}-client`,
  notes1: `notes1-${TAG} admin notes`,
  notes2: `notes2-${TAG} client notes`,
  notes2New: `notes2new-${TAG} changed`,
  totp1: `LKSEEDA${TAG.toUpperCase()}`,
  totp2: `LKSEEDB${TAG.toUpperCase()}`,
  ticketPassword: `pw3-${TAG}-ticket`,
  // Refused input: must be neither echoed nor stored.
  refused: `refused-${TAG}-0189`, // 0, 1, 8, 9: never a valid base32 seed
};

/** The host's own service passwords (host-fixture): secrets too, though we never store them. */
const SERVICE_PASSWORDS = ['acme-vps-root-pw', 'acme-cpanel-pw', 'globex-vps-pw'];

/** Ways a secret could show up: as is, URL-encoded, hex, or base64 at any alignment. */
function leakForms(secret: string): string[] {
  const forms = [secret, encodeURIComponent(secret), Buffer.from(secret).toString('hex')];
  for (let shift = 0; shift < 3; shift += 1) {
    const tail = secret.slice(shift);
    const whole = tail.slice(0, Math.floor(tail.length / 3) * 3);
    if (whole.length >= 9) forms.push(Buffer.from(whole).toString('base64'), Buffer.from(whole).toString('base64url'));
  }
  return forms;
}

const FORMS = [TAG, ...SERVICE_PASSWORDS].flatMap(leakForms);

/** Everything a response shows: status line aside, its headers and its body. */
function exposed(response: HttpResponse): string {
  const headers = [...response.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n');
  return `${headers}\n\n${response.text}`;
}

function expectNoSecret(label: string, response: HttpResponse): void {
  const text = exposed(response);
  const lower = text.toLowerCase();
  for (const form of FORMS) {
    const at = lower.indexOf(form.toLowerCase());
    if (at >= 0) {
      expect.fail(`${label} (${response.status}) contains a secret ("${form}"): …${text.slice(Math.max(0, at - 120), at + 80)}…`);
    }
  }
}

interface World {
  h: Harness;
  ids: { adminEntry: string; clientEntry: string; ticketEntry: string; adminCategory: string; clientCategory: string; history1: string; history2: string };
  /** A browser logged in to the host as this actor (with a panel open, so it holds a CSRF token). */
  as(actor: Actor): Promise<{ browser: Browser; csrf: string }>;
  /** A framed browser, entered with a fresh embed token. */
  framed(actor: Actor, ctx: Record<string, string>): Promise<{ browser: Browser; location: string; entered: HttpResponse }>;
}

interface Probe {
  label: string;
  run(w: World): Promise<HttpResponse | HttpResponse[]>;
}

const PLACES: Array<[HookPlace, Record<string, string>]> = [
  ['clientSummary', { clientId: 'c-acme' }],
  ['clientSummary', { clientId: 'c-globex' }],
  ['ticketSidebar', { ticketId: 't-100' }],
  ['clientArea', {}],
  ['clientArea', { language: 'de' }],
  ['adminPages', {}],
  ...(['dashboard', 'entries', 'categories', 'settings', 'audit', 'tokens'] as const).map((page): [HookPlace, Record<string, string>] => ['adminPages', { page }]),
  ['adminPages', { page: 'entries', search: 'Router' }],
  ['adminPages', { page: 'audit', action: 'entry.reveal' }],
];

const ACTORS: Array<[string, Actor]> = [['owner', owner], ['sam', sam], ['acme', acme], ['acmeDev', acmeDev], ['globex', globex]];

const probes: Probe[] = [];

// Host pages with a fragment, every place, as admins and clients (those a place hides give the host's 404).
for (const [name, actor] of ACTORS) {
  for (const [place, context] of PLACES) {
    probes.push({
      label: `host page ${place} ${JSON.stringify(context)} as ${name}`,
      run: async (w) => (await w.as(actor)).browser.get(`/host/page/${place}?${new URLSearchParams(context)}`),
    });
  }
}

// Framed pages, entered with embed tokens: the redirect itself and the page.
for (const [name, actor] of ACTORS) {
  for (const [place, context] of PLACES) {
    probes.push({
      label: `frame ${place} ${JSON.stringify(context)} as ${name}`,
      run: async (w) => {
        const { browser, location, entered } = await w.framed(actor, { place, ...context });
        const extra = new URLSearchParams(Object.entries(context).filter(([k]) => !['clientId', 'ticketId', 'page', 'language'].includes(k)));
        return [entered, await browser.get(`${location}${extra.size ? `${location.includes('?') ? '&' : '?'}${extra}` : ''}`)];
      },
    });
  }
}

probes.push(
  { label: 'frame page without a session', run: (w) => w.h.browser().get(`${BASE}/frame/clientArea`) },
  { label: 'frame page of an unknown place', run: async (w) => (await w.framed(owner, { place: 'adminPages' })).browser.get(`${BASE}/frame/nowhere`) },
  { label: 'frame page for a client it may not see', run: async (w) => (await w.framed(acme, { place: 'clientArea' })).browser.get(`${BASE}/frame/clientSummary?clientId=c-acme`) },
  { label: 'refused embed token', run: (w) => w.h.browser().get(`${BASE}/embed?token=${encodeURIComponent(`x.${Buffer.from(S.refused).toString('base64url')}.y`)}`) },
  { label: 'assets', run: (w) => Promise.all(['latchkey.js', 'latchkey.css', 'nope.js'].map((f) => w.h.browser().get(`${BASE}/assets/${f}`))) },
);

// API reads, as everyone.
for (const [name, actor] of ACTORS) {
  probes.push({
    label: `API reads as ${name}`,
    run: async (w) => {
      const { browser } = await w.as(actor);
      const { adminEntry, clientEntry, ticketEntry } = w.ids;
      const paths = [
        '/entries', '/entries?clientId=c-acme', '/entries?search=Router', '/entries?ticketId=t-100', `/entries?categoryId=${w.ids.adminCategory}`,
        `/entries/${adminEntry}`, `/entries/${clientEntry}`, `/entries/${ticketEntry}`,
        '/entries/service:s-acme-vps', '/entries/service:s-globex-vps',
        `/entries/${adminEntry}/history`, `/entries/${clientEntry}/history`,
        '/services/c-acme', '/services/c-globex',
        '/categories', '/settings', '/audit', `/audit?entryId=${adminEntry}`, '/audit?action=entry.reveal', '/audit?limit=500',
      ];
      return Promise.all(paths.map((p) => browser.api('GET', p)));
    },
  });
}

// Error responses, including validation errors on requests that carry secrets.
probes.push(
  {
    label: 'validation errors on entry writes carrying secrets',
    run: async (w) => {
      const { browser, csrf } = await w.as(owner);
      const { adminEntry } = w.ids;
      const bodies: Array<[string, string, unknown]> = [
        ['POST', '/entries', { name: '', password: S.refused }],
        ['POST', '/entries', { name: 'x', password: S.refused, totpSecret: `not base32 ${S.refused}` }],
        ['POST', '/entries', { name: 'x', totpSecret: S.refused }],
        ['POST', '/entries', { name: 'x', password: `${S.refused}${'x'.repeat(5000)}` }],
        ['POST', '/entries', { name: 'x', notes: { nested: S.refused } }],
        ['POST', '/entries', { name: 'x', passwd: S.refused }],
        ['POST', '/entries', { name: 'x', password: S.refused, clientId: S.refused }],
        ['POST', '/entries', { name: 'x', password: S.refused, loginUrl: `javascript:${S.refused}` }],
        ['POST', '/entries', { name: 'x', password: S.refused, categoryId: S.refused }],
        ['POST', '/entries', { name: 'x', password: S.refused, grants: [{ kind: 'admin', id: 'a-nobody', canEdit: S.refused }] }],
        ['POST', '/entries', { name: 'x', password: S.refused, grants: [{ kind: S.refused, id: 'a-sam' }] }],
        ['PATCH', `/entries/${adminEntry}`, { version: 'two', password: S.refused }],
        ['PATCH', `/entries/${adminEntry}`, { version: 1, password: S.refused }],
        ['PATCH', `/entries/${adminEntry}`, { version: 2, password: S.refused, passwordd: S.refused }],
        ['PATCH', `/entries/${adminEntry}`, { version: 2, notes: S.refused, serviceId: 's-globex-vps' }],
        ['PATCH', '/entries/0190aaaa-0000-7000-8000-000000000000', { version: 1, password: S.refused }],
        ['PATCH', '/entries/service:s-acme-vps', { version: 1, password: S.refused }],
        ['PUT', `/entries/${adminEntry}/grants`, { version: 2, grants: [{ kind: 'admin', id: S.refused }] }],
        ['PATCH', '/settings', { historyDepth: S.refused }],
        ['PATCH', '/settings', { adminAccessMode: S.refused }],
        ['POST', '/categories', { name: 'x', members: [{ kind: 'admin', id: S.refused }] }],
        ['POST', '/password', { length: S.refused }],
        ['POST', '/language', { language: S.refused }],
      ];
      const responses: HttpResponse[] = [];
      const before = await snapshotTables(w.h.vault);
      for (const [method, path, body] of bodies) {
        const response = await browser.api(method, path, body, csrf);
        expect(response.status, `${method} ${path} ${response.text}`).to.be.within(400, 499);
        responses.push(response);
      }
      responses.push(await browser.send('POST', `${BASE}/api/entries`, { raw: { body: `{"name":"x","password":"${S.refused}"`, type: 'application/json' }, csrf }));
      responses.push(await browser.send('POST', `${BASE}/api/entries`, { raw: { body: `password=${S.refused}`, type: 'application/x-www-form-urlencoded' }, csrf }));
      responses.push(await browser.send('POST', `${BASE}/api/entries`, { raw: { body: JSON.stringify({ name: 'x', notes: `${S.refused}${'n'.repeat(300_000)}` }), type: 'application/json' }, csrf }));
      expect(await snapshotTables(w.h.vault), 'refused input is not stored').to.deep.equal(before);
      return responses;
    },
  },
  {
    label: 'refusals: 401, 403 (CSRF and policy), 404',
    run: async (w) => {
      const { browser: client, csrf } = await w.as(globex);
      const anonymous = w.h.browser();
      return [
        await anonymous.api('GET', `/entries/${w.ids.adminEntry}`),
        await anonymous.api('POST', `/entries/${w.ids.adminEntry}/reveal`),
        await client.api('POST', `/entries/${w.ids.clientEntry}/reveal`, undefined, csrf),
        await client.api('POST', `/entries/${w.ids.clientEntry}/reveal`, undefined, null),
        await client.api('POST', `/entries/${w.ids.clientEntry}/history/${w.ids.history2}/reveal`, undefined, csrf),
        await client.api('GET', `/entries/${w.ids.clientEntry}/history`),
        await client.api('GET', '/settings'),
        await client.api('GET', '/audit'),
        await client.api('GET', '/entries/service:s-acme-vps'),
        await client.api('POST', '/entries/service:s-acme-vps/reveal', undefined, csrf),
        await client.api('GET', `/api/unknown/${w.ids.adminEntry}`),
      ];
    },
  },
  {
    label: 'write responses (create, update, share, category, settings)',
    run: async (w) => {
      const { browser, csrf } = await w.as(acme);
      const created = await browser.api('POST', '/entries', { name: 'Written', password: `w-${TAG}`, notes: `wn-${TAG}`, totpSecret: `LKSEEDC${TAG.toUpperCase()}` }, csrf);
      expect(created.status, created.text).to.equal(201);
      const id = created.json<{ id: string }>().id;
      const updated = await browser.api('PATCH', `/entries/${id}`, { version: 1, password: `w2-${TAG}`, notes: null }, csrf);
      const shared = await browser.api('PUT', `/entries/${id}/grants`, { version: 2, grants: [{ kind: 'contact', id: 'k-acme-dev' }], sharedWithAdmin: true }, csrf);
      const history = await browser.api('GET', `/entries/${id}/history`);
      const category = await browser.api('POST', '/categories', { name: 'Written category', members: [{ kind: 'contact', id: 'k-acme-dev' }] }, csrf);
      const filed = await browser.api('PATCH', `/entries/${id}`, { version: 3, categoryId: category.json<{ id: string }>().id }, csrf);
      const deleted = await browser.api('DELETE', `/entries/${id}?version=4`, undefined, csrf);
      const { browser: admin, csrf: adminCsrf } = await w.as(owner);
      const settings = await admin.api('PATCH', '/settings', { historyDepth: 10 }, adminCsrf);
      const audit = await admin.api('GET', `/audit?entryId=${id}`);
      return [created, updated, shared, history, category, filed, deleted, settings, audit];
    },
  },
);

forEachDatabase('HTTP: no response but reveal carries a secret', (db) => {
  const embed = hs256Embed();
  const w = {} as World;

  before(async () => {
    const h = await Harness.start(db, { embed });
    const { lk } = h.vault;
    await lk.settings.update(owner, { adminAccessMode: 'full' });
    const adminCategory = await lk.categories.create(owner, { name: 'Network gear', members: [{ kind: 'admin_role', id: 'r-support' }] });
    const clientCategory = await lk.categories.create(acme, { name: 'Mail boxes', members: [{ kind: 'contact', id: 'k-acme-dev' }] });
    const adminEntry = await lk.entries.create(owner, {
      name: 'Router', username: 'admin', password: S.password1, notes: S.notes1, totpSecret: S.totp1,
      clientId: 'c-acme', categoryId: adminCategory.id, loginUrl: 'https://router.acme.test/login',
      grants: [{ kind: 'admin', id: 'a-sam', canEdit: true }, { kind: 'client', id: 'c-acme' }],
    });
    await lk.entries.update(owner, adminEntry.id, { version: 1, password: S.password1New });
    const clientEntry = await lk.entries.create(acme, {
      name: 'Mailbox', username: 'ann@acme.test', password: S.password2, notes: S.notes2, totpSecret: S.totp2,
      sharedWithAdmin: true, categoryId: clientCategory.id, serviceId: 's-acme-web', grants: [{ kind: 'contact', id: 'k-acme-dev', canEdit: true }],
    });
    await lk.entries.update(acme, clientEntry.id, { version: 1, notes: S.notes2New, password: `${S.password2}-b` });
    const ticketEntry = await lk.entries.create(sam, { name: 'Ticket login', password: S.ticketPassword, clientId: 'c-acme', ticketId: 't-100' });
    // Reveals leave audit events behind; the audit pages must show them without the values.
    await lk.entries.reveal(owner, adminEntry.id);
    const [history1] = await lk.entries.history(owner, adminEntry.id);
    const [history2] = await lk.entries.history(acme, clientEntry.id);
    await lk.entries.revealHistory(owner, adminEntry.id, history1!.id);

    Object.assign(w, {
      h,
      ids: {
        adminEntry: adminEntry.id, clientEntry: clientEntry.id, ticketEntry: ticketEntry.id,
        adminCategory: adminCategory.id, clientCategory: clientCategory.id, history1: history1!.id, history2: history2!.id,
      },
      async as(actor: Actor) {
        const browser = h.browser(actor);
        const place: [HookPlace, Record<string, string>] = actor.kind === 'client' ? ['clientArea', {}] : ['clientSummary', { clientId: 'c-acme' }];
        const page = await browser.hostPage(...place);
        expectNoSecret('panel page', page.response);
        return { browser, csrf: page.csrf ?? '' };
      },
      async framed(actor: Actor, ctx: Record<string, string>) {
        const browser = h.browser();
        const token = await signEmbed(embed.secret, { sub: subjectOf(actor), ctx: Object.fromEntries(Object.entries(ctx).filter(([k]) => ['place', 'clientId', 'ticketId', 'page', 'language'].includes(k))) });
        const entered = await browser.get(`${BASE}/embed?token=${token}`);
        expect(entered.status, entered.text).to.equal(303);
        return { browser, location: entered.headers.get('location')!, entered };
      },
    } satisfies World);
  });
  after(async () => { await w.h.close(); });

  it('the panels really show these entries (so the scan is not vacuous)', async () => {
    const { browser } = await w.as(owner);
    const page = await browser.get('/host/page/clientSummary?clientId=c-acme');
    for (const name of ['Router', 'Mailbox', 'vps1.acme.test']) expect(page.text).to.contain(name);
    const sidebar = await (await w.as(sam)).browser.get('/host/page/ticketSidebar?ticketId=t-100');
    for (const name of ['Router', 'Mailbox', 'Ticket login', 'vps1.acme.test']) expect(sidebar.text).to.contain(name);
    const client = await (await w.as(acme)).browser.get('/host/page/clientArea');
    for (const name of ['Router', 'Mailbox', 'vps1.acme.test']) expect(client.text).to.contain(name);
  });

  for (const probe of probes) {
    it(`${probe.label}: no secret`, async () => {
      const result = await probe.run(w);
      for (const [i, response] of (Array.isArray(result) ? result : [result]).entries()) expectNoSecret(`${probe.label} #${i}`, response);
    });
  }

  describe('the responses that do carry secrets', () => {
    it('the scan finds a secret where there is one (reveal), in any of its encodings', async () => {
      const { browser, csrf } = await w.as(acme);
      const response = await browser.api('POST', `/entries/${w.ids.clientEntry}/reveal`, undefined, csrf);
      expect(response.status, response.text).to.equal(200);
      expect(() => expectNoSecret('reveal', response)).to.throw(/contains a secret/);
      const encoded = (text: string): HttpResponse => ({ ...response, text, headers: new Headers() });
      for (const form of [Buffer.from(`xx${S.password2}`).toString('base64'), Buffer.from(`x${S.notes2}`).toString('base64url'),
        Buffer.from(S.password2).toString('hex'), encodeURIComponent(S.notes2), S.totp2.toLowerCase()]) {
        expect(() => expectNoSecret('encoded', encoded(`<p data-x="${form}">`)), form).to.throw(/contains a secret/);
      }
    });

    it('reveal returns password, notes and a TOTP code (never the seed), with Cache-Control: no-store', async () => {
      const { browser, csrf } = await w.as(owner);
      const response = await browser.api('POST', `/entries/${w.ids.adminEntry}/reveal`, undefined, csrf);
      expect(response.status, response.text).to.equal(200);
      expect(response.headers.get('cache-control')).to.equal('no-store');
      const body = response.json<{ password: string; notes: string; totpCode: string; totpSecondsLeft: number }>();
      expect(body.password).to.equal(S.password1New);
      expect(body.notes).to.equal(S.notes1);
      expect(body.totpCode).to.match(/^\d{6}$/);
      expect(response.text.toUpperCase()).to.not.contain(S.totp1);
    });

    it('reveal of service credentials returns the host password, with no-store', async () => {
      const { browser, csrf } = await w.as(acme);
      const response = await browser.api('POST', '/entries/service:s-acme-vps/reveal', undefined, csrf);
      expect(response.status, response.text).to.equal(200);
      expect(response.headers.get('cache-control')).to.equal('no-store');
      expect(response.json()).to.include({ password: 'acme-vps-root-pw' });
    });

    it('history reveal returns the old password, with no-store', async () => {
      const { browser, csrf } = await w.as(owner);
      const response = await browser.api('POST', `/entries/${w.ids.adminEntry}/history/${w.ids.history1}/reveal`, undefined, csrf);
      expect(response.status, response.text).to.equal(200);
      expect(response.headers.get('cache-control')).to.equal('no-store');
      expect(response.json()).to.deep.equal({ password: S.password1 });
    });

    it('the generated password comes with no-store', async () => {
      const { browser, csrf } = await w.as(acme);
      const response = await browser.api('POST', '/password', { length: 32, symbols: false }, csrf);
      expect(response.status, response.text).to.equal(200);
      expect(response.headers.get('cache-control')).to.equal('no-store');
      expect(response.json<{ password: string }>().password).to.match(/^[A-Za-z0-9]{32}$/);
    });

    it('pages with a panel, frame pages and every API answer are no-store too', async () => {
      const { browser } = await w.as(owner);
      expect((await browser.get('/host/page/clientSummary?clientId=c-acme')).headers.get('cache-control')).to.equal('no-store');
      for (const path of ['/entries', `/entries/${w.ids.adminEntry}`, `/entries/${w.ids.adminEntry}/history`, '/categories', '/settings', '/audit', '/entries/nope']) {
        expect((await browser.api('GET', path)).headers.get('cache-control'), path).to.equal('no-store');
      }
      const { browser: framed, location } = await w.framed(owner, { place: 'adminPages' });
      expect((await framed.get(location)).headers.get('cache-control')).to.equal('no-store');
    });
  });
});
