import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import express from 'express';
import { mountLatchkey } from '../../adapters/express/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { owner } from '../support/host-fixture.ts';
import { BASE, Harness, hs256Embed, signEmbed, type HttpResponse } from './harness.ts';

const ANCESTORS = ['https://billing.host.test', 'https://desk.host.test:8443'];

/** The directives of a Content-Security-Policy header, each with its sources. */
function directives(response: HttpResponse): Map<string, string[]> {
  const header = response.headers.get('content-security-policy');
  expect(header, 'a Content-Security-Policy header').to.be.a('string');
  const map = new Map<string, string[]>();
  for (const part of header!.split(';').map((p) => p.trim()).filter(Boolean)) {
    const [name, ...sources] = part.split(/\s+/);
    expect(map.has(name!), `directive ${name} given once`).to.equal(false);
    map.set(name!, sources);
  }
  return map;
}

/** frame-ancestors allows this app itself and exactly the configured host origins. */
function expectFramePolicy(response: HttpResponse, origins: string[]): void {
  const csp = directives(response);
  expect(csp.get('frame-ancestors')?.filter((s) => s !== "'self'")).to.have.members(origins).and.have.length(origins.length);
  expect(csp.get('frame-ancestors')).to.not.include('*');
  expect(csp.get('script-src')).to.deep.equal(["'self'"]);
  expect(csp.get('default-src')).to.deep.equal(["'none'"]);
  expect(csp.get('style-src')).to.deep.equal(["'self'"]);
  expect(csp.get('base-uri')).to.deep.equal(["'none'"]);
  expect(csp.get('form-action')).to.deep.equal(["'self'"]);
  for (const [name, sources] of csp) {
    expect(sources, `${name} allows no inline code`).to.not.include("'unsafe-inline'");
    expect(sources, `${name} allows no eval`).to.not.include("'unsafe-eval'");
  }
  expect(response.headers.get('x-content-type-options')).to.equal('nosniff');
  expect(response.headers.get('referrer-policy')).to.equal('no-referrer');
  expect(response.headers.get('x-frame-options'), 'CSP frame-ancestors decides, no conflicting XFO').to.equal(null);
}

forEachDatabase('HTTP: security headers and assets', (db) => {
  const embed = hs256Embed();
  let h: Harness;
  before(async () => {
    h = await Harness.start(db, { embed, frameAncestors: ANCESTORS });
    await h.vault.lk.settings.update(owner, { adminAccessMode: 'full' });
  });
  after(async () => { await h.close(); });

  async function framed(sub: string, ctx: Record<string, string>) {
    const browser = h.browser();
    const entered = await browser.get(`${BASE}/embed?token=${await signEmbed(embed.secret, { sub, ctx })}`);
    expect(entered.status, entered.text).to.equal(303);
    return { browser, entered, page: await browser.get(entered.headers.get('location')!) };
  }

  it('frame pages of all four places: CSP frame-ancestors lists exactly the configured origins, script-src self', async () => {
    for (const [sub, ctx] of [
      ['admin:a-owner', { place: 'clientSummary', clientId: 'c-acme' }],
      ['admin:a-sam', { place: 'ticketSidebar', ticketId: 't-100' }],
      ['client:c-acme', { place: 'clientArea' }],
      ['admin:a-owner', { place: 'adminPages', page: 'settings' }],
    ] as const) {
      const { entered, page } = await framed(sub, ctx);
      expect(page.status, page.text.slice(0, 300)).to.equal(200);
      expectFramePolicy(page, ANCESTORS);
      expectFramePolicy(entered, ANCESTORS);
      expect(page.headers.get('content-type')).to.equal('text/html; charset=utf-8');
      expect(page.headers.get('cache-control')).to.equal('no-store');
    }
  });

  it('frame pages carry no inline script or handler: the CSP would block them', async () => {
    const { page } = await framed('client:c-acme', { place: 'clientArea' });
    expect(page.text).to.not.match(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(page.text).to.not.match(/\son[a-z]+\s*=/i);
    expect(page.text).to.not.match(/\sstyle\s*=/i);
    expect(page.text).to.contain(`<script src="${BASE}/assets/latchkey.js"`);
  });

  it('refusals and messages carry the same headers: refused token, no session, unknown place', async () => {
    const refused = await h.browser().get(`${BASE}/embed?token=nope`);
    expect(refused.status).to.equal(401);
    expectFramePolicy(refused, ANCESTORS);
    const noToken = await h.browser().send('POST', `${BASE}/embed`, { form: {} });
    expect(noToken.status).to.equal(401);
    expectFramePolicy(noToken, ANCESTORS);
    const anonymous = await h.browser().get(`${BASE}/frame/clientArea`);
    expect(anonymous.status).to.equal(401);
    expectFramePolicy(anonymous, ANCESTORS);
    const { browser } = await framed('client:c-acme', { place: 'clientArea' });
    const unknown = await browser.get(`${BASE}/frame/nowhere`);
    expect(unknown.status).to.equal(404);
    expectFramePolicy(unknown, ANCESTORS);
    const hidden = await browser.get(`${BASE}/frame/adminPages`);
    expect(hidden.status).to.equal(404);
    expectFramePolicy(hidden, ANCESTORS);
  });

  it("requests Express's middleware refuses get a message page with the same headers, never a stack trace", async () => {
    const attempts: Array<[string, Promise<HttpResponse>, number]> = [
      ['an embed form over 16 KiB', h.browser().send('POST', `${BASE}/embed`, { raw: { body: `token=${'a'.repeat(20_000)}`, type: 'application/x-www-form-urlencoded' } }), 413],
      ['a frame path that is not valid URL encoding', h.browser().get(`${BASE}/frame/%E0%A4%A`), 400],
      ['an asset path that is not valid URL encoding', h.browser().get(`${BASE}/assets/%E0%A4%A`), 400],
    ];
    for (const [title, pending, status] of attempts) {
      const response = await pending;
      expect(response.status, title).to.equal(status);
      expect(response.text, title).to.not.match(/node_modules|\bat [A-Za-z.]+ \(|Error:/);
      expect(response.setCookies, title).to.deep.equal([]);
      expectFramePolicy(response, ANCESTORS);
    }
  });

  it('the frame-session and CSRF cookies are HttpOnly', async () => {
    const { entered, page } = await framed('client:c-acme', { place: 'clientArea' });
    const frameCookie = entered.setCookies.find((c) => c.startsWith('lk_frame_'))!;
    expect(frameCookie).to.match(/; HttpOnly/);
    const csrfCookie = page.setCookies.find((c) => c.startsWith('lk_csrf='))!;
    expect(csrfCookie).to.match(/; HttpOnly/);
  });

  it('without frameAncestors, only the app itself may frame the pages', async () => {
    const plain = await Harness.start(db, { vault: h.vault, embed });
    try {
      const browser = plain.browser();
      const entered = await browser.get(`${BASE}/embed?token=${await signEmbed(embed.secret, { sub: 'client:c-acme', ctx: { place: 'clientArea' } })}`);
      const page = await browser.get(entered.headers.get('location')!);
      expect(page.status).to.equal(200);
      expect(directives(page).get('frame-ancestors')).to.deep.equal(["'self'"]);
    } finally {
      await plain.close();
    }
  });

  it('refuses frameAncestors that are not plain origins', () => {
    for (const bad of ['*', 'https://*.host.test', 'https://host.test/path', "https://host.test 'unsafe-inline'", 'javascript:alert(1)', 'host.test', "'none'", 'https://host.test;script-src *']) {
      expect(() => mountLatchkey(express(), { latchkey: h.vault.lk, basePath: '/x', secret: 'x'.repeat(32), frameAncestors: [bad] }), bad).to.throw(/frameAncestors/);
    }
  });

  describe('assets', () => {
    it('latchkey.js as JavaScript, latchkey.css as CSS, with nosniff, same bytes as on disk', async () => {
      for (const [file, type] of [['latchkey.js', 'text/javascript; charset=utf-8'], ['latchkey.css', 'text/css; charset=utf-8']] as const) {
        const response = await h.browser().get(`${BASE}/assets/${file}`);
        expect(response.status).to.equal(200);
        expect(response.headers.get('content-type')).to.equal(type);
        expect(response.headers.get('x-content-type-options')).to.equal('nosniff');
        expect(response.headers.get('cache-control')).to.match(/^public/);
        expect(response.text).to.equal(readFileSync(new URL(`../../templates/assets/${file}`, import.meta.url), 'utf8'));
      }
    });

    it('anything else is 404, including path tricks', async () => {
      for (const file of ['nope.js', 'latchkey.hbs', '..%2Fmount.ts', '..%2F..%2Fpackage.json', '%2E%2E%2Flayouts%2Fframe.hbs', 'latchkey.js%00.css', 'constructor', '__proto__', 'toString', 'hasOwnProperty']) {
        const response = await h.browser().get(`${BASE}/assets/${file}`);
        expect(response.status, file).to.equal(404);
        expect(response.text, file).to.not.contain('import ');
      }
    });

    it('kept five minutes, never immutable (their URLs carry no version), then revalidated: 304 for the same ETag', async () => {
      const first = await h.browser().get(`${BASE}/assets/latchkey.js`);
      expect(first.headers.get('cache-control')).to.equal('public, max-age=300');
      const etag = first.headers.get('etag');
      expect(etag, 'an ETag').to.be.a('string');
      // fetch adds `Cache-Control: no-cache` to a request with If-None-Match unless it has a Cache-Control of its own, as a browser revalidating does.
      const again = await h.browser().get(`${BASE}/assets/latchkey.js`, { headers: { 'if-none-match': etag!, 'cache-control': 'max-age=0' } });
      expect(again.status).to.equal(304);
      expect(again.text).to.equal('');
      const stale = await h.browser().get(`${BASE}/assets/latchkey.js`, { headers: { 'if-none-match': '"not-this-one"', 'cache-control': 'max-age=0' } });
      expect(stale.status).to.equal(200);
    });

    it('no session needed, nothing set', async () => {
      const response = await h.browser().get(`${BASE}/assets/latchkey.css`);
      expect(response.setCookies).to.deep.equal([]);
    });
  });

  it('JSON API answers are JSON with nosniff-safe types and no-store', async () => {
    const browser = h.browser(owner);
    const response = await browser.api('GET', '/entries');
    expect(response.headers.get('content-type')).to.equal('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).to.equal('no-store');
  });
});
