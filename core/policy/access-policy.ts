import type { VaultSettings } from '../domain/settings.ts';
import type { Principal } from '../domain/actor.ts';
import { CLIENT_FIELDS, FULL_FIELD_ACCESS, type ClientField, type ClientFieldAccess } from '../domain/field-access.ts';
import type { ActorFacts, EntryFacts } from './facts.ts';
import type { ServiceStatus } from '../ports/host-directory.ts';

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

/**
 * Whether the mode opens clients' data to this admin at all (`shared` mode:
 * what each client marked): otherwise the admin sees only what is shared
 * with them, and a client's panel says so rather than "nothing stored yet".
 */
export function adminSeesClientData(admin: AdminFacts, settings: VaultSettings): boolean {
  return admin.active && (isExtended(admin, settings) || settings.adminAccessMode === 'full' || isAllowedAdmin(admin, settings));
}

/**
 * Client data: a client's own entries, its services' credentials, and what
 * staff filed under the client for the team (a staff entry concerning a
 * client that its author did not mark private).
 */
export type ClientDataKind = 'clientOwned' | 'service' | 'teamEntry';

export function clientDataKind(entry: Pick<EntryFacts, 'source' | 'owner' | 'clientId' | 'private'>): ClientDataKind | null {
  if (entry.source === 'service') return 'service';
  if (entry.owner.kind === 'client') return 'clientOwned';
  return entry.clientId !== null && !entry.private ? 'teamEntry' : null;
}

/**
 * Whether the admin access mode lets this admin see client data. In `shared`
 * mode the client's consent is its "shared with administration" mark, so it
 * opens the client's own entries only when marked; what staff themselves filed
 * under the client is the team's already, and a service's credentials cannot
 * be marked (the host shows them to its staff in its own pages).
 */
export function modeAdmitsClientData(admin: AdminFacts, kind: ClientDataKind, sharedWithAdmin: boolean, settings: VaultSettings): boolean {
  switch (settings.adminAccessMode) {
    case 'full': return true;
    case 'restricted': return isAllowedAdmin(admin, settings);
    case 'shared': return isAllowedAdmin(admin, settings) && (kind === 'teamEntry' || (kind === 'clientOwned' && sharedWithAdmin));
  }
}

function adminCan(admin: AdminFacts, action: EntryAction, entry: EntryFacts, settings: VaultSettings): boolean {
  if (!admin.active) return false;
  const owns = entry.source === 'vault' && entry.owner.kind === 'admin' && entry.owner.id === admin.adminId;
  const extended = isExtended(admin, settings);
  const matches = (p: Principal) => (p.kind === 'admin' && p.id === admin.adminId)
    || (p.kind === 'admin_role' && admin.roleId !== null && p.id === admin.roleId);
  const access = grantedAccess(entry, matches);
  const kind = clientDataKind(entry);
  const sees = owns || extended || access.view || (kind !== null && modeAdmitsClientData(admin, kind, entry.sharedWithAdmin, settings));
  if (!sees) return false;
  if (action === 'view' || action === 'reveal') return true;
  if (entry.source === 'service') return false;
  if (owns || extended) return true;
  return grantedAction(action, access);
}

/** What a grant (or category membership) allows beyond seeing: edit lets update, share lets update and share. */
function grantedAction(action: EntryAction, access: { edit: boolean; share: boolean }): boolean {
  return (action === 'update' && access.edit) || (action === 'share' && access.share);
}

/**
 * What the entry's grants and category memberships give one actor. An actor
 * may match several (its own grant and its role's, a grant and a category
 * membership): it views when any matches and edits when any matching one
 * carries canEdit, whatever order they come in.
 */
function grantedAccess(entry: EntryFacts, matches: (p: Principal) => boolean): { view: boolean; edit: boolean; share: boolean } {
  const matching = [...entry.grants, ...entry.categoryMembers].filter(matches);
  // Only a grant reaches the share level; a category membership edits at most.
  const sharing = entry.grants.filter(matches).some((g) => g.canEdit && g.canShare === true);
  return { view: matching.length > 0, edit: matching.some((g) => g.canEdit), share: sharing };
}

/**
 * Whether the client area is open to this client, or this contact of it: on,
 * neither the client's group nor the client excluded, and the contact not
 * restricted. Closed, the client reaches nothing of the vault, through any path.
 */
export function clientAreaOpen(client: Pick<ClientFacts, 'clientId' | 'groupId' | 'contactId'>, settings: VaultSettings): boolean {
  const rule = settings.clientArea;
  return rule.enabled
    && !(client.groupId !== null && rule.excludedClientGroupIds.includes(client.groupId))
    && !rule.excludedClientIds.includes(client.clientId)
    && !(client.contactId !== null && rule.restrictedContactIds.includes(client.contactId));
}

/**
 * What the actor may do with each field of an entry it sees. Staff and the
 * owning client have every field; the client and its contacts have, on what
 * staff filed under the client, what staff chose for the entry (or the
 * settings' default). A field the actor may not update at all is at most read.
 */
export function fieldAccess(actor: ActorFacts, entry: EntryFacts, settings: VaultSettings): ClientFieldAccess {
  const chosen = chosenFieldAccess(actor, entry, settings);
  if (chosen === FULL_FIELD_ACCESS || can(actor, 'update', entry, settings)) return chosen;
  const readOnly = { ...chosen };
  for (const field of CLIENT_FIELDS) if (readOnly[field] === 'edit') readOnly[field] = 'read';
  return readOnly;
}

/** `fieldAccess` before asking whether the actor may update the entry at all: enough to know what is hidden. */
export function chosenFieldAccess(
  actor: ActorFacts, entry: Pick<EntryFacts, 'source' | 'owner' | 'clientFieldAccess'>, settings: VaultSettings,
): ClientFieldAccess {
  if (actor.kind !== 'client' || entry.source === 'service' || entry.owner.kind === 'client') return FULL_FIELD_ACCESS;
  return entry.clientFieldAccess ?? settings.defaultClientFieldAccess;
}

/** The fields of `changed` the access does not let the actor change, in the order of CLIENT_FIELDS. */
export function refusedFields(access: ClientFieldAccess, changed: readonly ClientField[]): ClientField[] {
  return CLIENT_FIELDS.filter((field) => changed.includes(field) && access[field] !== 'edit');
}

/** Whether private entries are on for this client: on, and neither its group nor the client itself excluded. */
export function clientMayKeepEntries(client: Pick<ClientFacts, 'clientId' | 'groupId'>, settings: VaultSettings): boolean {
  const rule = settings.clientPrivateEntries;
  return rule.enabled
    && !(client.groupId !== null && rule.excludedClientGroupIds.includes(client.groupId))
    && !rule.excludedClientIds.includes(client.clientId);
}

/** Whether the client may keep private entries at all (creation is refused otherwise). */
export function clientMayCreate(client: ClientFacts, settings: VaultSettings): boolean {
  return client.active && client.contactId === null && clientAreaOpen(client, settings) && clientMayKeepEntries(client, settings);
}

export function serviceVisibleToClient(
  client: ClientFacts,
  service: { clientId: string; productId: string; productGroupId: string | null; status: ServiceStatus },
  settings: VaultSettings,
): boolean {
  const rule = settings.clientServicePasswords;
  return client.active
    && client.contactId === null
    && clientAreaOpen(client, settings)
    && service.clientId === client.clientId
    && rule.enabled
    && !(client.groupId !== null && rule.excludedClientGroupIds.includes(client.groupId))
    && !rule.excludedClientIds.includes(client.clientId)
    && !rule.excludedProductIds.includes(service.productId)
    && !(service.productGroupId !== null && rule.excludedProductGroupIds.includes(service.productGroupId))
    && serviceStatusVisibleToClient(service.status, settings);
}

/** Whether a client sees a service (its credentials, the entries linked to it) in this state. */
export function serviceStatusVisibleToClient(status: ServiceStatus, settings: VaultSettings): boolean {
  return settings.clientServicePasswords.visibleStatuses.includes(status);
}

function clientCan(client: ClientFacts, action: EntryAction, entry: EntryFacts, settings: VaultSettings): boolean {
  if (!client.active || !clientAreaOpen(client, settings)) return false;
  if (entry.source === 'service') {
    const service = entry.service;
    const visible = service !== null && entry.clientId !== null
      && serviceVisibleToClient(client, { clientId: entry.clientId, ...service }, settings);
    return visible && (action === 'view' || action === 'reveal');
  }
  // Client-side access rests on the host saying the entry's client is the actor's own: a grant
  // or category membership of a contact counts only while the host says the contact belongs to
  // the entry's client, so a contact who moves, or a reused id, reaches nothing of the old client.
  if (entry.clientId !== client.clientId) return false;
  // Private entries off for this client: what it keeps is hidden from it, through any path.
  if (entry.owner.kind === 'client' && !clientMayKeepEntries(client, settings)) return false;
  // An entry about a service follows the service: hidden from the client while the service is.
  if (entry.linkedServiceStatus !== null && !serviceStatusVisibleToClient(entry.linkedServiceStatus, settings)) return false;
  const main = client.contactId === null;
  const owns = main && entry.owner.kind === 'client' && entry.owner.id === client.clientId;
  const matches = (p: Principal) => main
    ? (p.kind === 'client' && p.id === client.clientId) || (p.kind === 'contact' && client.contactIds.includes(p.id))
    : p.kind === 'contact' && p.id === client.contactId;
  const access = grantedAccess(entry, matches);
  if (!owns && !access.view) return false;
  if (action === 'view' || action === 'reveal') return true;
  if (owns) return true;
  return grantedAction(action, access);
}
