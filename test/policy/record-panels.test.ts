import { expect } from 'chai';
import { createHooks, ForbiddenError, NotFoundError, Renderer, type Actor, type Hooks, type HookSurface, type Latchkey } from '../../core/index.ts';
import type { MemoryDirectory } from '../../adapters/memory/memory-directory.ts';
import { forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { acme, acmeDev, hostFixture, owner, sam } from '../support/host-fixture.ts';
import { snapshotTables } from '../support/table-rows.ts';
import { BASE, csrfTokenIn, Harness, hs256Embed, signEmbed } from '../express/harness.ts';

const surface: HookSurface = { apiBase: '/lk/api', assetBase: '/lk/assets', pageUrl: '/page', csrfToken: 'csrf', clipboardClearSeconds: 30 };

const DEV_LAPTOP = 'Dev’s laptop login';
const DEV_VPN = 'Dev’s VPN account';
const FIREWALL = 'Firewall admin';
const SHOP = 'Acme shop back office';
const HIDDEN_NOTICE = 'You are not allowed to see this client';

/**
 * A contact's page and a device's page show the entries linked to that
 * contact or device, under the client the host names now, and only those the
 * viewer may see: the place narrows a list, it never opens one.
 */
forEachDatabase('contact and device panels', (db) => {
  let host: MemoryDirectory;
  let vault: Vault;
  let lk: Latchkey;
  let hooks: Hooks;
  let sharedWithSam: string;
  let linkedToDev: string[];

  before(async () => {
    host = hostFixture();
    host.data.devices.push({ id: 'd-empty', clientId: 'c-acme', name: 'Spare switch' });
    vault = await openVault(db, host);
    lk = vault.lk;
    hooks = createHooks(lk, new Renderer());
    await lk.settings.update(owner, { adminAccessMode: 'full' });
    linkedToDev = [
      (await lk.entries.create(acme, { name: DEV_LAPTOP, password: 'laptop-pw', contactId: 'k-acme-dev' })).id,
      (await lk.entries.create(owner, { name: DEV_VPN, password: 'vpn-pw', clientId: 'c-acme', contactId: 'k-acme-dev' })).id,
    ];
    await lk.entries.create(acme, { name: FIREWALL, password: 'fw-pw', deviceId: 'd-fw' });
    await lk.entries.create(acme, { name: SHOP, password: 'shop-pw' });
    sharedWithSam = (await lk.entries.create(owner, {
      name: 'Dev’s staging login', password: 'staging-pw', clientId: 'c-acme', contactId: 'k-acme-dev', private: true,
      grants: [{ kind: 'admin', id: 'a-sam' }],
    })).id;
  });
  after(async () => { await vault.close(); });

  const contactPanel = async (contactId = 'k-acme-dev', actor = sam) => (await hooks.contactPanel(actor, { contactId }, surface))!;
  const devicePanel = async (deviceId = 'd-fw', actor = sam) => (await hooks.devicePanel(actor, { deviceId }, surface))!;
  const defaultsIn = (html: string) => JSON.parse(/data-lk-defaults="([^"]*)"/.exec(html)![1]!.replace(/&quot;/g, '"')) as Record<string, string>;

  it('a contact panel lists the entries linked to that contact, and no other entry of its client', async () => {
    const html = await contactPanel();
    expect(html).to.contain('lk-panel lk-contact').and.to.contain('Dev Acme').and.to.contain('Contact at Acme Ltd');
    expect(html).to.contain(DEV_LAPTOP).and.to.contain(DEV_VPN);
    expect(html).not.to.contain(FIREWALL).and.not.to.contain(SHOP);
    // A service's credentials belong to the client, not to a contact.
    expect(html).not.to.contain('vps1.acme.test');
    expect(html).not.to.contain(HIDDEN_NOTICE);
    expect(await hooks.clientSummary(sam, { clientId: 'c-acme' }, surface)).not.to.contain(HIDDEN_NOTICE);
  });

  it('a device panel lists the entries linked to that device, and no other entry of its client', async () => {
    const html = await devicePanel();
    expect(html).to.contain('lk-panel lk-device').and.to.contain('Firewall').and.to.contain('Device of Acme Ltd');
    expect(html).to.contain(FIREWALL);
    expect(html).not.to.contain(DEV_LAPTOP).and.not.to.contain(SHOP);
    expect(await hooks.devicePanel(sam, { deviceId: 'd-empty' }, surface), 'a device with nothing linked').to.contain('No access details linked to this device yet.');
  });

  it('a new entry starts linked to the page’s contact or device, under its client', async () => {
    expect(defaultsIn(await contactPanel())).to.deep.equal({ clientId: 'c-acme', contactId: 'k-acme-dev' });
    expect(defaultsIn(await devicePanel())).to.deep.equal({ clientId: 'c-acme', deviceId: 'd-fw' });
  });

  it('shows nothing for an unknown contact or device, and nothing to a client', async () => {
    expect(await hooks.contactPanel(sam, { contactId: 'k-nobody' }, surface)).to.equal(null);
    expect(await hooks.devicePanel(sam, { deviceId: 'd-nothing' }, surface)).to.equal(null);
    expect(await hooks.contactPanel(sam, {}, surface)).to.equal(null);
    expect(await hooks.contactPanel(acmeDev, { contactId: 'k-acme-dev' }, surface)).to.equal(null);
    expect(await hooks.devicePanel(acme, { deviceId: 'd-fw' }, surface)).to.equal(null);
  });

  describe('a staff member the access mode keeps from the client’s data', () => {
    before(() => lk.settings.update(owner, { adminAccessMode: 'restricted', allowedAdminIds: [], allowedAdminRoleIds: [] }));
    after(() => lk.settings.update(owner, { adminAccessMode: 'full' }));

    it('is told so on both panels, and sees only what was shared with them', async () => {
      const contact = await contactPanel();
      expect(contact).to.contain(HIDDEN_NOTICE);
      expect(contact).to.contain('Dev’s staging login');
      expect(contact).not.to.contain(DEV_LAPTOP).and.not.to.contain(DEV_VPN);
      const device = await devicePanel();
      expect(device).to.contain(HIDDEN_NOTICE).and.not.to.contain(FIREWALL);
      // An empty list says nothing is shared with them, not that there is nothing.
      expect(device).not.to.contain('No access details linked to this device yet.');
      // The client's own places say the same.
      expect(await hooks.clientSummary(sam, { clientId: 'c-acme' }, surface)).to.contain(HIDDEN_NOTICE).and.not.to.contain(SHOP);
      expect(await hooks.ticketSidebar(sam, { ticketId: 't-100' }, surface)).to.contain(HIDDEN_NOTICE).and.not.to.contain(SHOP);
    });

    it('is refused the linked entries by the services as well', async () => {
      for (const id of linkedToDev) {
        let refused: unknown;
        try { await lk.entries.reveal(sam, id); } catch (err) { refused = err; }
        expect(refused, id).to.be.instanceOf(NotFoundError);
      }
      expect((await lk.entries.list(sam, { clientId: 'c-acme', contactId: 'k-acme-dev' })).items.map((e) => e.id)).to.deep.equal([sharedWithSam]);
    });

    it('the addon’s extended roles see them all, with no notice', async () => {
      await lk.settings.update(owner, { extendedAdminRoleIds: ['r-full'] });
      try {
        const html = await contactPanel('k-acme-dev', owner);
        expect(html).to.contain(DEV_LAPTOP).and.not.to.contain(HIDDEN_NOTICE);
      } finally {
        await lk.settings.update(owner, { extendedAdminRoleIds: [] });
      }
    });
  });

  describe('the entry dialog’s link fields', () => {
    const find = (kind: 'contact' | 'device', search: string, extra: Record<string, number> = {}, actor: Actor = sam, clientId = 'c-acme') =>
      lk.linkTargets.find(actor, clientId, kind, { search, ...extra });

    it('find the client’s contacts by part of a name or email, and its devices by name, never another client’s', async () => {
      expect((await find('contact', 'acme')).items.map((c) => c.id)).to.deep.equal(['k-acme-main', 'k-acme-dev']);
      expect((await find('contact', 'DEV@')).items).to.deep.equal([{ id: 'k-acme-dev', name: 'Dev Acme', detail: 'dev@acme.test' }]);
      expect((await find('contact', 'globex')).items).to.deep.equal([]);
      expect((await find('device', 'wall')).items).to.deep.equal([{ id: 'd-fw', name: 'Firewall', detail: null }]);
      // One character asks nothing.
      expect(await find('contact', 'a')).to.deep.equal({ items: [], more: false });
    });

    it('page at the limit: limit-1, limit and limit+1 matches', async () => {
      const extra = (n: number) => Array.from({ length: n }, (_, i) => ({
        id: `k-page-${i}`, clientId: 'c-acme', name: `Paging ${String(i).padStart(2, '0')}`, email: `p${i}@acme.test`, isMain: false,
      }));
      for (const [count, more] of [[4, false], [5, false], [6, true]] as const) {
        host.data.contacts.push(...extra(count));
        try {
          const page = await find('contact', 'paging', { limit: 5 });
          expect(page.items, `${count} matches`).to.have.length(Math.min(count, 5));
          expect(page.more, `${count} matches`).to.equal(more);
          if (more) expect((await find('contact', 'paging', { limit: 5, offset: 5 })).items.map((c) => c.name)).to.deep.equal(['Paging 05']);
        } finally {
          host.data.contacts = host.data.contacts.filter((c) => !c.id.startsWith('k-page-'));
        }
      }
    });

    it('are for staff and the client’s own main account; a contact, or another client, is refused', async () => {
      expect((await find('contact', 'acme', {}, acme)).items).to.have.length(2);
      for (const [actor, clientId] of [[acmeDev, 'c-acme'], [acme, 'c-globex']] as const) {
        let refused: unknown;
        try { await find('contact', 'acme', {}, actor, clientId); } catch (err) { refused = err; }
        expect(refused).to.be.instanceOf(ForbiddenError);
      }
    });
  });

  it('a contact who moved to another client no longer lists what is linked to it at the former client', async () => {
    const contact = host.data.contacts.find((c) => c.id === 'k-acme-dev')!;
    contact.clientId = 'c-globex';
    try {
      const html = await contactPanel();
      expect(html).to.contain('Contact at Globex');
      expect(html).not.to.contain(DEV_LAPTOP).and.not.to.contain(DEV_VPN);
      expect(defaultsIn(html)).to.deep.equal({ clientId: 'c-globex', contactId: 'k-acme-dev' });
    } finally {
      contact.clientId = 'c-acme';
    }
    expect(await contactPanel()).to.contain(DEV_LAPTOP);
  });
});

/** Framed (WHMCS's contact page), the panel's session reaches the contact's client only. */
forEachDatabase('a framed contact panel over HTTP', (db) => {
  const embed = hs256Embed();
  let h: Harness;

  before(async () => {
    h = await Harness.start(db, { embed });
    await h.vault.lk.settings.update(owner, { adminAccessMode: 'full' });
    await h.vault.lk.entries.create(acme, { name: SHOP, password: 'shop-pw' });
  });
  after(async () => { await h.close(); });

  async function enterContactPanel(contactId: string) {
    return enterPanel({ place: 'contactPanel', contactId });
  }

  async function enterPanel(ctx: { place: 'contactPanel'; contactId: string } | { place: 'devicePanel'; deviceId: string }) {
    const browser = h.browser();
    const token = await signEmbed(embed.secret, { sub: 'admin:a-sam', ctx });
    const entered = await browser.get(`${BASE}/embed?token=${encodeURIComponent(token)}`);
    expect(entered.status, entered.text.slice(0, 200)).to.equal(303);
    const query = ctx.place === 'contactPanel' ? `contactId=${ctx.contactId}` : `deviceId=${ctx.deviceId}`;
    expect(entered.headers.get('location')).to.equal(`${BASE}/frame/${ctx.place}?${query}`);
    const frame = await browser.get(entered.headers.get('location')!);
    expect(frame.status, frame.text.slice(0, 300)).to.equal(200);
    return { browser, csrf: csrfTokenIn(frame.text)! };
  }

  it('creates an entry linked to the contact, edits it and deletes it there', async () => {
    const { browser, csrf } = await enterContactPanel('k-acme-dev');
    const created = await browser.api('POST', '/entries', { name: 'Dev’s SFTP', password: 'sftp-1', clientId: 'c-acme', contactId: 'k-acme-dev' }, csrf);
    expect(created.status, created.text).to.equal(201);
    const id = created.json<{ id: string }>().id;
    let frame = await browser.get(`${BASE}/frame/contactPanel?contactId=k-acme-dev`);
    expect(frame.text).to.contain('Dev’s SFTP').and.not.to.contain(SHOP);
    const edited = await browser.api('PATCH', `/entries/${id}`, { version: 1, name: 'Dev’s SFTP (new host)' }, csrf);
    expect(edited.status, edited.text).to.equal(200);
    frame = await browser.get(`${BASE}/frame/contactPanel?contactId=k-acme-dev`);
    expect(frame.text).to.contain('Dev’s SFTP (new host)');
    const deleted = await browser.api('DELETE', `/entries/${id}?version=2`, undefined, csrf);
    expect(deleted.status, deleted.text).to.equal(204);
    frame = await browser.get(`${BASE}/frame/contactPanel?contactId=k-acme-dev`);
    expect(frame.text).not.to.contain('Dev’s SFTP');
  });

  it('opens no other contact’s panel and files nothing under another client: 404 and 403, nothing written', async () => {
    const { browser, csrf } = await enterContactPanel('k-acme-dev');
    for (const path of ['/frame/contactPanel?contactId=k-globex-ops', '/frame/clientSummary?clientId=c-acme', '/frame/devicePanel?deviceId=d-fw']) {
      expect((await browser.get(`${BASE}${path}`)).status, path).to.equal(404);
    }
    const before = await snapshotTables(h.vault);
    const refused = await browser.api('POST', '/entries', { name: 'Smuggled', clientId: 'c-globex', contactId: 'k-globex-ops' }, csrf);
    expect(refused.status, refused.text).to.equal(403);
    expect((await browser.api('GET', '/entries?clientId=c-globex')).status).to.equal(404);
    expect(await snapshotTables(h.vault)).to.deep.equal(before);
  });

  it('a framed device panel is confined to the device’s client the same way', async () => {
    const { browser, csrf } = await enterPanel({ place: 'devicePanel', deviceId: 'd-fw' });
    const created = await browser.api('POST', '/entries', { name: 'Firewall console', password: 'fw-1', clientId: 'c-acme', deviceId: 'd-fw' }, csrf);
    expect(created.status, created.text).to.equal(201);
    const frame = await browser.get(`${BASE}/frame/devicePanel?deviceId=d-fw`);
    expect(frame.text).to.contain('Firewall console').and.not.to.contain(SHOP);
    expect((await browser.api('GET', '/clients/c-acme/devices?search=fire')).json<{ items: Array<{ id: string }> }>().items.map((d) => d.id)).to.deep.equal(['d-fw']);
    expect((await browser.api('GET', '/clients/c-globex/contacts?search=ops')).status).to.equal(404);
    const before = await snapshotTables(h.vault);
    expect((await browser.api('POST', '/entries', { name: 'Smuggled', clientId: 'c-globex' }, csrf)).status).to.equal(403);
    expect(await snapshotTables(h.vault)).to.deep.equal(before);
  });

  it('refuses a link to another client’s contact, naming the field, and writes nothing', async () => {
    const { browser, csrf } = await enterContactPanel('k-acme-dev');
    const before = await snapshotTables(h.vault);
    const refused = await browser.api('POST', '/entries', { name: 'Crossed', clientId: 'c-acme', contactId: 'k-globex-ops' }, csrf);
    expect(refused.status, refused.text).to.equal(400);
    expect(refused.text).to.contain('contactId');
    expect(await snapshotTables(h.vault)).to.deep.equal(before);
  });
});
