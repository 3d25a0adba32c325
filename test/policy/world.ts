import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { emptyHostData, type MemoryDirectory, type MemoryHostData } from '../../adapters/memory/memory-directory.ts';
import {
  DEFAULT_SETTINGS, Secret, SERVICE_STATUSES, type Actor, type CategoryMember, type Grant, type Owner, type Principal, type PrincipalKind,
  type ServiceStatus, type VaultSettings,
} from '../../core/index.ts';
import { grantAt, GRANT_LEVELS, grantLevel } from '../../core/domain/entry.ts';
import { FIELD_ACCESS_LEVELS, type ClientFieldAccess } from '../../core/domain/field-access.ts';
import type { EntryFacts } from '../../core/policy/facts.ts';
import { DEFAULT_STEP_UP } from '../../core/index.ts';
import type { Vault } from '../support/databases.ts';
import { clearVault, resetHost, system } from './policy-support.ts';

/**
 * A generated hosting company and its vault, in a form that reads well when
 * fast-check prints a counterexample: ids are short strings, every reference
 * is by id or name, and the data is what the services could have produced
 * (grants to a client or contact only on that client's entries, client
 * categories holding only the client's own contacts, and so on). Then the
 * host moves on: contacts change client and services change state, and the
 * world records the host as it is after that (`clients`, `services`) beside
 * what the vault was given before (`entries`).
 */
export interface World {
  /** Whether the second id of each kind is the first one in upper case (`c0`, `C0`). */
  twins: boolean;
  admins: Array<{ id: string; role: string; disabled: boolean }>;
  clients: Array<{ id: string; group: string | null; contacts: Array<{ id: string; main: boolean }> }>;
  products: Array<{ id: string; group: string | null }>;
  /** A service shows as credentials only when it has a login of its own. */
  services: Array<{ id: string; client: string; product: string; hasLogin: boolean; status: ServiceStatus }>;
  /** Contacts the host moved to another client after they were given grants and category places. */
  moves: Array<{ contact: string; from: string; to: string }>;
  categories: Array<{ name: string; owner: Owner; members: CategoryMember[] }>;
  entries: WorldEntry[];
  settings: VaultSettings;
  /** Who acts: every admin and client, each contact, and a few strangers. */
  actors: Actor[];
  /** Calls to make after the lists are compared, in order (writes change the world as they go). */
  calls: Call[];
}

export interface WorldEntry {
  name: string;
  owner: Owner;
  client: string | null;
  /** A category name, or null. */
  category: string | null;
  sharedWithAdmin: boolean;
  /** Staff entries: kept to the author rather than shared with the team. */
  private: boolean;
  /** A service of the entry's client the entry is about, or null. */
  service: string | null;
  grants: Grant[];
  /** Staff entries: what the client may do with each field, or null for the settings' default. */
  fieldAccess: ClientFieldAccess | null;
}

export type CallAction = 'get' | 'reveal' | 'update' | 'delete' | 'share' | 'create';

/** `target` names an entry of the world, `service:<id>`, or `missing`. */
export interface Call {
  actor: Actor;
  action: CallAction;
  target: string;
}

export const ROLE_COUNT = 3;
export const GROUP_COUNT = 2;
export const PRODUCT_GROUP_COUNT = 2;

/**
 * Ids of the i-th thing of a kind. With `twins`, the second one differs from
 * the first only by case (`c0` and `C0`): hosts with string ids may have both,
 * and a case-insensitive comparison in SQL would confuse them.
 */
export function idOf(prefix: string, i: number, twins: boolean): string {
  return twins && i === 1 ? `${prefix.toUpperCase()}0` : `${prefix}${i}`;
}

function contactId(clientIndex: number, j: number, twins: boolean): string {
  return `${idOf('k', clientIndex, twins)}-${j}`;
}

const nat = (max: number) => fc.nat({ max });
const indexList = (max: number, maxLength: number) => fc.uniqueArray(nat(max), { maxLength });

const fieldAccessArbitrary = fc.record({
  username: fc.constantFrom(...FIELD_ACCESS_LEVELS), password: fc.constantFrom(...FIELD_ACCESS_LEVELS),
  urls: fc.constantFrom(...FIELD_ACCESS_LEVELS), notes: fc.constantFrom(...FIELD_ACCESS_LEVELS), totp: fc.constantFrom(...FIELD_ACCESS_LEVELS),
});

const rawWorld = fc.record({
  twins: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  admins: fc.array(fc.record({ role: nat(ROLE_COUNT - 1), disabled: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }) }), { minLength: 1, maxLength: 6 }),
  clients: fc.array(fc.record({
    group: fc.option(nat(GROUP_COUNT - 1), { freq: 4 }),
    contacts: fc.array(fc.boolean(), { maxLength: 3 }),
  }), { minLength: 1, maxLength: 4 }),
  products: fc.array(fc.option(nat(PRODUCT_GROUP_COUNT - 1), { freq: 4 }), { minLength: 1, maxLength: 3 }),
  services: fc.array(fc.record({
    client: nat(9), product: nat(9),
    hasLogin: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    status: fc.oneof({ weight: 3, arbitrary: fc.constant<ServiceStatus>('active') }, { weight: 2, arbitrary: fc.constantFrom(...SERVICE_STATUSES) }),
  }), { maxLength: 5 }),
  moves: fc.array(fc.record({ contact: nat(99), to: nat(9) }), { maxLength: 2 }),
  categories: fc.array(fc.record({
    adminOwned: fc.boolean(),
    owner: nat(9),
    members: fc.array(fc.record({ kind: fc.constantFrom<PrincipalKind>('admin', 'admin_role', 'client', 'contact'), pick: nat(99), canEdit: fc.boolean() }), { maxLength: 3 }),
  }), { maxLength: 4 }),
  entries: fc.array(fc.record({
    adminOwned: fc.boolean(),
    owner: nat(9),
    client: fc.option(nat(9), { freq: 3 }),
    category: fc.option(nat(9), { freq: 2 }),
    sharedWithAdmin: fc.boolean(),
    private: fc.boolean(),
    service: fc.option(nat(9), { freq: 2 }),
    grants: fc.array(fc.record({ kind: fc.constantFrom<PrincipalKind>('admin', 'admin_role', 'client', 'contact'), pick: nat(99), level: fc.constantFrom(...GRANT_LEVELS) }), { maxLength: 3 }),
    fieldAccess: fc.option(fieldAccessArbitrary, { freq: 2 }),
  }), { maxLength: 15 }),
  settings: fc.record({
    mode: fc.constantFrom('full' as const, 'restricted' as const, 'shared' as const),
    allowedAdmins: indexList(6, 3),
    allowedRoles: indexList(ROLE_COUNT, 2),
    extendedRoles: fc.oneof({ weight: 3, arbitrary: fc.constant([] as number[]) }, { weight: 1, arbitrary: indexList(ROLE_COUNT - 1, 1) }),
    privateEnabled: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    privateExcludedGroups: indexList(GROUP_COUNT - 1, 1),
    privateExcludedClients: indexList(3, 1),
    servicesEnabled: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    servicesExcludedGroups: indexList(GROUP_COUNT - 1, 1),
    servicesExcludedClients: indexList(3, 1),
    visibleStatuses: fc.subarray([...SERVICE_STATUSES]),
    excludedProducts: indexList(2, 1),
    excludedProductGroups: indexList(PRODUCT_GROUP_COUNT - 1, 1),
    areaEnabled: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    areaExcludedGroups: indexList(GROUP_COUNT - 1, 1),
    areaExcludedClients: indexList(3, 1),
    areaRestrictedContacts: indexList(99, 2),
    defaultFieldAccess: fieldAccessArbitrary,
    entryLimit: fc.option(fc.integer({ min: 1, max: 4 }), { freq: 2 }),
  }),
  calls: fc.array(fc.record({
    // Random callers mostly meet "not found"; owners and grantees reach the other outcomes.
    who: fc.constantFrom('anyone' as const, 'owner' as const, 'grantee' as const, 'entryClient' as const),
    actor: nat(99),
    action: fc.constantFrom<CallAction>('get', 'reveal', 'update', 'delete', 'share', 'create'),
    target: nat(99),
  }), { maxLength: 24 }),
});

type RawWorld = typeof rawWorld extends fc.Arbitrary<infer T> ? T : never;

/** Random worlds, already made valid (see World). */
export const worlds: fc.Arbitrary<World> = rawWorld.map(toWorld);

function toWorld(raw: RawWorld): World {
  const { twins } = raw;
  const roleIds = Array.from({ length: ROLE_COUNT }, (_, i) => idOf('r', i, twins));
  const groupIds = Array.from({ length: GROUP_COUNT }, (_, i) => idOf('g', i, twins));
  const productGroupIds = Array.from({ length: PRODUCT_GROUP_COUNT }, (_, i) => idOf('pg', i, twins));

  const admins = raw.admins.map((a, i) => ({ id: idOf('a', i, twins), role: roleIds[a.role]!, disabled: a.disabled }));
  const clients = raw.clients.map((c, i) => {
    let mainTaken = false;
    const contacts = c.contacts.map((wantsMain, j) => {
      const main = wantsMain && !mainTaken;
      mainTaken ||= main;
      return { id: contactId(i, j, twins), main };
    });
    return { id: idOf('c', i, twins), group: c.group === null ? null : groupIds[c.group]!, contacts };
  });
  const products = raw.products.map((group, i) => ({ id: idOf('p', i, twins), group: group === null ? null : productGroupIds[group]! }));
  const services = raw.services.map((s, i) => ({
    id: `s${i}`, client: clients[s.client % clients.length]!.id, product: products[s.product % products.length]!.id,
    hasLogin: s.hasLogin, status: s.status,
  }));
  const allContacts = clients.flatMap((c) => c.contacts.map((k) => k.id));
  const contactsOf = (clientId: string | null) => clients.find((c) => c.id === clientId)?.contacts.map((k) => k.id) ?? [];
  const pickPrincipal = (kind: PrincipalKind, pick: number, client: string | null | 'any'): string | null => {
    const pool = kind === 'admin' ? admins.map((a) => a.id)
      : kind === 'admin_role' ? roleIds
      : kind === 'client' ? (client === 'any' ? clients.map((c) => c.id) : client === null ? [] : [client])
      : client === 'any' ? allContacts : contactsOf(client);
    return pool.length === 0 ? null : pool[pick % pool.length]!;
  };

  const categories = raw.categories.map((c, i) => {
    const owner: Owner = c.adminOwned
      ? { kind: 'admin', id: admins[c.owner % admins.length]!.id }
      : { kind: 'client', id: clients[c.owner % clients.length]!.id };
    const members: CategoryMember[] = [];
    for (const m of c.members) {
      // A client's categories hold its own contacts only; admin categories anyone the host knows.
      const kind = owner.kind === 'client' ? 'contact' : m.kind;
      const id = pickPrincipal(kind, m.pick, owner.kind === 'client' ? owner.id : 'any');
      if (id !== null) members.push({ kind, id, canEdit: m.canEdit });
    }
    return { name: `cat${i}`, owner, members: dedupe(members) };
  });
  const adminCategories = categories.filter((c) => c.owner.kind === 'admin').map((c) => c.name);

  const entries = raw.entries.map((e, i): WorldEntry => {
    const owner: Owner = e.adminOwned
      ? { kind: 'admin', id: admins[e.owner % admins.length]!.id }
      : { kind: 'client', id: clients[e.owner % clients.length]!.id };
    const client = owner.kind === 'client' ? owner.id : e.client === null ? null : clients[e.client % clients.length]!.id;
    // Admins file into admin categories; a client into its own (or an extended admin into an admin one).
    const fitting = owner.kind === 'admin'
      ? adminCategories
      : [...categories.filter((c) => c.owner.kind === 'client' && c.owner.id === owner.id).map((c) => c.name), ...adminCategories];
    const category = e.category === null || fitting.length === 0 ? null : fitting[e.category % fitting.length]!;
    const grants: Grant[] = [];
    for (const g of e.grants) {
      const id = pickPrincipal(g.kind, g.pick, client);
      if (id !== null) grants.push(grantAt({ kind: g.kind, id }, g.level));
    }
    const ofClient = services.filter((sv) => sv.client === client);
    const service = e.service === null || ofClient.length === 0 ? null : ofClient[e.service % ofClient.length]!.id;
    return {
      name: `e${i}`, owner, client, category, sharedWithAdmin: owner.kind === 'client' && e.sharedWithAdmin,
      private: owner.kind === 'admin' && e.private, service, grants: dedupe(grants),
      fieldAccess: owner.kind === 'admin' ? e.fieldAccess : null,
    };
  });

  // The host moves contacts after the vault knew them: grants and category places stay as they were.
  const moves: World['moves'] = [];
  for (const m of raw.moves) {
    if (allContacts.length === 0 || clients.length < 2) break;
    const contact = allContacts[m.contact % allContacts.length]!;
    const from = clients.find((c) => c.contacts.some((k) => k.id === contact))!;
    const to = clients[m.to % clients.length]!;
    if (to === from) continue;
    from.contacts = from.contacts.filter((k) => k.id !== contact);
    to.contacts = [...to.contacts, { id: contact, main: false }];
    moves.push({ contact, from: from.id, to: to.id });
  }

  const s = raw.settings;
  const settings: VaultSettings = {
    adminAccessMode: s.mode,
    allowedAdminIds: s.allowedAdmins.map((i) => idOf('a', i, twins)),
    allowedAdminRoleIds: s.allowedRoles.map((i) => idOf('r', i, twins)),
    extendedAdminRoleIds: s.extendedRoles.map((i) => roleIds[i]!),
    clientPrivateEntries: {
      enabled: s.privateEnabled,
      excludedClientGroupIds: s.privateExcludedGroups.map((i) => groupIds[i]!),
      excludedClientIds: s.privateExcludedClients.map((i) => idOf('c', i, twins)),
    },
    clientServicePasswords: {
      enabled: s.servicesEnabled,
      excludedClientGroupIds: s.servicesExcludedGroups.map((i) => groupIds[i]!),
      excludedClientIds: s.servicesExcludedClients.map((i) => idOf('c', i, twins)),
      excludedProductIds: s.excludedProducts.map((i) => idOf('p', i, twins)),
      excludedProductGroupIds: s.excludedProductGroups.map((i) => productGroupIds[i]!),
      visibleStatuses: s.visibleStatuses,
    },
    clientArea: {
      enabled: s.areaEnabled,
      excludedClientGroupIds: s.areaExcludedGroups.map((i) => groupIds[i]!),
      excludedClientIds: s.areaExcludedClients.map((i) => idOf('c', i, twins)),
      restrictedContactIds: allContacts.length === 0 ? [] : s.areaRestrictedContacts.map((i) => allContacts[i % allContacts.length]!),
    },
    defaultClientFieldAccess: s.defaultFieldAccess,
    staffPanels: { clientSummary: true, ticketSidebar: true, contactPanel: true, devicePanel: true },
    // Alerts and reviews decide no access: the world keeps the defaults.
    securityAlerts: DEFAULT_SETTINGS.securityAlerts,
    accessReviewDays: DEFAULT_SETTINGS.accessReviewDays,
    // Decides import and export only, which the policy does not: the world leaves it off.
    clientImportExport: false,
    clientEntryLimit: s.entryLimit,
    historyDepth: 10,
    revealHideSeconds: DEFAULT_SETTINGS.revealHideSeconds,
    defaultReminderDays: null,
    includePasswordInChangeMail: false,
    // Decides how strong a password must be, which the policy does not.
    passwordPolicy: DEFAULT_SETTINGS.passwordPolicy,
    mailTemplates: {},
    stepUp: DEFAULT_STEP_UP,
  };

  const actors: Actor[] = [
    ...admins.map((a): Actor => ({ kind: 'admin', adminId: a.id })),
    { kind: 'admin', adminId: 'a-ghost' },
    ...clients.flatMap((c): Actor[] => [
      { kind: 'client', clientId: c.id },
      ...c.contacts.map((k): Actor => ({ kind: 'client', clientId: c.id, contactId: k.id })),
    ]),
    { kind: 'client', clientId: 'c-ghost' },
  ];
  // Someone claiming another client's contact.
  const foreign = clients.length > 1 ? clients[1]!.contacts[0] : undefined;
  if (foreign) actors.push({ kind: 'client', clientId: clients[0]!.id, contactId: foreign.id });

  const targets = [...entries.map((e) => e.name), ...services.map((sv) => `service:${sv.id}`), 'missing'];
  const actorFor = (p: Principal): Actor | undefined => {
    switch (p.kind) {
      case 'admin': return { kind: 'admin', adminId: p.id };
      case 'admin_role': {
        const admin = admins.find((a) => a.role === p.id);
        return admin && { kind: 'admin', adminId: admin.id };
      }
      case 'client': return { kind: 'client', clientId: p.id };
      case 'contact': {
        const client = clients.find((c) => c.contacts.some((k) => k.id === p.id));
        return client && { kind: 'client', clientId: client.id, contactId: p.id };
      }
    }
  };
  const calls = raw.calls.map((c): Call => {
    const target = targets[c.target % targets.length]!;
    const entry = entries.find((e) => e.name === target);
    const reaching = entry === undefined ? [] : c.who === 'owner' ? [entry.owner]
      : c.who === 'grantee' ? [...entry.grants, ...(categories.find((cat) => cat.name === entry.category)?.members ?? [])]
      // The client a staff entry is filed under, or a contact of it: where field access toward the client shows.
      : c.who === 'entryClient' && entry.client !== null ? [
        { kind: 'client' as const, id: entry.client },
        ...contactsOf(entry.client).map((id) => ({ kind: 'contact' as const, id })),
      ]
      : [];
    const chosen = reaching.length === 0 ? undefined : actorFor(reaching[c.actor % reaching.length]!);
    return { actor: chosen ?? actors[c.actor % actors.length]!, action: c.action, target };
  });

  // Moved contacts still claimed at the client they left.
  for (const move of moves) actors.push({ kind: 'client', clientId: move.from, contactId: move.contact });

  return { twins, admins, clients, products, services, moves, categories, entries, settings, actors, calls };
}

/** One grant (or member) per principal (the tables' primary keys); twins that differ in case are two principals. */
function dedupe<T extends { kind: string; id: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = `${item.kind}:${item.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function hostData(world: World, options: { allEnabled: boolean }): MemoryHostData {
  const data = emptyHostData();
  data.adminRoles = Array.from({ length: ROLE_COUNT }, (_, i) => ({ id: idOf('r', i, world.twins), name: `Role ${i}` }));
  data.admins = world.admins.map((a) => ({
    id: a.id, name: `Admin ${a.id}`, email: `${a.id}@host.test`, roleId: a.role, language: 'en',
    disabled: options.allEnabled ? false : a.disabled, addonManager: false,
  }));
  data.clientGroups = Array.from({ length: GROUP_COUNT }, (_, i) => ({ id: idOf('g', i, world.twins), name: `Group ${i}` }));
  data.clients = world.clients.map((c) => ({ id: c.id, name: `Client ${c.id}`, email: `${c.id}@client.test`, groupId: c.group, language: 'en', status: 'Active' }));
  data.contacts = world.clients.flatMap((c) => c.contacts.map((k) => ({ id: k.id, clientId: c.id, name: `Contact ${k.id}`, email: `${k.id}@client.test`, isMain: k.main })));
  data.productGroups = Array.from({ length: PRODUCT_GROUP_COUNT }, (_, i) => ({ id: idOf('pg', i, world.twins), name: `Product group ${i}` }));
  data.products = world.products.map((p) => ({ id: p.id, name: `Product ${p.id}`, groupId: p.group }));
  data.services = world.services.map((s) => ({
    id: s.id, clientId: s.client, productId: s.product, label: `${s.id}.test`,
    username: s.hasLogin ? `user-${s.id}` : null, password: s.hasLogin ? new Secret(`pw-${s.id}`) : null, loginUrl: null, status: s.status,
  }));
  return data;
}

/** The world as it stands in the vault, by entry id; updated as calls change it. */
export interface Built {
  ids: Map<string, string>;
  categoryIds: Map<string, string>;
  /** Entries by id, as the policy should see them. */
  entries: Map<string, ModelEntry>;
}

export interface ModelEntry {
  id: string;
  name: string;
  owner: Owner;
  client: string | null;
  category: string | null;
  sharedWithAdmin: boolean;
  private: boolean;
  service: string | null;
  grants: Grant[];
  fieldAccess: ClientFieldAccess | null;
  version: number;
}

/**
 * Puts the world into the (already migrated) vault: categories as raw rows
 * (they carry nothing secret), entries through the entry service (so they
 * are encrypted exactly as in production) by their owner, with the grants the
 * owner may give; grants and filings only an extended admin could add are
 * written as the share/update calls would write them. Settings last.
 */
export async function buildWorld(vault: Vault, host: MemoryDirectory, world: World): Promise<Built> {
  await clearVault(vault);
  resetHost(host, hostData(world, { allEnabled: true }));
  const { lk, raw, tables: t } = vault;
  const now = Date.now();

  const categoryIds = new Map<string, string>();
  for (const c of world.categories) {
    const id = randomUUID();
    categoryIds.set(c.name, id);
    await raw(t.categories).insert({ id, name: c.name, owner_kind: c.owner.kind, owner_id: c.owner.id, created_at: now, updated_at: now });
    if (c.members.length > 0) {
      await raw(t.categoryMembers).insert(c.members.map((m) => ({ category_id: id, member_kind: m.kind, member_id: m.id, can_edit: m.canEdit })));
    }
  }
  const categoryOwner = new Map(world.categories.map((c) => [c.name, c.owner]));
  const contactsNow = new Map(world.clients.flatMap((c) => c.contacts.map((k) => [k.id, c.id] as const)));

  const ids = new Map<string, string>();
  const entries = new Map<string, ModelEntry>();
  for (const e of world.entries) {
    const byClient = e.owner.kind === 'client';
    const actor: Actor = byClient ? { kind: 'client', clientId: e.owner.id } : { kind: 'admin', adminId: e.owner.id };
    const ownCategory = e.category !== null && categoryOwner.get(e.category)?.kind === e.owner.kind;
    // Grants to a contact who has since moved are written as they were given, before the move.
    const stillThere = (g: Grant) => g.kind !== 'contact' || contactsNow.get(g.id) === e.client;
    const ownGrants = (byClient ? e.grants.filter((g) => g.kind === 'contact') : e.grants).filter(stillThere);
    const created = await lk.entries.create(actor, {
      name: e.name,
      username: `user-${e.name}`,
      websiteUrl: `https://${e.name}.example.test/`,
      password: `pw-${e.name}`,
      notes: `notes of ${e.name}`,
      totpSecret: 'JBSWY3DPEHPK3PXP',
      ...(byClient ? { sharedWithAdmin: e.sharedWithAdmin } : { clientId: e.client, private: e.private }),
      ...(e.service !== null ? { serviceId: e.service } : {}),
      ...(ownCategory ? { categoryId: categoryIds.get(e.category!)! } : {}),
      ...(e.fieldAccess !== null ? { clientFieldAccess: e.fieldAccess } : {}),
      grants: ownGrants.map((g) => ({ kind: g.kind, id: g.id, level: grantLevel(g) })),
    });
    const extraGrants = e.grants.filter((g) => !ownGrants.includes(g));
    if (extraGrants.length > 0) {
      await raw(t.grants).insert(extraGrants.map((g) => ({ entry_id: created.id, principal_kind: g.kind, principal_id: g.id, can_edit: g.canEdit, level: grantLevel(g) })));
    }
    if (e.category !== null && !ownCategory) {
      await raw(t.entries).where('id', created.id).update({ category_id: categoryIds.get(e.category)! });
    }
    ids.set(e.name, created.id);
    entries.set(created.id, {
      id: created.id, name: e.name, owner: e.owner, client: e.client, category: e.category,
      sharedWithAdmin: e.sharedWithAdmin, private: e.private, service: e.service, grants: e.grants, fieldAccess: e.fieldAccess, version: 1,
    });
  }

  resetHost(host, hostData(world, { allEnabled: false }));
  await lk.settings.update(system, world.settings);
  return { ids, categoryIds, entries };
}

/** What the reference policy is told about a vault entry: taken from the world, not from the database. */
export function entryFacts(world: World, built: Built, entry: ModelEntry): EntryFacts {
  const category = entry.category === null ? undefined : world.categories.find((c) => c.name === entry.category);
  return {
    source: 'vault',
    owner: entry.owner,
    clientId: entry.client,
    categoryId: entry.category === null ? null : built.categoryIds.get(entry.category)!,
    sharedWithAdmin: entry.sharedWithAdmin,
    private: entry.private,
    grants: entry.grants,
    categoryMembers: category?.members ?? [],
    service: null,
    linkedServiceStatus: world.services.find((s) => s.id === entry.service && s.client === entry.client)?.status ?? null,
    clientFieldAccess: entry.fieldAccess,
  };
}

export function serviceFacts(world: World, serviceId: string): EntryFacts | null {
  const service = world.services.find((s) => s.id === serviceId);
  if (!service || !service.hasLogin) return null;
  const product = world.products.find((p) => p.id === service.product);
  return {
    source: 'service',
    owner: { kind: 'client', id: service.client },
    clientId: service.client,
    categoryId: null,
    sharedWithAdmin: false,
    private: false,
    grants: [],
    categoryMembers: [],
    service: { productId: service.product, productGroupId: product?.group ?? null, status: service.status },
    linkedServiceStatus: null,
  };
}
