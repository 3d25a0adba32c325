import type { Knex } from 'knex';
import type { VaultSettings } from '../domain/settings.ts';
import type { TableNames } from '../store/table-names.ts';
import { clientAreaOpen, clientMayKeepEntries, isAllowedAdmin, isExtended } from './access-policy.ts';
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
 *
 * `memberCategoryIds`, read first with `memberCategoryIds()`, turn the category
 * branch into a look-up of known values, whose size the optimizer can measure.
 * Joined by column instead, it guesses a category's size from the
 * entries_category index, where the unfiled entries (NULL, most of them) count
 * as one big category: it then expects the branch to return a large share of
 * the table and reads all of `entries` to probe the reached ids (issue 13).
 * Without them (the dashboard's counts) the branch joins the memberships.
 *
 * `oneClient`: the caller narrows to one client (a summary page, a ticket).
 * An admin's reach then is checked per entry of that client (EXISTS on the
 * grants) instead of collected first: a staff member's grants and own entries
 * span every client and grow with the vault, one client's entries do not.
 */
export function visibleEntries(
  qb: Knex.QueryBuilder, actor: ActorFacts, settings: VaultSettings, t: TableNames,
  known: { hiddenServiceIds?: readonly string[]; memberCategoryIds?: readonly string[]; oneClient?: boolean } = {},
): void {
  const hiddenServiceIds = known.hiddenServiceIds ?? [];
  if (actor.kind === 'system' || !actor.active || (actor.kind === 'client' && !clientAreaOpen(actor, settings))) {
    qb.whereRaw('1 = 0');
    return;
  }
  if (actor.kind === 'admin') {
    if (isExtended(actor, settings)) return;
    const owner = { kind: 'admin', id: actor.adminId };
    // A staff member's reach grows with the vault (grants across every client); one client's
    // entries are few: then each of them is checked against the reach, not the reach collected.
    const reached = known.oneClient
      ? (q: Knex.QueryBuilder) => reachesEntry(q, principalsOf(actor), t, owner, known.memberCategoryIds)
      : (q: Knex.QueryBuilder) => q.orWhereIn('e.id', reachedIds(qb.client, principalsOf(actor), t, owner, known.memberCategoryIds));
    const mode = settings.adminAccessMode;
    if (mode === 'full' || isAllowedAdmin(actor, settings)) {
      qb.where((any) => {
        any.where((clientOwned) => {
          clientOwned.where('e.owner_kind', 'client');
          if (mode === 'shared') clientOwned.andWhere('e.shared_with_admin', true);
        }).orWhere((teamEntry) => {
          teamEntry.where('e.owner_kind', 'admin').whereNotNull('e.client_id').andWhere('e.is_private', false);
        });
        reached(any);
      });
    } else if (known.oneClient) {
      qb.where((any) => reached(any));
    } else {
      qb.join(reachedIds(qb.client, principalsOf(actor), t, owner, known.memberCategoryIds).as('reached'), 'reached.id', 'e.id');
    }
    return;
  }
  const keepsEntries = clientMayKeepEntries(actor, settings);
  const owner = actor.contactId === null && keepsEntries ? { kind: 'client', id: actor.clientId } : null;
  qb.join(reachedIds(qb.client, principalsOf(actor), t, owner, known.memberCategoryIds).as('reached'), 'reached.id', 'e.id');
  // Only the actor's own client's entries: a contact's grant counts only while the host says the
  // contact belongs to the entry's client.
  qb.where('e.client_id', actor.clientId);
  if (!keepsEntries) qb.where('e.owner_kind', 'admin');
  if (hiddenServiceIds.length > 0) {
    qb.where((linked) => linked.whereNull('e.service_id').orWhereNotIn('e.service_id', [...hiddenServiceIds]));
  }
}

/**
 * The categories the actor is a member of (as itself, its role, or, for a
 * client's main account, any of its contacts): what `visibleEntries` takes as
 * `memberCategoryIds`. Empty for actors the category branch does not concern.
 */
export async function memberCategoryIds(knex: Knex, actor: ActorFacts, settings: VaultSettings, t: TableNames): Promise<string[]> {
  if (actor.kind === 'system' || !actor.active || (actor.kind === 'admin' && isExtended(actor, settings))) return [];
  const rows = await knex(t.categoryMembers).distinct('category_id')
    .where((any) => matchesAny(any, 'member_kind', 'member_id', principalsOf(actor))) as Array<{ category_id: string }>;
  return rows.map((r) => r.category_id);
}

/** Whom the actor's grants and category memberships may name. */
export function principalsOf(actor: Exclude<ActorFacts, { kind: 'system' }>): PrincipalPairs {
  if (actor.kind === 'admin') {
    return actor.roleId === null ? [['admin', actor.adminId]] : [['admin', actor.adminId], ['admin_role', actor.roleId]];
  }
  return actor.contactId === null
    ? [['client', actor.clientId], ...actor.contactIds.map((id): [string, string] => ['contact', id])]
    : [['contact', actor.contactId]];
}

/**
 * Ids of the entries owned by `owner`, granted to any principal, or filed in a
 * category any principal is a member of (`categoryIds` when the caller knows them).
 */
function reachedIds(
  client: Knex.Client, principals: PrincipalPairs, t: TableNames, owner: { kind: string; id: string } | null, categoryIds?: readonly string[],
): Knex.QueryBuilder {
  const knex = (): Knex.QueryBuilder => client.queryBuilder();
  const granted = knex().select('g.entry_id as id').from(`${t.grants} as g`)
    .where((any) => matchesAny(any, 'g.principal_kind', 'g.principal_id', principals));
  const parts: Knex.QueryBuilder[] = [granted];
  if (categoryIds === undefined) {
    // CROSS JOIN keeps the memberships as the outer loop on SQLite, which otherwise reads every
    // entry when few are filed. To MySQL it is the same inner join.
    parts.push(knex().select('c.id as id').from(`${t.categoryMembers} as m`)
      .crossJoin(`${t.entries} as c`, 'c.category_id', 'm.category_id')
      .where((any) => matchesAny(any, 'm.member_kind', 'm.member_id', principals)));
  } else if (categoryIds.length > 0) {
    parts.push(knex().select('c.id as id').from(`${t.entries} as c`).whereIn('c.category_id', [...categoryIds]));
  }
  if (owner) parts.unshift(knex().select('o.id as id').from(`${t.entries} as o`).where({ 'o.owner_kind': owner.kind, 'o.owner_id': owner.id }));
  // Unwrapped UNION members: SQLite does not accept parenthesised SELECTs in a compound query.
  // UNION drops the duplicates (an entry granted to a client and to its contact); alone, the grants need DISTINCT.
  const [first, ...rest] = parts;
  if (rest.length === 0) return knex().distinct('u.id').from(first!.as('u'));
  return knex().select('u.id').from(first!.union(rest, false).as('u'));
}

/**
 * `reachedIds` as conditions on the row `e` itself: owned by `owner`, granted
 * to any principal, or filed in a category any principal is a member of.
 */
function reachesEntry(
  q: Knex.QueryBuilder, principals: PrincipalPairs, t: TableNames, owner: { kind: string; id: string }, categoryIds?: readonly string[],
): void {
  q.orWhere((own) => own.where('e.owner_kind', owner.kind).andWhere('e.owner_id', owner.id))
    .orWhereExists((granted) => granted.select(granted.client.raw('1')).from(`${t.grants} as g`).whereRaw('g.entry_id = e.id')
      .where((any) => matchesAny(any, 'g.principal_kind', 'g.principal_id', principals)));
  if (categoryIds === undefined) {
    q.orWhereExists((member) => member.select(member.client.raw('1')).from(`${t.categoryMembers} as m`).whereRaw('m.category_id = e.category_id')
      .where((any) => matchesAny(any, 'm.member_kind', 'm.member_id', principals)));
  } else if (categoryIds.length > 0) {
    q.orWhereIn('e.category_id', [...categoryIds]);
  }
}

function matchesAny(q: Knex.QueryBuilder, kindColumn: string, idColumn: string, principals: PrincipalPairs): void {
  for (const [kind, id] of principals) q.orWhere((one) => one.where(kindColumn, kind).andWhere(idColumn, id));
}
