import type { Knex } from 'knex';
import type { TableNames } from '../core/store/table-names.ts';
import { binaryText } from './binary-text.ts';

/**
 * Lists find an entry by a word of its notes' first line, which is sealed: a
 * keyed blind index holds, per entry, the HMAC of each word prefix under a
 * search key of its own (core/services/search-key.ts), wrapped under a KEK in
 * `search_keys`. The `(term, entry_id)` index takes a search from the term to
 * its entries without reading the entries table.
 *
 * `notes_indexed` is null on every entry written before this migration: the
 * backfill (core/services/note-index.ts) decrypts those and writes their
 * terms, setting it as it goes, so a run cut short resumes where it stopped.
 * Its index finds the entries still to do, and says there are none, at once.
 */
export async function up(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.createTable(t.searchKeys, (k) => {
    binaryText(knex, k);
    k.string('id', 32).primary();
    k.string('kek_id', 40).notNullable();
    k.text('wrapped_key').notNullable();
    k.bigInteger('created_at').notNullable();
  });
  await knex.schema.createTable(t.noteTerms, (n) => {
    // Binary: terms are hex digests, compared byte for byte.
    binaryText(knex, n);
    n.string('entry_id', 36).notNullable();
    n.string('term', 32).notNullable();
    n.primary(['entry_id', 'term']);
    n.index(['term', 'entry_id'], `${t.noteTerms}_term`);
  });
  await knex.schema.alterTable(t.entries, (e) => {
    e.boolean('notes_indexed').nullable();
    e.index(['notes_indexed', 'id'], `${t.entries}_notes_indexed`);
  });
}

export async function down(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.alterTable(t.entries, (e) => {
    e.dropIndex(['notes_indexed', 'id'], `${t.entries}_notes_indexed`);
    e.dropColumn('notes_indexed');
  });
  await knex.schema.dropTableIfExists(t.noteTerms);
  await knex.schema.dropTableIfExists(t.searchKeys);
}
