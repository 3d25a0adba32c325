import type { Vault } from './databases.ts';

/** Every table Latchkey owns, with the rows it holds, in a stable order. */
export type TableSnapshot = Record<string, unknown[]>;

/**
 * Reads every Latchkey table of a vault through the raw connection, each in
 * primary-key order, so two snapshots compare with deep equality: "nothing was
 * written" becomes `expect(after).to.deep.equal(before)`.
 */
export async function snapshotTables(vault: Vault): Promise<TableSnapshot> {
  const { raw, tables } = vault;
  const order: Array<[string, string[]]> = [
    [tables.entries, ['id']],
    [tables.grants, ['entry_id', 'principal_kind', 'principal_id']],
    [tables.categories, ['id']],
    [tables.categoryMembers, ['category_id', 'member_kind', 'member_id']],
    [tables.history, ['id']],
    [tables.audit, ['seq']],
    [tables.settings, ['key']],
    [tables.outbox, ['id']],
    [tables.leases, ['name']],
    [tables.usedTokens, ['jti']],
    [tables.watchers, ['entry_id', 'principal_kind', 'principal_id']],
    [tables.importFingerprints, ['scope', 'fingerprint']],
    [tables.importJobs, ['id']],
    [tables.tags, ['entry_id', 'tag_key']],
    [tables.contactLanguages, ['client_id', 'contact_id']],
    [tables.sightings, ['person', 'kind', 'digest']],
    [tables.personRoles, ['person']],
    [tables.alerts, ['id']],
    [tables.noteTerms, ['entry_id', 'term']],
    [tables.searchKeys, ['id']],
  ];
  const snapshot: TableSnapshot = {};
  for (const [table, key] of order) {
    snapshot[table] = await raw(table).select('*').orderBy(key.map((column) => ({ column })));
  }
  return snapshot;
}

/** How many rows a table holds, read through the raw connection. */
export async function countRows(vault: Vault, table: string): Promise<number> {
  const row = await vault.raw(table).count({ n: '*' }).first() as { n: number | string } | undefined;
  return Number(row?.n ?? 0);
}

/**
 * Runs `action`, expects it to reject with an error of `type`, and returns the
 * error for further checks (chai's `rejectedWith` needs a plugin we do not use).
 */
export async function rejection<E extends Error>(action: Promise<unknown>, type: abstract new (...args: never[]) => E): Promise<E> {
  try {
    await action;
  } catch (err) {
    if (err instanceof type) return err;
    throw new Error(`expected ${type.name}, got ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
  }
  throw new Error(`expected ${type.name}, but the call succeeded`);
}

/**
 * Empties every Latchkey table of a vault, leaving the schema: a vault as
 * good as freshly migrated, at a fraction of the cost of migrating again
 * (which on MariaDB is most of a test's time). Settings go back to defaults
 * and the audit chain starts over.
 */
export async function emptyTables(vault: Vault): Promise<void> {
  const { raw, tables } = vault;
  for (const table of [tables.entries, tables.grants, tables.categories, tables.categoryMembers, tables.history,
    tables.audit, tables.settings, tables.outbox, tables.leases, tables.usedTokens, tables.watchers, tables.importFingerprints, tables.importJobs,
    tables.tags, tables.contactLanguages, tables.sightings, tables.personRoles, tables.alerts, tables.noteTerms]) {
    await raw(table).delete();
  }
}
