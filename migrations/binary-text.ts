import type { Knex } from 'knex';

/**
 * Text in the table compares byte for byte (ids, digests, folded keys): on
 * MariaDB utf8mb4_bin, since its default collations fold case and accents;
 * SQLite compares bytes already. Call it first in `createTable`.
 */
export function binaryText(knex: Knex, table: Knex.CreateTableBuilder): void {
  if (knex.client.config.client !== 'mysql2') return;
  table.charset('utf8mb4');
  table.collate('utf8mb4_bin');
}
