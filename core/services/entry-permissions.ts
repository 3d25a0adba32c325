import type { Knex } from 'knex';
import type { Actor } from '../domain/actor.ts';
import type { EntryView, Grant } from '../domain/entry.ts';
import { can } from '../policy/access-policy.ts';
import type { ServiceStatus } from '../ports/host-directory.ts';
import type { GrantRow, MemberRow } from '../store/entry-rows.ts';
import type { RowFacts } from '../store/row-facts.ts';
import type { VaultContext } from './context.ts';
import { recipientOf } from './mail-outbox.ts';
import { linkedServiceStatuses, vaultEntryFacts } from './entry-facts.ts';

export interface EntryPermissions {
  update: boolean;
  delete: boolean;
  share: boolean;
  /** Who the entry is shared with: only for those who may change it (owners, extended admins). */
  grants: Grant[] | null;
  /** The state of the service the entry is about (a service's own credentials, or an entry linked to it); null without one. */
  serviceStatus: ServiceStatus | null;
}

/** What a page of entries needs besides the entries: permissions, the actor's watches, names of categories. */
export interface PageFacts {
  permissions: Map<string, EntryPermissions>;
  /** Of the `watch` ids asked about, those the actor asked to hear of. */
  watching: Set<string>;
  /** Names of the `nameCategories` asked about. */
  categoryNames: Map<string, string>;
}

type FactRow = { fact: 'grant' | 'member' | 'watch' | 'category'; a: string; b: string | null; c: string | null; d: boolean | number | null; label: string | null; level: string | null };

/**
 * What the actor may do to each listed entry, so a page shows only the buttons
 * that work. One statement and one host look-up for the whole page, whatever its size.
 */
export class EntryPermissionsService {
  constructor(private readonly ctx: VaultContext) {}

  async of(actor: Actor, entries: readonly EntryView[]): Promise<Map<string, EntryPermissions>> {
    return (await this.ofPage(actor, entries)).permissions;
  }

  /**
   * Permissions of `entries`, with whether the actor watches those of `watch`
   * and the names of the categories `nameCategories` (filed entries the page
   * shows but whose category the actor does not list): the grants, the
   * category members, the watches and the names come in one statement.
   */
  async ofPage(
    actor: Actor, entries: readonly EntryView[],
    ask: { watch?: readonly string[]; nameCategories?: readonly string[]; known?: ReadonlyMap<string, RowFacts> } = {},
  ): Promise<PageFacts> {
    return this.ctx.guard(async () => {
      const vault = entries.filter((e) => e.source === 'vault');
      const known = ask.known && vault.every((e) => ask.known!.has(e.id)) ? ask.known : null;
      const factRows = vault.map((e) => ({
        id: e.id, owner_kind: e.owner.kind, owner_id: e.owner.id, client_id: e.clientId, category_id: e.categoryId,
        shared_with_admin: e.sharedWithAdmin, is_private: e.private, service_id: e.links.serviceId,
        client_field_access: e.clientFieldAccess === null ? null : JSON.stringify(e.clientFieldAccess),
      }));
      // Who asks, and the host's word on the linked services: independent look-ups, one round.
      const [{ facts, settings }, rows, linked] = await Promise.all([
        this.ctx.decisionInputs(actor),
        // A panel's page brought its facts along (EntryService.firstPage): nothing more to read.
        known ? factRowsOf(known, vault, ask) : this.readFacts(actor, vault.map((e) => e.id), vault.map((e) => e.categoryId), ask),
        // Service credentials and linked entries alike: every service's state in one look-up.
        linkedServiceStatuses(this.ctx.host, entries.map((e) => ({ id: e.id, service_id: e.links.serviceId, client_id: e.clientId }))),
      ]);
      const grantsByEntry = new Map<string, GrantRow[]>();
      const membersByCategory = new Map<string, MemberRow[]>();
      const watching = new Set<string>();
      const categoryNames = new Map<string, string>();
      for (const row of rows) {
        if (row.fact === 'grant') push(grantsByEntry, row.a, { entry_id: row.a, principal_kind: row.b as GrantRow['principal_kind'], principal_id: row.c!, can_edit: row.d ?? false, level: row.level });
        else if (row.fact === 'member') push(membersByCategory, row.a, { category_id: row.a, member_kind: row.b as MemberRow['member_kind'], member_id: row.c!, can_edit: row.d ?? false });
        else if (row.fact === 'watch') watching.add(row.a);
        else categoryNames.set(row.a, row.label ?? row.a);
      }
      const permissions = new Map<string, EntryPermissions>();
      for (const entry of entries) {
        if (entry.source === 'service') {
          permissions.set(entry.id, { update: false, delete: false, share: false, grants: null, serviceStatus: linked.get(entry.id) ?? null });
        }
      }
      for (const row of factRows) {
        const entryFacts = vaultEntryFacts(
          row, grantsByEntry.get(row.id) ?? [], row.category_id ? membersByCategory.get(row.category_id) ?? [] : [], linked.get(row.id) ?? null,
        );
        const share = can(facts, 'share', entryFacts, settings);
        permissions.set(row.id, {
          update: can(facts, 'update', entryFacts, settings),
          delete: can(facts, 'delete', entryFacts, settings),
          share,
          grants: share ? entryFacts.grants : null,
          serviceStatus: linked.get(row.id) ?? null,
        });
      }
      return { permissions, watching, categoryNames };
    });
  }

  /** The page's grants, members, watches and category names as one UNION ALL of index look-ups. */
  private async readFacts(
    actor: Actor, ids: readonly string[], categoryIds: ReadonlyArray<string | null>,
    ask: { watch?: readonly string[]; nameCategories?: readonly string[] },
  ): Promise<FactRow[]> {
    const t = this.ctx.tables;
    const knex = this.ctx.knex;
    const filed = [...new Set(categoryIds.filter((c): c is string => c !== null))];
    const who = recipientOf(actor);
    const watch = who ? [...new Set(ask.watch ?? [])] : [];
    const named = [...new Set(ask.nameCategories ?? [])];
    const parts: Knex.QueryBuilder[] = [];
    const fact = (name: FactRow['fact']) => knex.raw('? as fact', [name]);
    if (ids.length > 0) {
      parts.push(knex(`${t.grants} as g`).select(fact('grant'), 'g.entry_id as a', 'g.principal_kind as b', 'g.principal_id as c', 'g.can_edit as d', knex.raw('NULL as label'), 'g.level as level')
        .whereIn('g.entry_id', [...ids]));
    }
    if (filed.length > 0) {
      parts.push(knex(`${t.categoryMembers} as m`).select(fact('member'), 'm.category_id', 'm.member_kind', 'm.member_id', 'm.can_edit', knex.raw('NULL'), knex.raw('NULL'))
        .whereIn('m.category_id', filed));
    }
    if (who && watch.length > 0) {
      parts.push(knex(`${t.watchers} as w`).select(fact('watch'), 'w.entry_id', knex.raw('NULL, NULL, NULL, NULL, NULL'))
        .where({ 'w.principal_kind': who.kind, 'w.principal_id': who.id }).whereIn('w.entry_id', watch));
    }
    if (named.length > 0) {
      parts.push(knex(`${t.categories} as n`).select(fact('category'), 'n.id', knex.raw('NULL, NULL, NULL'), 'n.name', knex.raw('NULL')).whereIn('n.id', named));
    }
    const [first, ...rest] = parts;
    if (!first) return [];
    return await (rest.length === 0 ? first : first.unionAll(rest, false)) as FactRow[];
  }
}

/** The rows `readFacts` would read, from facts a page brought along. */
function factRowsOf(
  known: ReadonlyMap<string, RowFacts>, vault: readonly EntryView[], ask: { watch?: readonly string[]; nameCategories?: readonly string[] },
): FactRow[] {
  const rows: FactRow[] = [];
  const watch = new Set(ask.watch ?? []);
  const named = new Set(ask.nameCategories ?? []);
  const seenCategories = new Set<string>();
  for (const entry of vault) {
    const facts = known.get(entry.id)!;
    for (const g of facts.grants) rows.push({ fact: 'grant', a: entry.id, b: g.principal_kind, c: g.principal_id, d: g.can_edit, label: null, level: g.level ?? null });
    if (watch.has(entry.id) && facts.watching) rows.push({ fact: 'watch', a: entry.id, b: null, c: null, d: null, label: null, level: null });
    const category = entry.categoryId;
    if (category === null || seenCategories.has(category)) continue;
    seenCategories.add(category);
    for (const m of facts.members) rows.push({ fact: 'member', a: category, b: m.member_kind, c: m.member_id, d: m.can_edit, label: null, level: null });
    if (named.has(category) && facts.categoryName !== null) rows.push({ fact: 'category', a: category, b: null, c: null, d: null, label: facts.categoryName, level: null });
  }
  return rows;
}

function push<T>(groups: Map<string, T[]>, key: string, item: T): void {
  const group = groups.get(key);
  if (group) group.push(item);
  else groups.set(key, [item]);
}
