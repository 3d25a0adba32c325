import type { CategoryMember } from '../domain/category.ts';
import type { Grant, Owner } from '../domain/entry.ts';
import type { ClientFieldAccess } from '../domain/field-access.ts';
import type { ServiceStatus } from '../ports/host-directory.ts';

/** The actor as the policy sees it, resolved from the host directory on every call. */
export type ActorFacts =
  | { kind: 'admin'; adminId: string; roleId: string | null; active: boolean; addonManager: boolean }
  | {
      kind: 'client';
      clientId: string;
      groupId: string | null;
      /** null when acting as the client account itself (or its main contact). */
      contactId: string | null;
      /** All contacts of the client: the main account sees what is granted to any of them. */
      contactIds: string[];
      active: boolean;
    }
  | { kind: 'system' };

/** What the policy needs to know about one entry. */
export interface EntryFacts {
  source: 'vault' | 'service';
  owner: Owner;
  clientId: string | null;
  categoryId: string | null;
  sharedWithAdmin: boolean;
  /** A staff entry its author keeps to itself; without it, a staff entry filed under a client is the team's. */
  private: boolean;
  grants: Grant[];
  /** Members of the entry's category (empty without one). */
  categoryMembers: CategoryMember[];
  /** For service credentials: the product and its group, for the client-side exclusions, and where the service is in its life. */
  service: { productId: string; productGroupId: string | null; status: ServiceStatus } | null;
  /**
   * For a vault entry linked to a service of its own client: that service's
   * status as the host says it now; null without such a link.
   */
  linkedServiceStatus: ServiceStatus | null;
  /** Staff's choice of what the client may do with each field of this entry; null (or absent) follows the settings. */
  clientFieldAccess?: ClientFieldAccess | null;
}
