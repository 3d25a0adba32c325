import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import knexFactory, { type Knex } from 'knex';
import { asUnavailable, createLatchkey, DatabaseUnavailableError, openDatabase, type Latchkey } from '../../core/index.ts';
import { readPrepared } from '../../core/store/prepared-read.ts';
import { tableNames } from '../../core/store/table-names.ts';
import { testDatabases, testKeys } from '../support/databases.ts';
import { acme, hostFixture } from '../support/host-fixture.ts';
import { SilentProxy } from './support/silent-proxy.ts';

/**
 * A panel's page, read as a prepared statement on MariaDB (core/store/prepared-read.ts), meets a
 * server that stops answering while the statement is prepared, or later while it is executed, and
 * a server that answers with an error: each is a 503 to retry, within the configured time.
 */
const mariadb = testDatabases().find((db) => db.name === 'mariadb');
const TIMEOUT_MS = 1_500;

async function failure(read: () => Promise<unknown>): Promise<{ err: unknown; ms: number }> {
  const started = Date.now();
  try {
    await read();
  } catch (err) {
    return { err, ms: Date.now() - started };
  }
  throw new Error('the page was read');
}

if (mariadb) {
  describe('[mariadb] a panel page read as a prepared statement, when the database fails or hangs', function () {
    this.timeout(30_000);
    const proxies: SilentProxy[] = [];
    const vaults: Latchkey[] = [];
    const pools: Knex[] = [];
    afterEach(async () => {
      for (const p of proxies.splice(0)) await p.close();
      for (const knex of pools.splice(0)) await knex.destroy();
      for (const lk of vaults.splice(0)) await lk.close();
    });

    async function vaultBehindProxy(): Promise<{ lk: Latchkey; proxy: SilentProxy; prefix: string }> {
      const proxy = new SilentProxy('127.0.0.1', Number(new URL(mariadb!.url).port || 3306));
      proxies.push(proxy);
      const url = new URL(mariadb!.url);
      url.port = String(await proxy.start());
      const prefix = `p${randomBytes(4).toString('hex')}_`;
      const lk = await createLatchkey({
        database: { url: url.toString(), timeoutMs: TIMEOUT_MS }, keys: testKeys(), host: hostFixture(), migrate: true, tablePrefix: prefix,
      });
      vaults.push(lk);
      await lk.entries.create(acme, { name: 'Webmail', password: 'pw-prepared' });
      return { lk, proxy, prefix };
    }

    /** A pool of one connection, already open, behind a proxy that can go silent. */
    async function poolBehindProxy(): Promise<{ knex: Knex; proxy: SilentProxy }> {
      const proxy = new SilentProxy('127.0.0.1', Number(new URL(mariadb!.url).port || 3306));
      proxies.push(proxy);
      const url = new URL(mariadb!.url);
      url.port = String(await proxy.start());
      const { knex } = openDatabase({ url: url.toString(), timeoutMs: TIMEOUT_MS });
      knex.client.pool.max = 1;
      pools.push(knex);
      await knex.raw('SELECT 1');
      return { knex, proxy };
    }
    const page = (knex: Knex) => readPrepared(knex, 'mysql', knex.select(knex.raw('? AS n', [1])));

    it('a server that goes silent before the statement is prepared: an outage to retry, within the configured time', async () => {
      const { knex, proxy } = await poolBehindProxy();
      proxy.silence();
      const { err, ms } = await failure(() => page(knex));
      const mapped = asUnavailable(err);
      expect(mapped, String(err)).to.be.instanceOf(DatabaseUnavailableError);
      expect((mapped as DatabaseUnavailableError).retryAfterSeconds).to.be.within(1, 10);
      expect(ms).to.be.within(TIMEOUT_MS - 100, TIMEOUT_MS + 3_000);
    });

    it('a server that goes silent once the statement is prepared: the next execution is an outage, within the configured time', async () => {
      const { knex, proxy } = await poolBehindProxy();
      expect(await page(knex)).to.deep.equal([{ n: 1 }]);
      proxy.silence();
      const { err, ms } = await failure(() => page(knex));
      expect(asUnavailable(err), String(err)).to.be.instanceOf(DatabaseUnavailableError);
      expect(ms).to.be.within(TIMEOUT_MS - 100, TIMEOUT_MS + 3_000);
    });

    it('a panel page on a server gone silent is a 503 within the configured time', async () => {
      const { lk, proxy } = await vaultBehindProxy();
      expect((await lk.entries.firstPage(acme, {})).items.map((e) => e.name)).to.deep.equal(['Webmail']);
      proxy.silence();
      const { err, ms } = await failure(() => lk.entries.firstPage(acme, {}));
      expect(err).to.be.instanceOf(DatabaseUnavailableError);
      expect(String((err as Error).message)).not.to.contain('pw-prepared');
      expect(ms).to.be.below(TIMEOUT_MS * 2 + 3_000);
    });

    it('a server that answers the prepared statement with an error (its table is gone): 503, and nothing of the statement in the message', async () => {
      const { lk, prefix } = await vaultBehindProxy();
      expect((await lk.entries.firstPage(acme, {})).items).to.have.length(1);
      const admin = knexFactory({ client: 'mysql2', connection: mariadb!.url });
      try {
        await admin.schema.renameTable(tableNames(prefix).tags, `${tableNames(prefix).tags}_away`);
        const { err } = await failure(() => lk.entries.firstPage(acme, {}));
        expect(err).to.be.instanceOf(DatabaseUnavailableError);
        expect(String((err as Error).message)).to.match(/tables are missing/).and.not.to.match(/select/i);
        await admin.schema.renameTable(`${tableNames(prefix).tags}_away`, tableNames(prefix).tags);
        expect((await lk.entries.firstPage(acme, {})).items, 'read again once the table is back').to.have.length(1);
      } finally {
        await admin.destroy();
      }
    });
  });
}
