import type { Knex } from 'knex';
import type { TableNames } from '../core/store/table-names.ts';

/**
 * Lists sort by username, last change and password age as well as by name
 * (0007): each sort reads its page off an index on (column, id) in list order
 * and stops at the page's end, instead of sorting every entry the actor sees.
 * `id` breaks ties in the same order as the lists do.
 */
export async function up(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.alterTable(t.entries, (e) => {
    e.index(['username', 'id'], `${t.entries}_username`);
    e.index(['updated_at', 'id'], `${t.entries}_updated`);
    e.index(['password_changed_at', 'id'], `${t.entries}_password_changed`);
  });
}

export async function down(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.alterTable(t.entries, (e) => {
    e.dropIndex(['password_changed_at', 'id'], `${t.entries}_password_changed`);
    e.dropIndex(['updated_at', 'id'], `${t.entries}_updated`);
    e.dropIndex(['username', 'id'], `${t.entries}_username`);
  });
}
