import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import knexFactory, { type Knex } from 'knex';
import { DemoDirectory } from '../../examples/demo-host/demo-directory.ts';
import { ensureSchema, T } from '../../examples/demo-host/schema.ts';
import { ServicePasswords } from '../../examples/demo-host/secrets.ts';
import { seedHost } from '../../examples/demo-host/seed.ts';
import * as data from '../../examples/demo-host/seed-data.ts';
import { createLatchkey, Keyring } from '../../core/index.ts';

describe('[sqlite] demo host: the HostDirectory over its own tables', () => {
  let knex: Knex;
  let directory: DemoDirectory;
  let passwords: ServicePasswords;
  let queries: string[];

  before(async () => {
    knex = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
    await ensureSchema(knex);
    passwords = new ServicePasswords(randomBytes(32));
    await seedHost(knex, passwords);
    directory = new DemoDirectory(knex, passwords);
    knex.on('query', (q: { sql: string }) => queries?.push(q.sql));
  });

  after(async () => {
    await knex.destroy();
  });

  /** Runs a look-up and answers its result with the SQL it sent. */
  async function counted<R>(lookup: () => Promise<R>): Promise<{ result: R; sql: string[] }> {
    queries = [];
    const result = await lookup();
    const sql = queries;
    queries = [];
    return { result, sql };
  }

  it('answers admins by id with their role, language and addon access, in one query', async () => {
    const { result, sql } = await counted(() => directory.admins(['1', '3', '5', '999', 'abc', '1']));
    expect(sql).to.have.length(1);
    expect(sql[0]).to.match(/ in \(/i);
    expect([...result.keys()].sort()).to.deep.equal(['1', '3', '5']);
    expect(result.get('1')).to.deep.include({ name: 'Olivia Bennett', roleId: '1', language: 'en', disabled: false, addonManager: true });
    expect(result.get('3')).to.deep.include({ name: 'Marc Dubois', roleId: '2', language: 'fr', addonManager: false });
    expect(result.get('5')).to.deep.include({ email: 'carmen@northwind-hosting.example', roleId: '3' });
  });

  it('answers clients, contacts and devices by id, one query each, asking nothing about malformed ids', async () => {
    const clients = await counted(() => directory.clients(['1', '4', '8', '42', '-1', '1.5', '']));
    expect(clients.sql).to.have.length(1);
    expect([...clients.result.keys()].sort()).to.deep.equal(['1', '4', '8']);
    expect(clients.result.get('4')).to.deep.equal({
      id: '4', name: 'Casa Olivar', email: 'hola@casaolivar.example', groupId: '1', language: 'es', status: 'Active',
    });
    expect(clients.result.get('8')!.status).to.equal('Inactive');

    const contacts = await counted(() => directory.contacts(['1', '2', '99']));
    expect(contacts.sql).to.have.length(1);
    expect(contacts.result.get('1')).to.deep.equal({ id: '1', clientId: '1', name: 'Emma Clarke', email: 'hello@blueharbourcoffee.example', isMain: true });
    expect(contacts.result.get('2')!.isMain).to.equal(false);

    const devices = await counted(() => directory.devices(['3', '4']));
    expect(devices.sql).to.have.length(1);
    expect(devices.result.get('3')).to.deep.equal({ id: '3', clientId: '3', name: 'Werkstatt-Firewall (Sophos XGS 116)' });
  });

  it('lists the contacts of several clients in one query, main contact first', async () => {
    const { result, sql } = await counted(() => directory.contactsOfClients(['1', '6', '404']));
    expect(sql).to.have.length(1);
    expect(result.map((c) => c.id).sort()).to.deep.equal(['1', '10', '2', '9']);
    const blueHarbour = result.filter((c) => c.clientId === '1');
    expect(blueHarbour[0]).to.deep.include({ name: 'Emma Clarke', isMain: true });
  });

  it('answers services with the host’s own login, decrypting the password only into a Secret', async () => {
    const { result, sql } = await counted(() => directory.services(['1', '5', '14']));
    expect(sql).to.have.length(1);
    const cpanel = result.get('1')!;
    expect(cpanel).to.deep.include({ clientId: '1', productId: '2', label: 'blueharbourcoffee.example', username: 'blueharb', loginUrl: 'https://cp3.northwind-hosting.example:2083' });
    expect(cpanel.password!.expose()).to.have.length(18);
    expect(result.get('14')!.password).to.equal(null);

    const raw = await knex(T.services).where('id', 1).first() as { password_enc: string };
    expect(raw.password_enc).to.match(/^v1\./);
    expect(raw.password_enc).not.to.contain(cpanel.password!.expose());
  });

  it('refuses a service password copied onto another service (bound to its service id)', async () => {
    const raw = await knex(T.services).where('id', 1).first() as { password_enc: string };
    expect(() => passwords.open(2, raw.password_enc)).to.throw();
  });

  it('lists the services of several clients in one query', async () => {
    const { result, sql } = await counted(() => directory.servicesOfClients(['1', '6']));
    expect(sql).to.have.length(1);
    expect(result.map((s) => s.id)).to.deep.equal(['1', '2', '3', '10', '11', '12']);
  });

  it('answers products and tickets by id', async () => {
    const products = await counted(() => directory.products(['3', '6']));
    expect(products.sql).to.have.length(1);
    expect(products.result.get('3')).to.deep.equal({ id: '3', name: 'Managed WordPress', groupId: '1' });
    const tickets = await counted(() => directory.tickets(['1', '10']));
    expect(tickets.sql).to.have.length(1);
    expect(tickets.result.get('1')).to.deep.equal({
      id: '1', clientId: '1', contactId: '2', serviceId: '2', subject: 'Checkout returns a 502 after the WooCommerce update', status: 'Open',
    });
    expect(tickets.result.get('10')!.serviceId).to.equal(null);
  });

  it('answers the catalogues, one query each', async () => {
    for (const [lookup, size] of [
      [() => directory.allAdmins(), data.admins.length],
      [() => directory.allProducts(), data.products.length],
      [() => directory.adminRoles(), data.adminRoles.length],
      [() => directory.clientGroups(), data.clientGroups.length],
      [() => directory.productGroups(), data.productGroups.length],
    ] as const) {
      const { result, sql } = await counted(lookup);
      expect(sql).to.have.length(1);
      expect(result).to.have.length(size);
    }
    expect((await directory.adminRoles()).map((r) => r.name)).to.include.members(['Full Administrator', 'Support', 'Billing']);
  });

  it('makes no query for no ids, and one per 500 ids however many it is given', async () => {
    const none = await counted(() => directory.clients([]));
    expect(none.sql).to.have.length(0);
    const many = Array.from({ length: 1200 }, (_, i) => String(i + 1));
    for (const lookup of [
      () => directory.admins(many), () => directory.clients(many), () => directory.contacts(many), () => directory.contactsOfClients(many),
      () => directory.products(many), () => directory.services(many), () => directory.servicesOfClients(many),
      () => directory.tickets(many), () => directory.devices(many), () => directory.devicesOfClients(many),
    ]) {
      const { sql } = await counted(lookup as () => Promise<unknown>);
      expect(sql).to.have.length(3);
    }
  });

  it('serves Latchkey as its host: service credentials come from the demo tables', async () => {
    const lk = await createLatchkey({
      database: { knex }, keys: new Keyring([{ id: 't1', key: randomBytes(32) }]), host: directory, tablePrefix: 'dirtest_', migrate: true,
    });
    try {
      const mine = await lk.serviceCredentials.list({ kind: 'client', clientId: '1' }, '1');
      expect(mine.map((e) => e.name)).to.have.length(3);
      const revealed = await lk.serviceCredentials.reveal({ kind: 'client', clientId: '1' }, 'service:1');
      const direct = (await directory.services(['1'])).get('1')!;
      expect(revealed.password!.expose()).to.equal(direct.password!.expose());
    } finally {
      await lk.close();
    }
  });
});
