import type { Actor } from '../domain/actor.ts';
import type { EntryView, Grant } from '../domain/entry.ts';
import { can } from '../policy/access-policy.ts';
import type { EntryFacts } from '../policy/facts.ts';
import { toGrant, toMember, type GrantRow, type MemberRow } from '../store/entry-rows.ts';
import type { VaultContext } from './context.ts';

export interface EntryPermissions {
  update: boolean;
  delete: boolean;
  share: boolean;
  /** Who the entry is shared with: only for those who may change it (owners, extended admins). */
  grants: Grant[] | null;
}

/**
 * What the actor may do to each listed entry, so a page shows only the buttons
 * that work. Two bulk queries for the whole page, whatever its size.
 */
export class EntryPermissionsService {
  constructor(private readonly ctx: VaultContext) {}

  async of(actor: Actor, entries: readonly EntryView[]): Promise<Map<string, EntryPermissions>> {
    return this.ctx.guard(async () => {
      const { facts, settings } = await this.ctx.decisionInputs(actor);
      const t = this.ctx.tables;
      const vault = entries.filter((e) => e.source === 'vault');
      const ids = vault.map((e) => e.id);
      const categoryIds = [...new Set(vault.map((e) => e.categoryId).filter((c): c is string => c !== null))];
      const [grants, members] = await Promise.all([
        ids.length ? this.ctx.knex(t.grants).whereIn('entry_id', ids) as Promise<GrantRow[]> : [],
        categoryIds.length ? this.ctx.knex(t.categoryMembers).whereIn('category_id', categoryIds) as Promise<MemberRow[]> : [],
      ]);
      const grantsByEntry = groupBy(grants, (g) => g.entry_id);
      const membersByCategory = groupBy(members, (m) => m.category_id);
      const result = new Map<string, EntryPermissions>();
      for (const entry of entries) {
        if (entry.source === 'service') {
          result.set(entry.id, { update: false, delete: false, share: false, grants: null });
          continue;
        }
        const entryFacts: EntryFacts = {
          source: 'vault',
          owner: entry.owner,
          clientId: entry.clientId,
          categoryId: entry.categoryId,
          sharedWithAdmin: entry.sharedWithAdmin,
          grants: (grantsByEntry.get(entry.id) ?? []).map(toGrant),
          categoryMembers: (entry.categoryId ? membersByCategory.get(entry.categoryId) ?? [] : []).map(toMember),
          service: null,
        };
        const share = can(facts, 'share', entryFacts, settings);
        result.set(entry.id, {
          update: can(facts, 'update', entryFacts, settings),
          delete: can(facts, 'delete', entryFacts, settings),
          share,
          grants: share ? entryFacts.grants : null,
        });
      }
      return result;
    });
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
