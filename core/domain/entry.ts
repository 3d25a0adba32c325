import type { Principal } from './actor.ts';
import type { ClientFieldAccess } from './field-access.ts';
import type { Secret } from './secret.ts';

export type OwnerKind = 'admin' | 'client';

export interface Owner {
  kind: OwnerKind;
  id: string;
}

/** What an entry may point at in the host. */
export interface EntryLinks {
  serviceId: string | null;
  contactId: string | null;
  deviceId: string | null;
  ticketId: string | null;
}

/** What a grant lets its holder do: see the entry, also edit it, or also change whom it is shared with. */
export const GRANT_LEVELS = ['view', 'edit', 'share'] as const;
export type GrantLevel = typeof GRANT_LEVELS[number];

export interface Grant extends Principal {
  canEdit: boolean;
  /** Edit and share: the holder may change the entry's grants too. Only with `canEdit`. */
  canShare?: boolean;
}

export function grantLevel(grant: Pick<Grant, 'canEdit' | 'canShare'>): GrantLevel {
  return grant.canShare === true && grant.canEdit ? 'share' : grant.canEdit ? 'edit' : 'view';
}

/** The grant of `level` to `principal`, in the form the rest of the code reads. */
export function grantAt(principal: Principal, level: GrantLevel): Grant {
  return { kind: principal.kind, id: principal.id, canEdit: level !== 'view', ...level === 'share' ? { canShare: true } : {} };
}

/**
 * An access detail as lists and `get` return it: everything but the secrets.
 * `source: 'service'` marks a service's own credentials read from the host;
 * those are read-only and their id is `service:<serviceId>`.
 */
export interface EntryView {
  id: string;
  source: 'vault' | 'service';
  name: string;
  username: string;
  websiteUrl: string | null;
  loginUrl: string | null;
  owner: Owner;
  clientId: string | null;
  links: EntryLinks;
  categoryId: string | null;
  sharedWithAdmin: boolean;
  /**
   * A staff entry its author keeps to itself. Staff entries filed under a
   * client are the team's (they follow the admin access mode) unless private;
   * those filed under no client are private whatever this says.
   */
  private: boolean;
  reminderDays: number | null;
  notifyOnChange: boolean;
  /** What the client may do with each field, as staff set it on this entry; null follows the settings' default. */
  clientFieldAccess: ClientFieldAccess | null;
  hasPassword: boolean;
  hasNotes: boolean;
  hasTotp: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  passwordChangedAt: Date | null;
  /** Free labels, normalised (domain/tags.ts), in key order. */
  tags: string[];
}

/** The decrypted secrets of one entry, returned only by `reveal`. */
export interface RevealedSecrets {
  password: Secret | null;
  notes: Secret | null;
  totpSecret: Secret | null;
}

export interface HistoryItem {
  id: string;
  entryId: string;
  /** The entry version whose password this was. */
  version: number;
  changedAt: Date;
  changedBy: { kind: string; id: string | null };
}

export interface Page<T> {
  items: T[];
  total: number;
  offset: number;
  limit: number;
}
