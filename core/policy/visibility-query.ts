import type { Knex } from 'knex';
import type { VaultSettings } from '../domain/settings.ts';
import type { TableNames } from '../store/table-names.ts';
import { clientMayKeepEntries, isAllowedAdmin, isExtended } from './access-policy.ts';
import type { ActorFacts } from './facts.ts';

type PrincipalPairs = Array<[kind: string, id: string]>;

/**
 * The `view` rule of access-policy.ts as SQL over the entries table (aliased
 * `e`). Keep the two in step: the property test compares them on random worlds.
 *
 * Entries reached through ownership, grants and categories are collected as
 * one UNION of index look-ups and joined by primary key, so a list costs what
 * it returns, not what the table holds. Client data that the admin access
 * mode opens to an admin is a plain condition on `e`, left for the caller's
 * filters (the client on a summary page) to narrow through their index.
 *
 * `hiddenServiceIds` are the client's services that its client may not see in
 * their present state (see `serviceStatusVisibleToClient`): entries linked to
 * them are hidden from client actors. The caller reads them from the host.
 */
export function visibleEntries(
  qb: Knex.QueryBuilder, actor: ActorFacts, settings: VaultSettings, t: TableNames, hiddenServiceIds: readonly string[] = [],
): void {
  if (actor.kind === 'system' || !actor.active) {
    qb.whereRaw('1 = 0');
    return;
  }
  if (actor.kind === 'admin') {
    if (isExtended(actor, settings)) return;
    const principals: PrincipalPairs = [['admin', actor.adminId]];
    if (actor.roleId !== null) principals.push(['admin_role', actor.roleId]);
    const reached = reachedIds(qb.client, principals, t, { kind: 'admin', id: actor.adminId });
    const mode = settings.adminAccessMode;
    if (mode === 'full' || isAllowedAdmin(actor, settings)) {
      qb.where((any) => {
        any.where((clientOwned) => {
          clientOwned.where('e.owner_kind', 'client');
          if (mode === 'shared') clientOwned.andWhere('e.shared_with_admin', true);
        }).orWhere((teamEntry) => {
          teamEntry.where('e.owner_kind', 'admin').whereNotNull('e.client_id').andWhere('e.is_private', false);
        }).orWhereIn('e.id', reached);
      });
    } else {
      qb.join(reached.as('reached'), 'reached.id', 'e.id');
    }
    return;
  }
  const main = actor.contactId === null;
  const principals: PrincipalPairs = main
    ? [['client', actor.clientId], ...actor.contactIds.map((id): [string, string] => ['contact', id])]
    : [['contact', actor.contactId!]];
  const keepsEntries = clientMayKeepEntries(actor, settings);
  const owner = main && keepsEntries ? { kind: 'client', id: actor.clientId } : null;
  qb.join(reachedIds(qb.client, principals, t, owner).as('reached'), 'reached.id', 'e.id');
  // Only the actor's own client's entries: a contact's grant counts only while the host says the
  // contact belongs to the entry's client.
  qb.where('e.client_id', actor.clientId);
  if (!keepsEntries) qb.where('e.owner_kind', 'admin');
  if (hiddenServiceIds.length > 0) {
    qb.where((linked) => linked.whereNull('e.service_id').orWhereNotIn('e.service_id', [...hiddenServiceIds]));
  }
}

/** Ids of the entries owned by `owner`, granted to any principal, or filed in a category any principal is a member of. */
function reachedIds(client: Knex.Client, principals: PrincipalPairs, t: TableNames, owner: { kind: string; id: string } | null): Knex.QueryBuilder {
  const knex = (): Knex.QueryBuilder => client.queryBuilder();
  const granted = knex().select('g.entry_id as id').from(`${t.grants} as g`)
    .where((any) => matchesAny(any, 'g.principal_kind', 'g.principal_id', principals));
  // CROSS JOIN keeps the actor's few memberships as the outer loop on SQLite, which otherwise
  // reads every entry when few are filed (its statistics then credit each category with a share
  // of the unfiled ones). To MySQL it is the same inner join.
  const filed = knex().select('c.id as id').from(`${t.categoryMembers} as m`)
    .crossJoin(`${t.entries} as c`, 'c.category_id', 'm.category_id')
    .where((any) => matchesAny(any, 'm.member_kind', 'm.member_id', principals));
  const parts: Knex.QueryBuilder[] = [granted, filed];
  if (owner) parts.unshift(knex().select('o.id as id').from(`${t.entries} as o`).where({ 'o.owner_kind': owner.kind, 'o.owner_id': owner.id }));
  // Unwrapped UNION members: SQLite does not accept parenthesised SELECTs in a compound query.
  return knex().select('u.id').from(parts[0]!.union(parts.slice(1), false).as('u'));
}

function matchesAny(q: Knex.QueryBuilder, kindColumn: string, idColumn: string, principals: PrincipalPairs): void {
  for (const [kind, id] of principals) q.orWhere((one) => one.where(kindColumn, kind).andWhere(idColumn, id));
}
