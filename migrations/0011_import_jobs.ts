import type { Knex } from 'knex';
import type { TableNames } from '../core/store/table-names.ts';
import { binaryText } from './binary-text.ts';

/**
 * One row per import started from the addon pages or the client area: the
 * instance running it updates `done` after every batch, so a page polling
 * any instance behind the load balancer sees the same progress. `actor` is
 * who started it (`admin:1`, `client:7/3`): only they read it back.
 */
export async function up(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.createTable(t.importJobs, (j) => {
    binaryText(knex, j);
    j.string('id', 36).primary();
    j.string('actor', 120).notNullable();
    // running, done or failed.
    j.string('status', 16).notNullable();
    j.integer('done').notNullable();
    j.integer('total').notNullable();
    // The outcome's counts once done, or the failure's code: never a row's content.
    j.text('counts').nullable();
    j.bigInteger('created_at').notNullable();
    j.bigInteger('updated_at').notNullable();
  });
}

export async function down(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.dropTableIfExists(t.importJobs);
}
