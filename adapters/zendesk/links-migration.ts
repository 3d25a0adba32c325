import type { Knex } from 'knex';
import type { Migration, TableNames } from '../../core/index.ts';

/** `<prefix>zendesk_links`: the adapter's one table, beside Latchkey's own under the same prefix. */
export function zendeskLinksTable(tables: Pick<TableNames, 'prefix'>): string {
  return `${tables.prefix}zendesk_links`;
}

/**
 * The Zendesk adapter's links (knex-mapping.ts): which Latchkey admin a
 * Zendesk agent is, which client a Zendesk end user, email address or
 * organization belongs to, and which client a Zendesk ticket was last seen
 * for. One row per (Zendesk account, kind, Zendesk id).
 */
const links: Migration = {
  name: 'zendesk_0001_links',
  async up(knex: Knex, tables: TableNames): Promise<void> {
    const table = zendeskLinksTable(tables);
    // Databases migrated before the table moved here got it from core's 0003.
    if (await knex.schema.hasTable(table)) return;
    const mysql = knex.client.config.client === 'mysql2';
    await knex.schema.createTable(table, (z) => {
      if (mysql) {
        z.charset('utf8mb4');
        z.collate('utf8mb4_bin');
      }
      // The Zendesk account: its subdomain, as in the token's issuer `<subdomain>.zendesk.com`.
      z.string('account', 100).notNullable();
      // agent | user | email | organization | ticket
      z.string('kind', 16).notNullable();
      // A Zendesk numeric id, or a lower-cased email address for kind `email`.
      z.string('zendesk_id', 254).notNullable();
      // A host admin id (agent) or host client id (every other kind).
      z.string('latchkey_id', 64).notNullable();
      // What the installer wrote to remember the link by, or a ticket's subject.
      z.string('label', 200).nullable();
      z.bigInteger('updated_at').notNullable();
      z.primary(['account', 'kind', 'zendesk_id']);
      z.index(['account', 'kind', 'latchkey_id']);
    });
  },
  async down(knex: Knex, tables: TableNames): Promise<void> {
    await knex.schema.dropTableIfExists(zendeskLinksTable(tables));
  },
};

/** Pass as `createLatchkey({ adapterMigrations: zendeskMigrations })` (and to `latchkey migrate` with LATCHKEY_HOST=zendesk). */
export const zendeskMigrations: readonly Migration[] = [links];
