import { expect } from 'chai';
import knexFactory, { type Knex } from 'knex';
import { Secret } from '../../core/index.ts';
import { WhmcsApi, WhmcsDatabaseDirectory, WhmcsDatabaseNames, WhmcsDirectory } from '../../adapters/whmcs/index.ts';
import { API_IDENTIFIER, API_SECRET, FakeWhmcs } from './fake-whmcs.ts';

/**
 * The columns Latchkey reads from WHMCS's schema (the rest of each table is
 * left out), filled with the same people as the fake API.
 */
async function whmcsSchema(knex: Knex): Promise<void> {
  await knex.schema.createTable('tbladminroles', (t) => { t.increments('id'); t.text('name'); });
  await knex.schema.createTable('tbladmins', (t) => {
    t.increments('id'); t.integer('roleid'); t.string('username'); t.string('firstname'); t.string('lastname');
    t.string('email'); t.string('language'); t.integer('disabled');
  });
  await knex.schema.createTable('tblclientgroups', (t) => { t.increments('id'); t.string('groupname'); });
  await knex.schema.createTable('tblclients', (t) => {
    t.increments('id'); t.string('firstname'); t.string('lastname'); t.string('companyname'); t.string('email');
    t.integer('groupid'); t.string('language'); t.string('status');
  });
  await knex.schema.createTable('tblcontacts', (t) => {
    t.increments('id'); t.integer('userid').index(); t.string('firstname'); t.string('lastname'); t.string('email');
  });
  await knex.schema.createTable('tblproductgroups', (t) => { t.increments('id'); t.text('name'); });
  await knex.schema.createTable('tblproducts', (t) => { t.increments('id'); t.integer('gid'); t.text('name'); });
  await knex.schema.createTable('tblhosting', (t) => {
    t.increments('id'); t.integer('userid').index(); t.integer('packageid'); t.text('domain'); t.text('username'); t.text('password');
  });
  await knex.schema.createTable('tbltickets', (t) => {
    t.increments('id'); t.string('tid'); t.integer('userid'); t.integer('contactid'); t.text('title'); t.string('status'); t.text('service');
  });
  await knex.schema.createTable('tbladdonmodules', (t) => { t.string('module'); t.string('setting'); t.text('value'); });
  await knex.schema.createTable('tblconfiguration', (t) => { t.string('setting'); t.text('value'); });

  await knex('tbladminroles').insert([{ id: 1, name: 'Full Administrator' }, { id: 2, name: 'Account Manager' }, { id: 3, name: 'Support Operator' }]);
  await knex('tbladmins').insert([
    { id: 1, roleid: 1, username: 'Admin', firstname: 'Demo', lastname: 'User', email: 'demo@whmcs.com', language: 'english', disabled: 0 },
    { id: 2, roleid: 2, username: 'Georgina', firstname: 'Georgina', lastname: 'Williams', email: 'georgina.williams@whmcs.com', language: '', disabled: 0 },
    { id: 3, roleid: 3, username: 'Pierre', firstname: 'Pierre', lastname: 'Durand', email: 'pierre@example.com', language: 'french', disabled: 1 },
  ]);
  await knex('tblclientgroups').insert([{ id: 1, groupname: 'Client Group 1' }, { id: 2, groupname: 'Client Group 2' }]);
  await knex('tblclients').insert([
    { id: 1, firstname: 'Price', lastname: 'Beier', companyname: '', email: 'cecelia99@example.com', groupid: 0, language: '', status: 'Active' },
    { id: 2, firstname: 'Angelica', lastname: 'Mohr', companyname: 'Mohr & Daughters', email: 'price.ima@example.com', groupid: 1, language: 'french', status: 'Active' },
    { id: 3, firstname: 'Test', lastname: 'Client', companyname: '', email: 'test-client@example.com', groupid: 2, language: 'german', status: 'Closed' },
  ]);
  await knex('tblcontacts').insert([
    { id: 1, userid: 1, firstname: 'Test', lastname: 'Contact', email: 'contact@example.com' },
    { id: 2, userid: 2, firstname: 'Ana', lastname: 'Mohr', email: 'ana@example.com' },
    { id: 3, userid: 2, firstname: 'Ben', lastname: 'Mohr', email: 'ben@example.com' },
  ]);
  await knex('tblproductgroups').insert([{ id: 1, name: 'Shared Hosting' }, { id: 2, name: 'Servers' }, { id: 4, name: 'Hidden group' }]);
  await knex('tblproducts').insert([{ id: 1, gid: 1, name: 'Starter' }, { id: 3, gid: 1, name: 'Plus' }, { id: 5, gid: 2, name: 'Best Hosting Plan' }]);
  // WHMCS keeps service passwords encrypted with its own key: nothing Latchkey can read.
  await knex('tblhosting').insert([
    { id: 1, userid: 1, packageid: 1, domain: 'demodomain.com', username: 'demodoma', password: 'U2FsdGVkX1+encrypted==' },
    { id: 2, userid: 1, packageid: 3, domain: 'demodomain2.net', username: 'demodom2', password: 'U2FsdGVkX1+encrypted2==' },
    { id: 3, userid: 2, packageid: 5, domain: '', username: '', password: '' },
  ]);
  await knex('tbltickets').insert([
    { id: 1, tid: '516757', userid: 1, contactid: 0, title: 'This is a sample ticket', status: 'Closed', service: '' },
    { id: 2, tid: '628191', userid: 2, contactid: 3, title: 'Cannot log in to my server', status: 'Open', service: 'S3' },
    { id: 3, tid: '731002', userid: 0, contactid: 0, title: 'Pre-sales question', status: 'Open', service: '' },
  ]);
  await knex('tbladdonmodules').insert([
    { module: 'latchkey', setting: 'access', value: '1,2' },
    { module: 'latchkey', setting: 'version', value: '1.0.0' },
    { module: 'otheraddon', setting: 'access', value: '3' },
  ]);
  await knex('tblconfiguration').insert([{ setting: 'Language', value: 'italian' }]);
}

describe("WHMCS directory over WHMCS's database", () => {
  let knex: Knex;
  let queries: string[];
  let whmcs: FakeWhmcs;

  before(async () => {
    knex = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
    await whmcsSchema(knex);
    knex.on('query', (q: { sql: string }) => queries.push(q.sql));
    whmcs = await FakeWhmcs.start();
  });
  after(async () => {
    await knex.destroy();
    await whmcs.close();
  });
  beforeEach(() => {
    queries = [];
    whmcs.reset();
  });

  describe('names the API lacks (WhmcsDatabaseNames)', () => {
    it('reads admin roles, product groups and client groups with their names', async () => {
      const names = new WhmcsDatabaseNames(knex);
      expect(await names.adminRoles()).to.deep.equal([
        { id: '1', name: 'Full Administrator' }, { id: '2', name: 'Account Manager' }, { id: '3', name: 'Support Operator' },
      ]);
      expect(await names.productGroups()).to.deep.equal([
        { id: '1', name: 'Shared Hosting' }, { id: '2', name: 'Servers' }, { id: '4', name: 'Hidden group' },
      ]);
      expect(await names.clientGroups()).to.deep.equal([{ id: '1', name: 'Client Group 1' }, { id: '2', name: 'Client Group 2' }]);
    });

    it("reads the roles ticked in the module's Access Control", async () => {
      expect(await new WhmcsDatabaseNames(knex).addonManagerRoleIds()).to.deep.equal(['1', '2']);
      expect(await new WhmcsDatabaseNames(knex, { addonModule: 'notinstalled' }).addonManagerRoleIds()).to.equal(null);
    });

    it('plugs into the API directory: names and addon access from the database, the rest from the API', async () => {
      const api = new WhmcsApi({ url: whmcs.url, identifier: API_IDENTIFIER, secret: API_SECRET });
      const directory = new WhmcsDirectory(api, { names: new WhmcsDatabaseNames(knex) });
      expect((await directory.adminRoles()).map((r) => r.name)).to.deep.equal(['Full Administrator', 'Account Manager', 'Support Operator']);
      expect((await directory.productGroups()).map((g) => g.name)).to.include('Hidden group');
      const admins = await directory.admins(['1', '2', '3']);
      expect([...admins.values()].map((a) => a.addonManager)).to.deep.equal([true, true, false]);
    });
  });

  describe('the whole directory (WhmcsDatabaseDirectory)', () => {
    const directory = () => new WhmcsDatabaseDirectory(knex);

    it('answers each look-up in one query, whatever the number of ids; junk ids cost nothing', async () => {
      const d = directory();
      await d.clients(['1', '2', '3', '404']);
      expect(queries.filter((q) => /tblclients/.test(q))).to.have.length(1);
      queries = [];
      expect((await d.clients(['abc', '-1', ''])).size).to.equal(0);
      expect(queries).to.have.length(0);
      await d.contacts(['1', '2', '3']);
      await d.contactsOfClients(['1', '2']);
      await d.products(['1', '3', '5']);
      await d.services(['1', '2', '3']);
      await d.servicesOfClients(['1', '2']);
      await d.tickets(['1', '2']);
      expect(queries).to.have.length(6);
    });

    it('maps admins with role, language (empty = WHMCS default), disabled and addon access', async () => {
      const admins = await directory().admins(['1', '2', '3']);
      expect(admins.get('1')).to.deep.equal({
        id: '1', name: 'Demo User', email: 'demo@whmcs.com', roleId: '1', language: 'en', disabled: false, addonManager: true,
      });
      expect(admins.get('2')).to.deep.include({ language: 'it', addonManager: true });
      expect(admins.get('3')).to.deep.include({ language: 'fr', disabled: true, addonManager: false });
      expect(await directory().allAdmins()).to.have.length(3);
    });

    it('maps clients, contacts, products, tickets like the API directory does', async () => {
      const d = directory();
      expect((await d.clients(['1', '2'])).get('2')).to.deep.equal({
        id: '2', name: 'Mohr & Daughters', email: 'price.ima@example.com', groupId: '1', language: 'fr', status: 'Active',
      });
      expect((await d.clients(['1'])).get('1')).to.deep.include({ groupId: null, language: 'it' });
      expect((await d.contactsOfClients(['2'])).map((c) => c.name)).to.deep.equal(['Ana Mohr', 'Ben Mohr']);
      expect((await d.contacts(['1'])).get('1')).to.deep.equal({ id: '1', clientId: '1', name: 'Test Contact', email: 'contact@example.com', isMain: false });
      expect((await d.products(['5'])).get('5')).to.deep.equal({ id: '5', name: 'Best Hosting Plan', groupId: '2' });
      expect((await d.allProducts()).map((p) => p.id)).to.deep.equal(['1', '3', '5']);
      const tickets = await d.tickets(['1', '2', '3']);
      expect([...tickets.keys()]).to.deep.equal(['1', '2'], 'the guest ticket concerns no client');
      expect(tickets.get('2')).to.deep.equal({
        id: '2', clientId: '2', contactId: '3', serviceId: '3', subject: 'Cannot log in to my server', status: 'Open',
      });
      expect((await d.devices(['1'])).size).to.equal(0);
    });

    it('never reads the encrypted passwords; without the API, services carry their usernames only', async () => {
      const services = await directory().servicesOfClients(['1', '2']);
      expect(services.map((s) => [s.id, s.label, s.username, s.password])).to.deep.equal([
        ['1', 'Starter (demodomain.com)', 'demodoma', null],
        ['2', 'Plus (demodomain2.net)', 'demodom2', null],
        ['3', 'Best Hosting Plan', null, null],
      ]);
      expect(queries.join(' ')).not.to.match(/password/);
    });

    it('with the API given, reads the passwords through GetClientsProducts, as Secrets', async () => {
      const api = new WhmcsApi({ url: whmcs.url, identifier: API_IDENTIFIER, secret: API_SECRET });
      const d = new WhmcsDatabaseDirectory(knex, { passwords: api });
      const services = await d.servicesOfClients(['1']);
      expect(services.map((s) => s.password?.expose())).to.deep.equal(['Dem0-d0ma1n-pw', 'Plut0-pw-2']);
      expect(services[0]!.password).to.be.instanceOf(Secret);
      expect(whmcs.requests.map((r) => [r.action, r.params.clientid])).to.deep.equal([['GetClientsProducts', '1']]);
      whmcs.reset();
      const byId = await d.services(['2']);
      expect(byId.get('2')!.password!.expose()).to.equal('Plut0-pw-2');
      expect(whmcs.requests.map((r) => r.params.serviceid)).to.deep.equal(['2']);
    });
  });
});
