import type { VaultSettings } from '../domain/settings.ts';
import type { Principal } from '../domain/actor.ts';
import type { ActorFacts, EntryFacts } from './facts.ts';

export type EntryAction = 'view' | 'reveal' | 'update' | 'delete' | 'share';
export type VaultAction = 'manageAdminCategories' | 'changeSettings' | 'readAudit';

type AdminFacts = Extract<ActorFacts, { kind: 'admin' }>;
type ClientFacts = Extract<ActorFacts, { kind: 'client' }>;

/**
 * The reference policy: one pure decision per (actor, action, entry, settings).
 * Every service call asks it, and the SQL in visibility-query.ts must agree with
 * `can(_, 'view', ...)` row for row (a property test holds the two together).
 */
export function can(actor: ActorFacts, action: EntryAction, entry: EntryFacts, settings: VaultSettings): boolean {
  switch (actor.kind) {
    case 'system': return false;
    case 'admin': return adminCan(actor, action, entry, settings);
    case 'client': return clientCan(actor, action, entry, settings);
  }
}

export function canDo(actor: ActorFacts, action: VaultAction, settings: VaultSettings): boolean {
  if (actor.kind !== 'admin' || !actor.active) return false;
  switch (action) {
    case 'manageAdminCategories':
    case 'changeSettings':
    case 'readAudit':
      // The host says who runs the addon; extended-permission roles run it too.
      return actor.addonManager || isExtended(actor, settings);
  }
}

export function isExtended(admin: AdminFacts, settings: VaultSettings): boolean {
  return admin.roleId !== null && settings.extendedAdminRoleIds.includes(admin.roleId);
}

/** Allowed admins qualify by id OR by role. */
export function isAllowedAdmin(admin: AdminFacts, settings: VaultSettings): boolean {
  return settings.allowedAdminIds.includes(admin.adminId)
    || (admin.roleId !== null && settings.allowedAdminRoleIds.includes(admin.roleId));
}

/** Whether the admin access mode lets this admin see client data (client-owned entries and service credentials). */
export function modeAdmitsClientData(admin: AdminFacts, entry: Pick<EntryFacts, 'source' | 'sharedWithAdmin'>, settings: VaultSettings): boolean {
  switch (settings.adminAccessMode) {
    case 'full': return true;
    case 'restricted': return isAllowedAdmin(admin, settings);
    case 'shared': return isAllowedAdmin(admin, settings) && entry.source === 'vault' && entry.sharedWithAdmin;
  }
}

function adminCan(admin: AdminFacts, action: EntryAction, entry: EntryFacts, settings: VaultSettings): boolean {
  if (!admin.active) return false;
  const owns = entry.source === 'vault' && entry.owner.kind === 'admin' && entry.owner.id === admin.adminId;
  const extended = isExtended(admin, settings);
  const matches = (p: Principal) => (p.kind === 'admin' && p.id === admin.adminId)
    || (p.kind === 'admin_role' && admin.roleId !== null && p.id === admin.roleId);
  const access = grantedAccess(entry, matches);
  const clientData = entry.source === 'service' || entry.owner.kind === 'client';
  const sees = owns || extended || access.view || (clientData && modeAdmitsClientData(admin, entry, settings));
  if (!sees) return false;
  if (action === 'view' || action === 'reveal') return true;
  if (entry.source === 'service') return false;
  if (owns || extended) return true;
  return action === 'update' && access.edit;
}

/**
 * What the entry's grants and category memberships give one actor. An actor
 * may match several (its own grant and its role's, a grant and a category
 * membership): it views when any matches and edits when any matching one
 * carries canEdit, whatever order they come in.
 */
function grantedAccess(entry: EntryFacts, matches: (p: Principal) => boolean): { view: boolean; edit: boolean } {
  const matching = [...entry.grants, ...entry.categoryMembers].filter(matches);
  return { view: matching.length > 0, edit: matching.some((g) => g.canEdit) };
}

function clientMayKeepEntries(client: ClientFacts, settings: VaultSettings): boolean {
  const rule = settings.clientPrivateEntries;
  return rule.enabled && !(client.groupId !== null && rule.excludedClientGroupIds.includes(client.groupId));
}

/** Whether the client may keep private entries at all (creation is refused otherwise). */
export function clientMayCreate(client: ClientFacts, settings: VaultSettings): boolean {
  return client.active && client.contactId === null && clientMayKeepEntries(client, settings);
}

export function serviceVisibleToClient(
  client: ClientFacts,
  service: { clientId: string; productId: string; productGroupId: string | null },
  settings: VaultSettings,
): boolean {
  const rule = settings.clientServicePasswords;
  return client.active
    && client.contactId === null
    && service.clientId === client.clientId
    && rule.enabled
    && !(client.groupId !== null && rule.excludedClientGroupIds.includes(client.groupId))
    && !rule.excludedProductIds.includes(service.productId)
    && !(service.productGroupId !== null && rule.excludedProductGroupIds.includes(service.productGroupId));
}

function clientCan(client: ClientFacts, action: EntryAction, entry: EntryFacts, settings: VaultSettings): boolean {
  if (!client.active) return false;
  if (entry.source === 'service') {
    const service = entry.service;
    const visible = service !== null && entry.clientId !== null
      && serviceVisibleToClient(client, { clientId: entry.clientId, ...service }, settings);
    return visible && (action === 'view' || action === 'reveal');
  }
  const main = client.contactId === null;
  const owns = main && entry.owner.kind === 'client' && entry.owner.id === client.clientId
    && clientMayKeepEntries(client, settings);
  const matches = (p: Principal) => main
    ? (p.kind === 'client' && p.id === client.clientId) || (p.kind === 'contact' && client.contactIds.includes(p.id))
    : p.kind === 'contact' && p.id === client.contactId;
  const access = grantedAccess(entry, matches);
  if (!owns && !access.view) return false;
  if (action === 'view' || action === 'reveal') return true;
  if (owns) return true;
  return action === 'update' && access.edit;
}
