import type { Knex } from 'knex';
import type { TableNames } from '../core/store/table-names.ts';
import { binaryText } from './binary-text.ts';

/**
 * Security alerts and what they remember (core/services/security-alerts.ts):
 * - sightings: the addresses and browsers each person has revealed from, as
 *   digests, so "never seen for that person" is one primary-key look-up;
 * - last seen roles: the host's role for each admin as Latchkey last saw it,
 *   and when it last changed;
 * - alerts: one row per rule, person and window (the unique key keeps a storm
 *   to one alert), listed newest first on the dashboard, mailed by the mail job.
 * Two audit indexes make the rules' counts ranges over time, not walks of a
 * person's whole history: reveals by one actor since a moment, and refusals
 * of any kind since a moment.
 */
export async function up(knex: Knex, t: TableNames): Promise<void> {
  const binary = (table: Knex.CreateTableBuilder): void => binaryText(knex, table);
  await knex.schema.createTable(t.sightings, (s) => {
    binary(s);
    s.string('person', 160).notNullable();
    s.string('kind', 8).notNullable();
    // base64url SHA-256 of the address or user agent: the person's places, not a copy of them.
    s.string('digest', 43).notNullable();
    s.bigInteger('first_seen_at').notNullable();
    s.primary(['person', 'kind', 'digest']);
  });
  await knex.schema.createTable(t.personRoles, (r) => {
    binary(r);
    r.string('person', 160).primary();
    r.string('role_id', 64).notNullable();
    r.string('previous_role_id', 64).nullable();
    r.bigInteger('changed_at').nullable();
    r.bigInteger('seen_at').notNullable();
  });
  await knex.schema.createTable(t.alerts, (a) => {
    binary(a);
    a.string('id', 36).primary();
    a.string('rule', 24).notNullable();
    a.string('person', 160).notNullable();
    a.bigInteger('window_start').notNullable();
    a.bigInteger('created_at').notNullable();
    a.text('details').notNullable();
    // Null until the mail job has queued the alert's mails (it asks the host who runs the addon, outside any transaction).
    a.bigInteger('mailed_at').nullable();
    a.index(['mailed_at'], `${t.alerts}_unmailed`);
    a.unique(['rule', 'person', 'window_start'], { indexName: `${t.alerts}_once` });
    a.index(['created_at'], `${t.alerts}_created`);
  });
  await knex.schema.alterTable(t.audit, (a) => {
    a.index(['actor_kind', 'actor_id', 'action', 'at'], `${t.audit}_actor_action_at`);
    a.index(['action', 'at'], `${t.audit}_action_at`);
  });
}

export async function down(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.alterTable(t.audit, (a) => {
    a.dropIndex(['actor_kind', 'actor_id', 'action', 'at'], `${t.audit}_actor_action_at`);
    a.dropIndex(['action', 'at'], `${t.audit}_action_at`);
  });
  await knex.schema.dropTableIfExists(t.alerts);
  await knex.schema.dropTableIfExists(t.personRoles);
  await knex.schema.dropTableIfExists(t.sightings);
}
