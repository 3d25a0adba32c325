import { randomBytes } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import { createLatchkey, Keyring, type Clock, type HostDirectory, type KeyProvider, type Latchkey, type Logger, type Migration } from '../../core/index.ts';
import { tableNames, type TableNames } from '../../core/store/table-names.ts';

export interface TestDatabase {
  /** `sqlite` always; `mariadb` when LATCHKEY_TEST_MYSQL_URL is set. */
  name: 'sqlite' | 'mariadb';
  url: string;
}

export function testDatabases(): TestDatabase[] {
  const list: TestDatabase[] = [{ name: 'sqlite', url: 'sqlite::memory:' }];
  const mysql = process.env.LATCHKEY_TEST_MYSQL_URL;
  if (mysql) list.push({ name: 'mariadb', url: mysql });
  return list;
}

/**
 * Runs a suite once per database. Titles start with `[sqlite]` or `[mariadb]`,
 * which is how database-tally.ts counts the tests each database ran.
 */
export function forEachDatabase(title: string, body: (db: TestDatabase) => void): void {
  for (const db of testDatabases()) describe(`[${db.name}] ${title}`, () => body(db));
}

export function testKeys(): Keyring {
  return new Keyring([{ id: 'test1', key: randomBytes(32) }]);
}

export interface Vault {
  lk: Latchkey;
  /** A second connection to the same database for looking at raw rows. */
  raw: Knex;
  tables: TableNames;
  close(): Promise<void>;
}

/**
 * A fresh, migrated vault. On MariaDB every vault gets its own random table
 * prefix, so suites never see each other's rows; on SQLite its own in-memory
 * database.
 */
export async function openVault(
  db: TestDatabase,
  host: HostDirectory,
  options: { keys?: KeyProvider; clock?: Clock; logger?: Logger; adapterMigrations?: readonly Migration[]; hostSearchDeadlineMs?: number; hostDeadlineMs?: number } = {},
): Promise<Vault> {
  const prefix = `t${randomBytes(4).toString('hex')}_`;
  const tables = tableNames(prefix);
  if (db.name === 'sqlite') {
    const raw = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
    const lk = await createLatchkey({ database: { knex: raw }, keys: options.keys ?? testKeys(), host, clock: options.clock, logger: options.logger, tablePrefix: prefix, migrate: true, adapterMigrations: options.adapterMigrations, hostSearchDeadlineMs: options.hostSearchDeadlineMs, hostDeadlineMs: options.hostDeadlineMs });
    return { lk, raw, tables, close: async () => { await lk.close(); await raw.destroy(); } };
  }
  const lk = await createLatchkey({ database: { url: db.url }, keys: options.keys ?? testKeys(), host, clock: options.clock, logger: options.logger, tablePrefix: prefix, migrate: true, adapterMigrations: options.adapterMigrations, hostSearchDeadlineMs: options.hostSearchDeadlineMs, hostDeadlineMs: options.hostDeadlineMs });
  const raw = knexFactory({ client: 'mysql2', connection: db.url });
  return {
    lk, raw, tables,
    close: async () => {
      await lk.migrator.rollback(true);
      await raw.schema.dropTableIfExists(tables.migrations);
      await raw.schema.dropTableIfExists(tables.migrationsLock);
      await lk.close();
      await raw.destroy();
    },
  };
}

/** A clock that tests move by hand. */
export class ManualClock implements Clock {
  #now: number;
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }
  now(): Date {
    return new Date(this.#now);
  }
  advanceDays(days: number): void {
    this.#now += days * 86_400_000;
  }
  advanceSeconds(seconds: number): void {
    this.#now += seconds * 1000;
  }
  /** Puts the clock at this many seconds since the epoch (how JWTs count time). */
  setEpochSeconds(seconds: number): void {
    this.#now = seconds * 1000;
  }
  /** Now in seconds since the epoch, as a JWT's `iat` and `exp` count it. */
  epochSeconds(): number {
    return Math.floor(this.#now / 1000);
  }
}
