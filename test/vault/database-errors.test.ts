import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import knexFactory, { type Knex } from 'knex';
import { DatabaseUnavailableError, createLatchkey, type Latchkey } from '../../core/index.ts';
import { tableNames } from '../../core/store/table-names.ts';
import { forEachDatabase, testKeys, type TestDatabase } from '../support/databases.ts';
import { acme, hostFixture, owner } from '../support/host-fixture.ts';
import { rejection } from '../support/table-rows.ts';

/** A readable one-line message: no stack frames, no password, no URL with credentials. */
function expectReadable(err: DatabaseUnavailableError, ...secrets: string[]): void {
  expect(err.code).to.equal('database_unavailable');
  expect(err.message).to.match(/^database unavailable: \S/);
  expect(err.message).not.to.include('\n');
  expect(err.message).not.to.match(/\bat \S+ \(|node_modules|\.ts:\d+/);
  for (const secret of secrets) expect(err.message).not.to.include(secret);
}

function open(url: string, prefix?: string): Promise<Latchkey> {
  return createLatchkey({ database: { url }, keys: testKeys(), host: hostFixture(), ...(prefix ? { tablePrefix: prefix } : {}) });
}

describe('database errors (no server needed)', () => {
  it('a MySQL URL on a closed port fails at start-up with DatabaseUnavailableError, without the password', async () => {
    const err = await rejection(open('mysql://x:y@127.0.0.1:1/nope'), DatabaseUnavailableError);
    expectReadable(err, 'x:y@', 'mysql://');
    expect(err.message).to.include('cannot reach the database server');
    const again = await rejection(open('mysql://latchkey:pw-sentinel-4417@127.0.0.1:1/nope'), DatabaseUnavailableError);
    expectReadable(again, 'pw-sentinel-4417');
  });
});

forEachDatabase('database errors', (db) => {
  /** A Latchkey on this database under a fresh prefix, without running the migrations. */
  async function unmigrated(): Promise<{ lk: Latchkey; cleanup(): Promise<void> }> {
    const prefix = `u${randomBytes(4).toString('hex')}_`;
    if (db.name === 'sqlite') {
      const raw = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
      const lk = await createLatchkey({ database: { knex: raw }, keys: testKeys(), host: hostFixture(), tablePrefix: prefix });
      return { lk, cleanup: async () => { await lk.close(); await raw.destroy(); } };
    }
    const lk = await open(db.url, prefix);
    return { lk, cleanup: () => dropAndClose(db, lk, prefix) };
  }

  it('a vault whose tables were never migrated gives DatabaseUnavailableError saying to migrate', async () => {
    const { lk, cleanup } = await unmigrated();
    try {
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['entries.list', () => lk.entries.list(acme)],
        ['entries.create', () => lk.entries.create(acme, { name: 'Mail', password: 'never-stored' })],
        ['entries.get', () => lk.entries.get(acme, '01900000-0000-7000-8000-000000000000')],
        ['categories.list', () => lk.categories.list(owner)],
        ['settings.update', () => lk.settings.update(owner, { adminAccessMode: 'full' })],
        ['audit.list', () => lk.audit.list({ kind: 'system' })],
        ['audit.verify', () => lk.audit.verify()],
      ];
      for (const [what, call] of calls) {
        const err = await rejection(call(), DatabaseUnavailableError);
        expect(err.message, what).to.include('migrate');
        expectReadable(err, 'never-stored');
      }
    } finally {
      await cleanup();
    }
  });

  it('once migrated, the same instance works without a restart', async () => {
    const { lk, cleanup } = await unmigrated();
    try {
      await rejection(lk.entries.list(acme), DatabaseUnavailableError);
      await lk.migrator.latest();
      const created = await lk.entries.create(acme, { name: 'Mail' });
      expect((await lk.entries.list(acme)).items.map((e) => e.id)).to.deep.equal([created.id]);
    } finally {
      await cleanup();
    }
  });

  if (db.name === 'sqlite') {
    let scratch: string;
    before(() => { scratch = mkdtempSync(join(tmpdir(), 'latchkey-dberr-')); });
    after(() => { rmSync(scratch, { recursive: true, force: true }); });

    const places: Array<[string, () => string]> = [
      ['under a file, where no folder can be made', () => '/dev/null/latchkey/vault.db'],
      ['in a read-only file system', () => '/sys/latchkey/vault.db'],
      ['in a folder that cannot hold files', () => '/sys/latchkey-vault.db'],
      ['under /proc', () => '/proc/latchkey/vault.db'],
      ['that is a folder', () => scratch],
    ];
    for (const [what, path] of places) {
      it(`an SQLite path ${what} fails at start-up with DatabaseUnavailableError`, async () => {
        const err = await rejection(open(`sqlite:${path()}`), DatabaseUnavailableError);
        expectReadable(err);
      });
    }
  }

  if (db.name === 'mariadb') {
    const withCredentials = (user: string, password: string, database?: string) => {
      const url = new URL(db.url);
      url.username = user;
      url.password = password;
      if (database) url.pathname = `/${database}`;
      return url.toString();
    };

    it('a wrong password fails at start-up with DatabaseUnavailableError that does not repeat it', async () => {
      const user = decodeURIComponent(new URL(db.url).username);
      const err = await rejection(open(withCredentials(user, 'wrong-pw-sentinel-9931')), DatabaseUnavailableError);
      expectReadable(err, 'wrong-pw-sentinel-9931');
      expect(err.message).to.include('access denied');
    });

    it('an unknown user and a database the user may not use fail the same way', async () => {
      const unknown = await rejection(open(withCredentials('nobody-here', 'pw-sentinel-1')), DatabaseUnavailableError);
      expectReadable(unknown, 'pw-sentinel-1');
      const url = new URL(db.url);
      const [user, password] = [decodeURIComponent(url.username), decodeURIComponent(url.password)];
      const noSuchDb = await rejection(open(withCredentials(user, password, 'latchkey_no_such_db')), DatabaseUnavailableError);
      expectReadable(noSuchDb, `:${password}@`, url.toString());
    });

    it('a database that goes away mid-run gives DatabaseUnavailableError, and the same instance recovers when it is back', async () => {
      const target = new URL(db.url);
      const proxy = new TcpProxy(target.hostname, Number(target.port || 3306));
      const port = await proxy.start();
      const viaProxy = new URL(db.url);
      viaProxy.hostname = '127.0.0.1';
      viaProxy.port = String(port);
      const prefix = `r${randomBytes(4).toString('hex')}_`;
      const lk = await createLatchkey({ database: { url: viaProxy.toString() }, keys: testKeys(), host: hostFixture(), tablePrefix: prefix, migrate: true });
      try {
        const created = await lk.entries.create(acme, { name: 'Mail', password: 'outage-pw' });
        await proxy.stop();
        for (const call of [() => lk.entries.list(acme), () => lk.entries.reveal(acme, created.id), () => lk.entries.create(acme, { name: 'During' })]) {
          expectReadable(await rejection(call(), DatabaseUnavailableError), 'outage-pw');
        }
        await proxy.start(port);
        let page = await lk.entries.list(acme).catch(() => null);
        // The pool may hand out one more dead connection before it notices; it must heal within a few calls.
        for (let tries = 0; page === null && tries < 5; tries += 1) page = await lk.entries.list(acme).catch(() => null);
        expect(page?.items.map((e) => e.id)).to.deep.equal([created.id]);
        expect((await lk.entries.reveal(acme, created.id)).password?.expose()).to.equal('outage-pw');
      } finally {
        await proxy.start(port).catch(() => undefined);
        await dropAndClose(db, lk, prefix);
        await proxy.stop();
      }
    });
  }
});

/** Rolls a prefixed schema back and drops its migration tables (MariaDB only), then closes the instance. */
async function dropAndClose(db: TestDatabase, lk: Latchkey, prefix: string): Promise<void> {
  const raw: Knex = knexFactory({ client: 'mysql2', connection: db.url });
  try {
    const tables = tableNames(prefix);
    const fresh = await open(db.url, prefix);
    await fresh.migrator.rollback(true);
    await fresh.close();
    await raw.schema.dropTableIfExists(tables.migrations);
    await raw.schema.dropTableIfExists(tables.migrationsLock);
  } finally {
    await lk.close();
    await raw.destroy();
  }
}

/** A TCP forwarder that can be cut (every connection dropped, port closed) and brought back on the same port. */
class TcpProxy {
  #server: Server | null = null;
  readonly #sockets = new Set<Socket>();
  constructor(private readonly host: string, private readonly port: number) {}

  start(port = 0): Promise<number> {
    if (this.#server) return Promise.resolve((this.#server.address() as AddressInfo).port);
    const server = createServer((client) => {
      const upstream = connect(this.port, this.host);
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
        s.on('error', () => { client.destroy(); upstream.destroy(); });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        this.#server = server;
        resolve((server.address() as AddressInfo).port);
      });
    });
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
