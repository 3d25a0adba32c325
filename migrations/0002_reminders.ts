import type { Knex } from 'knex';
import type { TableNames } from '../core/store/table-names.ts';

/** Who asked to hear when an entry's password changes, besides its owner. */
export async function up(knex: Knex, t: TableNames): Promise<void> {
  const mysql = knex.client.config.client === 'mysql2';
  await knex.schema.createTable(t.watchers, (w) => {
    if (mysql) {
      w.charset('utf8mb4');
      w.collate('utf8mb4_bin');
    }
    w.string('entry_id', 36).notNullable();
    w.string('principal_kind', 16).notNullable();
    w.string('principal_id', 64).notNullable();
    w.bigInteger('created_at').notNullable();
    w.primary(['entry_id', 'principal_kind', 'principal_id']);
  });
}

export async function down(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.dropTableIfExists(t.watchers);
}
