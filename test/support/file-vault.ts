import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import knexFactory from 'knex';
import { createLatchkey, Keyring } from '../../core/index.ts';
import { tableNames } from '../../core/store/table-names.ts';
import { openVault, type TestDatabase, type Vault } from './databases.ts';
import { hostFixture } from './host-fixture.ts';

/**
 * A vault a second process can open too, as the command line does: on SQLite
 * a database file in `folder` (in WAL mode), on MariaDB the usual prefixed tables.
 */
export async function openFileVault(db: TestDatabase, folder: string, key: { id: string; key: Buffer }): Promise<Vault> {
  const keys = new Keyring([key]);
  if (db.name === 'mariadb') return openVault(db, hostFixture(), { keys });
  const prefix = `t${randomBytes(4).toString('hex')}_`;
  const raw = knexFactory({ client: 'better-sqlite3', connection: { filename: join(folder, `${prefix}.sqlite`) }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
  await raw.raw('pragma journal_mode = WAL');
  const lk = await createLatchkey({ database: { knex: raw }, keys, host: hostFixture(), tablePrefix: prefix, migrate: true });
  return { lk, raw, tables: tableNames(prefix), close: async () => { await lk.close(); await raw.destroy(); } };
}
