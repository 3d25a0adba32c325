import type { AdminActor } from '../domain/actor.ts';
import type { Category } from '../domain/category.ts';
import type { EntryView } from '../domain/entry.ts';
import type { VaultSettings } from '../domain/settings.ts';
import type { Latchkey } from '../latchkey.ts';
import { isExtended, modeAdmitsClientData } from '../policy/access-policy.ts';
import type { HostAdmin, HostClient } from '../ports/host-directory.ts';
import type { RowFacts } from '../store/row-facts.ts';
import { adminShareTargets, dialogDefaults, linkFieldsOf, type DialogDefaults, type LinkFields, type ShareTargets } from './panel-model.ts';

export interface StaffClientData {
  /** Service credentials first, then the client's vault entries this admin may see. */
  entries: EntryView[];
  more: boolean;
  /** What the page's query brought along about each vault entry, for `entryRows`. */
  facts: ReadonlyMap<string, RowFacts>;
  categories: Category[];
  targets: ShareTargets;
  dialog: DialogDefaults;
  /** The client's contacts and devices, for the entry dialog's link fields. */
  linkFields: LinkFields;
}

/** A staff panel about one host record of the client: only the entries linked to it, and no service credentials. */
export type RecordLink = { contactId: string } | { deviceId: string };

/**
 * What a staff panel about one client shows, fetched in one round of parallel
 * look-ups. It needs only the client's id, so it starts while the panel is
 * still looking the admin and the client up (`client`). With `link` the list
 * keeps to the entries linked to that contact or device: the place narrows
 * what the admin may see, it never widens it.
 */
export async function staffClientData(
  lk: Latchkey, actor: AdminActor, clientId: string, client: Promise<HostClient | null>, link?: RecordLink,
): Promise<StaffClientData> {
  const [services, vault, categories, targets, dialog, devices] = await Promise.all([
    link ? [] : lk.serviceCredentials.list(actor, clientId),
    lk.entries.firstPage(actor, { clientId, ...link, limit: 500 }),
    lk.categories.list(actor),
    adminShareTargets(lk, clientId, client),
    dialogDefaults(lk),
    lk.host.devicesOfClients([clientId]),
  ]);
  return {
    entries: [...services, ...vault.items], more: vault.more, facts: vault.facts, categories, targets, dialog,
    linkFields: linkFieldsOf(clientId, targets.contacts, devices),
  };
}

/**
 * Whether the access mode keeps this client's own data from the admin (a
 * restricted or shared mode that does not allow them): the panel then says
 * so, rather than showing a short list that looks complete.
 */
export function clientDataHiddenFrom(admin: HostAdmin, settings: VaultSettings): boolean {
  const facts = { kind: 'admin', adminId: admin.id, roleId: admin.roleId === '' ? null : admin.roleId, active: !admin.disabled, addonManager: admin.addonManager } as const;
  return !isExtended(facts, settings) && !modeAdmitsClientData(facts, 'teamEntry', false, settings);
}
