import { expect } from 'chai';
import knexFactory, { type Knex } from 'knex';
import { HostUnavailableError, Secret } from '../../core/index.ts';
import { WhmcsApi, WhmcsDatabaseDirectory, WhmcsDatabaseNames, WhmcsDirectory, WhmcsUnavailableError } from '../../adapters/whmcs/index.ts';
import { rejection } from '../support/table-rows.ts';
import { forEachDatabase } from '../support/databases.ts';
import { openWhmcsTables } from '../contract/whmcs-tables.ts';
import { API_IDENTIFIER, API_SECRET, FakeWhmcs } from './fake-whmcs.ts';

// The tables and their rows are the contract suite's (test/contract/whmcs-tables.ts); the contract's rules are not repeated here.
forEachDatabase("WHMCS directory over WHMCS's database", (db) => {
  let knex: Knex;
  let queries: string[];
  let whmcs: FakeWhmcs;

  before(async () => {
    knex = await openWhmcsTables(db);
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

    it("reads WHMCS's date format; a missing or unknown one leaves dates to each language", async () => {
      const names = new WhmcsDatabaseNames(knex);
      expect(await names.dateFormat()).to.deep.equal({});
      try {
        await knex('tblconfiguration').insert({ setting: 'DateFormat', value: 'DD.MM.YYYY' });
        expect(await names.dateFormat()).to.deep.equal({ pattern: 'DD.MM.YYYY' });
        await knex('tblconfiguration').where('setting', 'DateFormat').update({ value: 'D M Y' });
        expect(await names.dateFormat()).to.deep.equal({});
      } finally {
        await knex('tblconfiguration').where('setting', 'DateFormat').delete();
      }
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
      const tickets = await d.tickets(['1', '2']);
      expect(tickets.get('1')).to.deep.include({ contactId: null, serviceId: null }, 'contactid 0 and no service');
      expect(tickets.get('2')).to.deep.equal({
        id: '2', clientId: '2', contactId: '3', serviceId: '3', subject: 'Cannot log in to my server', status: 'Open',
      });
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

describe("WHMCS's database away", () => {
  it('a database without WHMCS tables is the host failing, named as such, not a problem with Latchkey\'s tables', async () => {
    const empty = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
    try {
      const err = await rejection(new WhmcsDatabaseDirectory(empty).clients(['1']), HostUnavailableError);
      expect(err).to.be.instanceOf(WhmcsUnavailableError);
      expect(err.message).to.match(/WHMCS database: a WHMCS table is missing/);
      expect(err.message).not.to.match(/latchkey migrate/);
    } finally {
      await empty.destroy();
    }
  });

  it('a database server that does not answer is the host failing too', async () => {
    const nobody = knexFactory({ client: 'mysql2', connection: { host: '127.0.0.1', port: 9, user: 'whmcs', database: 'whmcs' }, pool: { min: 0, max: 1 }, acquireConnectionTimeout: 2000 });
    try {
      const err = await rejection(new WhmcsDatabaseDirectory(nobody).admins(['1']), HostUnavailableError);
      expect(err.message).to.match(/^WHMCS database: /);
    } finally {
      await nobody.destroy();
    }
  });
});
