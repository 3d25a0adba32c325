import type { Knex } from 'knex';
import type { TableNames } from '../core/store/table-names.ts';

/**
 * Pages that list without narrowing to one client read their page straight
 * off an index in list order, and stop at the page's end:
 * - the "all access details" page of an extended admin (every entry, by name);
 * - the Categories page of the addon's managers (every client's categories, by name);
 * - the audit page filtered by person, which names the actor by id alone
 *   (the actor index starts with the actor's kind).
 * Without these, each page sorted the whole table first, or walked the whole
 * log to find one person's events. `id` breaks ties between equal names in
 * the same order as the lists do.
 */
export async function up(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.alterTable(t.entries, (e) => {
    e.index(['name', 'id'], `${t.entries}_name`);
  });
  await knex.schema.alterTable(t.categories, (c) => {
    c.index(['owner_kind', 'name', 'id'], `${t.categories}_kind_name`);
  });
  await knex.schema.alterTable(t.audit, (a) => {
    a.index(['actor_id', 'seq'], `${t.audit}_actor_id`);
  });
}

export async function down(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.alterTable(t.audit, (a) => {
    a.dropIndex(['actor_id', 'seq'], `${t.audit}_actor_id`);
  });
  await knex.schema.alterTable(t.categories, (c) => {
    c.dropIndex(['owner_kind', 'name', 'id'], `${t.categories}_kind_name`);
  });
  await knex.schema.alterTable(t.entries, (e) => {
    e.dropIndex(['name', 'id'], `${t.entries}_name`);
  });
}
