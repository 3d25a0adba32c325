import type { Knex } from 'knex';
import type { TableNames } from '../core/store/table-names.ts';
import { binaryText } from './binary-text.ts';

/**
 * Free tags on entries, and the language each client-area person chose.
 *
 * A tag is kept as its owner typed it (`tag`) and by its case-folded form
 * (`tag_key`), which makes a tag unique per entry whatever its case and lets a
 * tag filter start from the tag: the `(tag_key, entry_id)` index finds the
 * entries carrying it without reading the entries table.
 *
 * A language is stored per client and contact (`contact_id` is empty for the
 * account holder), for hosts that keep none of their own.
 */
export async function up(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.createTable(t.tags, (g) => {
    // Binary: `tag_key` is already folded, and the filter compares it byte for byte.
    binaryText(knex, g);
    g.string('entry_id', 36).notNullable();
    g.string('tag_key', 40).notNullable();
    g.string('tag', 40).notNullable();
    g.primary(['entry_id', 'tag_key']);
    g.index(['tag_key', 'entry_id'], `${t.tags}_key`);
  });
  await knex.schema.createTable(t.contactLanguages, (l) => {
    binaryText(knex, l);
    l.string('client_id', 64).notNullable();
    l.string('contact_id', 64).notNullable();
    l.string('language', 8).notNullable();
    l.bigInteger('updated_at').notNullable();
    l.primary(['client_id', 'contact_id']);
  });
}

export async function down(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.dropTableIfExists(t.contactLanguages);
  await knex.schema.dropTableIfExists(t.tags);
}
