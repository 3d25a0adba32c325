import { randomBytes } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import { MemoryDirectory } from '../../adapters/memory/memory-directory.ts';
import { createLatchkey, type Actor, type HostService } from '../../core/index.ts';
import { newId } from '../../core/store/ids.ts';
import type { EntryRow } from '../../core/store/entry-rows.ts';
import { tableNames } from '../../core/store/table-names.ts';
import { testKeys, type TestDatabase, type Vault } from '../support/databases.ts';

/**
 * A hosting company big enough for an optimizer to choose between an index and
 * a scan, small enough to seed in seconds: 200 clients with contacts, services
 * and tickets; 20 entries a client (mostly the client's own, some the team's)
 * and a few hundred private staff entries; admin and client categories with
 * members; a few grants an entry here and there.
 */
export const CLIENTS = 200;
const ENTRIES_PER_CLIENT = 20;
const STAFF_PRIVATE_ENTRIES = 400;
const ADMIN_CATEGORIES = 8;
const CATEGORIES_PER_CLIENT = 2;

const pad = (i: number) => String(i).padStart(3, '0');
export const clientId = (i: number) => `c${pad(i)}`;
const mainContactId = (i: number) => `k${pad(i)}-main`;
export const contactId = (i: number, n: number) => `k${pad(i)}-${n}`;
export const serviceId = (i: number, n: number) => `s${pad(i)}-${n}`;
export const ticketId = (i: number, n: number) => `t${pad(i)}-${n}`;
export const deviceId = (i: number, n: number) => `d${pad(i)}-${n}`;
export const adminCategoryId = (n: number) => `01900000-0000-7000-8000-0000000a${pad(n).padStart(4, '0')}`;
export const clientCategoryId = (i: number, n: number) => `01900000-0000-7000-8000-00000c${pad(i)}${String(n).padStart(3, '0')}`;

/** Staff: one in an extended role, one allowed by id, one in a role nobody allowed, and the addon's manager. */
export const extendedAdmin: Actor = { kind: 'admin', adminId: 'a-ext' };
export const allowedAdmin: Actor = { kind: 'admin', adminId: 'a-allowed' };
export const supportAdmin: Actor = { kind: 'admin', adminId: 'a-support' };
export const manager: Actor = { kind: 'admin', adminId: 'a-manager' };
/** New on the team: a few notes of their own, a few entries shared with them, one team category. */
export const juniorAdmin: Actor = { kind: 'admin', adminId: 'a-junior' };
export const system: Actor = { kind: 'system' };

function host(): MemoryDirectory {
  const clients = Array.from({ length: CLIENTS }, (_, i) => i);
  const services: HostService[] = clients.flatMap((i) => [0, 1, 2].map((n) => ({
    id: serviceId(i, n), clientId: clientId(i), productId: n === 0 ? 'p-vps' : 'p-web', label: `${n === 0 ? 'vps' : 'www'}${n}.client${pad(i)}.test`,
    username: null, password: null, loginUrl: null, status: n === 2 ? 'suspended' as const : 'active' as const,
  })));
  return new MemoryDirectory({
    adminRoles: [{ id: 'r-ext', name: 'Full Administrator' }, { id: 'r-support', name: 'Support' }, { id: 'r-junior', name: 'Trainees' }],
    admins: [
      { id: 'a-ext', name: 'Erin Extended', email: 'erin@host.test', roleId: 'r-ext', language: 'en', disabled: false, addonManager: false },
      { id: 'a-allowed', name: 'Alan Allowed', email: 'alan@host.test', roleId: 'r-support', language: 'en', disabled: false, addonManager: false },
      { id: 'a-support', name: 'Sue Support', email: 'sue@host.test', roleId: 'r-support', language: 'en', disabled: false, addonManager: false },
      { id: 'a-manager', name: 'Mona Manager', email: 'mona@host.test', roleId: 'r-support', language: 'en', disabled: false, addonManager: true },
      { id: 'a-junior', name: 'Jo Junior', email: 'jo@host.test', roleId: 'r-junior', language: 'en', disabled: false, addonManager: false },
    ],
    clientGroups: [{ id: 'g-retail', name: 'Retail' }],
    clients: clients.map((i) => ({
      id: clientId(i), name: `Client ${pad(i)} Ltd`, email: `it@client${pad(i)}.test`, groupId: 'g-retail', language: 'en', status: 'Active',
    })),
    contacts: clients.flatMap((i) => [
      { id: mainContactId(i), clientId: clientId(i), name: `Owner ${pad(i)}`, email: `owner@client${pad(i)}.test`, isMain: true },
      ...[1, 2].map((n) => ({ id: contactId(i, n), clientId: clientId(i), name: `Dev ${n} of ${pad(i)}`, email: `dev${n}@client${pad(i)}.test`, isMain: false })),
    ]),
    products: [{ id: 'p-vps', name: 'VPS', groupId: null }, { id: 'p-web', name: 'Web hosting', groupId: null }],
    services,
    tickets: clients.flatMap((i) => [0, 1].map((n) => ({
      id: ticketId(i, n), clientId: clientId(i), contactId: contactId(i, 1), serviceId: serviceId(i, 0), subject: `Ticket ${n}`, status: 'Open',
    }))),
    devices: clients.flatMap((i) => [0, 1].map((n) => ({ id: deviceId(i, n), clientId: clientId(i), name: `${n === 0 ? 'Router' : 'NAS'} of ${pad(i)}` }))),
  });
}

export interface PlanWorld {
  vault: Vault;
  /** Entries the seed wrote. */
  entryCount: number;
}

/**
 * A migrated vault whose knex the test holds (to listen to what the services
 * send), seeded with raw multi-row INSERTs: lists never read ciphertexts, so
 * one real sealed envelope is copied into every row.
 */
export async function seedPlanWorld(db: TestDatabase): Promise<PlanWorld> {
  const vault = await openPlanVault(db);
  const t = vault.tables;
  const sample = await vault.lk.entries.create({ kind: 'client', clientId: clientId(0) }, { name: 'sample', password: 'sealed' });
  const envelope = await vault.raw(t.entries).where('id', sample.id).first() as EntryRow;
  await vault.raw(t.entries).where('id', sample.id).delete();

  const now = Date.now();
  const entries: EntryRow[] = [];
  const grants: Array<{ entry_id: string; principal_kind: string; principal_id: string; can_edit: boolean }> = [];
  const row = (i: number, fields: Partial<EntryRow>): EntryRow => ({
    ...envelope,
    id: newId(now - 1_000_000 + entries.length), name: `entry ${entries.length}`, website_url: null, login_url: null,
    service_id: null, contact_id: null, device_id: null, ticket_id: null, category_id: null, category_name: null,
    shared_with_admin: false, is_private: false, reminder_days: 90, notify_on_change: false,
    // Most passwords are due in the coming months; one entry in a hundred is overdue.
    next_reminder_at: i % 100 === 0 ? now - 86_400_000 : now + (i % 90 + 1) * 86_400_000,
    created_at: now, updated_at: now, password_changed_at: now,
    ...fields,
  });
  for (let i = 0; i < CLIENTS; i++) {
    const client = clientId(i);
    for (let n = 0; n < ENTRIES_PER_CLIENT; n++) {
      const k = entries.length;
      const team = n >= ENTRIES_PER_CLIENT - 3;
      // Few entries are filed: the optimizer then guesses a category holds a third of the table.
      const categoryId = i === 42 && n % 5 === 1 ? clientCategoryId(i, 0) : i % 20 === 0 && n === 4 ? adminCategoryId(2) : null;
      const entry = row(k, {
        name: `${['mail', 'ftp', 'db', 'panel', 'dns', 'ssh'][n % 6]}.client${pad(i)}.test ${n}`,
        username: `user${n}`, website_url: `https://client${pad(i)}.test/`,
        owner_kind: team ? 'admin' : 'client', owner_id: team ? 'a-support' : client, client_id: client,
        service_id: n % 3 === 0 ? serviceId(i, n % 2 === 0 ? 0 : 2) : null,
        ticket_id: n === 5 ? ticketId(i, 0) : null,
        contact_id: n % 7 === 0 ? contactId(i, 1) : null,
        device_id: n % 5 === 3 ? deviceId(i, n % 2) : null,
        category_id: categoryId,
        category_name: categoryId === null ? null : categoryId === adminCategoryId(2) ? 'Team 2' : `Servers ${pad(i)}`,
        shared_with_admin: !team && n % 2 === 0,
        is_private: team && n % 2 === 0,
      });
      entries.push(entry);
      if (n % 4 === 2) grants.push({ entry_id: entry.id, principal_kind: 'contact', principal_id: contactId(i, 2), can_edit: false });
      if (n % 9 === 3) grants.push({ entry_id: entry.id, principal_kind: 'admin', principal_id: 'a-support', can_edit: true });
      if (n === 11) grants.push({ entry_id: entry.id, principal_kind: 'admin_role', principal_id: 'r-support', can_edit: false });
      if (n === 3 && i % 20 === 7) grants.push({ entry_id: entry.id, principal_kind: 'admin', principal_id: 'a-junior', can_edit: false });
    }
  }
  for (let n = 0; n < STAFF_PRIVATE_ENTRIES; n++) {
    entries.push(row(entries.length, {
      name: `staff note ${n}`, owner_kind: 'admin', owner_id: n % 40 === 0 ? 'a-junior' : ['a-support', 'a-allowed', 'a-ext', 'a-manager'][n % 4]!, client_id: null, is_private: true,
    }));
  }
  const categories = [
    ...Array.from({ length: ADMIN_CATEGORIES }, (_, n) => ({ id: adminCategoryId(n), name: `Team ${n}`, owner_kind: 'admin', owner_id: 'a-manager' })),
    ...Array.from({ length: CLIENTS }, (_, i) => i).flatMap((i) => Array.from({ length: CATEGORIES_PER_CLIENT }, (_, n) => ({
      id: clientCategoryId(i, n), name: `${n === 0 ? 'Servers' : 'Mailboxes'} ${pad(i)}`, owner_kind: 'client', owner_id: clientId(i),
    }))),
  ].map((c) => ({ ...c, created_at: now, updated_at: now }));
  const members = [
    ...Array.from({ length: ADMIN_CATEGORIES }, (_, n) => [
      { category_id: adminCategoryId(n), member_kind: 'admin_role', member_id: n === 2 ? 'r-junior' : 'r-support', can_edit: false },
      { category_id: adminCategoryId(n), member_kind: 'client', member_id: clientId(n), can_edit: false },
    ]).flat(),
    ...Array.from({ length: CLIENTS }, (_, i) => ({ category_id: clientCategoryId(i, 0), member_kind: 'contact', member_id: contactId(i, 1), can_edit: i % 2 === 0 })),
  ];
  await insertAll(vault.raw, t.entries, entries);
  await insertAll(vault.raw, t.grants, grants);
  await insertAll(vault.raw, t.categories, categories);
  await insertAll(vault.raw, t.categoryMembers, members);
  return { vault, entryCount: entries.length };
}

export async function insertAll(knex: Knex, table: string, rows: readonly object[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 400) await knex(table).insert(rows.slice(i, i + 400));
}

/**
 * A fresh vault whose knex is the test's own on both databases (openVault in
 * databases.ts lets Latchkey open its own pool on MariaDB), so the test hears
 * every statement a service sends through it.
 */
export async function openPlanVault(db: TestDatabase): Promise<Vault> {
  const prefix = `t${randomBytes(4).toString('hex')}_`;
  const tables = tableNames(prefix);
  const raw = db.name === 'sqlite'
    ? knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true, pool: { min: 1, max: 1 } })
    : knexFactory({ client: 'mysql2', connection: db.url, pool: { min: 0, max: 4 } });
  const lk = await createLatchkey({ database: { knex: raw }, keys: testKeys(), host: host(), tablePrefix: prefix, migrate: true });
  return {
    lk, raw, tables,
    close: async () => {
      if (db.name === 'mariadb') {
        await lk.migrator.rollback(true);
        await raw.schema.dropTableIfExists(tables.migrations);
        await raw.schema.dropTableIfExists(tables.migrationsLock);
      }
      await lk.close();
      await raw.destroy();
    },
  };
}
