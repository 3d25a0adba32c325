import { inspect } from 'node:util';
import { expect } from 'chai';
import {
  WhmcsApi, WhmcsApiError, WhmcsDirectory, WhmcsUnavailableError, type WhmcsDirectoryOptions, type WhmcsNameSource,
} from '../../adapters/whmcs/index.ts';
import { API_IDENTIFIER, API_SECRET, FakeWhmcs } from './fake-whmcs.ts';

describe('WHMCS directory over the external API', () => {
  let whmcs: FakeWhmcs;
  before(async () => {
    whmcs = await FakeWhmcs.start();
  });
  after(async () => {
    await whmcs.close();
  });
  beforeEach(() => whmcs.reset());

  const api = () => new WhmcsApi({ url: whmcs.url, identifier: API_IDENTIFIER, secret: API_SECRET });
  const directory = (options: WhmcsDirectoryOptions = {}) => new WhmcsDirectory(api(), options);

  describe('every request', () => {
    it('is a form-encoded POST to {url}/includes/api.php with identifier, secret, action and responsetype=json', async () => {
      await directory().clientGroups();
      expect(whmcs.requests).to.have.length(1);
      expect(whmcs.requests[0]!.params).to.deep.include({
        identifier: API_IDENTIFIER, secret: API_SECRET, action: 'GetClientGroups', responsetype: 'json',
      });
    });

    it('accepts the System URL with a trailing slash or the api.php address itself', async () => {
      for (const url of [`${whmcs.url}/`, `${whmcs.url}/includes/api.php`]) {
        const a = new WhmcsApi({ url, identifier: API_IDENTIFIER, secret: API_SECRET });
        expect(a.endpoint).to.equal(`${whmcs.url}/includes/api.php`);
      }
    });

    it('sends the access key when one is configured', async () => {
      const a = new WhmcsApi({ url: whmcs.url, identifier: API_IDENTIFIER, secret: API_SECRET, accessKey: 'k3y-from-configuration.php' });
      await a.call('GetClientGroups');
      expect(whmcs.requests[0]!.params.accesskey).to.equal('k3y-from-configuration.php');
    });
  });

  describe('admins (GetAdminUsers: all in one call)', () => {
    it('maps the documented fields: full name, role id, language, disabled; ids as strings', async () => {
      const d = directory();
      const admins = await d.admins(['1', '2', '3', '99']);
      expect([...admins.keys()]).to.deep.equal(['1', '2', '3']);
      expect(admins.get('1')).to.deep.equal({
        id: '1', name: 'Demo User', email: 'demo@whmcs.com', roleId: '1', language: 'en', disabled: false, addonManager: true,
      });
      expect(admins.get('2')).to.deep.include({ name: 'Georgina Williams', roleId: '2', addonManager: false });
      expect(admins.get('3')).to.deep.include({ language: 'fr', disabled: true }, 'disabled admins are asked for and marked');
      expect(whmcs.requests[0]!.params.include_disabled).to.equal('1');
    });

    it('answers admins, allAdmins and adminRoles from one cached call', async () => {
      const d = directory();
      await d.admins(['1']);
      await d.admins(['2']);
      expect(await d.allAdmins()).to.have.length(3);
      expect(await d.adminRoles()).to.deep.equal([
        { id: '1', name: 'Admin role #1' }, { id: '2', name: 'Admin role #2' }, { id: '3', name: 'Admin role #3' },
      ]);
      expect(whmcs.count('GetAdminUsers')).to.equal(1);
    });

    it('names roles from adminRoleNames, and makes addonManagerRoleIds the addon managers', async () => {
      const d = directory({ adminRoleNames: { '2': 'Support' }, addonManagerRoleIds: ['2'] });
      expect((await d.adminRoles()).find((r) => r.id === '2')).to.deep.equal({ id: '2', name: 'Support' });
      const admins = await d.admins(['1', '2']);
      expect(admins.get('1')!.addonManager).to.equal(false);
      expect(admins.get('2')!.addonManager).to.equal(true);
    });

    it('takes role names, product group names and addon access from a name source when one is given', async () => {
      const calls: string[] = [];
      const names: WhmcsNameSource = {
        adminRoles: async () => { calls.push('roles'); return [{ id: '1', name: 'Full Administrator' }, { id: '4', name: 'Billing' }]; },
        productGroups: async () => { calls.push('groups'); return [{ id: '1', name: 'Shared Hosting' }, { id: '9', name: 'Empty group' }]; },
        addonManagerRoleIds: async () => { calls.push('access'); return ['1', '3']; },
      };
      const d = directory({ names });
      expect(await d.adminRoles()).to.deep.equal([{ id: '1', name: 'Full Administrator' }, { id: '4', name: 'Billing' }]);
      expect(await d.productGroups()).to.deep.equal([{ id: '1', name: 'Shared Hosting' }, { id: '9', name: 'Empty group' }]);
      const admins = await d.admins(['1', '2', '3']);
      expect([...admins.values()].map((a) => a.addonManager)).to.deep.equal([true, false, true]);
      await d.adminRoles();
      await d.productGroups();
      expect(calls.sort()).to.deep.equal(['access', 'groups', 'roles'], 'names are cached too');
    });
  });

  describe('clients (GetClientsDetails per id, remembered)', () => {
    it('maps company or full name, group (0 = none), language (empty = default) and status', async () => {
      const d = directory({ defaultLanguage: 'es' });
      const clients = await d.clients(['1', '2', '3']);
      expect(clients.get('1')).to.deep.equal({
        id: '1', name: 'Price Beier', email: 'cecelia99@example.com', groupId: null, language: 'es', status: 'Active',
      });
      expect(clients.get('2')).to.deep.equal({
        id: '2', name: 'Mohr & Daughters', email: 'price.ima@example.com', groupId: '1', language: 'fr', status: 'Active',
      });
      expect(clients.get('3')).to.deep.include({ language: 'de', status: 'Closed', groupId: '2' });
      expect(whmcs.count('GetClientsDetails')).to.equal(3);
      expect(whmcs.requests.map((r) => r.params.clientid).sort()).to.deep.equal(['1', '2', '3']);
    });

    it('reads the pre-8.0 answer too (fields at the top level, numbers as strings)', async () => {
      whmcs.legacyClientDetails = true;
      try {
        const clients = await directory().clients(['2']);
        expect(clients.get('2')).to.deep.equal({
          id: '2', name: 'Mohr & Daughters', email: 'price.ima@example.com', groupId: '1', language: 'fr', status: 'Active',
        });
      } finally {
        whmcs.legacyClientDetails = false;
      }
    });

    it('leaves unknown ids out ("Client Not Found"), remembers that, and never asks about ids WHMCS cannot have', async () => {
      const d = directory();
      const first = await d.clients(['1', '404', 'abc', '-1', '1.5', '', '0', '1']);
      expect([...first.keys()]).to.deep.equal(['1']);
      expect(whmcs.requests.map((r) => r.params.clientid).sort()).to.deep.equal(['1', '404']);
      const again = await d.clients(['404', '1']);
      expect([...again.keys()]).to.deep.equal(['1']);
      expect(whmcs.count()).to.equal(2, 'the miss and the hit are both remembered');
    });

    it('shares one request between look-ups of the same client made at the same time', async () => {
      const d = directory();
      const results = await Promise.all([d.clients(['2']), d.clients(['2']), d.clients(['2', '1'])]);
      expect(results.map((r) => r.get('2')?.name)).to.deep.equal(['Mohr & Daughters', 'Mohr & Daughters', 'Mohr & Daughters']);
      expect(whmcs.count('GetClientsDetails')).to.equal(2);
    });

    it('asks again once the cache time has passed', async () => {
      let now = 1_000_000;
      const d = directory({ cacheTtlMs: 30_000, now: () => now });
      await d.clients(['1']);
      now += 29_000;
      await d.clients(['1']);
      expect(whmcs.count()).to.equal(1);
      now += 2_000;
      await d.clients(['1']);
      expect(whmcs.count()).to.equal(2);
    });

    it('with the cache off, asks every time', async () => {
      const d = directory({ cacheTtlMs: 0 });
      await d.clients(['1']);
      await d.clients(['1']);
      expect(whmcs.count()).to.equal(2);
    });

    it('runs at most `concurrency` look-ups at once', async () => {
      let active = 0;
      let peak = 0;
      const slowApi = new WhmcsApi({
        url: whmcs.url, identifier: API_IDENTIFIER, secret: API_SECRET,
        fetch: async (input, init) => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((resolve) => setTimeout(resolve, 15));
          try {
            return await fetch(input, init);
          } finally {
            active--;
          }
        },
      });
      await new WhmcsDirectory(slowApi, { concurrency: 2 }).clients(['1', '2', '3', '4', '5', '6']);
      expect(peak).to.equal(2);
    });

    it('lists client groups (GetClientGroups), once', async () => {
      const d = directory();
      expect(await d.clientGroups()).to.deep.equal([{ id: '1', name: 'Client Group 1' }, { id: '2', name: 'Client Group 2' }]);
      await d.clientGroups();
      expect(whmcs.count('GetClientGroups')).to.equal(1);
    });
  });

  describe('contacts (GetContacts, paged)', () => {
    it("reads every page of a client's contacts, with limitstart and limitnum", async () => {
      const d = directory({ pageSize: 2 });
      const contacts = await d.contactsOfClients(['2']);
      expect(contacts.map((c) => c.name)).to.deep.equal(['Ana Mohr', 'Ben Mohr', 'Cleo Mohr', 'Eve Mohr', 'Fay Mohr']);
      expect(contacts[0]).to.deep.equal({ id: '2', clientId: '2', name: 'Ana Mohr', email: 'ana@example.com', isMain: false });
      const pages = whmcs.requests.map((r) => [r.params.userid, r.params.limitstart, r.params.limitnum]);
      expect(pages).to.deep.equal([['2', '0', '2'], ['2', '2', '2'], ['2', '4', '2']]);
    });

    it('answers contacts of several clients, remembered per client', async () => {
      const d = directory();
      const contacts = await d.contactsOfClients(['1', '3', 'x']);
      expect(contacts.map((c) => `${c.clientId}/${c.id}`).sort()).to.deep.equal(['1/1', '3/5']);
      await d.contactsOfClients(['3', '1']);
      expect(whmcs.count('GetContacts')).to.equal(2);
    });

    it('finds contacts by id from what it already read, else by reading pages until all are found', async () => {
      const d = directory({ pageSize: 3 });
      await d.contactsOfClients(['1']);
      whmcs.reset();
      expect((await d.contacts(['1'])).get('1')!.name).to.equal('Test Contact');
      expect(whmcs.count()).to.equal(0, 'known from the client look-up');

      const found = await d.contacts(['4', '2']);
      expect([...found.keys()].sort()).to.deep.equal(['2', '4']);
      expect(whmcs.requests.map((r) => r.params.limitstart)).to.deep.equal(['0', '3'], 'stops at the page where the last one is');
      expect(whmcs.requests[0]!.params.userid).to.equal(undefined);

      whmcs.reset();
      expect((await d.contacts(['99'])).size).to.equal(0);
      expect(whmcs.count()).to.equal(3, 'an unknown id costs one full read...');
      await d.contacts(['99', '2']);
      expect(whmcs.count()).to.equal(3, '...once');
    });
  });

  describe('products (GetProducts: many ids in one call)', () => {
    it('asks for the missing ids in one comma-separated pid and remembers hits and misses', async () => {
      const d = directory();
      const products = await d.products(['1', '5', '77']);
      expect(products.get('1')).to.deep.equal({ id: '1', name: 'Starter', groupId: '1' });
      expect(products.get('5')).to.deep.equal({ id: '5', name: 'Best Hosting Plan', groupId: '2' });
      expect(products.has('77')).to.equal(false);
      expect(whmcs.requests.map((r) => r.params.pid)).to.deep.equal(['1,5,77']);
      await d.products(['5', '77', '3']);
      expect(whmcs.requests.map((r) => r.params.pid)).to.deep.equal(['1,5,77', '3']);
    });

    it('lists all products once, and product groups by id when no names are known', async () => {
      const d = directory({ productGroupNames: { '1': 'Shared Hosting' } });
      expect((await d.allProducts()).map((p) => p.id)).to.deep.equal(['1', '3', '5']);
      expect(await d.productGroups()).to.deep.equal([{ id: '1', name: 'Shared Hosting' }, { id: '2', name: 'Product group #2' }]);
      await d.products(['3']);
      expect(whmcs.count('GetProducts')).to.equal(1, 'products(ids) answered from the full list');
    });
  });

  describe('services (GetClientsProducts)', () => {
    it("maps each service's login, password, and a label with the domain; empty logins are null", async () => {
      const d = directory({ serviceLoginUrl: (s) => (s.serverhostname ? `https://${String(s.serverhostname)}:2083` : null) });
      const services = await d.servicesOfClients(['1', '2']);
      expect(services.map((s) => s.id)).to.deep.equal(['1', '2', '3', '4']);
      const starter = services[0]!;
      expect(starter).to.deep.include({
        id: '1', clientId: '1', productId: '1', label: 'Starter (demodomain.com)', username: 'demodoma', loginUrl: 'https://saturn.example.com:2083',
      });
      // That the password is a Secret that never prints is the contract's rule (test/contract).
      expect(starter.password!.expose()).to.equal('Dem0-d0ma1n-pw');
      expect(services[2]).to.deep.include({ label: 'Best Hosting Plan', username: null, password: null });
      expect(whmcs.requests.map((r) => r.params.clientid).sort()).to.deep.equal(['1', '2']);
    });

    it('answers services by id from the client look-up, else with one GetClientsProducts by serviceid', async () => {
      const d = directory();
      await d.servicesOfClients(['1']);
      whmcs.reset();
      expect((await d.services(['2'])).get('2')!.password!.expose()).to.equal('Plut0-pw-2');
      expect(whmcs.count()).to.equal(0);
      const byId = await d.services(['4', '404']);
      expect([...byId.keys()]).to.deep.equal(['4']);
      expect(whmcs.requests.map((r) => r.params.serviceid).sort()).to.deep.equal(['4', '404']);
    });

    it('pages through a client with many services', async () => {
      const d = directory({ pageSize: 1 });
      const services = await d.servicesOfClients(['2']);
      expect(services.map((s) => s.id)).to.deep.equal(['3', '4']);
      expect(whmcs.requests.map((r) => r.params.limitstart)).to.deep.equal(['0', '1']);
    });
  });

  describe('tickets (GetTicket per id)', () => {
    it('maps the client, contact (0 = none), related service (Sx) and subject', async () => {
      const tickets = await directory().tickets(['1', '2']);
      expect(tickets.get('1')).to.deep.equal({
        id: '1', clientId: '1', contactId: null, serviceId: null, subject: 'This is a sample ticket', status: 'Closed',
      });
      expect(tickets.get('2')).to.deep.equal({
        id: '2', clientId: '2', contactId: '3', serviceId: '3', subject: 'Cannot log in to my server', status: 'Open',
      });
    });

    it('remembers unknown tickets ("Ticket ID Not Found") and guest tickets (no client) as absent: asks once', async () => {
      const d = directory();
      const tickets = await d.tickets(['3', '404']);
      expect(tickets.size).to.equal(0);
      await d.tickets(['3', '404']);
      expect(whmcs.count('GetTicket')).to.equal(2);
    });
  });

  it('has no devices: WHMCS keeps none', async () => {
    expect((await directory().devices(['1'])).size).to.equal(0);
    expect(whmcs.count()).to.equal(0);
  });

  it("checks the credential's admin with GetAdminDetails", async () => {
    expect(await directory().check()).to.deep.equal({ adminId: '1', name: 'Demo User', whmcsVersion: '8.13.1', apiAccess: true });
  });

  describe('errors', () => {
    it('bad credentials: the look-up goes unanswered (WhmcsUnavailableError, a 503 at the edges) with WHMCS\'s message, and no secret anywhere in it', async () => {
      const wrong = 'a-wrong-secret-that-must-not-leak';
      const d = new WhmcsDirectory(new WhmcsApi({ url: whmcs.url, identifier: API_IDENTIFIER, secret: wrong }));
      const err = await d.clients(['1']).then(() => null, (e: unknown) => e);
      expect(err).to.be.instanceOf(WhmcsUnavailableError);
      const e = err as WhmcsUnavailableError;
      expect(e.message).to.equal('WHMCS GetClientsDetails: answered "Authentication Failed"');
      expect(e.code).to.equal('whmcs_unavailable');
      expect(e.action).to.equal('GetClientsDetails');
      // The API itself still says why, for set-up checks (doctor, readiness).
      const api = await d.api.call('GetClientsDetails', { clientid: 1 }).then(() => null, (x: unknown) => x) as WhmcsApiError;
      expect(api).to.be.instanceOf(WhmcsApiError);
      expect(api.apiMessage).to.equal('Authentication Failed');
      expect(api.message).to.equal('WHMCS GetClientsDetails failed: Authentication Failed');
      expect(api.code).to.equal('whmcs_api');
      expect(api.refused).to.equal(true);
      expect(api.notFound).to.equal(false);
      for (const text of [e.message, e.stack ?? '', inspect(e), JSON.stringify(e), api.message, api.stack ?? '', inspect(api), JSON.stringify(api)]) {
        expect(text).not.to.contain(wrong);
        expect(text).not.to.contain(API_IDENTIFIER);
      }
    });

    it('errors that are not "not found" are not taken for absence, nor remembered: the look-up goes unanswered', async () => {
      whmcs.override = (res) => res.writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ result: 'error', message: 'Invalid IP 203.0.113.7' }));
      const d = directory();
      const err = await d.tickets(['1']).then(() => null, (e: unknown) => e) as WhmcsUnavailableError;
      expect(err).to.be.instanceOf(WhmcsUnavailableError);
      expect(err.message).to.equal('WHMCS GetTicket: answered "Invalid IP 203.0.113.7"');
      whmcs.override = null;
      expect((await d.tickets(['1'])).size).to.equal(1);
    });

    it('an error answer with an HTTP error status is still read as the API\'s error', async () => {
      whmcs.override = (res) => res.writeHead(403, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ result: 'error', message: 'Invalid Permissions: API action "getclients" is not allowed' }));
      const err = await api().call('GetClients').then(() => null, (e: unknown) => e) as WhmcsApiError;
      expect(err).to.be.instanceOf(WhmcsApiError);
      expect(err.httpStatus).to.equal(403);
      expect(err.refused).to.equal(true);
    });

    it('an HTML error page, a redirect or no server at all: WhmcsUnavailableError, saying what happened', async () => {
      whmcs.override = (res) => res.writeHead(502, { 'Content-Type': 'text/html' }).end('<html><body>Bad gateway</body></html>');
      const html = await api().call('GetClients').then(() => null, (e: unknown) => e) as WhmcsUnavailableError;
      expect(html).to.be.instanceOf(WhmcsUnavailableError);
      expect(html.message).to.match(/HTTP 502 without the API's JSON/);

      whmcs.override = (res) => res.writeHead(301, { Location: 'https://billing.example.com/includes/api.php' }).end();
      const moved = await api().call('GetClients').then(() => null, (e: unknown) => e) as WhmcsUnavailableError;
      expect(moved).to.be.instanceOf(WhmcsUnavailableError);
      expect(moved.message).to.match(/301 redirect to https:\/\/billing\.example\.com/);

      const nowhere = new WhmcsApi({ url: 'http://127.0.0.1:9', identifier: API_IDENTIFIER, secret: API_SECRET, timeoutMs: 2000 });
      const down = await nowhere.call('GetClients').then(() => null, (e: unknown) => e) as WhmcsUnavailableError;
      expect(down).to.be.instanceOf(WhmcsUnavailableError);
      expect(down.message).to.match(/cannot reach 127\.0\.0\.1:9/);
      expect(down.message).not.to.contain(API_SECRET);
    });

    it('a WHMCS that does not answer in time', async () => {
      whmcs.override = () => { /* never answers */ };
      const slow = new WhmcsApi({ url: whmcs.url, identifier: API_IDENTIFIER, secret: API_SECRET, timeoutMs: 100 });
      const err = await slow.call('GetClients').then(() => null, (e: unknown) => e) as WhmcsUnavailableError;
      expect(err).to.be.instanceOf(WhmcsUnavailableError);
      expect(err.message).to.match(/no answer within 100 ms/);
    });

    it('refuses a configuration without URL, identifier or secret', () => {
      expect(() => new WhmcsApi({ url: 'billing.example.com', identifier: 'x', secret: 'y' })).to.throw(/http\(s\) System URL/);
      expect(() => new WhmcsApi({ url: 'https://billing.example.com', identifier: '', secret: 'y' })).to.throw(/identifier/);
      expect(() => new WhmcsApi({ url: 'https://billing.example.com', identifier: 'x', secret: '' })).to.throw(/secret/);
    });
  });

  describe('paging (GetClients, as the reference documents it)', () => {
    it('reads every page until totalresults, with numbers sent as strings', async () => {
      const pages: string[][] = [];
      for await (const page of api().pages('GetClients', {}, 'clients', 'client', 2)) pages.push(page.map((c) => String(c.id)));
      expect(pages).to.deep.equal([['1', '2'], ['3']]);
      expect(whmcs.requests.map((r) => [r.params.limitstart, r.params.limitnum])).to.deep.equal([['0', '2'], ['2', '2']]);
    });

    it('stops on an empty page even if totalresults promised more', async () => {
      let call = 0;
      whmcs.override = (res) => {
        call++;
        const body = call === 1
          ? { result: 'success', totalresults: '5', startnumber: '0', numreturned: '2', clients: { client: [{ id: '1' }, { id: '2' }] } }
          : { result: 'success', totalresults: '5', startnumber: '2', numreturned: '0', clients: [] };
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      };
      const ids: string[] = [];
      for await (const page of api().pages('GetClients', {}, 'clients', 'client', 2)) ids.push(...page.map((c) => String(c.id)));
      expect(ids).to.deep.equal(['1', '2']);
      expect(call).to.equal(2);
    });
  });
});
