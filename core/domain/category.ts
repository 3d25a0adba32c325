import type { Owner } from './entry.ts';
import type { Principal } from './actor.ts';

export interface CategoryMember extends Principal {
  canEdit: boolean;
}

/**
 * A named group of entries. Admin categories (owner kind `admin`) are managed
 * by addon managers and grant their members access to every entry filed in
 * them; a client's categories organise that client's own entries and may
 * share them with the client's contacts.
 */
export interface Category {
  id: string;
  name: string;
  owner: Owner;
  members: CategoryMember[];
  createdAt: Date;
  updatedAt: Date;
}
