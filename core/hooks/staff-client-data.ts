import type { AdminActor } from '../domain/actor.ts';
import type { Category } from '../domain/category.ts';
import type { EntryView } from '../domain/entry.ts';
import type { Latchkey } from '../latchkey.ts';
import type { HostClient } from '../ports/host-directory.ts';
import type { RowFacts } from '../store/row-facts.ts';
import type { Issue } from '../validation/rules.ts';
import { entryQuery, LIST_COUNT_UP_TO, LIST_PAGE_SIZE, listedOrRefused, type ListChoice } from './list-controls.ts';
import { adminShareTargets, dialogDefaults, linkFieldsOf, type DialogDefaults, type LinkFields, type ShareTargets } from './panel-model.ts';

export interface StaffClientData {
  /** The client's service credentials this admin may see (all of them: the host holds few a client). */
  services: EntryView[];
  /** One page of the client's vault entries this admin may see, as the list's choice asks. */
  entries: EntryView[];
  more: boolean;
  /** The vault entries the choice finds, counted up to LIST_COUNT_UP_TO past the page. */
  total: number;
  totalIsAtLeast: boolean;
  /** Why the search was refused; the list is then empty. */
  searchIssue: Issue | null;
  /** What the page's query brought along about each vault entry, for `entryRows`. */
  facts: ReadonlyMap<string, RowFacts>;
  /** Whether the access mode shows this admin the client's data, or only what is shared with them. */
  seesClientData: boolean;
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
  lk: Latchkey, actor: AdminActor, clientId: string, client: Promise<HostClient | null>,
  choice: ListChoice, link?: RecordLink,
): Promise<StaffClientData> {
  const [services, { listed, searchIssue }, categories, targets, dialog, seesClientData, devices] = await Promise.all([
    link ? [] : lk.serviceCredentials.list(actor, clientId),
    listedOrRefused(
      lk.entries.firstPage(actor, { ...entryQuery(choice, actor), clientId, ...link, offset: choice.offset, limit: LIST_PAGE_SIZE }, { countUpTo: LIST_COUNT_UP_TO }),
      { items: [], more: false, facts: new Map<string, RowFacts>(), total: 0, totalIsAtLeast: false },
    ),
    lk.categories.list(actor),
    adminShareTargets(lk, clientId, client),
    dialogDefaults(lk),
    lk.entries.seesClientData(actor),
    lk.host.devicesOfClients([clientId]),
  ]);
  return {
    services, entries: listed.items, more: listed.more, total: listed.total, totalIsAtLeast: listed.totalIsAtLeast, searchIssue,
    facts: listed.facts, seesClientData, categories, targets, dialog,
    linkFields: linkFieldsOf(clientId, targets.contacts, devices),
  };
}
