import { expect } from 'chai';
import type { Actor } from '../../core/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { acme, acmeDev, owner, sam } from '../support/host-fixture.ts';
import { Harness, type HttpResponse } from './harness.ts';

/**
 * GET {base}/api/clients?search=<text>: the host's clients by part of their
 * name or email, `[{ id, name }]`, for the pickers of admin forms.
 */
forEachDatabase('HTTP: finding clients for a picker', (db) => {
  let h: Harness;

  before(async () => {
    h = await Harness.start(db);
    // Enough clients to pass the answer's limit of 20, all matching "zeta".
    for (let i = 1; i <= 25; i += 1) {
      const n = String(i).padStart(2, '0');
      h.host.data.clients.push({
        id: `c-zeta-${n}`, name: `Zeta ${n}`, email: `billing${n}@zeta.test`, groupId: null, language: 'en', status: 'Active',
      });
    }
  });
  after(async () => { await h?.close(); });

  const search = (actor: Actor | null, text: string): Promise<HttpResponse> => {
    const browser = actor ? h.browser(actor) : h.browser();
    return browser.api('GET', `/clients?search=${encodeURIComponent(text)}`);
  };

  it('an admin gets the clients whose name or email contains the text, as { id, name } only', async () => {
    for (const [text, expected] of [['acm', 'c-acme'], ['ACME', 'c-acme'], ['ops@glob', 'c-globex']] as const) {
      const response = await search(sam, text);
      expect(response.status, response.text).to.equal(200);
      expect(response.headers.get('cache-control')).to.contain('no-store');
      const body = response.json<Array<Record<string, unknown>>>();
      expect(body.map((c) => c.id), text).to.deep.equal([expected]);
      for (const client of body) expect(Object.keys(client).sort()).to.deep.equal(['id', 'name']);
    }
    expect((await search(owner, 'acm')).json()).to.deep.equal([{ id: 'c-acme', name: 'Acme Ltd' }]);
  });

  it('answers at most 20, by name; a short or empty text answers []', async () => {
    const many = (await search(owner, 'zeta')).json<Array<{ id: string; name: string }>>();
    expect(many).to.have.length(20);
    expect(many.map((c) => c.name)).to.deep.equal(Array.from({ length: 20 }, (_, i) => `Zeta ${String(i + 1).padStart(2, '0')}`));
    for (const text of ['', 'a', '  z ']) {
      const response = await search(owner, text);
      expect(response.status, JSON.stringify(text)).to.equal(200);
      expect(response.json(), JSON.stringify(text)).to.deep.equal([]);
    }
  });

  it('takes % and _ literally', async () => {
    expect((await search(owner, '%%')).json()).to.deep.equal([]);
    expect((await search(owner, 'a_m')).json()).to.deep.equal([]);
  });

  it('carries nothing but names and ids: no emails, no service passwords', async () => {
    const response = await search(owner, 'acme');
    for (const secret of ['it@acme.test', 'acme-vps-root-pw', 'acme-cpanel-pw', 'g-retail']) expect(response.text).not.to.contain(secret);
  });

  it('refuses clients and their contacts (403), and nobody (401)', async () => {
    for (const actor of [acme, acmeDev]) {
      const response = await search(actor, 'acm');
      expect(response.status, response.text).to.equal(403);
      expect(response.text).not.to.contain('Acme Ltd');
    }
    const nobody = await search(null, 'acm');
    expect(nobody.status).to.equal(401);
    expect(nobody.text).not.to.contain('Acme Ltd');
  });

  it('refuses a disabled admin (403)', async () => {
    h.host.data.admins.push({ id: 'a-gone', name: 'Gone', email: 'gone@host.test', roleId: 'r-support', language: 'en', disabled: true, addonManager: false });
    expect((await search({ kind: 'admin', adminId: 'a-gone' }, 'acm')).status).to.equal(403);
  });

  it('a search longer than 100 characters, or given twice, or missing → 400 naming `search`', async () => {
    for (const path of [`/clients?search=${'a'.repeat(101)}`, '/clients?search=ac&search=me', '/clients']) {
      const response = await h.browser(owner).api('GET', path);
      expect(response.status, `${path}: ${response.text}`).to.equal(400);
      expect(response.json()).to.include({ error: 'invalid_input', field: 'search' });
    }
    expect((await search(owner, 'a'.repeat(100))).status, 'exactly 100 is fine').to.equal(200);
    const unknown = await h.browser(owner).api('GET', '/clients?search=acm&limit=5');
    expect(unknown.status).to.equal(400);
    expect(unknown.json()).to.include({ field: 'limit' });
  });

  it('with no search text an admin gets every contact of the client, a page at a time; another client\'s account is refused', async () => {
    const contacts = await h.browser(sam).api('GET', '/clients/c-acme/contacts');
    expect(contacts.status, contacts.text).to.equal(200);
    expect(contacts.json<{ items: Array<{ id: string }> }>().items.map((c) => c.id)).to.include('k-acme-dev');
    expect((await h.browser(sam).api('GET', '/clients/c-nobody/contacts')).json()).to.deep.equal({ items: [], more: false });
    const refused = await h.browser(acme).api('GET', '/clients/c-globex/contacts');
    expect(refused.status).to.equal(403);
    expect(refused.text).not.to.contain('Dev Acme');
  });

  it("a client's main account finds its own contacts by name, never another client's; its other contacts find none", async () => {
    const own = await h.browser(acme).api('GET', '/clients/c-acme/contacts?search=dev');
    expect(own.status, own.text).to.equal(200);
    expect(own.json()).to.deep.equal({ items: [{ id: 'k-acme-dev', name: 'Dev Acme', detail: 'dev@acme.test' }], more: false });
    const other = await h.browser(acme).api('GET', '/clients/c-globex/contacts?search=ops');
    expect(other.status).to.equal(403);
    expect(other.text).not.to.contain('Ops Globex');
    const contact = await h.browser(acmeDev).api('GET', '/clients/c-acme/contacts?search=acme');
    expect(contact.status).to.equal(403);
    expect(contact.text).not.to.contain('Ann Acme');
  });
});
