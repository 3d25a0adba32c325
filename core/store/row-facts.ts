import type { Knex } from 'knex';
import type { Dialect } from './database.ts';
import type { GrantRow, MemberRow } from './entry-rows.ts';
import type { TableNames } from './table-names.ts';

/** What a panel needs of each listed entry besides its columns, read along with it. */
export interface RowFacts {
  grants: GrantRow[];
  /** Members of the category the entry is filed in (none when unfiled). */
  members: MemberRow[];
  /** The name of that category, whoever's it is. */
  categoryName: string | null;
  /** The reader asked to hear of the entry's password changes. */
  watching: boolean;
}

/** The columns `rowFactColumns` adds to a row of entries `e`. */
export interface RowFactColumns {
  lk_grants: unknown;
  lk_members: unknown;
  lk_category_name: string | null;
  lk_watching: number | string | null;
}

/**
 * Columns that bring an entry's grants, its category's members and name, and
 * whether `reader` watches it, as index look-ups per listed row: a panel then
 * reads its page and everything it shows about the page in one statement.
 * Lists of grants and members come as JSON arrays of [kind, id, can_edit] (grants add their level).
 */
export function rowFactColumns(knex: Knex, t: TableNames, dialect: Dialect, reader: { kind: string; id: string } | null): Knex.Raw[] {
  return [
    ...sharingColumns(knex, t, dialect),
    knex.raw('(SELECT n.name FROM ?? AS ?? WHERE n.id = e.category_id) AS lk_category_name', [t.categories, 'n']),
    reader
      ? knex.raw('(SELECT COUNT(*) FROM ?? AS ?? WHERE w.entry_id = e.id AND w.principal_kind = ? AND w.principal_id = ?) AS lk_watching', [t.watchers, 'w', reader.kind, reader.id])
      : knex.raw('0 AS lk_watching'),
  ];
}

/**
 * The entry's grants and its category's members as two JSON array columns
 * (`lk_grants`, `lk_members`) of a row of entries `e`: one row an entry
 * however many there are, each an index look-up.
 */
export function sharingColumns(knex: Knex, t: TableNames, dialect: Dialect): [Knex.Raw, Knex.Raw] {
  const array = dialect === 'mysql' ? 'JSON_ARRAYAGG(JSON_ARRAY(%s))' : 'json_group_array(json_array(%s))';
  const aggregate = (columns: string) => array.replace('%s', columns);
  return [
    knex.raw(`(SELECT ${aggregate('g.principal_kind, g.principal_id, g.can_edit, g.level')} FROM ?? AS ?? WHERE g.entry_id = e.id) AS lk_grants`, [t.grants, 'g']),
    knex.raw(`(SELECT ${aggregate('m.member_kind, m.member_id, m.can_edit')} FROM ?? AS ?? WHERE m.category_id = e.category_id) AS lk_members`, [t.categoryMembers, 'm']),
  ];
}

/** The grants and members `sharingColumns` read. */
export function sharingOf(entryId: string, categoryId: string | null, row: Pick<RowFactColumns, 'lk_grants' | 'lk_members'>): Pick<RowFacts, 'grants' | 'members'> {
  const triples = (value: unknown): Array<[string, string, boolean | number, string?]> => {
    const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
    return Array.isArray(parsed) ? parsed as Array<[string, string, boolean | number, string?]> : [];
  };
  return {
    grants: triples(row.lk_grants).map(([kind, id, canEdit, level]) => ({
      entry_id: entryId, principal_kind: kind as GrantRow['principal_kind'], principal_id: id, can_edit: canEdit, level: level ?? null,
    })),
    members: categoryId === null ? [] : triples(row.lk_members)
      .map(([kind, id, canEdit]) => ({ category_id: categoryId, member_kind: kind as MemberRow['member_kind'], member_id: id, can_edit: canEdit })),
  };
}

export function toRowFacts(entryId: string, categoryId: string | null, row: RowFactColumns): RowFacts {
  return { ...sharingOf(entryId, categoryId, row), categoryName: row.lk_category_name, watching: Number(row.lk_watching ?? 0) > 0 };
}
