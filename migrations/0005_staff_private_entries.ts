import type { Knex } from 'knex';
import type { TableNames } from '../core/store/table-names.ts';

/**
 * Staff entries filed under a client become the team's knowledge of that
 * client unless their author marks them private. Every staff entry that
 * exists before this migration was private to its owner, so each is marked
 * private: nobody sees more the day after the upgrade than the day before.
 */
export async function up(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.alterTable(t.entries, (e) => {
    e.boolean('is_private').notNullable().defaultTo(false);
  });
  await knex(t.entries).where('owner_kind', 'admin').update({ is_private: true });
}

export async function down(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.alterTable(t.entries, (e) => {
    e.dropColumn('is_private');
  });
}
