import { createLatchkey, type HostDirectory, type KeyProvider, type Latchkey } from '../../core/index.ts';
import type { TestDatabase, Vault } from './databases.ts';

/** The table prefix a vault was opened with (every table name is `<prefix><name>`). */
export function prefixOf(vault: Vault): string {
  return vault.tables.entries.slice(0, -'entries'.length);
}

/**
 * A second Latchkey over the same database and tables as `vault`, with keys of
 * its own (another keyring, a rotated one, a wrong one). On SQLite it shares
 * the vault's knex, since every `:memory:` connection is a database of its
 * own; on MariaDB it opens its own pool from the URL. Close it before the vault.
 */
export async function openSibling(db: TestDatabase, vault: Vault, host: HostDirectory, keys: KeyProvider): Promise<Latchkey> {
  const database = db.name === 'sqlite' ? { knex: vault.raw } : { url: db.url };
  return createLatchkey({ database, keys, host, tablePrefix: prefixOf(vault) });
}
