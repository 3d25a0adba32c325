import type { Knex } from 'knex';
import type { TableNames } from '../core/store/table-names.ts';

/**
 * Once created the Zendesk adapter's table; that table is now the adapter's
 * own (`zendeskMigrations` in adapters/zendesk), so an install without Zendesk
 * does not get it. The name stays in the list because databases that ran it
 * record it, and knex refuses a list that lacks a migration it has applied.
 */
export async function up(_knex: Knex, _t: TableNames): Promise<void> {}

export async function down(_knex: Knex, _t: TableNames): Promise<void> {}
