import type { Knex } from 'knex';
import { openDatabase } from '../../core/index.ts';

/**
 * The host's own database connection, which it hands to Latchkey as well
 * (`createLatchkey({ database: { knex } })`): one database, two sets of
 * tables. SQLite by default (a file in the data directory); a `mysql://` URL
 * for MySQL/MariaDB. Opened exactly as Latchkey opens its own.
 */
export function openHostDatabase(url: string): Knex {
  return openDatabase({ url }).knex;
}
