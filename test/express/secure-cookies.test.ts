import { expect } from 'chai';
import { forEachDatabase } from '../support/databases.ts';
import { owner } from '../support/host-fixture.ts';
import { BASE, Harness, hs256Embed, signEmbed, type Browser } from './harness.ts';

const BEHIND_TLS_PROXY = { 'x-forwarded-proto': 'https' };

/** The attributes of the one Set-Cookie line for `name` (or with that prefix), lower-cased and split. */
function attributesOf(lines: string[], name: string): string[] {
  const line = lines.find((l) => l.startsWith(name));
  expect(line, `a Set-Cookie for ${name} in ${JSON.stringify(lines)}`).to.be.a('string');
  return line!.split(';').slice(1).map((a) => a.trim().toLowerCase());
}

async function enterFrame(browser: Browser, secret: string, headers: Record<string, string>) {
  const token = await signEmbed(secret, { sub: 'client:c-acme', ctx: { place: 'clientArea' } });
  const entered = await browser.get(`${BASE}/embed?token=${token}`, { headers });
  expect(entered.status, entered.text).to.equal(303);
  const page = await browser.get(entered.headers.get('location')!, { headers });
  expect(page.status, page.text.slice(0, 300)).to.equal(200);
  return { entered, page };
}

forEachDatabase('HTTP: Secure cookies behind a TLS proxy', (db) => {
  const embed = hs256Embed();
  let trusting: Harness;
  let untrusting: Harness;
  before(async () => {
    trusting = await Harness.start(db, { embed, trustProxy: 'loopback' });
    untrusting = await Harness.start(db, { embed, vault: trusting.vault });
  });
  after(async () => {
    await untrusting?.close();
    await trusting?.close();
  });

  it('with trust proxy and X-Forwarded-Proto: https, the CSRF cookie of a host page is Secure and stays SameSite=Lax', async () => {
    const page = await trusting.browser(owner).get('/host/page/clientSummary?clientId=c-acme', { headers: BEHIND_TLS_PROXY });
    expect(page.status, page.text.slice(0, 300)).to.equal(200);
    const csrf = attributesOf(page.setCookies, 'lk_csrf=');
    expect(csrf).to.include.members(['httponly', 'secure', 'samesite=lax']);
    expect(csrf).to.not.include('partitioned');
  });

  it('with trust proxy and X-Forwarded-Proto: https, framed cookies are SameSite=None, Secure and Partitioned, so a host on another site can frame the panel', async () => {
    const { entered, page } = await enterFrame(trusting.browser(), embed.secret, BEHIND_TLS_PROXY);
    for (const attributes of [attributesOf(entered.setCookies, 'lk_frame_'), attributesOf(page.setCookies, 'lk_csrf=')]) {
      expect(attributes).to.include.members(['httponly', 'secure', 'samesite=none', 'partitioned']);
    }
  });

  it('with trust proxy but a plain http request, no cookie is Secure and framed cookies fall back to SameSite=Lax', async () => {
    const { entered, page } = await enterFrame(trusting.browser(), embed.secret, { 'x-forwarded-proto': 'http' });
    for (const attributes of [attributesOf(entered.setCookies, 'lk_frame_'), attributesOf(page.setCookies, 'lk_csrf=')]) {
      expect(attributes).to.include.members(['httponly', 'samesite=lax']).and.not.include.members(['secure']);
      expect(attributes).to.not.include('samesite=none');
    }
  });

  it('without trust proxy, X-Forwarded-Proto is not believed: no Secure, no SameSite=None', async () => {
    const host = await untrusting.browser(owner).get('/host/page/clientSummary?clientId=c-acme', { headers: BEHIND_TLS_PROXY });
    expect(attributesOf(host.setCookies, 'lk_csrf=')).to.include('samesite=lax').and.not.include('secure');
    const { entered, page } = await enterFrame(untrusting.browser(), embed.secret, BEHIND_TLS_PROXY);
    for (const attributes of [attributesOf(entered.setCookies, 'lk_frame_'), attributesOf(page.setCookies, 'lk_csrf=')]) {
      expect(attributes).to.include('samesite=lax');
      expect(attributes).to.not.include('secure');
      expect(attributes).to.not.include('partitioned');
    }
  });
});
