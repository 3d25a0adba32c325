import type { Knex } from 'knex';
import type { TableNames } from './table-names.ts';

/** Terms per INSERT: two placeholders each, far below MySQL's 65,535. */
const TERMS_PER_STATEMENT = 1000;

/** The entries whose notes carry this term: an index look-up from the term, as a subquery on `e.id`. */
export function entriesWithNoteTerm(knex: Knex, t: TableNames, term: string): Knex.QueryBuilder {
  return knex(t.noteTerms).select('entry_id').where('term', term);
}

/** Gives an entry exactly these terms. */
export async function replaceNoteTerms(trx: Knex.Transaction, t: TableNames, entryId: string, terms: readonly string[]): Promise<void> {
  await deleteNoteTerms(trx, t, [entryId]);
  await insertNoteTerms(trx, t, terms.map((term) => ({ entry_id: entryId, term })));
}

export async function insertNoteTerms(trx: Knex.Transaction, t: TableNames, rows: ReadonlyArray<{ entry_id: string; term: string }>): Promise<void> {
  for (let i = 0; i < rows.length; i += TERMS_PER_STATEMENT) await trx(t.noteTerms).insert(rows.slice(i, i + TERMS_PER_STATEMENT));
}

export async function deleteNoteTerms(trx: Knex.Transaction, t: TableNames, entryIds: readonly string[]): Promise<void> {
  if (entryIds.length > 0) await trx(t.noteTerms).whereIn('entry_id', [...entryIds]).delete();
}
