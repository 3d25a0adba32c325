import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { SignJWT } from 'jose';
import { Browser, type HttpResponse } from '../express/harness.ts';
import { forEachDatabase, type TestDatabase } from '../support/databases.ts';
import { owner } from '../support/host-fixture.ts';
import {
  ACME_ENTRY, AUDIENCE, BASE, GLOBEX_ENTRY, ISSUER, SUBDOMAIN, ZD, ZENDESK_BASE, ZendeskHost, ZendeskSigner,
} from './support.ts';
import type { ZendeskLocation } from '../../adapters/zendesk/index.ts';

const now = () => Math.floor(Date.now() / 1000);

/** Zendesk's first load of a location: the token POSTed in the form field `token`. */
function post(h: ZendeskHost, browser: Browser, token: string, location: ZendeskLocation = 'ticket_sidebar', query?: Record<string, string>): Promise<HttpResponse> {
  return browser.send('POST', h.entryPath(location, undefined, query), { form: { token } });
}

/** Refused: the status, Latchkey's message page, no redirect, no cookie at all. */
function expectRefused(response: HttpResponse, status = 401): void {
  expect(response.status, response.text.slice(0, 300)).to.equal(status);
  expect(response.headers.get('location')).to.equal(null);
  expect(response.setCookies, 'no cookie').to.deep.equal([]);
  expect(response.headers.get('content-type')).to.match(/^text\/html/);
  expect(response.headers.get('cache-control')).to.equal('no-store');
  expect(response.text).to.contain('lk-message');
}

interface Opened {
  browser: Browser;
  frameUrl: string;
  frame: HttpResponse;
}

/**
 * The whole flow over HTTP, as the iframe's browser makes it: POST the token,
 * follow to the hand-off page, come back with what ZAF said, follow to the frame.
 */
async function open(h: ZendeskHost, token: string, location: ZendeskLocation, zaf: Record<string, string>): Promise<Opened> {
  const browser = new Browser(h.origin);
  const entered = await post(h, browser, token, location);
  expect(entered.status, h.logs.slice(-3).join("\n")).to.equal(303);
  expect(entered.setCookies, 'no session before the client is known').to.deep.equal([]);
  const contextUrl = entered.headers.get('location')!;
  expect(contextUrl.startsWith(`${ZENDESK_BASE}/context/${location}?`), contextUrl).to.equal(true);
  const page = await browser.get(contextUrl);
  expect(page.status).to.equal(200);
  const handoff = /data-handoff="([^"]+)"/.exec(page.text)?.[1];
  expect(handoff, 'the hand-off page carries the hand-off').to.be.a('string');
  const back = await browser.get(`${ZENDESK_BASE}/open?${new URLSearchParams({ handoff: handoff!, ...zaf })}`);
  expect(back.status, h.logs.slice(-3).join("\n")).to.equal(303);
  const frameCookie = back.setCookies.find((c) => c.startsWith('lk_frame_'));
  expect(frameCookie, 'frame-session cookie').to.be.a('string');
  expect(frameCookie).to.match(/; HttpOnly/i).and.to.match(/; Path=\/latchkey(;|$)/);
  const frameUrl = back.headers.get('location')!;
  const frame = await browser.get(frameUrl);
  return { browser, frameUrl, frame };
}

function entrySuite(db: TestDatabase): void {
  let h: ZendeskHost;
  before(async () => {
    h = await ZendeskHost.start(db);
    await h.seed();
  });
  after(async () => { await h.close(); });

  const sign = (claims: Parameters<ZendeskSigner['sign']>[0] = {}, options?: Parameters<ZendeskSigner['sign']>[1]) => h.signer.sign(claims, options);

  describe('a token Zendesk signed', () => {
    it('opens the ticket sidebar of the requester’s client for an allowed agent, who sees its entries', async () => {
      const { frameUrl, frame } = await open(h, await sign(), 'ticket_sidebar', { ticket: ZD.acmeTicket, requester: ZD.acmeRequester, subject: 'VPN down', language: 'fr-FR' });
      expect(frameUrl).to.equal(`${BASE}/frame/ticketSidebar?ticketId=zendesk%3A${ZD.acmeTicket}&language=fr`);
      expect(frame.status, frame.text.slice(0, 500)).to.equal(200);
      expect(frame.text).to.contain('lang="fr"').and.to.contain('Acme Ltd').and.to.contain(ACME_ENTRY);
      expect(frame.text).not.to.contain(GLOBEX_ENTRY);
      // The ticket is remembered for the client, for Latchkey's ticket look-ups.
      const ticket = (await h.vault.lk.host.tickets([`zendesk:${ZD.acmeTicket}`])).get(`zendesk:${ZD.acmeTicket}`);
      expect(ticket).to.deep.include({ clientId: 'c-acme', subject: 'VPN down' });
    });

    it('shows a not-allowed agent the same sidebar without the client’s entries', async () => {
      const { frame } = await open(h, await sign({ sub: ZD.sidAgent }), 'ticket_sidebar', { ticket: ZD.acmeTicket, requester: ZD.acmeRequester });
      expect(frame.status).to.equal(200);
      expect(frame.text).to.contain('Acme Ltd');
      expect(frame.text).not.to.contain(ACME_ENTRY);
      expect(frame.text).not.to.contain('acme-vps-root-pw');
    });

    it('maps a ticket by its organization, or the requester’s email, when the requester is not linked', async () => {
      const byOrg = await open(h, await sign(), 'ticket_sidebar', { ticket: ZD.globexTicket, requester: ZD.unlinkedRequester, organization: ZD.globexOrganization });
      expect(byOrg.frame.text).to.contain('Globex').and.to.contain(GLOBEX_ENTRY).and.not.to.contain(ACME_ENTRY);
      const byEmail = await open(h, await sign(), 'ticket_sidebar', { ticket: '4444', requester: ZD.unlinkedRequester, requesterEmail: 'OPS2@globex.test' });
      expect(byEmail.frame.text).to.contain(GLOBEX_ENTRY);
    });

    it('opens the client summary in the user and organization sidebars', async () => {
      const user = await open(h, await sign({ context: { product: 'support', location: 'user_sidebar' } }), 'user_sidebar', { user: ZD.acmeRequester });
      expect(user.frameUrl, h.logs.join("\n")).to.equal(`${BASE}/frame/clientSummary?clientId=c-acme`);
      expect(user.frame.text).to.contain(ACME_ENTRY);
      const org = await open(h, await sign({ context: { product: 'support', location: 'organization_sidebar' } }), 'organization_sidebar', { organization: ZD.globexOrganization });
      expect(org.frameUrl).to.equal(`${BASE}/frame/clientSummary?clientId=c-globex`);
      expect(org.frame.text).to.contain(GLOBEX_ENTRY);
    });

    it('maps an agent without a link by the email in the token, to the one enabled support admin with it', async () => {
      const { browser, frame } = await open(h, await sign({ sub: ZD.samTwinAgent, email: 'SAM@host.test' }), 'ticket_sidebar', { ticket: ZD.acmeTicket, requester: ZD.acmeRequester });
      expect(frame.status).to.equal(200);
      expect(frame.text).to.contain('Acme Ltd').and.to.contain(ACME_ENTRY);
      const created = await browser.api('POST', '/entries', { name: 'By email', clientId: 'c-acme' }, /data-lk-csrf="([^"]+)"/.exec(frame.text)?.[1]);
      expect(created.status, created.text).to.equal(201);
      expect(created.json<{ owner: unknown }>().owner).to.deep.equal({ kind: 'admin', id: 'a-sam' });
    });

    it('the frame session works for the API: the agent links an entry to this Zendesk ticket, not to another one', async () => {
      const { browser, frame } = await open(h, await sign(), 'ticket_sidebar', { ticket: ZD.acmeTicket, requester: ZD.acmeRequester });
      const csrf = /data-lk-csrf="([^"]+)"/.exec(frame.text)?.[1];
      expect(csrf).to.be.a('string');
      const created = await browser.api('POST', '/entries', { name: 'Ticket 4242 switch', password: 'pw', clientId: 'c-acme', ticketId: `zendesk:${ZD.acmeTicket}` }, csrf);
      expect(created.status, created.text).to.equal(201);
      const events = await h.vault.lk.audit.list(owner, { action: 'entry.create', limit: 1 });
      expect(events[0]!.actor).to.deep.include({ kind: 'admin', id: 'a-sam' });
      const another = await browser.api('POST', '/entries', { name: 'Elsewhere', clientId: 'c-acme', ticketId: 'zendesk:99999' }, csrf);
      expect(another.status, another.text).to.equal(403);
    });

    it('the sidebar’s session stays with the ticket’s client: another client’s entry is not found, the addon pages stay shut', async () => {
      const sam = { kind: 'admin' as const, adminId: 'a-sam' };
      const globexEntry = (await h.vault.lk.entries.list(sam, { clientId: 'c-globex' })).items.find((e) => e.name === GLOBEX_ENTRY)!;
      expect((await h.vault.lk.entries.reveal(sam, globexEntry.id)).password?.expose(), 'in-process, Sam may').to.equal('globex-vpn-pw');
      const { browser, frame } = await open(h, await sign(), 'ticket_sidebar', { ticket: ZD.acmeTicket, requester: ZD.acmeRequester });
      const csrf = /data-lk-csrf="([^"]+)"/.exec(frame.text)?.[1];
      expect((await browser.api('POST', `/entries/${globexEntry.id}/reveal`, {}, csrf)).status).to.equal(404);
      expect((await browser.api('GET', '/entries?clientId=c-globex')).status).to.equal(404);
      const listed = (await browser.api('GET', '/entries')).json<{ items: Array<{ name: string }> }>().items.map((e) => e.name);
      expect(listed).to.include(ACME_ENTRY).and.not.to.include(GLOBEX_ENTRY);
      expect((await browser.get(`${BASE}/frame/adminPages?page=zendesk-links`)).status).to.equal(404);
      expect((await browser.api('POST', '/addon/zendesk-links/link', { kind: 'agent', zendeskId: '1', adminId: 'a-owner' }, csrf)).status).to.equal(403);
    });

    it('in the user sidebar, linking an entry to a ticket Latchkey does not know is refused with 400 naming ticketId', async () => {
      const { browser, frame } = await open(h, await sign({ context: { product: 'support', location: 'user_sidebar' } }), 'user_sidebar', { user: ZD.acmeRequester });
      const csrf = /data-lk-csrf="([^"]+)"/.exec(frame.text)?.[1];
      const unknown = await browser.api('POST', '/entries', { name: 'Nowhere', clientId: 'c-acme', ticketId: 'zendesk:99999' }, csrf);
      expect(unknown.status, unknown.text).to.equal(400);
      expect(unknown.json<{ field: string }>().field).to.equal('ticketId');
    });
  });

  describe('admins who run the addon are linked explicitly, never matched by email', () => {
    const ticket = { ticket: ZD.acmeTicket, requester: ZD.acmeRequester };

    it('an agent with an addon manager’s email gets no session (403), so no addon pages', async () => {
      const browser = new Browser(h.origin);
      expectRefused(await post(h, browser, await sign({ sub: ZD.oliviaAgent, email: 'Olivia@host.test' })), 403);
      expect(h.logs.at(-1)).to.contain(`Zendesk user ${ZD.oliviaAgent} is not linked`);
      expect(h.logs.at(-2)).to.contain('admin a-owner, who runs the addon').and.not.to.contain('olivia@');
      const pages = await browser.get(`${BASE}/frame/adminPages?page=settings`);
      expect(pages.status).to.equal(401);
      expect((await browser.api('GET', '/settings')).status).to.equal(401);
    });

    it('an agent with the email of an admin in an extended-permission role is not matched either', async () => {
      await h.vault.lk.settings.update(owner, { extendedAdminRoleIds: ['r-support'] });
      try {
        expectRefused(await post(h, new Browser(h.origin), await sign({ sub: ZD.samTwinAgent, email: 'sam@host.test' })), 403);
      } finally {
        await h.vault.lk.settings.update(owner, { extendedAdminRoleIds: [] });
      }
      // Back to an ordinary support admin: matched again.
      expect((await post(h, new Browser(h.origin), await sign({ sub: ZD.samTwinAgent, email: 'sam@host.test' }))).status).to.equal(303);
    });

    it('an explicit link to an addon manager still opens the sidebar as that admin', async () => {
      await h.mapping.link({ kind: 'agent', zendeskId: ZD.oliviaAgent, latchkeyId: 'a-owner' });
      try {
        const { browser, frame } = await open(h, await sign({ sub: ZD.oliviaAgent, email: 'olivia@host.test' }), 'ticket_sidebar', ticket);
        expect(frame.status).to.equal(200);
        expect(frame.text).to.contain('Acme Ltd');
        const created = await browser.api('POST', '/entries', { name: 'Linked manager', clientId: 'c-acme' }, /data-lk-csrf="([^"]+)"/.exec(frame.text)?.[1]);
        expect(created.json<{ owner: unknown }>().owner).to.deep.equal({ kind: 'admin', id: 'a-owner' });
      } finally {
        await h.mapping.unlink('agent', ZD.oliviaAgent);
      }
    });
  });

  describe('refused with 401 and no session cookie', () => {
    it('no token, an empty one, garbage, or a token in the URL', async () => {
      const browser = new Browser(h.origin);
      expectRefused(await browser.send('POST', h.entryPath('ticket_sidebar'), { form: {} }));
      expectRefused(await post(h, browser, ''));
      expectRefused(await post(h, browser, 'not-a-jwt'));
      expectRefused(await post(h, browser, 'a.b.c'));
      expectRefused(await browser.get(`${h.entryPath('ticket_sidebar')}&token=${encodeURIComponent(await sign())}`));
    });

    it('each refused token is audited with its reason in a word, never the token', async () => {
      const reasonOf = async (token: string) => {
        expectRefused(await post(h, new Browser(h.origin), token));
        const [event] = await h.vault.lk.audit.list({ kind: 'system' }, { action: 'embedToken.refused', limit: 1 });
        expect(JSON.stringify(event)).not.to.include(token.slice(-16));
        expect(event?.details?.token).to.equal('host');
        return event?.details?.reason;
      };
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      expect(await reasonOf(await sign({}, { key: privateKey }))).to.equal('forged');
      expect(await reasonOf(await sign({ iat: now() - 400, exp: now() - 60 }))).to.equal('expired');
      const used = await sign({ sub: ZD.sidAgent });
      expect((await post(h, new Browser(h.origin), used)).status).to.equal(303);
      expect(await reasonOf(used)).to.equal('replayed');
    });

    it('forged: signed with another key pair', async () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      expectRefused(await post(h, new Browser(h.origin), await sign({}, { key: privateKey })));
    });

    it('tampered: the agent changed after signing', async () => {
      const [header, payload, signature] = (await sign({ sub: ZD.sidAgent })).split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
      const changed = Buffer.from(JSON.stringify({ ...claims, sub: ZD.samAgent })).toString('base64url');
      expectRefused(await post(h, new Browser(h.origin), `${header}.${changed}.${signature}`));
    });

    it('expired, issued more than five minutes ago, or issued in the future', async () => {
      const browser = new Browser(h.origin);
      expectRefused(await post(h, browser, await sign({ iat: now() - 400, exp: now() - 60 })));
      expectRefused(await post(h, browser, await sign({ iat: now() - 400, exp: now() + 3000 })));
      expectRefused(await post(h, browser, await sign({ iat: now() + 600, exp: now() + 900 })));
      expectRefused(await post(h, browser, await sign({ exp: undefined })));
      expectRefused(await post(h, browser, await sign({ iat: undefined })));
    });

    it('another installation or another Zendesk account', async () => {
      const browser = new Browser(h.origin);
      expectRefused(await post(h, browser, await sign({ aud: `https://${SUBDOMAIN}.zendesk.com/api/v2/apps/installations/999.json` })));
      expectRefused(await post(h, browser, await sign({ aud: undefined })));
      expectRefused(await post(h, browser, await sign({ iss: 'evil.zendesk.com', aud: 'https://evil.zendesk.com/api/v2/apps/installations/360001234567.json' })));
      expectRefused(await post(h, browser, await sign({ iss: 'evil.zendesk.com' })));
      expectRefused(await post(h, browser, await sign({ iss: undefined })));
    });

    it('two identical tokens (same agent, location and second): the second counts as a replay', async () => {
      const at = now() - 30;
      const a = await sign({ sub: ZD.sidAgent }, { now: at });
      const b = await sign({ sub: ZD.sidAgent }, { now: at });
      expect(a).to.equal(b);
      expect((await post(h, new Browser(h.origin), a)).status).to.equal(303);
      expectRefused(await post(h, new Browser(h.origin), b));
    });

    it('replayed: each token opens once, on any app instance sharing the database', async () => {
      const token = await sign();
      const first = await post(h, new Browser(h.origin), token);
      expect(first.status).to.equal(303);
      expectRefused(await post(h, new Browser(h.origin), token));
      const second = await ZendeskHost.start(db, { vault: h.vault, signer: h.signer });
      try {
        expectRefused(await post(second, new Browser(second.origin), token));
        // The same signature with its base64 text altered in the last character's spare bits is the same token.
        const fresh = await sign();
        expect((await post(second, new Browser(second.origin), fresh)).status).to.equal(303);
        const last = fresh.at(-1)!;
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
        const twin = `${fresh.slice(0, -1)}${alphabet[alphabet.indexOf(last) ^ 1]}`;
        expectRefused(await post(h, new Browser(h.origin), twin));
      } finally {
        await second.close();
      }
    });

    it('the algorithm is pinned: alg none, HS256 with the public key, PS256 with the right key', async () => {
      const browser = new Browser(h.origin);
      const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const claims = { iss: ISSUER, aud: AUDIENCE, iat: now(), exp: now() + 300, sub: ZD.samAgent };
      expectRefused(await post(h, browser, `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`));
      expectRefused(await post(h, browser, await sign({}, { alg: 'HS256', key: new TextEncoder().encode(h.signer.publicKeyPem) })));
      expectRefused(await post(h, browser, await sign({}, { alg: 'PS256' })));
    });

    it('a token for another location, another product, or naming no Zendesk user', async () => {
      const browser = new Browser(h.origin);
      expectRefused(await post(h, browser, await sign({ context: { product: 'support', location: 'user_sidebar' } }), 'ticket_sidebar'));
      expectRefused(await post(h, browser, await sign({ context: { product: 'chat', location: 'ticket_sidebar' } })));
      expectRefused(await post(h, browser, await sign({ sub: undefined })));
      expectRefused(await post(h, browser, await sign({ sub: 'admin:a-owner' })));
      expect(h.logs.some((line) => /names no Zendesk user \(claims: aud, context, exp, iat, iss\)/.test(line)), h.logs.join('\n')).to.equal(true);
    });

    it('without the origin and app_guid Zendesk adds, or with an origin that is not Zendesk’s', async () => {
      const browser = new Browser(h.origin);
      expectRefused(await post(h, browser, await sign(), 'ticket_sidebar', {}));
      expectRefused(await post(h, browser, await sign(), 'ticket_sidebar', { origin: 'https://evil.example', app_guid: 'abc' }));
      expectRefused(await post(h, browser, await sign(), 'ticket_sidebar', { origin: h.origin, app_guid: '<script>' }));
    });

    it('an unknown location', async () => {
      const browser = new Browser(h.origin);
      expectRefused(await browser.send('POST', `${ZENDESK_BASE}/entry/top_bar?origin=${encodeURIComponent(h.origin)}&app_guid=x`, { form: { token: await sign() } }));
    });
  });

  describe('a good token with nobody or nothing linked: no session either', () => {
    it('an agent linked to nobody, or to a disabled admin: 403', async () => {
      expectRefused(await post(h, new Browser(h.origin), await sign({ sub: ZD.strangerAgent })), 403);
      const sam = h.directory.data.admins.find((a) => a.id === 'a-sam')!;
      sam.disabled = true;
      try {
        expectRefused(await post(h, new Browser(h.origin), await sign()), 403);
      } finally {
        sam.disabled = false;
      }
      expect(h.logs.some((line) => line.includes(`Zendesk user ${ZD.strangerAgent} is not linked`))).to.equal(true);
    });

    it('a requester and organization linked to no client: 404', async () => {
      const browser = new Browser(h.origin);
      const entered = await post(h, browser, await sign());
      const handoff = new URL(entered.headers.get('location')!, h.origin).searchParams.get('handoff')!;
      expectRefused(await browser.get(`${ZENDESK_BASE}/open?${new URLSearchParams({ handoff, ticket: '5555', requester: ZD.unlinkedRequester })}`), 404);
    });
  });

  describe('the hand-off', () => {
    async function handoffFor(token: string): Promise<string> {
      const entered = await post(h, new Browser(h.origin), token);
      expect(entered.status).to.equal(303);
      return new URL(entered.headers.get('location')!, h.origin).searchParams.get('handoff')!;
    }
    const ticket = { ticket: ZD.acmeTicket, requester: ZD.acmeRequester };

    it('is needed, works once, and cannot be altered', async () => {
      const browser = new Browser(h.origin);
      expectRefused(await browser.get(`${ZENDESK_BASE}/open?${new URLSearchParams(ticket)}`));
      const handoff = await handoffFor(await sign());
      const [header, payload, signature] = handoff.split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
      const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'a-owner' })).toString('base64url')}.${signature}`;
      expectRefused(await browser.get(`${ZENDESK_BASE}/open?${new URLSearchParams({ handoff: forged, ...ticket })}`));
      expect((await browser.get(`${ZENDESK_BASE}/open?${new URLSearchParams({ handoff, ...ticket })}`)).status).to.equal(303);
      expectRefused(await new Browser(h.origin).get(`${ZENDESK_BASE}/open?${new URLSearchParams({ handoff, ...ticket })}`));
    });

    it('expires after two minutes', async () => {
      const key = new TextEncoder().encode(`zendesk-handoff|${h.secret}`);
      const stale = await new SignJWT({ loc: 'ticket_sidebar' }).setProtectedHeader({ alg: 'HS256' }).setSubject('a-sam')
        .setAudience('latchkey-zendesk-handoff').setJti(randomBytes(18).toString('base64url'))
        .setIssuedAt(now() - 300).setExpirationTime(now() - 180).sign(key);
      expectRefused(await new Browser(h.origin).get(`${ZENDESK_BASE}/open?${new URLSearchParams({ handoff: stale, ...ticket })}`));
    });

    it('the hand-off page: ZAF SDK and its own script only, framed by Zendesk only, nothing injected', async () => {
      const browser = new Browser(h.origin);
      const entered = await post(h, browser, await sign());
      const page = await browser.get(entered.headers.get('location')!);
      const csp = page.headers.get('content-security-policy')!;
      expect(csp).to.contain("default-src 'none'").and.to.contain("script-src 'self'").and.to.contain(`frame-ancestors 'self' ${h.origin}`);
      expect(page.headers.get('cache-control')).to.equal('no-store');
      expect(page.text).to.contain('<script src="/sim/zaf_sdk.js"></script>').and.to.contain(`${ZENDESK_BASE}/assets/zaf-context.js`);
      expect(page.text).not.to.match(/<script>(?!<\/script>)/);
      const script = await browser.get(`${ZENDESK_BASE}/assets/zaf-context.js`);
      expect(script.status).to.equal(200);
      expect(script.headers.get('content-type')).to.match(/^text\/javascript/);
      const odd = await browser.get(`${ZENDESK_BASE}/context/ticket_sidebar?handoff=${encodeURIComponent('"><script>alert(1)</script>aaaaaaaaaaaaaaaaa')}`);
      expectRefused(odd);
    });
  });
}

forEachDatabase('Zendesk: signed-URL entry (HTTP)', entrySuite);

forEachDatabase('Zendesk: the installer chooses how far email matching goes', (db) => {
  it('with matchAddonManagersByEmail on, an agent with the addon manager’s email is matched to her', async () => {
    const h = await ZendeskHost.start(db, { matching: { matchAddonManagersByEmail: true } });
    try {
      await h.seed();
      const entered = await post(h, new Browser(h.origin), await h.signer.sign({ sub: ZD.oliviaAgent, email: 'olivia@host.test' }));
      expect(entered.status, h.logs.join('\n')).to.equal(303);
    } finally {
      await h.close();
    }
  });

  it('with matchAgentsByEmail off, no agent is matched by email, not even to a support admin', async () => {
    const h = await ZendeskHost.start(db, { matching: { matchAgentsByEmail: false } });
    try {
      await h.seed();
      expectRefused(await post(h, new Browser(h.origin), await h.signer.sign({ sub: ZD.samTwinAgent, email: 'sam@host.test' })), 403);
      expect((await post(h, new Browser(h.origin), await h.signer.sign({ sub: ZD.samAgent }))).status, 'a linked agent').to.equal(303);
    } finally {
      await h.close();
    }
  });
});
