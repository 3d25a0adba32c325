import type { Actor } from '../domain/actor.ts';
import type { EntryView, Grant } from '../domain/entry.ts';
import { can } from '../policy/access-policy.ts';
import type { ServiceStatus } from '../ports/host-directory.ts';
import type { GrantRow, MemberRow } from '../store/entry-rows.ts';
import type { VaultContext } from './context.ts';
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

/**
 * What the actor may do to each listed entry, so a page shows only the buttons
 * that work. Two bulk queries and one host look-up for the whole page, whatever its size.
 */
export class EntryPermissionsService {
  constructor(private readonly ctx: VaultContext) {}

  async of(actor: Actor, entries: readonly EntryView[]): Promise<Map<string, EntryPermissions>> {
    return this.ctx.guard(async () => {
      const t = this.ctx.tables;
      const vault = entries.filter((e) => e.source === 'vault');
      const ids = vault.map((e) => e.id);
      const categoryIds = [...new Set(vault.map((e) => e.categoryId).filter((c): c is string => c !== null))];
      const factRows = vault.map((e) => ({
        id: e.id, owner_kind: e.owner.kind, owner_id: e.owner.id, client_id: e.clientId, category_id: e.categoryId,
        shared_with_admin: e.sharedWithAdmin, is_private: e.private, service_id: e.links.serviceId,
      }));
      // Who asks, and the host's word on the linked services: independent look-ups, one round.
      const [{ facts, settings }, grants, members, linked] = await Promise.all([
        this.ctx.decisionInputs(actor),
        ids.length ? this.ctx.knex(t.grants).whereIn('entry_id', ids) as Promise<GrantRow[]> : [],
        categoryIds.length ? this.ctx.knex(t.categoryMembers).whereIn('category_id', categoryIds) as Promise<MemberRow[]> : [],
        // Service credentials and linked entries alike: every service's state in one look-up.
        linkedServiceStatuses(this.ctx.host, entries.map((e) => ({ id: e.id, service_id: e.links.serviceId, client_id: e.clientId }))),
      ]);
      const grantsByEntry = groupBy(grants, (g) => g.entry_id);
      const membersByCategory = groupBy(members, (m) => m.category_id);
      const result = new Map<string, EntryPermissions>();
      for (const entry of entries) {
        if (entry.source === 'service') {
          result.set(entry.id, { update: false, delete: false, share: false, grants: null, serviceStatus: linked.get(entry.id) ?? null });
        }
      }
      for (const row of factRows) {
        const entryFacts = vaultEntryFacts(
          row, grantsByEntry.get(row.id) ?? [], row.category_id ? membersByCategory.get(row.category_id) ?? [] : [], linked.get(row.id) ?? null,
        );
        const share = can(facts, 'share', entryFacts, settings);
        result.set(row.id, {
          update: can(facts, 'update', entryFacts, settings),
          delete: can(facts, 'delete', entryFacts, settings),
          share,
          grants: share ? entryFacts.grants : null,
          serviceStatus: linked.get(row.id) ?? null,
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
