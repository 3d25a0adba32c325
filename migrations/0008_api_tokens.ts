import type { Knex } from 'knex';
import type { TableNames } from '../core/store/table-names.ts';
import { binaryText } from './binary-text.ts';

/**
 * API tokens (core/services/api-tokens.ts): one row per token an admin made,
 * holding the SHA-256 of the token, never the token. And the rate-limit
 * counters (core/services/rate-limiter.ts): one row per bucket and fixed
 * window, shared by every app instance on this database.
 */
export async function up(knex: Knex, t: TableNames): Promise<void> {
  const mysql = knex.client.config.client === 'mysql2';
  await knex.schema.createTable(t.apiTokens, (a) => {
    binaryText(knex, a);
    a.string('id', 36).primary();
    a.string('name', 100).notNullable();
    // The host admin the token acts as; resolved in the host on every request.
    a.string('admin_id', 64).notNullable();
    // Comma-separated: read, reveal, write, manage.
    a.string('scopes', 64).notNullable();
    // Hex SHA-256 of the whole token: a 256-bit random token needs no slow hash.
    a.string('token_hash', 64).notNullable().unique(`${t.apiTokens}_hash`);
    a.bigInteger('created_at').notNullable();
    a.bigInteger('expires_at').notNullable();
    a.bigInteger('last_used_at').nullable();
    a.bigInteger('revoked_at').nullable();
    a.string('revoked_by', 64).nullable();
    a.index(['admin_id', 'created_at'], `${t.apiTokens}_admin`);
    a.index(['created_at'], `${t.apiTokens}_created`);
  });
  await knex.schema.createTable(t.rateLimits, (r) => {
    if (mysql) {
      r.charset('ascii');
      r.collate('ascii_bin');
    }
    // Hex SHA-256 of the rule and who is counted (an actor or an address).
    r.string('bucket', 64).notNullable();
    r.bigInteger('window_start').notNullable();
    r.integer('hits').notNullable();
    // When the row may be forgotten: the end of its window.
    r.bigInteger('expires_at').notNullable();
    r.primary(['bucket', 'window_start']);
    r.index(['expires_at'], `${t.rateLimits}_expiry`);
  });
}

export async function down(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.dropTableIfExists(t.rateLimits);
  await knex.schema.dropTableIfExists(t.apiTokens);
}
