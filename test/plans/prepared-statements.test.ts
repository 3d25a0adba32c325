import { expect } from 'chai';
import type { Knex } from 'knex';
import { openDatabase } from '../../core/index.ts';
import { PREPARED_PER_CONNECTION, readPrepared } from '../../core/store/prepared-read.ts';
import { testDatabases } from '../support/databases.ts';

/**
 * A panel's page is read as a server-side prepared statement on MariaDB
 * (core/store/prepared-read.ts): prepared once per connection, then only
 * executed, and never more statements kept on the server than the bound.
 */
const mariadb = testDatabases().find((db) => db.name === 'mariadb');

async function serverStatus(knex: Knex, name: string): Promise<number> {
  const [rows] = await knex.raw('SHOW GLOBAL STATUS LIKE ?', [name]) as [Array<{ Value: string }>];
  return Number(rows[0]?.Value ?? NaN);
}

if (mariadb) {
  describe('[mariadb] a page read as a prepared statement', () => {
    let knex: Knex;
    let observer: Knex;
    beforeEach(() => {
      // One connection: what the server counts for it is all this test's doing.
      knex = openDatabase({ url: mariadb.url }).knex;
      knex.client.pool.max = 1;
      observer = openDatabase({ url: mariadb.url }).knex;
    });
    afterEach(async () => {
      await knex.destroy();
      await observer.destroy();
    });

    it('is prepared once on a connection, then only executed', async () => {
      const page = () => readPrepared<{ n: number }>(knex, 'mysql', knex.select(knex.raw('? + 1 AS n', [41])));
      const prepared = await serverStatus(observer, 'Com_stmt_prepare');
      const executed = await serverStatus(observer, 'Com_stmt_execute');
      for (let i = 0; i < 3; i++) expect(await page()).to.deep.equal([{ n: 42 }]);
      expect(await serverStatus(observer, 'Com_stmt_prepare') - prepared, 'prepared').to.equal(1);
      expect(await serverStatus(observer, 'Com_stmt_execute') - executed, 'executed').to.equal(3);
    });

    it(`keeps at most ${PREPARED_PER_CONNECTION} statements prepared on a connection, the least recently used closed first`, async () => {
      const before = await serverStatus(observer, 'Prepared_stmt_count');
      const shape = (i: number) => readPrepared<{ n: number }>(knex, 'mysql', knex.select(knex.raw(`? + ${i} AS n`, [1])));
      for (let i = 0; i < PREPARED_PER_CONNECTION - 1; i++) expect(await shape(i)).to.deep.equal([{ n: 1 + i }]);
      expect(await serverStatus(observer, 'Prepared_stmt_count') - before, 'one below the bound').to.equal(PREPARED_PER_CONNECTION - 1);
      await shape(PREPARED_PER_CONNECTION - 1);
      expect(await serverStatus(observer, 'Prepared_stmt_count') - before, 'at the bound').to.equal(PREPARED_PER_CONNECTION);
      for (let i = PREPARED_PER_CONNECTION; i < PREPARED_PER_CONNECTION + 8; i++) expect(await shape(i)).to.deep.equal([{ n: 1 + i }]);
      expect(await serverStatus(observer, 'Prepared_stmt_count') - before, 'past the bound').to.equal(PREPARED_PER_CONNECTION);
      // The first one was closed: it is prepared again and still answers.
      const prepared = await serverStatus(observer, 'Com_stmt_prepare');
      expect(await shape(0)).to.deep.equal([{ n: 1 }]);
      expect(await serverStatus(observer, 'Com_stmt_prepare') - prepared).to.equal(1);
    });

    it('takes what knex would have sent: booleans, numbers, text, a limit and an offset', async () => {
      const query = () => knex.select(knex.raw('? AS yes, ? AS no, ? AS word, ? AS half', [true, false, 'é"\'', 0.5]))
        .from(knex.raw('(SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3) AS three')).orderBy('k').limit(1).offset(1);
      const [viaKnex] = await query() as Array<Record<string, unknown>>;
      const [prepared] = await readPrepared<Record<string, unknown>>(knex, 'mysql', query());
      expect(prepared).to.deep.equal({ ...viaKnex!, half: Number(viaKnex!.half) });
      expect(prepared).to.deep.include({ yes: 1, no: 0, word: 'é"\'' });
    });

    it('announces the statement on knex\'s query event, marked prepared, with its values', async () => {
      const seen: Array<{ sql: string; bindings: unknown[]; prepared?: boolean }> = [];
      knex.on('query', (data: { sql: string; bindings: unknown[]; prepared?: boolean }) => seen.push(data));
      await readPrepared(knex, 'mysql', knex.select(knex.raw('? AS n', [7])));
      expect(seen).to.have.length(1);
      expect(seen[0]).to.deep.include({ sql: 'select ? AS n', bindings: [7], prepared: true });
    });
  });
}
