import type { Knex } from 'knex';
import type { TableNames } from './table-names.ts';

/**
 * The names of these categories by id, as entries carry them for the sort by
 * category (migration 0019). Read inside the writing transaction after the
 * audit chain's lock, which a rename takes first: an entry filed meanwhile
 * gets the name that stays. A category deleted meanwhile has none.
 */
export async function categoryNamesOf(knex: Knex, t: TableNames, ids: ReadonlyArray<string | null>): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await knex(t.categories).select('id', 'name').whereIn('id', wanted) as Array<{ id: string; name: string }>;
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** One category's name as `categoryNamesOf` reads it; null for none. */
export async function categoryNameOf(knex: Knex, t: TableNames, id: string | null): Promise<string | null> {
  return id === null ? null : (await categoryNamesOf(knex, t, [id])).get(id) ?? null;
}
