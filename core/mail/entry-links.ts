import { safeHttpUrl } from '../render/safe-url.ts';
import type { RecipientKind } from '../services/mail-outbox.ts';

/** The entry a link opens: its id, and the client it concerns if any. */
export interface LinkedEntry {
  id: string;
  clientId: string | null;
}

/**
 * Where the host shows an entry, so a reminder can link to the place where
 * the stored password is updated. The host knows its own addresses: staff
 * open an entry filed under a client in that client's summary, others on the
 * addon's entries page; clients and their contacts in the client area.
 * Latchkey's panels open the entry named by the fragment `#lk-entry-<id>`
 * (ENTRY_FRAGMENT). A link that is not http(s) is left out of the mail.
 */
export interface EntryLinks {
  staff?(entry: LinkedEntry): string | null;
  client?(entry: LinkedEntry): string | null;
}

/** The fragment a panel reads to open one of its entries: `#lk-entry-<id>`. */
export function entryFragment(entryId: string): string {
  return `#lk-entry-${encodeURIComponent(entryId)}`;
}

/**
 * Links from address templates, for hosts configured by text: `{entryId}`
 * and `{clientId}` are filled in (URL-encoded), then the fragment that opens
 * the entry is added. `staffClient` is used for entries filed under a client,
 * `staff` for the others.
 */
export function entryLinkTemplates(templates: { staffClient?: string; staff?: string; client?: string }): EntryLinks {
  const fill = (template: string | undefined, entry: LinkedEntry) => template === undefined ? null
    : `${template.replaceAll('{entryId}', encodeURIComponent(entry.id)).replaceAll('{clientId}', encodeURIComponent(entry.clientId ?? ''))}${entryFragment(entry.id)}`;
  return {
    staff: (entry) => fill(entry.clientId !== null && templates.staffClient !== undefined ? templates.staffClient : templates.staff, entry),
    client: (entry) => fill(templates.client, entry),
  };
}

/** The link for one recipient of a mail about `entry`, http(s) only, or null. */
export function entryLinkFor(links: EntryLinks | undefined, recipient: RecipientKind, entry: LinkedEntry): string | null {
  const link = recipient === 'admin' ? links?.staff?.(entry) : links?.client?.(entry);
  return safeHttpUrl(link ?? null);
}
