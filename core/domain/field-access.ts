/** The fields of an entry whose access toward the client staff choose one by one. */
export const CLIENT_FIELDS = ['username', 'password', 'urls', 'notes', 'totp'] as const;
export type ClientField = typeof CLIENT_FIELDS[number];

/** `edit`: the client may change it; `read`: only see it; `hidden`: it never reaches the client. */
export const FIELD_ACCESS_LEVELS = ['edit', 'read', 'hidden'] as const;
export type FieldAccessLevel = typeof FIELD_ACCESS_LEVELS[number];

export type ClientFieldAccess = Record<ClientField, FieldAccessLevel>;

/** Today's behaviour: whoever may edit an entry edits every field of it. */
export const DEFAULT_CLIENT_FIELD_ACCESS: ClientFieldAccess = {
  username: 'edit', password: 'edit', urls: 'edit', notes: 'edit', totp: 'edit',
};

/** Every field at its most open: what staff and the owner of an entry have. */
export const FULL_FIELD_ACCESS: ClientFieldAccess = DEFAULT_CLIENT_FIELD_ACCESS;

/** The stored JSON of an entry's field access, or null (the default) when absent or unreadable. */
export function parseFieldAccess(stored: string | null | undefined): ClientFieldAccess | null {
  if (stored === null || stored === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(stored);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const access = { ...DEFAULT_CLIENT_FIELD_ACCESS };
  for (const field of CLIENT_FIELDS) {
    const level = (parsed as Record<string, unknown>)[field];
    // An unreadable level hides rather than shows: the safe reading of a damaged row.
    access[field] = (FIELD_ACCESS_LEVELS as readonly unknown[]).includes(level) ? level as FieldAccessLevel : 'hidden';
  }
  return access;
}
