// The bench's hosting company and its vault: a configurable number of entries
// (LATCHKEY_BENCH_ROWS) seeded through a bulk path of real sealed rows, each
// with its own data key wrapped by the keyring and its own ciphertext, so
// every row reveals; ten entries a client, as a host with 100k clients holds
// 1M. The host itself is small (the measured clients, their contacts, one
// ticket): the bench measures the vault, not the in-memory directory.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { MemoryDirectory } from '../adapters/memory/memory-directory.ts';
import { createLatchkey, Keyring, type Actor, type Latchkey } from '../core/index.ts';
import { EntryCipher } from '../core/crypto/entry-cipher.ts';
import { newId } from '../core/store/ids.ts';
import type { EntryRow } from '../core/store/entry-rows.ts';
import { tableNames, type TableNames } from '../core/store/table-names.ts';
import { analyze } from '../test/support/query-plan.ts';

export interface BenchConfig {
  database: 'sqlite' | 'mariadb';
  url: string | null;
  /** Entries at the large size. */
  rows: number;
  /** Entries at the small size the list ratios compare with. */
  smallRows: number;
  /** Seconds each side of a throughput figure runs. */
  loadSeconds: number;
}

export function benchConfig(): BenchConfig {
  const url = process.env.LATCHKEY_BENCH_MYSQL_URL ?? null;
  const rows = Number(process.env.LATCHKEY_BENCH_ROWS ?? 50_000);
  return {
    database: url ? 'mariadb' : 'sqlite',
    url,
    rows,
    smallRows: Math.min(rows, Number(process.env.LATCHKEY_BENCH_SMALL_ROWS ?? 10_000)),
    loadSeconds: Number(process.env.LATCHKEY_BENCH_LOAD_SECONDS ?? 5),
  };
}

export const ENTRIES_PER_CLIENT = 10;
export const MEASURED_CLIENT = 'c0';
export const TICKET = 't0';
export const keyA = { id: 'benchA', key: randomBytes(32) };
export const keyB = { id: 'benchB', key: randomBytes(32) };

/** Staff in every position the access modes distinguish, and the measured client's people. */
export const actors = {
  support: { kind: 'admin', adminId: 'a-support' },
  allowed: { kind: 'admin', adminId: 'a-allowed' },
  extended: { kind: 'admin', adminId: 'a-ext' },
  manager: { kind: 'admin', adminId: 'a-manager' },
  client: { kind: 'client', clientId: MEASURED_CLIENT },
  mainContact: { kind: 'client', clientId: MEASURED_CLIENT, contactId: 'k0-main' },
  otherContact: { kind: 'client', clientId: MEASURED_CLIENT, contactId: 'k0-dev' },
  writer: { kind: 'client', clientId: 'c1' },
} as const satisfies Record<string, Actor>;

export function benchHost(): MemoryDirectory {
  return new MemoryDirectory({
    adminRoles: [{ id: 'r-support', name: 'Support' }, { id: 'r-ext', name: 'Full Administrator' }],
    admins: [
      { id: 'a-support', name: 'Sue Support', email: 'sue@host.test', roleId: 'r-support', language: 'en', disabled: false, addonManager: false },
      { id: 'a-allowed', name: 'Alan Allowed', email: 'alan@host.test', roleId: 'r-support', language: 'en', disabled: false, addonManager: false },
      { id: 'a-ext', name: 'Erin Extended', email: 'erin@host.test', roleId: 'r-ext', language: 'en', disabled: false, addonManager: false },
      { id: 'a-manager', name: 'Mona Manager', email: 'mona@host.test', roleId: 'r-ext', language: 'en', disabled: false, addonManager: true },
    ],
    clientGroups: [{ id: 'g-retail', name: 'Retail' }],
    clients: ['c0', 'c1'].map((id) => ({ id, name: `Client ${id}`, email: `it@${id}.test`, groupId: 'g-retail', language: 'en', status: 'Active' })),
    contacts: [
      { id: 'k0-main', clientId: 'c0', name: 'Owner 0', email: 'owner@c0.test', isMain: true },
      { id: 'k0-dev', clientId: 'c0', name: 'Dev 0', email: 'dev@c0.test', isMain: false },
    ],
    products: [{ id: 'p-vps', name: 'VPS', groupId: null }],
    services: [{ id: 's0', clientId: 'c0', productId: 'p-vps', label: 'vps.c0.test', username: null, password: null, loginUrl: null, status: 'active' }],
    tickets: [{ id: TICKET, clientId: 'c0', contactId: 'k0-dev', serviceId: 's0', subject: 'Server down', status: 'Open' }],
  });
}

/** Where the bench's vault lives, for another process to open it too. */
export type BenchStore = { sqliteFile: string } | { mysqlUrl: string };

/** A connection pool to the bench's store, as the bench itself opens it. */
export async function openBenchKnex(store: BenchStore): Promise<Knex> {
  if ('mysqlUrl' in store) return knexFactory({ client: 'mysql2', connection: store.mysqlUrl, pool: { min: 0, max: 12 } });
  const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: store.sqliteFile }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
  await knex.raw('PRAGMA journal_mode = WAL');
  return knex;
}

export interface BenchVault {
  lk: Latchkey;
  knex: Knex;
  tables: TableNames;
  prefix: string;
  store: BenchStore;
  /** Another Latchkey on the same tables with other keys (a rotation's new keyring). */
  sibling(keys: Keyring): Promise<Latchkey>;
  close(): Promise<void>;
}

/**
 * A fresh vault under a table prefix of its own (`lkbench_<random>_`), so the
 * bench never meets the tests' tables; dropped again on close.
 */
export async function openBenchVault(config: BenchConfig): Promise<BenchVault> {
  const prefix = `lkbench_${randomBytes(3).toString('hex')}_`;
  const tables = tableNames(prefix);
  const dir = config.database === 'sqlite' ? mkdtempSync(join(tmpdir(), 'lk-bench-')) : null;
  const store: BenchStore = dir ? { sqliteFile: join(dir, 'vault.sqlite') } : { mysqlUrl: config.url! };
  const knex = await openBenchKnex(store);
  const host = benchHost();
  const lk = await createLatchkey({ database: { knex }, keys: new Keyring([keyA]), host, tablePrefix: prefix, migrate: true });
  const siblings: Latchkey[] = [];
  return {
    lk, knex, tables, prefix, store,
    async sibling(keys) {
      const other = await createLatchkey({ database: { knex }, keys, host, tablePrefix: prefix });
      siblings.push(other);
      return other;
    },
    async close() {
      for (const other of siblings) await other.close();
      await lk.migrator.rollback(true);
      await knex.schema.dropTableIfExists(tables.migrations);
      await knex.schema.dropTableIfExists(tables.migrationsLock);
      await lk.close();
      await knex.destroy();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

const NAMES = ['mail', 'ftp', 'db', 'panel', 'dns', 'ssh', 'vpn', 'backup', 'router', 'cpanel'];

/**
 * Adds entries `from` to `to` (exclusive) with real per-entry data keys and
 * ciphertexts, in multi-row INSERTs. Entry i belongs to client c(i / 10): the
 * measured client c0 holds the same ten entries at every size. Most are the
 * client's own (every other one shared with staff), some the team's, a few
 * granted to a support admin or filed in the team's category.
 */
export async function seedEntries(vault: BenchVault, from: number, to: number, onProgress?: (done: number) => void): Promise<void> {
  const cipher = new EntryCipher(new Keyring([keyA]));
  const base = Date.UTC(2025, 0, 1);
  const now = Date.now();
  const chunk = vault.knex.client.config.client === 'mysql2' ? 1_000 : 500;
  for (let start = from; start < to; start += chunk) {
    const entries: EntryRow[] = [];
    const grants: Array<{ entry_id: string; principal_kind: string; principal_id: string; can_edit: boolean }> = [];
    for (let i = start; i < Math.min(to, start + chunk); i++) {
      const id = newId(base + i);
      const { dataKey, wrapped } = await cipher.newDataKey(id);
      const client = `c${Math.floor(i / ENTRIES_PER_CLIENT)}`;
      const team = i % ENTRIES_PER_CLIENT >= 8;
      entries.push({
        id, name: `${NAMES[(i * 7) % NAMES.length]}.${client}.test ${i % ENTRIES_PER_CLIENT}`, username: `user${i % 97}`,
        website_url: `https://${client}.test/`, login_url: null,
        owner_kind: team ? 'admin' : 'client', owner_id: team ? 'a-support' : client, client_id: client,
        service_id: null, contact_id: null, device_id: null, ticket_id: null, category_id: null,
        shared_with_admin: !team && i % 2 === 0, is_private: team && i % 20 === 19,
        reminder_days: null, notify_on_change: false, next_reminder_at: null, version: 1,
        kek_id: wrapped.keyId, wrapped_key: wrapped.blob, key_version: dataKey.keyVersion,
        password_ct: cipher.encrypt(dataKey, 'password', `pw-${i}-${id.slice(-6)}`), notes_ct: null, totp_ct: null,
        created_at: now, updated_at: now, password_changed_at: now,
      });
      if (i % 50 === 3) grants.push({ entry_id: id, principal_kind: 'admin', principal_id: 'a-support', can_edit: false });
    }
    await vault.knex.transaction(async (trx) => {
      await trx(vault.tables.entries).insert(entries);
      if (grants.length > 0) await trx(vault.tables.grants).insert(grants);
    });
    onProgress?.(Math.min(to, start + chunk));
  }
}

/** Fresh optimizer statistics for every table a list reads. */
export async function analyzeVault(vault: BenchVault): Promise<void> {
  const t = vault.tables;
  await analyze(vault.knex, [t.entries, t.grants, t.categories, t.categoryMembers]);
}
