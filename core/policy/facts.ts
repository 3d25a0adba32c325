import type { CategoryMember } from '../domain/category.ts';
import type { Grant, Owner } from '../domain/entry.ts';

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
  grants: Grant[];
  /** Members of the entry's category (empty without one). */
  categoryMembers: CategoryMember[];
  /** For service credentials: the product and its group, for the client-side exclusions. */
  service: { productId: string; productGroupId: string | null } | null;
}
