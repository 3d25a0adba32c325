import knexFactory, { type Knex } from 'knex';
import type { TestDatabase } from '../support/databases.ts';

/**
 * A connection that sees WHMCS's tables, created and filled for one test run.
 *
 * WHMCS's table names are fixed (tblclients, tbladmins...), so on a shared
 * MariaDB test database two runs would trip over each other's tables. There
 * they are TEMPORARY tables instead: visible only to the connection that made
 * them, which is why the pool holds exactly one connection, and gone when it
 * closes. On SQLite the database itself lives in memory.
 */
export async function openWhmcsTables(db: TestDatabase): Promise<Knex> {
  const knex = db.name === 'sqlite'
    ? knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true, pool: { min: 1, max: 1 } })
    : knexFactory({ client: 'mysql2', connection: db.url, pool: { min: 1, max: 1 } });
  try {
    await createWhmcsTables(knex, db.name === 'mariadb');
    await seedWhmcsTables(knex);
  } catch (err) {
    await knex.destroy();
    throw err;
  }
  return knex;
}

/** The columns Latchkey reads from WHMCS's schema; the rest of each table is left out. */
async function createWhmcsTables(knex: Knex, temporary: boolean): Promise<void> {
  const create = async (name: string, build: (t: Knex.CreateTableBuilder) => void) => {
    const builder = knex.schema.createTable(name, build);
    if (!temporary) return builder;
    // knex has no TEMPORARY option: run its SQL with the word added.
    for (const { sql, bindings } of builder.toSQL()) await knex.raw(sql.replace(/^create table/i, 'create temporary table'), bindings);
  };
  await create('tbladminroles', (t) => { t.increments('id'); t.text('name'); });
  await create('tbladmins', (t) => {
    t.increments('id'); t.integer('roleid'); t.string('username'); t.string('firstname'); t.string('lastname');
    t.string('email'); t.string('language'); t.integer('disabled');
  });
  await create('tblclientgroups', (t) => { t.increments('id'); t.string('groupname'); });
  await create('tblclients', (t) => {
    t.increments('id'); t.string('firstname'); t.string('lastname'); t.string('companyname'); t.string('email');
    t.integer('groupid'); t.string('language'); t.string('status');
  });
  await create('tblcontacts', (t) => {
    t.increments('id'); t.integer('userid').index(); t.string('firstname'); t.string('lastname'); t.string('email');
  });
  await create('tblproductgroups', (t) => { t.increments('id'); t.text('name'); });
  await create('tblproducts', (t) => { t.increments('id'); t.integer('gid'); t.text('name'); });
  await create('tblhosting', (t) => {
    t.increments('id'); t.integer('userid').index(); t.integer('packageid'); t.text('domain'); t.text('username'); t.text('password'); t.string('domainstatus');
  });
  await create('tbltickets', (t) => {
    t.increments('id'); t.string('tid'); t.integer('userid'); t.integer('contactid'); t.text('title'); t.string('status'); t.text('service');
  });
  await create('tbladdonmodules', (t) => { t.string('module'); t.string('setting'); t.text('value'); });
  await create('tblconfiguration', (t) => { t.string('setting'); t.text('value'); });
}

/** The same people, products and tickets as the fake WHMCS API (test/whmcs/fake-whmcs.ts), fewer of some. */
async function seedWhmcsTables(knex: Knex): Promise<void> {
  await knex('tbladminroles').insert([{ id: 1, name: 'Full Administrator' }, { id: 2, name: 'Account Manager' }, { id: 3, name: 'Support Operator' }]);
  await knex('tbladmins').insert([
    { id: 1, roleid: 1, username: 'Admin', firstname: 'Demo', lastname: 'User', email: 'demo@whmcs.com', language: 'english', disabled: 0 },
    { id: 2, roleid: 2, username: 'Georgina', firstname: 'Georgina', lastname: 'Williams', email: 'georgina.williams@whmcs.com', language: '', disabled: 0 },
    { id: 3, roleid: 3, username: 'Pierre', firstname: 'Pierre', lastname: 'Durand', email: 'pierre@example.com', language: 'french', disabled: 1 },
    { id: 4, roleid: 3, username: 'Sofia', firstname: 'Sofia', lastname: 'Reyes', email: 'sofia@example.com', language: 'spanish', disabled: 0 },
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
    { id: 1, userid: 1, packageid: 1, domain: 'demodomain.com', username: 'demodoma', password: 'U2FsdGVkX1+encrypted==', domainstatus: 'Active' },
    { id: 2, userid: 1, packageid: 3, domain: 'demodomain2.net', username: 'demodom2', password: 'U2FsdGVkX1+encrypted2==', domainstatus: 'Suspended' },
    { id: 3, userid: 2, packageid: 5, domain: '', username: '', password: '', domainstatus: 'Active' },
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
