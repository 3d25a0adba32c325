import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  agentOf, JsonFileZendeskMapping, KnexZendeskMapping, MemoryZendeskMapping, withZendeskTickets, zendeskInstallation,
  zendeskLinksTable, zendeskMigrations, type ZendeskMapping,
} from '../../adapters/zendesk/index.ts';
import { Migrator } from '../../core/index.ts';
import { forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { hostFixture } from '../support/host-fixture.ts';

/** What every mapping store must do, whatever keeps it. */
function mappingContract(make: () => ZendeskMapping): void {
  let m: ZendeskMapping;
  beforeEach(() => { m = make(); });

  it('links, finds many at once, relinks, lists and unlinks', async () => {
    await m.link({ kind: 'agent', zendeskId: '9001', latchkeyId: 'a-sam', label: 'Sam' });
    await m.link({ kind: 'user', zendeskId: '7001', latchkeyId: 'c-acme' });
    await m.link({ kind: 'organization', zendeskId: '8001', latchkeyId: 'c-acme' });
    const agents = await m.find('agent', ['9001', '9999']);
    expect([...agents.keys()]).to.deep.equal(['9001']);
    expect(agents.get('9001')).to.deep.equal({ kind: 'agent', zendeskId: '9001', latchkeyId: 'a-sam', label: 'Sam' });
    // Kinds are separate: a user id is not an agent id.
    expect((await m.find('agent', ['7001'])).size).to.equal(0);
    await m.link({ kind: 'agent', zendeskId: '9001', latchkeyId: 'a-sys' });
    expect((await m.find('agent', ['9001'])).get('9001')).to.deep.include({ latchkeyId: 'a-sys', label: null });
    expect((await m.list()).map((l) => `${l.kind}:${l.zendeskId}`)).to.deep.equal(['agent:9001', 'organization:8001', 'user:7001']);
    expect((await m.list('user')).map((l) => l.latchkeyId)).to.deep.equal(['c-acme']);
    expect(await m.unlink('user', '7001')).to.equal(true);
    expect(await m.unlink('user', '7001')).to.equal(false);
    expect((await m.find('user', ['7001'])).size).to.equal(0);
  });

  it('emails are found whatever their case; ids as numbers or strings', async () => {
    await m.link({ kind: 'email', zendeskId: ' Ops2@Globex.TEST ', latchkeyId: 'c-globex' });
    expect((await m.find('email', ['ops2@globex.test'])).get('ops2@globex.test')).to.deep.include({ zendeskId: 'ops2@globex.test' });
    expect((await m.find('email', ['OPS2@GLOBEX.test'])).has('OPS2@GLOBEX.test')).to.equal(true);
    await m.link({ kind: 'ticket', zendeskId: 4242 as unknown as string, latchkeyId: 'c-acme', label: 'Server\ndown' });
    expect((await m.find('ticket', ['4242'])).get('4242')).to.deep.include({ label: 'Server down' });
  });

  it('newest: the largest ids of one kind first, as numbers and not as text, with the count of them all', async () => {
    for (const id of ['9', '100', '2', '10', '99']) await m.link({ kind: 'ticket', zendeskId: id, latchkeyId: 'c-acme' });
    await m.link({ kind: 'user', zendeskId: '500', latchkeyId: 'c-acme' });
    const { links, total } = await m.newest('ticket', 3);
    expect(links.map((l) => l.zendeskId)).to.deep.equal(['100', '99', '10']);
    expect(total).to.equal(5);
    expect(await m.newest('organization', 3)).to.deep.equal({ links: [], total: 0 });
  });

  it('refuses what is not a Zendesk id, an email, a host id or a kind', async () => {
    const bad: Array<Parameters<ZendeskMapping['link']>[0]> = [
      { kind: 'agent', zendeskId: 'sam', latchkeyId: 'a-sam' },
      { kind: 'agent', zendeskId: '1'.repeat(21), latchkeyId: 'a-sam' },
      { kind: 'user', zendeskId: '-1', latchkeyId: 'c-acme' },
      { kind: 'email', zendeskId: 'not-an-email', latchkeyId: 'c-acme' },
      { kind: 'user', zendeskId: '7001', latchkeyId: '<script>' },
      { kind: 'user', zendeskId: '7001', latchkeyId: '' },
      { kind: 'nobody' as 'user', zendeskId: '7001', latchkeyId: 'c-acme' },
    ];
    for (const link of bad) {
      let thrown: unknown = null;
      try {
        await m.link(link);
      } catch (err) {
        thrown = err;
      }
      expect(thrown, JSON.stringify(link)).to.be.instanceOf(TypeError);
    }
    expect(await m.list()).to.deep.equal([]);
    expect((await m.find('agent', ["1' OR '1'='1", ''])).size).to.equal(0);
  });
}

describe('Zendesk mapping: in memory', () => mappingContract(() => new MemoryZendeskMapping()));

describe('Zendesk mapping: JSON file', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'latchkey-zendesk-')); });
  after(() => { rmSync(dir, { recursive: true, force: true }); });
  let n = 0;
  mappingContract(() => new JsonFileZendeskMapping(join(dir, `links-${n++}.json`)));

  it('reads what the installer wrote, and keeps changes across restarts', async () => {
    const path = join(dir, 'installer.json');
    writeFileSync(path, JSON.stringify([{ kind: 'agent', zendeskId: '9001', latchkeyId: 'a-sam' }]));
    const first = new JsonFileZendeskMapping(path);
    await first.link({ kind: 'organization', zendeskId: '8001', latchkeyId: 'c-acme', label: 'Acme' });
    const again = new JsonFileZendeskMapping(path);
    expect((await again.list()).map((l) => `${l.kind}:${l.zendeskId}:${l.latchkeyId}`)).to.deep.equal(['agent:9001:a-sam', 'organization:8001:c-acme']);
    expect(JSON.parse(readFileSync(path, 'utf8'))).to.have.length(2);
    writeFileSync(path, '{"not": "an array"}');
    expect(() => new JsonFileZendeskMapping(path)).to.throw(TypeError, /array/);
    writeFileSync(path, JSON.stringify([{ kind: 'agent', zendeskId: 'x', latchkeyId: 'a-sam' }]));
    expect(() => new JsonFileZendeskMapping(path)).to.throw(TypeError, /not a Zendesk id/);
  });
});

forEachDatabase('Zendesk mapping: Latchkey database (the adapter\'s own migration)', (db) => {
  let vault: Vault;
  before(async () => { vault = await openVault(db, hostFixture(), { adapterMigrations: zendeskMigrations }); });
  after(async () => { await vault.close(); });
  let n = 0;
  mappingContract(() => new KnexZendeskMapping(vault.raw, { account: `acct${n++}`, table: zendeskLinksTable(vault.tables) }));

  it('keeps each Zendesk account apart in the one table', async () => {
    const a = new KnexZendeskMapping(vault.raw, { account: 'alpha', table: zendeskLinksTable(vault.tables) });
    const b = new KnexZendeskMapping(vault.raw, { account: 'beta', table: zendeskLinksTable(vault.tables) });
    await a.link({ kind: 'agent', zendeskId: '1', latchkeyId: 'a-sam' });
    await b.link({ kind: 'agent', zendeskId: '1', latchkeyId: 'a-sys' });
    expect((await a.find('agent', ['1'])).get('1')!.latchkeyId).to.equal('a-sam');
    expect((await b.find('agent', ['1'])).get('1')!.latchkeyId).to.equal('a-sys');
    expect(await b.unlink('agent', '1')).to.equal(true);
    expect((await a.list()).length).to.equal(1);
  });

  it('the table comes with the adapter\'s migration zendesk_0001_links (rolled back when the vault closes)', async () => {
    const status = await vault.lk.migrator.status();
    expect(status.applied).to.include('zendesk_0001_links');
    expect(await vault.raw.schema.hasTable(zendeskLinksTable(vault.tables))).to.equal(true);
  });
});

forEachDatabase('Zendesk table belongs to the Zendesk adapter', (db) => {
  it('an install without the Zendesk adapter has no Zendesk table and no Zendesk migration', async () => {
    const vault = await openVault(db, hostFixture());
    try {
      expect(await vault.raw.schema.hasTable(zendeskLinksTable(vault.tables))).to.equal(false);
      const { applied, pending } = await vault.lk.migrator.status();
      expect([...applied, ...pending].filter((name) => name.startsWith('zendesk_'))).to.deep.equal([]);
    } finally {
      await vault.close();
    }
  });

  it('links made when core still created the table survive the adapter taking it over', async () => {
    const vault = await openVault(db, hostFixture());
    try {
      // What core's migration 0003 used to create: the same table, already holding links.
      await zendeskMigrations[0]!.up(vault.raw, vault.tables);
      const before = new KnexZendeskMapping(vault.raw, { account: 'acme', table: zendeskLinksTable(vault.tables) });
      await before.link({ kind: 'agent', zendeskId: '9001', latchkeyId: 'a-sam' });
      const withAdapter = new Migrator(vault.raw, vault.tables, zendeskMigrations);
      expect(await withAdapter.latest()).to.deep.equal(['zendesk_0001_links']);
      expect((await before.find('agent', ['9001'])).get('9001')!.latchkeyId).to.equal('a-sam');
      await withAdapter.rollback();
      expect(await vault.raw.schema.hasTable(zendeskLinksTable(vault.tables))).to.equal(false);
    } finally {
      await vault.close();
    }
  });

  it('a database that ran the Zendesk migration, opened without the adapter, names what is missing', async () => {
    const vault = await openVault(db, hostFixture(), { adapterMigrations: zendeskMigrations });
    try {
      const without = new Migrator(vault.raw, vault.tables);
      let refused: Error | undefined;
      await without.status().catch((err: Error) => { refused = err; });
      expect(refused?.message).to.match(/zendesk_0001_links/).and.to.match(/LATCHKEY_HOST=zendesk/);
    } finally {
      await vault.close();
    }
  });
});

describe('Zendesk tickets in the host directory', () => {
  it('answers zendesk:<id> from the ticket links and everything else from the host', async () => {
    const inner = hostFixture();
    const links = new MemoryZendeskMapping([{ kind: 'ticket', zendeskId: '4242', latchkeyId: 'c-acme', label: 'VPN down' }]);
    const host = withZendeskTickets(inner, links);
    const tickets = await host.tickets(['t-100', 'zendesk:4242', 'zendesk:1', 'zendesk:abc']);
    expect([...tickets.keys()].sort()).to.deep.equal(['t-100', 'zendesk:4242']);
    expect(tickets.get('zendesk:4242')).to.deep.equal({ id: 'zendesk:4242', clientId: 'c-acme', contactId: null, serviceId: null, subject: 'VPN down', status: '' });
    expect((await host.clients(['c-acme'])).get('c-acme')!.name).to.equal('Acme Ltd');
    expect((await host.allAdmins()).length).to.equal(3);
    // Without a mapping yet (Latchkey not opened), Zendesk tickets are simply unknown.
    expect((await withZendeskTickets(inner, () => undefined).tickets(['zendesk:4242'])).size).to.equal(0);
  });
});

describe('Zendesk token claims', () => {
  it('finds the agent where JWTs put a Zendesk user, and only a Zendesk user id', () => {
    expect(agentOf({ sub: '9001' })).to.deep.equal({ id: '9001', email: null });
    expect(agentOf({ sub: 9001, email: 'Sam@Host.test' })).to.deep.equal({ id: '9001', email: 'sam@host.test' });
    expect(agentOf({ sub: 'https://acme.zendesk.com/api/v2/users/9001.json' })).to.deep.equal({ id: '9001', email: null });
    expect(agentOf({ context: { user: { id: 9001, email: 'sam@host.test' } } })).to.deep.equal({ id: '9001', email: 'sam@host.test' });
    expect(agentOf({ context: { currentUser: { id: '9001' } } })).to.deep.equal({ id: '9001', email: null });
    expect(agentOf({ user: { id: 9001 } })).to.deep.equal({ id: '9001', email: null });
    expect(agentOf({ user_id: 9001 })).to.deep.equal({ id: '9001', email: null });
    for (const payload of [{}, { sub: 'admin:a-owner' }, { sub: '9001x' }, { sub: 'https://evil.example/users/1.json/x' }, { sub: -5 }, { sub: 1.5 }, { context: 'user' }, { user: [9001] }]) {
      expect(agentOf(payload), JSON.stringify(payload)).to.equal(null);
    }
  });

  it('zendeskInstallation gives iss and aud of one installation', () => {
    expect(zendeskInstallation('acme', 360001)).to.deep.equal({
      issuer: 'acme.zendesk.com',
      audience: 'https://acme.zendesk.com/api/v2/apps/installations/360001.json',
    });
    expect(() => zendeskInstallation('acme.zendesk.com', 1)).to.throw(TypeError);
    expect(() => zendeskInstallation('acme', 'x')).to.throw(TypeError);
  });
});
