import type { Knex } from 'knex';
import type { VaultSettings } from '../domain/settings.ts';
import type { TableNames } from '../store/table-names.ts';
import { isAllowedAdmin, isExtended } from './access-policy.ts';
import type { ActorFacts } from './facts.ts';

type Condition = (qb: Knex.QueryBuilder) => void;

/**
 * The `view` rule of access-policy.ts as one SQL condition over the entries
 * table (aliased `e`): EXISTS on grants and category members, constants for
 * what depends only on the actor and the settings. Keep the two in step: the
 * property test compares them on random worlds.
 */
export function visibleEntries(qb: Knex.QueryBuilder, actor: ActorFacts, settings: VaultSettings, t: TableNames): void {
  if (actor.kind === 'system' || !actor.active) {
    qb.whereRaw('1 = 0');
    return;
  }
  if (actor.kind === 'admin') {
    if (isExtended(actor, settings)) return;
    const principals: Array<[string, string]> = [['admin', actor.adminId]];
    if (actor.roleId !== null) principals.push(['admin_role', actor.roleId]);
    const alternatives: Condition[] = [
      (q) => q.where('e.owner_kind', 'admin').andWhere('e.owner_id', actor.adminId),
      grantedTo(principals, t),
      inCategoryOf(principals, t),
    ];
    const mode = settings.adminAccessMode;
    if (mode === 'full') alternatives.push((q) => q.where('e.owner_kind', 'client'));
    else if (isAllowedAdmin(actor, settings)) {
      alternatives.push((q) => {
        q.where('e.owner_kind', 'client');
        if (mode === 'shared') q.andWhere('e.shared_with_admin', true);
      });
    }
    anyOf(qb, alternatives);
    return;
  }
  const main = actor.contactId === null;
  const principals: Array<[string, string]> = main
    ? [['client', actor.clientId], ...actor.contactIds.map((id): [string, string] => ['contact', id])]
    : [['contact', actor.contactId!]];
  const alternatives: Condition[] = [grantedTo(principals, t), inCategoryOf(principals, t)];
  const group = actor.groupId;
  const rule = settings.clientPrivateEntries;
  if (main && rule.enabled && !(group !== null && rule.excludedClientGroupIds.includes(group))) {
    alternatives.push((q) => q.where('e.owner_kind', 'client').andWhere('e.owner_id', actor.clientId));
  }
  anyOf(qb, alternatives);
}

function anyOf(qb: Knex.QueryBuilder, alternatives: Condition[]): void {
  qb.where((outer) => {
    for (const alternative of alternatives) outer.orWhere((inner) => alternative(inner));
  });
}

function matchesAny(q: Knex.QueryBuilder, kindColumn: string, idColumn: string, principals: Array<[string, string]>): void {
  q.where((any) => {
    for (const [kind, id] of principals) any.orWhere((one) => one.where(kindColumn, kind).andWhere(idColumn, id));
  });
}

function grantedTo(principals: Array<[string, string]>, t: TableNames): Condition {
  return (q) => q.whereExists((sub) => {
    sub.select(sub.client.raw('1')).from(`${t.grants} as g`).whereRaw('g.entry_id = e.id');
    matchesAny(sub, 'g.principal_kind', 'g.principal_id', principals);
  });
}

function inCategoryOf(principals: Array<[string, string]>, t: TableNames): Condition {
  return (q) => q.whereNotNull('e.category_id').whereExists((sub) => {
    sub.select(sub.client.raw('1')).from(`${t.categoryMembers} as m`).whereRaw('m.category_id = e.category_id');
    matchesAny(sub, 'm.member_kind', 'm.member_id', principals);
  });
}
