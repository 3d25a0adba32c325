import type { Knex } from 'knex';
import { tagKey } from '../domain/tags.ts';
import type { Dialect } from './database.ts';
import type { TableNames } from './table-names.ts';

/**
 * A column bringing the tags of each row of entries `e` as a JSON array, read
 * by the tags table's primary key: a page and its tags come in one statement.
 */
export function tagsColumn(knex: Knex, t: TableNames, dialect: Dialect, alias = 'lk_tags'): Knex.Raw {
  const array = dialect === 'mysql' ? 'JSON_ARRAYAGG(x.tag)' : 'json_group_array(x.tag)';
  return knex.raw(`(SELECT ${array} FROM ?? AS ?? WHERE x.entry_id = e.id) AS ??`, [t.tags, 'x', alias]);
}

/** The tags a `tagsColumn` brought, in key order (the aggregate's order is the database's choice). */
export function tagsFrom(value: unknown): string[] {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (!Array.isArray(parsed)) return [];
  const tags = parsed.filter((tag): tag is string => typeof tag === 'string');
  return tags.sort((a, b) => {
    const [ka, kb] = [tagKey(a), tagKey(b)];
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/** Rows of entries `e` that carry the tag of this key: an index look-up from the tag to its entries. */
export function whereTagged(qb: Knex.QueryBuilder, knex: Knex, t: TableNames, key: string): void {
  qb.whereIn('e.id', knex(t.tags).select('entry_id').where('tag_key', key));
}

/** Gives an entry exactly these (normalised) tags. */
export async function replaceTags(trx: Knex.Transaction, t: TableNames, entryId: string, tags: readonly string[]): Promise<void> {
  await trx(t.tags).where('entry_id', entryId).delete();
  await insertTags(trx, t, entryId, tags);
}

export async function insertTags(trx: Knex.Transaction, t: TableNames, entryId: string, tags: readonly string[]): Promise<void> {
  if (tags.length > 0) await trx(t.tags).insert(tags.map((tag) => ({ entry_id: entryId, tag_key: tagKey(tag), tag })));
}
