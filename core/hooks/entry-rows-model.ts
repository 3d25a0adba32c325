import type { Actor } from '../domain/actor.ts';
import type { Category } from '../domain/category.ts';
import type { EntryView, Grant } from '../domain/entry.ts';
import type { Latchkey } from '../latchkey.ts';
import type { ServiceStatus } from '../ports/host-directory.ts';
import { safeHttpUrl } from '../render/safe-url.ts';
import { recipientOf } from '../services/mail-outbox.ts';
import { NameBook } from './name-book.ts';
import type { RowFacts } from '../store/row-facts.ts';

/** One row of an entry table as templates see it. */
export interface EntryRowModel {
  id: string;
  name: string;
  username: string;
  isService: boolean;
  /** The host's status of the service this row is, or is linked to, when that service is not active (a badge); else null. */
  serviceStatus: Exclude<ServiceStatus, 'active'> | null;
  websiteUrl: string | null;
  loginUrl: string | null;
  /** The website, shown beside the login link when the entry has both and they differ (else the login link goes there). */
  website: { url: string; host: string } | null;
  ownerKind: 'admin' | 'client';
  ownerName: string;
  clientName: string | null;
  categoryName: string | null;
  sharedWithAdmin: boolean;
  hasPassword: boolean;
  hasNotes: boolean;
  hasTotp: boolean;
  updatedAt: Date;
  passwordChangedAt: Date | null;
  linkedToContext: boolean;
  canEdit: boolean;
  canDelete: boolean;
  canShare: boolean;
  grants: Array<Grant & { name: string }> | null;
  /** The actor owns the entry: its own wish to hear of changes is the entry's `notifyOnChange`. */
  isOwner: boolean;
  /** Someone who sees the entry but does not own it may ask to hear of its password changes. */
  canWatch: boolean;
  /** ...and has asked. */
  watching: boolean;
  tags: string[];
  /** Prefill for the edit dialog: metadata only, never a secret. */
  editable: string;
}

/**
 * Turns entries into table rows: names for owners, clients, categories and
 * grantees come from bulk look-ups, never one per row, and those of owners
 * run alongside the permission check; `names` may already hold some (a
 * panel's share targets), which then cost no look-up at all.
 */
export async function entryRows(
  lk: Latchkey,
  actor: Actor,
  entries: readonly EntryView[],
  categories: readonly Category[],
  isLinked: (entry: EntryView) => boolean = () => false,
  names: NameBook = new NameBook(lk.host),
  /** What the page's query brought along about each entry (EntryService.firstPage), sparing a look-up. */
  known?: ReadonlyMap<string, RowFacts>,
): Promise<EntryRowModel[]> {
  const who = recipientOf(actor);
  const owns = (entry: EntryView) => who !== null && entry.owner.kind === who.kind && entry.owner.id === who.id;
  const watchable = entries.filter((e) => e.source === 'vault' && who !== null && !owns(e)).map((e) => e.id);
  const mayWatch = new Set(watchable);
  const categoryNames = new Map(categories.map((c) => [c.id, c.name]));
  // Staff see entries a client filed in its own categories: those names come in one look-up.
  const unnamed = unique(entries.map((e) => e.categoryId).filter((id): id is string => id !== null && !categoryNames.has(id)));
  // Permissions, watches and category names: one statement for the page.
  const [{ permissions, watching, categoryNames: otherCategories }] = await Promise.all([
    lk.permissions.ofPage(actor, entries, { watch: watchable, nameCategories: unnamed, known }),
    names.lookUp({
      admins: entries.filter((e) => e.owner.kind === 'admin').map((e) => e.owner.id),
      clients: entries.flatMap((e) => [e.clientId, e.owner.kind === 'client' ? e.owner.id : null]).filter((id): id is string => id !== null),
    }),
  ]);
  for (const [id, name] of otherCategories) categoryNames.set(id, name);
  const grants = [...permissions.values()].flatMap((p) => p.grants ?? []);
  const ofKind = (kind: Grant['kind']) => grants.filter((g) => g.kind === kind).map((g) => g.id);
  await names.lookUp({
    admins: ofKind('admin'), clients: ofKind('client'), contacts: ofKind('contact'), roles: ofKind('admin_role').length > 0,
  });
  const nameOf = (g: Grant): string => names.name(g.kind, g.id);
  const statusOf = (entry: EntryView) => {
    const status = permissions.get(entry.id)?.serviceStatus ?? null;
    return status === 'active' ? null : status;
  };
  return entries.map((entry) => {
    const allowed = permissions.get(entry.id);
    const websiteUrl = safeHttpUrl(entry.websiteUrl);
    const loginUrl = safeHttpUrl(entry.loginUrl);
    return {
      id: entry.id,
      // The version a restore from the history is decided at.
      version: entry.version,
      name: entry.name,
      username: entry.username,
      isService: entry.source === 'service',
      serviceStatus: statusOf(entry),
      websiteUrl,
      loginUrl: loginUrl ?? websiteUrl,
      website: besideLogin(websiteUrl, loginUrl),
      ownerKind: entry.owner.kind,
      ownerName: names.name(entry.owner.kind, entry.owner.id),
      clientName: entry.clientId ? names.name('client', entry.clientId) : null,
      categoryName: entry.categoryId ? categoryNames.get(entry.categoryId) ?? null : null,
      sharedWithAdmin: entry.sharedWithAdmin,
      // A staff entry under a client that its author keeps from the team.
      keptPrivate: entry.owner.kind === 'admin' && entry.clientId !== null && entry.private,
      hasPassword: entry.hasPassword,
      hasNotes: entry.hasNotes,
      hasTotp: entry.hasTotp,
      updatedAt: entry.updatedAt,
      passwordChangedAt: entry.passwordChangedAt,
      linkedToContext: isLinked(entry),
      canEdit: allowed?.update ?? false,
      canDelete: allowed?.delete ?? false,
      canShare: allowed?.share ?? false,
      grants: allowed?.grants?.map((g) => ({ ...g, name: nameOf(g) })) ?? null,
      isOwner: owns(entry),
      canWatch: mayWatch.has(entry.id),
      watching: watching.has(entry.id),
      tags: entry.tags,
      editable: JSON.stringify({
        id: entry.id,
        version: entry.version,
        name: entry.name,
        username: entry.username,
        websiteUrl: entry.websiteUrl,
        loginUrl: entry.loginUrl,
        categoryId: entry.categoryId,
        // The dialog lists only categories the user may file into: one filed elsewhere is shown by this name.
        categoryName: entry.categoryId ? categoryNames.get(entry.categoryId) ?? null : null,
        sharedWithAdmin: entry.sharedWithAdmin,
        private: entry.private,
        canShare: allowed?.share ?? false,
        clientFieldAccess: entry.clientFieldAccess,
        reminderDays: entry.reminderDays,
        notifyOnChange: entry.notifyOnChange,
        hasPassword: entry.hasPassword,
        hasNotes: entry.hasNotes,
        hasTotp: entry.hasTotp,
        ownerKind: entry.owner.kind,
        isOwner: owns(entry),
        // Named, so the share dialog lists who has access without asking the host again.
        grants: allowed?.grants?.map((g) => ({ ...g, name: nameOf(g) })) ?? [],
        tags: entry.tags,
        contactId: entry.links.contactId,
        deviceId: entry.links.deviceId,
      }),
    };
  });
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}

/** The website as a link of its own: only when a (different) login link is shown too, named by its host. */
function besideLogin(websiteUrl: string | null, loginUrl: string | null): EntryRowModel['website'] {
  if (websiteUrl === null || loginUrl === null || websiteUrl === loginUrl) return null;
  return { url: websiteUrl, host: new URL(websiteUrl).host };
}
