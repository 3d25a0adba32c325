import type { Knex } from 'knex';
import type { TableNames } from '../core/store/table-names.ts';

/**
 * The audit page's range of days: an index on the time, in sequence order
 * within each instant, finds where a day starts and ends in the log with one
 * probe each, so a page of a day's events walks the log's key between those
 * two events instead of the whole log.
 */
export async function up(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.alterTable(t.audit, (a) => {
    a.index(['at', 'seq'], `${t.audit}_at`);
  });
}

export async function down(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.alterTable(t.audit, (a) => {
    a.dropIndex(['at', 'seq'], `${t.audit}_at`);
  });
}
