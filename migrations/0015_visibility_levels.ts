import type { Knex } from 'knex';
import type { TableNames } from '../core/store/table-names.ts';

/**
 * Share permission levels and per-entry field access toward the client.
 *
 * A grant's `level` is view, edit or share (edit and share); grants given
 * before levels existed keep what they allowed: `can_edit` false is view,
 * true is edit. `can_edit` stays, kept equal to "level is not view", so the
 * reads that only ask whether a grant edits need no change.
 *
 * `client_field_access` is the entry's own choice of what the client may do
 * with each field (JSON); NULL follows the default in the settings.
 */
export async function up(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.alterTable(t.grants, (g) => {
    g.string('level', 8).notNullable().defaultTo('view');
  });
  await knex(t.grants).where('can_edit', true).update({ level: 'edit' });
  await knex.schema.alterTable(t.entries, (e) => {
    e.text('client_field_access').nullable();
  });
}

export async function down(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.alterTable(t.entries, (e) => e.dropColumn('client_field_access'));
  await knex.schema.alterTable(t.grants, (g) => g.dropColumn('level'));
}
