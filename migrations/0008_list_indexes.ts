import type { Knex } from 'knex';
import type { TableNames } from '../core/store/table-names.ts';

/**
 * Pages that list by name without narrowing to one client read their page
 * straight off an index in list order, and stop at the page's end: the "all
 * access details" page of an extended admin (every entry, by name) and the
 * Categories page of the addon's managers (every client's categories, by
 * name). Without these, each page sorted the whole table first. `id` breaks
 * ties between equal names in the same order as the lists do.
 */
export async function up(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.alterTable(t.entries, (e) => {
    e.index(['name', 'id'], `${t.entries}_name`);
  });
  await knex.schema.alterTable(t.categories, (c) => {
    c.index(['owner_kind', 'name', 'id'], `${t.categories}_kind_name`);
  });
}

export async function down(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.alterTable(t.categories, (c) => {
    c.dropIndex(['owner_kind', 'name', 'id'], `${t.categories}_kind_name`);
  });
  await knex.schema.alterTable(t.entries, (e) => {
    e.dropIndex(['name', 'id'], `${t.entries}_name`);
  });
}
