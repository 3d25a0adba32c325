import type { Knex } from 'knex';
import type { TableNames } from '../core/store/table-names.ts';

/**
 * Audit events are sealed with an HMAC under a key the database never holds,
 * and each names its key, so keys can rotate. Events from before stay as they
 * are, with no key id and no MAC: an unkeyed prefix that the first MAC after
 * it vouches for (Latchkey seals their head at its next start once every
 * unkeyed link checks out; see docs/audit-trail.md). The key id compares byte
 * for byte, as key ids do everywhere.
 */
export async function up(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.alterTable(t.audit, (a) => {
    const column = a.string('key_id', 40).nullable();
    if (knex.client.config.client === 'mysql2') column.collate('utf8mb4_bin');
    a.string('mac', 64).nullable();
  });
}

export async function down(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.alterTable(t.audit, (a) => {
    a.dropColumn('mac');
    a.dropColumn('key_id');
  });
}
