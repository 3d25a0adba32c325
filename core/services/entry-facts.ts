import type { VaultSettings } from '../domain/settings.ts';
import type { HostDirectory, HostService, ServiceStatus } from '../ports/host-directory.ts';
import { serviceStatusVisibleToClient } from '../policy/access-policy.ts';
import type { EntryFacts } from '../policy/facts.ts';
import { parseFieldAccess } from '../domain/field-access.ts';
import { toGrant, toMember, type EntryRow, type GrantRow, type MemberRow } from '../store/entry-rows.ts';

type FactColumns = Pick<EntryRow, 'owner_kind' | 'owner_id' | 'client_id' | 'category_id' | 'shared_with_admin' | 'is_private' | 'service_id'>
  & Partial<Pick<EntryRow, 'client_field_access'>>;

/** What the policy needs of a stored entry, with the host's word on the service it is linked to. */
export function vaultEntryFacts(
  row: FactColumns, grants: readonly GrantRow[], members: readonly MemberRow[], linkedServiceStatus: ServiceStatus | null,
): EntryFacts {
  return {
    source: 'vault',
    owner: { kind: row.owner_kind, id: row.owner_id },
    clientId: row.client_id,
    categoryId: row.category_id,
    sharedWithAdmin: Boolean(row.shared_with_admin),
    private: Boolean(row.is_private),
    grants: grants.map(toGrant),
    categoryMembers: members.map(toMember),
    service: null,
    linkedServiceStatus,
    clientFieldAccess: parseFieldAccess(row.client_field_access),
  };
}

/**
 * The status of the service each entry is linked to, by entry id, in one
 * host look-up. A link counts only to a service of the entry's own client: a
 * service the host no longer has, or whose id now names another client's
 * service, is no link at all.
 */
export async function linkedServiceStatuses(
  host: HostDirectory, rows: ReadonlyArray<Pick<EntryRow, 'id' | 'service_id' | 'client_id'>>,
): Promise<Map<string, ServiceStatus | null>> {
  const linked = rows.filter((r) => r.service_id !== null);
  const services: Map<string, HostService> = linked.length === 0
    ? new Map()
    : await host.services([...new Set(linked.map((r) => r.service_id!))]);
  return new Map(rows.map((r) => {
    const service = r.service_id === null ? undefined : services.get(r.service_id);
    return [r.id, service !== undefined && service.clientId === r.client_id ? service.status : null];
  }));
}

/** The client's services that the client may not see in their present state: entries linked to them are hidden from it. */
export async function servicesHiddenFromClient(host: HostDirectory, clientId: string, settings: VaultSettings): Promise<string[]> {
  const services = await host.servicesOfClients([clientId]);
  return services.filter((s) => s.clientId === clientId && !serviceStatusVisibleToClient(s.status, settings)).map((s) => s.id);
}

/** The client's services the host has in `status`: a list's "service status" filter keeps the entries linked to them. */
export async function servicesInStatusOf(host: HostDirectory, clientId: string, status: ServiceStatus): Promise<string[]> {
  const services = await host.servicesOfClients([clientId]);
  return services.filter((s) => s.clientId === clientId && s.status === status).map((s) => s.id);
}
