import type { Knex } from 'knex';
import type { TableNames } from '../core/store/table-names.ts';
import { binaryText } from './binary-text.ts';

/**
 * Step-up verification (core/services/step-up.ts): each person's second
 * factors (a TOTP seed sealed under its own data key), their recovery codes
 * (argon2 hashes, each used once), passkeys' public keys, the WebAuthn
 * challenges under way, and the verifications that hold for one
 * session until they expire, shared by every app instance.
 */
export async function up(knex: Knex, t: TableNames): Promise<void> {
  const binary = (table: Knex.CreateTableBuilder): void => binaryText(knex, table);
  await knex.schema.createTable(t.stepUpFactors, (f) => {
    binary(f);
    f.string('id', 36).primary();
    // `admin:<id>`, `client:<id>` or `client:<id>:contact:<id>`.
    f.string('person', 200).notNullable();
    f.string('kind', 16).notNullable();
    // A TOTP seed, sealed under its own data key.
    f.string('kek_id', 64).nullable();
    f.text('wrapped_key').nullable();
    f.text('sealed_secret').nullable();
    // A passkey: its credential id and public key (base64url; public, so not sealed), and its signature counter.
    f.string('credential_id', 255).nullable();
    f.text('public_key').nullable();
    f.bigInteger('sign_count').nullable();
    f.string('transports', 100).nullable();
    // The last TOTP step accepted: a code is never accepted twice.
    f.bigInteger('last_step').nullable();
    f.bigInteger('created_at').notNullable();
    // Null until the person proved the app holds the seed.
    f.bigInteger('confirmed_at').nullable();
    f.index(['person'], `${t.stepUpFactors}_person`);
  });
  await knex.schema.createTable(t.stepUpRecoveryCodes, (r) => {
    binary(r);
    r.string('id', 36).primary();
    r.string('person', 200).notNullable();
    r.string('code_hash', 255).notNullable();
    r.bigInteger('used_at').nullable();
    r.index(['person'], `${t.stepUpRecoveryCodes}_person`);
  });
  await knex.schema.createTable(t.stepUpChallenges, (c) => {
    binary(c);
    // One WebAuthn ceremony under way per session and person; a new one replaces it.
    c.string('session_hash', 64).notNullable();
    c.string('person', 200).notNullable();
    c.string('purpose', 16).notNullable();
    c.string('challenge', 128).notNullable();
    c.bigInteger('expires_at').notNullable();
    c.primary(['session_hash', 'person']);
  });
  await knex.schema.createTable(t.stepUpVerifications, (v) => {
    binary(v);
    // Hex SHA-256 of the session's own random cookie: the table never holds the cookie.
    v.string('session_hash', 64).notNullable();
    v.string('person', 200).notNullable();
    v.string('method', 16).notNullable();
    v.bigInteger('verified_at').notNullable();
    v.bigInteger('expires_at').notNullable();
    v.primary(['session_hash', 'person']);
    v.index(['expires_at'], `${t.stepUpVerifications}_expiry`);
  });
}

export async function down(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.dropTableIfExists(t.stepUpVerifications);
  await knex.schema.dropTableIfExists(t.stepUpChallenges);
  await knex.schema.dropTableIfExists(t.stepUpRecoveryCodes);
  await knex.schema.dropTableIfExists(t.stepUpFactors);
}
