import type { Knex } from 'knex';
import type { Category } from '../domain/category.ts';
import type { VaultSettings } from '../domain/settings.ts';
import { isExtended } from '../policy/access-policy.ts';
import type { ActorFacts } from '../policy/facts.ts';
import { principalsOf } from '../policy/visibility-query.ts';
import { toDate, toMember, type MemberRow } from '../store/entry-rows.ts';
import type { TableNames } from '../store/table-names.ts';
import { currentRequest, oncePerRequest } from './request-scope.ts';

export interface CategoryRow {
  id: string;
  name: string;
  owner_kind: 'admin' | 'client';
  owner_id: string;
  created_at: number | string;
  updated_at: number | string;
}

/** The categories an actor sees and those it is a member of, as one page needs both. */
export interface CategoryReach {
  /** What `CategoryService.list` answers: by name, with members. */
  listed: Category[];
  /** What `memberCategoryIds` answers: the categories the actor reaches entries through. */
  memberIds: string[];
}

type Principals = Array<[kind: string, id: string]>;

/**
 * The actor's categories (with their members) and its memberships, in one
 * statement, once per request: a panel lists the categories and its entry
 * list needs the memberships first, and asking twice would cost a second
 * round trip on every render.
 */
export function categoryReach(knex: Knex, t: TableNames, facts: ActorFacts, settings: VaultSettings): Promise<CategoryReach> {
  const key = facts.kind === 'system' ? 'system'
    : facts.kind === 'admin' ? `admin:${facts.adminId}` : `client:${facts.clientId}/${facts.contactId ?? ''}`;
  return oncePerRequest(`${REACH_MEMO}${key}`, () => readCategoryReach(knex, t, facts, settings));
}

const REACH_MEMO = 'categories:';

/** After a category was written in this request: its next list reads afresh. */
export function forgetCategoryReach(): void {
  currentRequest()?.forget(`${REACH_MEMO}*`);
}

async function readCategoryReach(knex: Knex, t: TableNames, facts: ActorFacts, settings: VaultSettings): Promise<CategoryReach> {
  if (facts.kind === 'system' || !facts.active) return { listed: [], memberIds: [] };
  const principals = principalsOf(facts);
  const listed = knex(`${t.categories} as c`)
    .select('c.id', 'c.name', 'c.owner_kind', 'c.owner_id', 'c.created_at', 'c.updated_at', 'm.member_kind', 'm.member_id', 'm.can_edit')
    .select(knex.raw('0 as membership'))
    .leftJoin(`${t.categoryMembers} as m`, 'm.category_id', 'c.id');
  listedBy(listed, facts, principals, t);
  const parts = [listed];
  // An extended admin reaches every entry without them: its memberships are not asked for.
  if (!(facts.kind === 'admin' && isExtended(facts, settings))) {
    parts.push(knex(`${t.categoryMembers} as r`).distinct('r.category_id as id')
      .select(knex.raw('NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1'))
      .where((any) => { for (const [kind, id] of principals) any.orWhere((one) => one.where('r.member_kind', kind).andWhere('r.member_id', id)); }));
  }
  const [first, ...rest] = parts;
  const union = rest.length === 0 ? first! : first!.unionAll(rest, false);
  const rows = await knex.select('*').from(union.as('u')).orderBy([{ column: 'membership' }, { column: 'name' }, { column: 'id' }]) as Array<
    CategoryRow & Pick<MemberRow, 'member_kind' | 'member_id' | 'can_edit'> & { membership: number | string }
  >;
  const byId = new Map<string, Category>();
  const memberIds: string[] = [];
  for (const row of rows) {
    if (Number(row.membership) === 1) {
      memberIds.push(row.id);
      continue;
    }
    let category = byId.get(row.id);
    if (!category) {
      category = toCategory(row, []);
      byId.set(row.id, category);
    }
    if (row.member_kind !== null) category.members.push(toMember({ category_id: row.id, member_kind: row.member_kind, member_id: row.member_id, can_edit: row.can_edit }));
  }
  return { listed: [...byId.values()], memberIds };
}

/** Admins see every admin category; a client its own and those it is a member of. */
export function listedBy(qb: Knex.QueryBuilder, facts: Exclude<ActorFacts, { kind: 'system' }>, principals: Principals, t: TableNames): void {
  if (facts.kind === 'admin') {
    qb.where('c.owner_kind', 'admin');
    return;
  }
  qb.where((w) => {
    if (facts.contactId === null) w.where((own) => own.where('c.owner_kind', 'client').andWhere('c.owner_id', facts.clientId));
    // A membership counts in admin categories and in the client's own: a contact who moved
    // to another client brings none of the old client's categories along.
    w.orWhere((member) => member.where((kind) => kind.where('c.owner_kind', 'admin').orWhere('c.owner_id', facts.clientId)).whereExists((sub) => {
      sub.select(sub.client.raw('1')).from(`${t.categoryMembers} as cm`).whereRaw('cm.category_id = c.id')
        .where((any) => {
          for (const [kind, id] of principals) any.orWhere((one) => one.where('cm.member_kind', kind).andWhere('cm.member_id', id));
        });
    }));
  });
}

export function toCategory(row: CategoryRow, members: Category['members']): Category {
  return {
    id: row.id,
    name: row.name,
    owner: { kind: row.owner_kind, id: row.owner_id },
    members,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}
