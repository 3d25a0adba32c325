import type { AdminActor } from '../domain/actor.ts';
import type { Category } from '../domain/category.ts';
import type { EntryView } from '../domain/entry.ts';
import type { Latchkey } from '../latchkey.ts';
import type { HostClient } from '../ports/host-directory.ts';
import type { RowFacts } from '../store/row-facts.ts';
import { adminShareTargets, dialogDefaults, type DialogDefaults, type ShareTargets } from './panel-model.ts';

export interface StaffClientData {
  /** Service credentials first, then the client's vault entries this admin may see. */
  entries: EntryView[];
  more: boolean;
  /** What the page's query brought along about each vault entry, for `entryRows`. */
  facts: ReadonlyMap<string, RowFacts>;
  categories: Category[];
  targets: ShareTargets;
  dialog: DialogDefaults;
}

/**
 * What a staff panel about one client shows, fetched in one round of parallel
 * look-ups. It needs only the client's id, so it starts while the panel is
 * still looking the admin and the client up (`client`).
 */
export async function staffClientData(lk: Latchkey, actor: AdminActor, clientId: string, client: Promise<HostClient | null>): Promise<StaffClientData> {
  const [services, vault, categories, targets, dialog] = await Promise.all([
    lk.serviceCredentials.list(actor, clientId),
    lk.entries.firstPage(actor, { clientId, limit: 500 }),
    lk.categories.list(actor),
    adminShareTargets(lk, clientId, client),
    dialogDefaults(lk),
  ]);
  return { entries: [...services, ...vault.items], more: vault.more, facts: vault.facts, categories, targets, dialog };
}
