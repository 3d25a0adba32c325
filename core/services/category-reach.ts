import type { Knex } from 'knex';
import type { Category } from '../domain/category.ts';
import type { VaultSettings } from '../domain/settings.ts';
import { isExtended } from '../policy/access-policy.ts';
import type { ActorFacts } from '../policy/facts.ts';
import { principalsOf } from '../policy/visibility-query.ts';
import { toDate, toMember, type MemberRow } from '../store/entry-rows.ts';
import type { TableNames } from '../store/table-names.ts';
import { currentRequest, oncePerRequest } from './request-scope.ts';
import { SETTINGS_KEY, SETTINGS_MEMO, settingsFrom } from './context.ts';
import { panelStampColumn, type PanelCache } from './panel-cache.ts';

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
  if (facts.kind === 'system' || !facts.active) return Promise.resolve({ listed: [], memberIds: [] });
  const active = facts;
  return oncePerRequest(`${REACH_MEMO}${reachKey(facts)}`, async () => (await readCategoryReach(knex, t, active, settings)).reach);
}

function reachKey(facts: ActorFacts): string {
  return facts.kind === 'system' ? 'system'
    : facts.kind === 'admin' ? `admin:${facts.adminId}` : `client:${facts.clientId}/${facts.contactId ?? ''}`;
}

const REACH_MEMO = 'categories:';
/** The union row the settings are joined to. */
const SETTINGS_ROW = 2;

/** After a category was written in this request: its next list reads afresh. */
export function forgetCategoryReach(): void {
  currentRequest()?.forget(`${REACH_MEMO}*`);
}

/**
 * The settings and the actor's category reach in one statement, each then
 * kept for the rest of the request: a panel reads both before its entry list,
 * and a statement costs more than the small rows it returns. Both are claimed
 * for the request at once, before the actor is known, so the panel's other
 * services started meanwhile wait for this statement instead of sending their
 * own. Outside a request, or once the request read the settings, they are
 * read as usual (`settings`).
 */
export function settingsWithCategoryReach(
  knex: Knex, t: TableNames, actorFacts: Promise<ActorFacts>,
  reads: { settings: () => Promise<VaultSettings>; storedSettings: () => Promise<VaultSettings> },
  kept: PanelCache,
): Promise<VaultSettings> {
  const memo = currentRequest();
  if (!memo || memo.has(SETTINGS_MEMO)) return reads.settings();
  return memo.once(SETTINGS_MEMO, async () => {
    const facts = await actorFacts;
    const key = `${REACH_MEMO}${reachKey(facts)}`;
    if (facts.kind === 'system' || !facts.active || memo.has(key)) return reads.storedSettings();
    // Kept by who the actor is to the host now: a new role or a contact's move is another actor.
    const keptKey = `${reachKey(facts)}|${JSON.stringify(principalsOf(facts))}`;
    const known = memo.provesKeptReads ? kept.get(keptKey) : undefined;
    if (known) {
      memo.relyOnStamp(known.stamp);
      void memo.once(key, () => Promise.resolve(known.reach));
      return known.settings;
    }
    const both = readCategoryReach(knex, t, facts, null);
    // Whoever reads the reach next hears a failure; this statement's own caller hears it from the settings.
    memo.once(key, async () => (await both).reach).catch(() => undefined);
    const read = await both;
    kept.keep(keptKey, { stamp: read.stamp, settings: read.settings!, reach: read.reach });
    return read.settings!;
  });
}

/**
 * The reach, and with `settings` null the stored settings too: joined to a
 * row of their own, last in the union, after the union is sorted. Outside
 * the union, because a text column in it would make MariaDB sort the union
 * in an on-disk table. Memberships are asked for unless the settings already
 * say the actor is an extended admin, who reaches every entry without them.
 */
async function readCategoryReach(
  knex: Knex, t: TableNames, facts: Exclude<ActorFacts, { kind: 'system' }>, settings: VaultSettings | null,
): Promise<{ reach: CategoryReach; settings: VaultSettings | null; stamp: string | null }> {
  const principals = principalsOf(facts);
  const listed = knex(`${t.categories} as c`)
    .select('c.id', 'c.name', 'c.owner_kind', 'c.owner_id', 'c.created_at', 'c.updated_at', 'm.member_kind', 'm.member_id', 'm.can_edit')
    .select(knex.raw('0 as membership'))
    .leftJoin(`${t.categoryMembers} as m`, 'm.category_id', 'c.id');
  listedBy(listed, facts, principals, t);
  const parts = [listed];
  if (!(settings !== null && facts.kind === 'admin' && isExtended(facts, settings))) {
    parts.push(knex(`${t.categoryMembers} as r`).distinct('r.category_id as id')
      .select(knex.raw('NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1'))
      .where((any) => { for (const [kind, id] of principals) any.orWhere((one) => one.where('r.member_kind', kind).andWhere('r.member_id', id)); }));
  }
  if (settings === null) parts.push(knex.select(knex.raw(`NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, ${SETTINGS_ROW}`)));
  const [first, ...rest] = parts;
  const union = rest.length === 0 ? first! : first!.unionAll(rest, false);
  const query = knex.select('u.*').from(union.as('u')).orderBy([{ column: 'u.membership' }, { column: 'u.name' }, { column: 'u.id' }]);
  if (settings === null) {
    query.select('s.value as settings_value', panelStampColumn(knex, t, 'panel_stamp'))
      .leftJoin(`${t.settings} as s`, (on) => on.on(knex.raw(`u.membership = ${SETTINGS_ROW}`)).andOnVal('s.key', '=', SETTINGS_KEY));
  }
  const rows = await query as Array<
    CategoryRow & Pick<MemberRow, 'member_kind' | 'member_id' | 'can_edit'> & { membership: number | string; settings_value?: string | null; panel_stamp?: string | null }
  >;
  const byId = new Map<string, Category>();
  let memberIds: string[] = [];
  let stored: string | null = null;
  let stamp: string | null = null;
  for (const row of rows) {
    const membership = Number(row.membership);
    if (membership === SETTINGS_ROW) {
      stored = row.settings_value ?? null;
      stamp = row.panel_stamp ?? null;
      continue;
    }
    if (membership === 1) {
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
  const read = settings === null ? settingsFrom(stored) : null;
  // Asked for before the settings were known: an extended admin's memberships are dropped as if never asked.
  if (read !== null && facts.kind === 'admin' && isExtended(facts, read)) memberIds = [];
  return { reach: { listed: [...byId.values()], memberIds }, settings: read, stamp };
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
