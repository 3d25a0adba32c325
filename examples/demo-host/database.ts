import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { ConfigurationError } from '../../core/index.ts';

/**
 * The host's own database connection, which it hands to Latchkey as well
 * (`createLatchkey({ database: { knex } })`): one database, two sets of
 * tables. SQLite by default (a file in the data directory); a `mysql://` URL
 * for MySQL/MariaDB.
 */
export function openHostDatabase(url: string): Knex {
  if (url.startsWith('sqlite:')) {
    const filename = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!filename) throw new ConfigurationError('database URL "sqlite:" needs a file path');
    if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
    return knexFactory({
      client: 'better-sqlite3',
      connection: { filename },
      useNullAsDefault: true,
      // SQLite has one writer; one connection keeps `:memory:` one database too.
      pool: {
        min: 1,
        max: 1,
        afterCreate: (conn: { pragma(sql: string): unknown }, done: (err: Error | null, conn: unknown) => void) => {
          conn.pragma('journal_mode = WAL');
          conn.pragma('busy_timeout = 5000');
          conn.pragma('foreign_keys = ON');
          done(null, conn);
        },
      },
    });
  }
  if (url.startsWith('mysql:') || url.startsWith('mariadb:')) {
    return knexFactory({
      client: 'mysql2',
      connection: { uri: url.replace(/^mariadb:/, 'mysql:'), charset: 'utf8mb4', timezone: 'Z', supportBigNumbers: true },
      pool: { min: 0, max: 10 },
    } as Knex.Config);
  }
  throw new ConfigurationError('LATCHKEY_DATABASE_URL must start with sqlite: or mysql://');
}
