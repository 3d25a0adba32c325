import type { Knex } from 'knex';
import type { TableNames } from '../core/store/table-names.ts';
import { binaryText } from './binary-text.ts';

/**
 * Which source record each imported entry came from: importing the same file
 * again finds its records here and creates nothing. `scope` is whose vault the
 * record went into (a client, or an admin's own), so the same file imported
 * for two clients gives each its entries.
 */
export async function up(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.createTable(t.importFingerprints, (f) => {
    binaryText(knex, f);
    f.string('scope', 80).notNullable();
    // base64url SHA-256 of the record's content (core/import/source-row.ts).
    f.string('fingerprint', 43).notNullable();
    f.string('entry_id', 36).notNullable();
    f.bigInteger('created_at').notNullable();
    f.primary(['scope', 'fingerprint']);
  });
}

export async function down(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.dropTableIfExists(t.importFingerprints);
}
