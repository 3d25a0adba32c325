import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import knexFactory, { type Knex } from 'knex';
import { asUnavailable, DatabaseUnavailableError, openDatabase } from '../../core/index.ts';
import { forEachDatabase } from '../support/databases.ts';

/** Knex prints a stack for every connection it could not get: expected here. */
const QUIET = { warn: () => undefined };

/** What a driver really throws for `work`, classified as the edges classify it. */
async function classified(work: () => Promise<unknown>): Promise<DatabaseUnavailableError> {
  try {
    await work();
  } catch (err) {
    const mapped = asUnavailable(err);
    expect(mapped, `${(err as Error).name}: ${(err as Error).message}`).to.be.instanceOf(DatabaseUnavailableError);
    return mapped as DatabaseUnavailableError;
  }
  throw new Error('the driver did not fail');
}

forEachDatabase('driver failures that mean "the database cannot serve now"', (db) => {
  it('a pool with no free connection in time (knex "Timeout acquiring a connection") is an outage to retry soon', async () => {
    const knex = db.name === 'sqlite'
      ? knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true, pool: { min: 1, max: 1 }, acquireConnectionTimeout: 300, log: QUIET })
      : knexFactory({ client: 'mysql2', connection: db.url, pool: { min: 0, max: 1 }, acquireConnectionTimeout: 300, log: QUIET });
    try {
      await knex.transaction(async () => {
        // The transaction holds the only connection: a query outside it waits for the pool.
        const err = await classified(() => knex.raw('select 1'));
        expect(err.message).to.match(/no connection could be made in time/);
        expect(err.retryAfterSeconds).to.be.within(1, 10);
      });
    } finally {
      await knex.destroy();
    }
  });

  if (db.name === 'mariadb') {
    let table: string;
    let knex: Knex;
    before(async () => {
      knex = openDatabase({ url: db.url }).knex;
      table = `deadlock_${randomBytes(4).toString('hex')}`;
      await knex.schema.createTable(table, (t) => { t.integer('id').primary(); t.integer('n'); });
      await knex(table).insert([{ id: 1, n: 0 }, { id: 2, n: 0 }]);
    });
    after(async () => {
      await knex.schema.dropTableIfExists(table);
      await knex.destroy();
    });

    it('a deadlock (ER_LOCK_DEADLOCK, 1213) is an outage to retry soon', async () => {
      const first = await knex.transaction();
      const second = await knex.transaction();
      try {
        await first(table).where('id', 1).update({ n: 1 });
        await second(table).where('id', 2).update({ n: 1 });
        const waiting = first(table).where('id', 2).update({ n: 2 });
        waiting.catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 200));
        // Closing the circle: InnoDB kills one of the two at once.
        const outcomes = await Promise.allSettled([second(table).where('id', 1).update({ n: 2 }), waiting]);
        const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(failure?.reason?.code).to.equal('ER_LOCK_DEADLOCK');
        const mapped = asUnavailable(failure!.reason);
        expect(mapped).to.be.instanceOf(DatabaseUnavailableError);
        expect((mapped as DatabaseUnavailableError).retryAfterSeconds).to.be.within(1, 10);
      } finally {
        await first.rollback().catch(() => undefined);
        await second.rollback().catch(() => undefined);
      }
    });

    it('a write in a read-only transaction (ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION, 1792) is an outage that needs someone to act', async () => {
      const err = await classified(() => knex.transaction(async (trx) => {
        await trx(table).where('id', 1).update({ n: 3 });
      }, { readOnly: true }));
      expect(err.message).to.match(/refuses writes/);
      expect(err.retryAfterSeconds).to.be.above(5);
    });
  }
});
