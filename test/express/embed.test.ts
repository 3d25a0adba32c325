import { createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { expect } from 'chai';
import { SignJWT } from 'jose';
import { forEachDatabase, type TestDatabase } from '../support/databases.ts';
import { owner } from '../support/host-fixture.ts';
import { snapshotTables, type TableSnapshot } from '../support/table-rows.ts';
import {
  BASE, csrfTokenIn, EMBED_AUDIENCE, EMBED_ISSUER, Harness, hs256Embed, signEmbed, unsignedToken,
  type Browser, type EmbedClaims, type HttpResponse,
} from './harness.ts';

const now = () => Math.floor(Date.now() / 1000);

async function enter(browser: Browser, token: string, via: 'GET' | 'POST' = 'GET'): Promise<HttpResponse> {
  return via === 'GET'
    ? browser.get(`${BASE}/embed?token=${encodeURIComponent(token)}`)
    : browser.send('POST', `${BASE}/embed`, { form: { token } });
}

/**
 * A refused token: 401, no frame session, no redirect, and nothing written but
 * the refusal on the audit trail (with its reason, never the token) when a
 * token was checked at all.
 */
async function expectRefused(h: Harness, token: string, via: 'GET' | 'POST' = 'GET'): Promise<void> {
  const browser = h.browser();
  const before = await snapshotTables(h.vault);
  const refusalsBefore = await refusals(h);
  const response = await enter(browser, token, via);
  expect(response.status, response.text.slice(0, 300)).to.equal(401);
  expect(response.headers.get('location')).to.equal(null);
  expect(response.setCookies, 'no cookie at all').to.deep.equal([]);
  expect(browser.frameCookie()).to.equal(undefined);
  expect(response.headers.get('content-type')).to.match(/^text\/html/);
  const refused = (await refusals(h)).slice(refusalsBefore.length);
  expect(refused.length, 'one refusal audited per token checked').to.be.at.most(1);
  if (token.length >= 16 && refused.length > 0) expect(JSON.stringify(refused)).not.to.include(token.slice(-16));
  expect(withoutAudit(h, await snapshotTables(h.vault))).to.deep.equal(withoutAudit(h, before));
  // And the browser has no session to use: the API does not know it.
  const api = await browser.api('GET', '/entries');
  expect(api.status).to.equal(401);
}

async function refusals(h: Harness): Promise<Array<Record<string, unknown>>> {
  return await h.vault.raw(h.vault.tables.audit).select('seq', 'details', 'ip', 'user_agent').where('action', 'embedToken.refused').orderBy('seq') as Array<Record<string, unknown>>;
}

/**
 * The tables but the audit trail and its head, which a refusal moves on, and
 * the burst alert that this suite's many refusals raise (with its mails; the
 * rule itself is tested in test/alerts).
 */
function withoutAudit(h: Harness, snapshot: TableSnapshot): TableSnapshot {
  const t = h.vault.tables;
  const { [t.audit]: _audit, [t.alerts]: _alerts, [t.settings]: settings, [t.outbox]: outbox, ...rest } = snapshot;
  return {
    ...rest,
    settings: (settings ?? []).filter((row) => (row as { key: string }).key !== 'audit.head'),
    outbox: (outbox ?? []).filter((row) => (row as { kind: string }).kind !== 'security_alert'),
  };
}

interface Entered {
  browser: Browser;
  location: string;
  frame: HttpResponse;
  csrf: string;
}

/** Exchanges a token like a framed browser: 303, frame-session cookie, then the frame page. */
async function expectAccepted(h: Harness, token: string, via: 'GET' | 'POST' = 'GET'): Promise<Entered> {
  const browser = h.browser();
  const response = await enter(browser, token, via);
  expect(response.status, response.text.slice(0, 300)).to.equal(303);
  const location = response.headers.get('location') ?? '';
  expect(location.startsWith(`${BASE}/frame/`), location).to.equal(true);
  const frameCookie = response.setCookies.find((c) => c.startsWith('lk_frame_'));
  expect(frameCookie, 'frame-session cookie').to.be.a('string');
  expect(frameCookie).to.match(/; HttpOnly/i);
  expect(frameCookie).to.match(/; Path=\/latchkey(;|$)/);
  const frame = await browser.get(location);
  expect(frame.status, frame.text.slice(0, 500)).to.equal(200);
  expect(frame.headers.get('content-type')).to.match(/^text\/html/);
  expect(frame.text).to.match(/^<!doctype html>/i);
  expect(frame.text).to.contain('lk-panel');
  const csrf = /data-lk-csrf="([^"]+)"/.exec(frame.text)?.[1];
  expect(csrf, 'the frame page carries a CSRF token').to.be.a('string');
  return { browser, location, frame, csrf: csrf! };
}

function embedSuite(db: TestDatabase): void {
  const embed = hs256Embed();
  let h: Harness;
  before(async () => {
    h = await Harness.start(db, { embed });
    await h.vault.lk.settings.update(owner, { adminAccessMode: 'full' });
  });
  after(async () => { await h.close(); });

  const sign = (claims: EmbedClaims, options: { now?: number } = {}) => signEmbed(embed.secret, claims, options);

  describe('a valid HS256 token', () => {
    it('gets a 303 to the frame page, a frame-session cookie, and API calls act as that client', async () => {
      const token = await sign({ sub: 'client:c-acme', ctx: { place: 'clientArea', language: 'fr' } });
      const { browser, location, frame, csrf } = await expectAccepted(h, token);
      expect(location).to.equal(`${BASE}/frame/clientArea?language=fr`);
      expect(frame.text).to.contain('lang="fr"');
      expect(browser.cookie('host_user'), 'no host session involved').to.equal(undefined);
      const created = await browser.api('POST', '/entries', { name: 'From the frame', password: 'pw' }, csrf);
      expect(created.status, created.text).to.equal(201);
      expect(created.json<{ owner: unknown }>().owner).to.deep.equal({ kind: 'client', id: 'c-acme' });
      const list = await browser.api('GET', '/entries');
      expect(list.status).to.equal(200);
      expect(list.json<{ items: Array<{ name: string }> }>().items.map((e) => e.name)).to.include('From the frame');
      const events = await h.vault.lk.audit.list(owner, { action: 'entry.create', limit: 1 });
      expect(events[0]!.actor).to.deep.include({ kind: 'client', id: 'c-acme' });
    });

    it('works posted as a form field too, for an admin on a client summary', async () => {
      const token = await sign({ sub: 'admin:a-owner', ctx: { place: 'clientSummary', clientId: 'c-acme' } });
      const { browser, location, frame, csrf } = await expectAccepted(h, token, 'POST');
      expect(location).to.equal(`${BASE}/frame/clientSummary?clientId=c-acme`);
      expect(frame.text).to.contain('Acme Ltd');
      const created = await browser.api('POST', '/entries', { name: 'From the summary', clientId: 'c-acme' }, csrf);
      expect(created.status, created.text).to.equal(201);
    });

    it('opens the ticket sidebar for a staff member and the addon pages for the addon admin', async () => {
      const ticket = await expectAccepted(h, await sign({ sub: 'admin:a-sam', ctx: { place: 'ticketSidebar', ticketId: 't-100' } }));
      expect(ticket.location).to.equal(`${BASE}/frame/ticketSidebar?ticketId=t-100`);
      expect(ticket.frame.text).to.contain('Acme Ltd');
      const pages = await expectAccepted(h, await sign({ sub: 'admin:a-owner', ctx: { place: 'adminPages', page: 'settings' } }));
      expect(pages.location).to.equal(`${BASE}/frame/adminPages?page=settings`);
      const auditPage = await pages.browser.get(`${BASE}/frame/adminPages?page=audit`);
      expect(auditPage.status).to.equal(200);
      const audit = await pages.browser.api('GET', '/audit');
      expect(audit.status).to.equal(200);
      const settings = await pages.browser.api('PATCH', '/settings', { historyDepth: 7 }, csrfTokenIn(pages.frame.text));
      expect(settings.status, settings.text).to.equal(200);
      expect(settings.json()).to.include({ historyDepth: 7 });
    });

    it("a contact's token acts as that contact, not as the client account", async () => {
      const { browser, csrf } = await expectAccepted(h, await sign({ sub: 'client:c-acme:contact:k-acme-dev', ctx: { place: 'clientArea' } }));
      // Contacts may not keep entries of their own.
      const created = await browser.api('POST', '/entries', { name: 'Contact entry' }, csrf);
      expect(created.status, created.text).to.equal(403);
    });

    it("a frame's CSRF token does not work in another frame session", async () => {
      const a = await expectAccepted(h, await sign({ sub: 'client:c-acme', ctx: { place: 'clientArea' } }));
      const b = await expectAccepted(h, await sign({ sub: 'client:c-globex', ctx: { place: 'clientArea' } }));
      // Same user, another frame session (another CSRF cookie): refused as well.
      const again = await expectAccepted(h, await sign({ sub: 'client:c-acme', ctx: { place: 'clientArea' } }));
      const before = await snapshotTables(h.vault);
      const crossed = await b.browser.api('POST', '/entries', { name: 'Crossed' }, a.csrf);
      expect(crossed.status, crossed.text).to.equal(403);
      const sameUser = await again.browser.api('POST', '/entries', { name: 'Crossed' }, a.csrf);
      expect(sameUser.status, sameUser.text).to.equal(403);
      expect(await snapshotTables(h.vault)).to.deep.equal(before);
    });

    it('the frame session is bound to its cookie: tampered, it is nobody', async () => {
      const { browser } = await expectAccepted(h, await sign({ sub: 'client:c-acme', ctx: { place: 'clientArea' } }));
      const cookie = browser.frameCookie()!;
      const [header, payload, signature] = cookie.value.split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
      const forgedPayload = Buffer.from(JSON.stringify({ ...claims, sub: 'admin:a-owner' })).toString('base64url');
      browser.setCookie(cookie.name, `${header}.${forgedPayload}.${signature}`, BASE);
      const response = await browser.api('GET', '/settings');
      expect(response.status).to.equal(401);
    });

    it('is accepted once: a replay is refused with 401 and no session', async () => {
      const token = await sign({ sub: 'client:c-acme', ctx: { place: 'clientArea' } });
      await expectAccepted(h, token);
      await expectRefused(h, token);
      await expectRefused(h, token, 'POST');
    });

    it('a replay on another app instance sharing the database is refused too', async () => {
      const second = await Harness.start(db, { embed, vault: h.vault });
      try {
        const token = await sign({ sub: 'client:c-acme', ctx: { place: 'clientArea' } });
        await expectAccepted(second, token);
        await expectRefused(h, token);
      } finally {
        await second.close();
      }
    });
  });

  describe('refused with 401 and no session cookie', () => {
    const valid = { sub: 'client:c-acme', ctx: { place: 'clientArea' } };

    const lastAudited = async (action: string) => (await h.vault.lk.audit.list({ kind: 'system' }, { action, limit: 1 }))[0];

    it('each refusal is audited with its reason in a word and where it came from, never the token', async () => {
      const reasonOf = async (token: string) => {
        const response = await enter(h.browser(), token);
        expect(response.status).to.equal(401);
        const event = await lastAudited('embedToken.refused');
        expect(event?.ip, 'the address').to.be.a('string');
        expect(JSON.stringify(event)).not.to.include(token.slice(-16));
        return event?.details?.reason;
      };
      expect(await reasonOf(await sign({ ...valid, iat: now() - 200, exp: now() - 90 }))).to.equal('expired');
      expect(await reasonOf(await signEmbed(randomBytes(32).toString('base64url'), valid))).to.equal('forged');
      expect(await reasonOf(await sign({ ...valid, aud: 'another-install' }))).to.equal('wrongAudience');
      expect(await reasonOf(await sign({ ...valid, iss: 'https://evil.test' }))).to.equal('wrongIssuer');
      expect(await reasonOf('not-a-jwt')).to.equal('malformed');
      const used = await sign(valid);
      await expectAccepted(h, used);
      expect(await reasonOf(used)).to.equal('replayed');
    });

    it('an accepted token opens a session on the audit trail once: who, the place, address and browser', async () => {
      const { browser } = await expectAccepted(h, await sign({ sub: 'client:c-acme:contact:k-acme-dev', ctx: { place: 'clientArea' } }));
      const opened = await lastAudited('session.opened');
      expect(opened).to.deep.include({ actor: { kind: 'client', id: 'c-acme/k-acme-dev' } });
      expect(opened?.details).to.deep.equal({ place: 'clientArea' });
      expect(opened?.ip).to.be.a('string');
      await browser.api('GET', '/entries');
      expect((await lastAudited('session.opened'))?.seq, 'not again for a request of the session').to.equal(opened?.seq);
    });

    it('no token, an empty token, garbage', async () => {
      const browser = h.browser();
      const none = await browser.get(`${BASE}/embed`);
      expect(none.status).to.equal(401);
      expect(none.setCookies).to.deep.equal([]);
      await expectRefused(h, '');
      await expectRefused(h, 'not-a-jwt');
      await expectRefused(h, 'a.b.c');
    });

    it('forged: signed with another secret', async () => {
      await expectRefused(h, await signEmbed(randomBytes(32).toString('base64url'), valid));
    });

    it('tampered: claims changed after signing', async () => {
      const token = await sign(valid);
      const [header, payload, signature] = token.split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
      const changed = Buffer.from(JSON.stringify({ ...claims, sub: 'admin:a-owner' })).toString('base64url');
      await expectRefused(h, `${header}.${changed}.${signature}`);
    });

    it('expired', async () => {
      await expectRefused(h, await sign({ ...valid, iat: now() - 200, exp: now() - 90 }));
    });

    it('issued more than five minutes ago', async () => {
      await expectRefused(h, await sign({ ...valid, iat: now() - 400, exp: now() + 60 }));
    });

    it('living longer than five minutes, even when fresh', async () => {
      await expectRefused(h, await sign({ ...valid, iat: now(), exp: now() + 600 }));
      await expectRefused(h, await sign({ ...valid, iat: now(), exp: now() + 301 }));
    });

    it('issued in the future', async () => {
      await expectRefused(h, await sign({ ...valid, iat: now() + 600, exp: now() + 700 }));
    });

    it('wrong audience, or none', async () => {
      await expectRefused(h, await sign({ ...valid, aud: 'another-install' }));
      await expectRefused(h, await sign({ ...valid, aud: [`${EMBED_AUDIENCE}x`] }));
      await expectRefused(h, await sign({ ...valid, aud: undefined }));
    });

    it('wrong issuer, or none', async () => {
      await expectRefused(h, await sign({ ...valid, iss: 'https://evil.test' }));
      await expectRefused(h, await sign({ ...valid, iss: `${EMBED_ISSUER}/` }));
      await expectRefused(h, await sign({ ...valid, iss: undefined }));
    });

    it('missing exp, iat or jti, or a short jti', async () => {
      await expectRefused(h, await sign({ ...valid, exp: undefined }));
      await expectRefused(h, await sign({ ...valid, iat: undefined }));
      await expectRefused(h, await sign({ ...valid, jti: undefined }));
      await expectRefused(h, await sign({ ...valid, jti: 'short-jti' }));
      await expectRefused(h, await sign({ ...valid, jti: 'x'.repeat(129) }));
    });

    it('alg: none (crafted by hand)', async () => {
      await expectRefused(h, unsignedToken(valid));
      await expectRefused(h, unsignedToken({ ...valid, sub: 'admin:a-owner', ctx: { place: 'adminPages' } }));
      // An HS256 header with the signature stripped is no better.
      const [header, payload] = (await sign(valid)).split('.');
      await expectRefused(h, `${header}.${payload}.`);
      await expectRefused(h, `${header}.${payload}`);
    });

    it('signed with another algorithm than the configured one (RS256 key, HS512 with the secret)', async () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      await expectRefused(h, await signEmbed(privateKey, valid, { alg: 'RS256' }));
      const hs512 = await new SignJWT({ ...valid, jti: randomBytes(16).toString('hex') })
        .setProtectedHeader({ alg: 'HS512' }).setIssuer(EMBED_ISSUER).setAudience(EMBED_AUDIENCE)
        .setIssuedAt().setExpirationTime('2m').sign(new TextEncoder().encode(embed.secret));
      await expectRefused(h, hs512);
    });

    for (const sub of [undefined, '', 'a-owner', 'admin:', 'admin', 'system', 'root:1', 'admin:a-owner/../x', 'admin:<script>',
      'client:c-acme:contact:', 'client::contact:k-acme-dev', 'client:c-acme:admin:a-owner', 'contact:k-acme-dev', 'Admin:a-owner',
      `admin:${'x'.repeat(65)}`, 42]) {
      it(`a bad sub: ${JSON.stringify(sub)}`, async () => {
        await expectRefused(h, await sign({ ...valid, sub: sub as string }));
      });
    }

    const badContexts: Array<[string, unknown]> = [
      ['missing', undefined],
      ['a string', 'clientArea'],
      ['an array', ['clientArea']],
      ['no place', { clientId: 'c-acme' }],
      ['an unknown place', { place: 'settings' }],
      ['a prototype name as place', { place: '__proto__' }],
      ['an unknown key', { place: 'clientArea', admin: true }],
      ['markup in clientId', { place: 'clientSummary', clientId: '<script>alert(1)</script>' }],
      ['a path in ticketId', { place: 'ticketSidebar', ticketId: '../../etc' }],
      ['a number clientId', { place: 'clientSummary', clientId: 17 }],
      ['an overlong page', { place: 'adminPages', page: 'p'.repeat(41) }],
      ['an overlong language', { place: 'clientArea', language: 'l'.repeat(17) }],
    ];
    for (const [title, ctx] of badContexts) {
      it(`a bad ctx: ${title}`, async () => {
        await expectRefused(h, await sign({ ...valid, ctx }));
      });
    }
  });

  it('a mount without embed options refuses every token', async () => {
    const plain = await Harness.start(db, { vault: h.vault });
    try {
      await expectRefused(plain, await sign({ sub: 'client:c-acme', ctx: { place: 'clientArea' } }));
    } finally {
      await plain.close();
    }
  });
}

function rs256Suite(db: TestDatabase): void {
  let h: Harness;
  let privateKey: KeyObject;
  let publicKeyPem: string;
  before(async () => {
    ({ privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 }));
    publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
    h = await Harness.start(db, { embed: { issuer: EMBED_ISSUER, audience: EMBED_AUDIENCE, publicKeyPem } });
  });
  after(async () => { await h.close(); });

  const valid = { sub: 'client:c-acme', ctx: { place: 'clientArea' } };

  it('accepts an RS256 token signed with the private key and opens a working frame', async () => {
    const { browser, csrf } = await expectAccepted(h, await signEmbed(privateKey, valid, { alg: 'RS256' }));
    const created = await browser.api('POST', '/categories', { name: 'Frame category' }, csrf);
    expect(created.status, created.text).to.equal(201);
  });

  it('refuses a replayed RS256 token', async () => {
    const token = await signEmbed(privateKey, valid, { alg: 'RS256' });
    await expectAccepted(h, token);
    await expectRefused(h, token);
  });

  it('refuses HS256 signed with the public key as the HMAC secret (algorithm confusion)', async () => {
    await expectRefused(h, await signEmbed(new TextEncoder().encode(publicKeyPem), valid, { alg: 'HS256' }));
    const der = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    await expectRefused(h, await signEmbed(new Uint8Array(der), valid, { alg: 'HS256' }));
  });

  it('refuses alg: none', async () => {
    await expectRefused(h, unsignedToken(valid));
  });

  it('refuses a token signed by another key pair', async () => {
    const { privateKey: other } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await expectRefused(h, await signEmbed(other, valid, { alg: 'RS256' }));
  });

  it('refuses PS256 with the right key: the algorithm is pinned', async () => {
    const token = await new SignJWT({ ...valid, jti: randomBytes(16).toString('hex') })
      .setProtectedHeader({ alg: 'PS256' }).setIssuer(EMBED_ISSUER).setAudience(EMBED_AUDIENCE)
      .setIssuedAt().setExpirationTime('2m').sign(privateKey);
    await expectRefused(h, token);
  });

  it('refuses an expired, or wrong-audience RS256 token', async () => {
    await expectRefused(h, await signEmbed(privateKey, { ...valid, iat: now() - 200, exp: now() - 90 }, { alg: 'RS256' }));
    await expectRefused(h, await signEmbed(privateKey, { ...valid, aud: 'elsewhere' }, { alg: 'RS256' }));
  });
}

forEachDatabase('HTTP: embed tokens (HS256)', embedSuite);
forEachDatabase('HTTP: embed tokens (RS256)', rs256Suite);
