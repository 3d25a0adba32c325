import { expect } from 'chai';
import type { Actor } from '../../core/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { acme, acmeDev, owner, sam, sid } from '../support/host-fixture.ts';
import { Harness, type HttpResponse } from './harness.ts';

interface Target {
  kind: string;
  id: string;
  name: string;
  detail: string | null;
}

interface TargetPage {
  items: Target[];
  more: boolean;
}

/**
 * GET {base}/api/entries/:id/share-targets and /category-members: who the
 * caller may share with, found by part of a name, a page at a time.
 */
forEachDatabase('HTTP: finding whom to share with', (db) => {
  let h: Harness;
  let staffEntry = '';
  let clientEntry = '';

  before(async () => {
    h = await Harness.start(db);
    // 21 enabled staff named "Zeta …" (one more than the default page), and a disabled one.
    for (let i = 1; i <= 21; i += 1) {
      const n = String(i).padStart(2, '0');
      h.host.data.admins.push({ id: `a-zeta-${n}`, name: `Zeta ${n}`, email: `zeta${n}@host.test`, roleId: 'r-support', language: 'en', disabled: false, addonManager: false });
    }
    h.host.data.admins.push({ id: 'a-zeta-gone', name: 'Zeta Gone', email: 'gone@host.test', roleId: 'r-support', language: 'en', disabled: true, addonManager: false });
    staffEntry = (await h.vault.lk.entries.create(owner, { name: 'Router', password: 'router-pw', clientId: 'c-acme' })).id;
    clientEntry = (await h.vault.lk.entries.create(acme, { name: 'Webmail', password: 'webmail-pw' })).id;
  });
  after(async () => { await h?.close(); });

  const ask = (actor: Actor | null, path: string): Promise<HttpResponse> => (actor ? h.browser(actor) : h.browser()).api('GET', path);
  const targets = async (actor: Actor, entryId: string, query: string): Promise<TargetPage> => {
    const response = await ask(actor, `/entries/${entryId}/share-targets?${query}`);
    expect(response.status, response.text).to.equal(200);
    expect(response.headers.get('cache-control')).to.contain('no-store');
    return response.json<TargetPage>();
  };
  const keys = (page: TargetPage) => page.items.map((t) => `${t.kind}:${t.id}`);

  it('staff find roles, enabled admins, the entry\'s client and its contacts by part of a name or email, as kind, id, name and detail only', async () => {
    expect(keys(await targets(owner, staffEntry, 'search=SUPP'))).to.deep.equal(['admin:a-sam', 'admin_role:r-support']);
    expect(keys(await targets(owner, staffEntry, 'search=acm'))).to.deep.equal(['client:c-acme', 'contact:k-acme-main', 'contact:k-acme-dev']);
    const byEmail = await targets(owner, staffEntry, 'search=dev@acme');
    expect(byEmail.items).to.deep.equal([{ kind: 'contact', id: 'k-acme-dev', name: 'Dev Acme', detail: 'dev@acme.test' }]);
    for (const item of (await targets(owner, staffEntry, 'search=a')).items) expect(Object.keys(item).sort()).to.deep.equal(['detail', 'id', 'kind', 'name']);
  });

  it('never offers a disabled admin, another client or another client\'s contacts', async () => {
    const zeta = await targets(owner, staffEntry, 'search=zeta&limit=50');
    expect(keys(zeta)).not.to.include('admin:a-zeta-gone');
    const ops = await targets(owner, staffEntry, 'search=glob');
    expect(ops.items).to.deep.equal([]);
  });

  it('pages by name: 21 matches fill a page of 20 with more to come, and a page of 21 or 22 with none', async () => {
    const first = await targets(owner, staffEntry, 'search=zeta');
    expect(first.items.map((t) => t.name)).to.deep.equal(Array.from({ length: 20 }, (_, i) => `Zeta ${String(i + 1).padStart(2, '0')}`));
    expect(first.more).to.equal(true);
    const rest = await targets(owner, staffEntry, 'search=zeta&offset=20');
    expect(rest).to.deep.equal({ items: [{ kind: 'admin', id: 'a-zeta-21', name: 'Zeta 21', detail: 'zeta21@host.test' }], more: false });
    expect((await targets(owner, staffEntry, 'search=zeta&limit=21')).more).to.equal(false);
    expect((await targets(owner, staffEntry, 'search=zeta&limit=22')).items).to.have.length(21);
    expect((await targets(owner, staffEntry, 'search=zeta&offset=21')).items).to.deep.equal([]);
  });

  it('a text shorter than two characters finds nobody', async () => {
    for (const text of ['', 'z', ' z ']) expect(await targets(owner, staffEntry, `search=${encodeURIComponent(text)}`), JSON.stringify(text)).to.deep.equal({ items: [], more: false });
  });

  it('a limit outside 1..50, an offset that is not a whole number, a missing or overlong search → 400 naming the field', async () => {
    for (const [query, field] of [
      ['search=zeta&limit=0', 'limit'], ['search=zeta&limit=51', 'limit'], ['search=zeta&offset=-1', 'offset'],
      ['', 'search'], [`search=${'z'.repeat(101)}`, 'search'], ['search=zeta&role=x', ''],
    ] as const) {
      const response = await ask(owner, `/entries/${staffEntry}/share-targets?${query}`);
      expect(response.status, query).to.equal(400);
      if (field) expect(response.text, query).to.contain(field);
    }
    expect((await targets(owner, staffEntry, 'search=zeta&limit=50')).items).to.have.length(21);
  });

  it('a client finds only its own contacts besides the account holder, never staff', async () => {
    expect(keys(await targets(acme, clientEntry, 'search=acme'))).to.deep.equal(['contact:k-acme-dev']);
    expect((await targets(acme, clientEntry, 'search=zeta')).items).to.deep.equal([]);
  });

  it('whoever may not change the entry\'s grants is refused (403), names unsaid; an entry out of sight is 404; nobody is 401', async () => {
    await h.vault.lk.settings.update(owner, { adminAccessMode: 'full' });
    // Sid sees the client's entries in full mode but did not write them; Sam sees Acme's own entry but it is Acme's to share.
    for (const [actor, entryId] of [[sid, staffEntry], [sam, clientEntry]] as const) {
      const response = await ask(actor, `/entries/${entryId}/share-targets?search=zeta`);
      expect(response.status, response.text).to.equal(403);
      expect(response.text).not.to.contain('Zeta');
    }
    // Acme's contact is not shown the entry at all.
    const hidden = await ask(acmeDev, `/entries/${clientEntry}/share-targets?search=acme`);
    expect(hidden.status, hidden.text).to.equal(404);
    expect(hidden.text).not.to.contain('Dev Acme');
    expect((await ask(null, `/entries/${staffEntry}/share-targets?search=zeta`)).status).to.equal(401);
  });

  it('category members: addon managers find roles, admins and any client; a client account its contacts; other staff are refused', async () => {
    const found = await ask(owner, '/category-members?search=glob');
    expect(found.status, found.text).to.equal(200);
    expect(found.json<TargetPage>()).to.deep.equal({ items: [{ kind: 'client', id: 'c-globex', name: 'Globex', detail: null }], more: false });
    expect(keys((await ask(owner, '/category-members?search=sys')).json<TargetPage>())).to.deep.equal(['admin:a-sys', 'admin_role:r-sysadmin']);
    expect(keys((await ask(acme, '/category-members?search=acme')).json<TargetPage>())).to.deep.equal(['contact:k-acme-dev']);
    for (const actor of [sam, acmeDev]) {
      const refused = await ask(actor, '/category-members?search=glob');
      expect(refused.status, refused.text).to.equal(403);
      expect(refused.text).not.to.contain('Globex');
    }
  });

  it('answers never carry a secret', async () => {
    const response = await ask(owner, `/entries/${staffEntry}/share-targets?search=acme`);
    for (const secret of ['router-pw', 'acme-vps-root-pw', 'acme-cpanel-pw']) expect(response.text).not.to.contain(secret);
  });
});
