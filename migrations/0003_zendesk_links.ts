import type { Knex } from 'knex';
import type { TableNames } from '../core/store/table-names.ts';

/**
 * The Zendesk adapter's links (adapters/zendesk/knex-mapping.ts): which
 * Latchkey admin a Zendesk agent is, which client a Zendesk end user, email
 * address or organization belongs to, and which client a Zendesk ticket was
 * last seen for. One row per (Zendesk account, kind, Zendesk id).
 */
export async function up(knex: Knex, t: TableNames): Promise<void> {
  const mysql = knex.client.config.client === 'mysql2';
  await knex.schema.createTable(t.zendeskLinks, (z) => {
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
}

export async function down(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.dropTableIfExists(t.zendeskLinks);
}
