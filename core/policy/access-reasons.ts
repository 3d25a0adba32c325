import type { VaultSettings } from '../domain/settings.ts';
import type { Principal } from '../domain/actor.ts';
import { can, clientDataKind, isExtended, modeAdmitsClientData } from './access-policy.ts';
import type { ActorFacts, EntryFacts } from './facts.ts';

/**
 * One reason a person sees an entry: they own it, their role has extended
 * permissions, a grant names them or their role, its category counts them
 * among its members, the admin access mode opens the client's data to them,
 * or (for a client) the host's service is theirs to see.
 */
export type AccessReason =
  | { kind: 'owner' }
  | { kind: 'extendedRole'; roleId: string }
  | { kind: 'grant' }
  | { kind: 'roleGrant'; roleId: string }
  | { kind: 'category'; categoryId: string }
  | { kind: 'mode'; mode: VaultSettings['adminAccessMode'] }
  | { kind: 'service' };

/**
 * Why `actor` may view `entry`: every path that opens it, or none when
 * `can(actor, 'view', ...)` says no. The paths are worked out on their own;
 * the reference policy has the last word, so the report never names a person
 * the policy would refuse (a disabled admin, an excluded client, a hidden
 * service), and a property test checks that a person it admits always has a reason.
 */
export function accessReasons(actor: ActorFacts, entry: EntryFacts, settings: VaultSettings): AccessReason[] {
  if (!can(actor, 'view', entry, settings)) return [];
  const reasons: AccessReason[] = [];
  if (actor.kind === 'admin') {
    if (entry.source === 'vault' && entry.owner.kind === 'admin' && entry.owner.id === actor.adminId) reasons.push({ kind: 'owner' });
    if (isExtended(actor, settings)) reasons.push({ kind: 'extendedRole', roleId: actor.roleId! });
    const mine = (p: Principal) => p.kind === 'admin' && p.id === actor.adminId;
    const myRole = (p: Principal) => p.kind === 'admin_role' && actor.roleId !== null && p.id === actor.roleId;
    if (entry.grants.some(mine)) reasons.push({ kind: 'grant' });
    if (entry.grants.some(myRole)) reasons.push({ kind: 'roleGrant', roleId: actor.roleId! });
    if (entry.categoryId !== null && entry.categoryMembers.some((m) => mine(m) || myRole(m))) reasons.push({ kind: 'category', categoryId: entry.categoryId });
    const dataKind = clientDataKind(entry);
    if (dataKind !== null && modeAdmitsClientData(actor, dataKind, entry.sharedWithAdmin, settings)) reasons.push({ kind: 'mode', mode: settings.adminAccessMode });
  } else if (actor.kind === 'client') {
    if (entry.source === 'service') reasons.push({ kind: 'service' });
    const main = actor.contactId === null;
    if (main && entry.source === 'vault' && entry.owner.kind === 'client' && entry.owner.id === actor.clientId) reasons.push({ kind: 'owner' });
    const mine = (p: Principal) => main
      ? (p.kind === 'client' && p.id === actor.clientId) || (p.kind === 'contact' && actor.contactIds.includes(p.id))
      : p.kind === 'contact' && p.id === actor.contactId;
    if (entry.grants.some(mine)) reasons.push({ kind: 'grant' });
    if (entry.categoryId !== null && entry.categoryMembers.some(mine)) reasons.push({ kind: 'category', categoryId: entry.categoryId });
  }
  return reasons;
}
