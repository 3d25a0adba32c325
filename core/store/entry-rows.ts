import type { EntryView, Grant, HistoryItem, OwnerKind } from '../domain/entry.ts';
import type { CategoryMember } from '../domain/category.ts';
import type { PrincipalKind } from '../domain/actor.ts';
import { tagsFrom } from './entry-tags.ts';
import { parseFieldAccess } from '../domain/field-access.ts';

/** An entries row as the database holds it. */
export interface EntryRow {
  id: string;
  name: string;
  username: string;
  website_url: string | null;
  login_url: string | null;
  owner_kind: OwnerKind;
  owner_id: string;
  client_id: string | null;
  service_id: string | null;
  contact_id: string | null;
  device_id: string | null;
  ticket_id: string | null;
  category_id: string | null;
  /** The category's name, for the sort by category (migration 0019): null when uncategorised. */
  category_name?: string | null;
  shared_with_admin: boolean | number;
  is_private: boolean | number;
  reminder_days: number | null;
  notify_on_change: boolean | number;
  /** JSON of the entry's field access toward the client; null follows the settings. */
  client_field_access?: string | null;
  next_reminder_at: number | string | null;
  version: number;
  kek_id: string;
  wrapped_key: string;
  key_version: number;
  password_ct: string | null;
  notes_ct: string | null;
  totp_ct: string | null;
  created_at: number | string;
  updated_at: number | string;
  password_changed_at: number | string | null;
  /** Whether the notes' search terms are written: null on entries from before migration 0018 until the backfill reaches them. */
  notes_indexed?: boolean | number | null;
}

export interface GrantRow {
  entry_id: string;
  principal_kind: PrincipalKind;
  principal_id: string;
  can_edit: boolean | number;
  /** view, edit or share; absent where a read asks only whether the grant edits. */
  level?: string | null;
}

export interface MemberRow {
  category_id: string;
  member_kind: PrincipalKind;
  member_id: string;
  can_edit: boolean | number;
}

export interface HistoryRow {
  id: string;
  entry_id: string;
  version: number;
  key_version: number;
  password_ct: string;
  changed_at: number | string;
  changed_by_kind: string;
  changed_by_id: string | null;
}

/** Columns a list may read: never the ciphertexts or the wrapped key. */
export const LISTED_COLUMNS = [
  'id', 'name', 'username', 'website_url', 'login_url', 'owner_kind', 'owner_id', 'client_id', 'service_id',
  'contact_id', 'device_id', 'ticket_id', 'category_id', 'shared_with_admin', 'is_private', 'reminder_days', 'notify_on_change',
  'client_field_access', 'version', 'created_at', 'updated_at', 'password_changed_at',
] as const;

/** Presence of each secret, computed in SQL so lists never load a ciphertext. */
export const PRESENCE_COLUMNS = [
  'CASE WHEN e.password_ct IS NULL THEN 0 ELSE 1 END AS has_password',
  'CASE WHEN e.notes_ct IS NULL THEN 0 ELSE 1 END AS has_notes',
  'CASE WHEN e.totp_ct IS NULL THEN 0 ELSE 1 END AS has_totp',
] as const;

export type ListedRow = Pick<EntryRow, (typeof LISTED_COLUMNS)[number]> & {
  has_password: number | boolean;
  has_notes: number | boolean;
  has_totp: number | boolean;
  /** The entry's tags as `tagsColumn` reads them; absent where a caller reads none. */
  lk_tags?: unknown;
};

export function toDate(value: number | string): Date {
  return new Date(Number(value));
}

export function toView(row: ListedRow): EntryView {
  return {
    id: row.id,
    source: 'vault',
    name: row.name,
    username: row.username,
    websiteUrl: row.website_url,
    loginUrl: row.login_url,
    owner: { kind: row.owner_kind, id: row.owner_id },
    clientId: row.client_id,
    links: { serviceId: row.service_id, contactId: row.contact_id, deviceId: row.device_id, ticketId: row.ticket_id },
    categoryId: row.category_id,
    sharedWithAdmin: Boolean(row.shared_with_admin),
    private: Boolean(row.is_private),
    reminderDays: row.reminder_days,
    notifyOnChange: Boolean(row.notify_on_change),
    clientFieldAccess: parseFieldAccess(row.client_field_access),
    hasPassword: Boolean(Number(row.has_password)),
    hasNotes: Boolean(Number(row.has_notes)),
    hasTotp: Boolean(Number(row.has_totp)),
    version: row.version,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    passwordChangedAt: row.password_changed_at === null ? null : toDate(row.password_changed_at),
    tags: tagsFrom(row.lk_tags ?? null),
  };
}

export function rowToListed(row: EntryRow, tags: readonly string[] = []): ListedRow {
  return { ...row, lk_tags: [...tags], has_password: row.password_ct !== null, has_notes: row.notes_ct !== null, has_totp: row.totp_ct !== null };
}

export function toGrant(row: GrantRow): Grant {
  const grant: Grant = { kind: row.principal_kind, id: row.principal_id, canEdit: Boolean(row.can_edit) };
  return row.level === 'share' ? { ...grant, canEdit: true, canShare: true } : grant;
}

export function toMember(row: MemberRow): CategoryMember {
  return { kind: row.member_kind, id: row.member_id, canEdit: Boolean(row.can_edit) };
}

export function toHistoryItem(row: HistoryRow): HistoryItem {
  return {
    id: row.id,
    entryId: row.entry_id,
    version: row.version,
    changedAt: toDate(row.changed_at),
    changedBy: { kind: row.changed_by_kind, id: row.changed_by_id },
  };
}
