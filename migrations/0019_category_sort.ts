import type { Knex } from 'knex';
import type { TableNames } from '../core/store/table-names.ts';

/**
 * Lists sort by category too. Sorting by a joined category's name would sort
 * every entry the actor sees before the first page, so each entry carries its
 * category's name (NULL when uncategorised), kept by every write that files,
 * moves or renames, and the page is read off an index on (name, id) as the
 * other sorts are (0016). Entries written before this take their category's
 * name here.
 */
export async function up(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.alterTable(t.entries, (e) => {
    e.string('category_name', 255).nullable();
    e.index(['category_name', 'id'], `${t.entries}_category_name`);
  });
  await knex.raw(
    'UPDATE ?? SET category_name = (SELECT c.name FROM ?? AS c WHERE c.id = ??.category_id) WHERE category_id IS NOT NULL',
    [t.entries, t.categories, t.entries],
  );
}

export async function down(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.alterTable(t.entries, (e) => {
    e.dropIndex(['category_name', 'id'], `${t.entries}_category_name`);
    e.dropColumn('category_name');
  });
}
