import type { AdminActor } from '../domain/actor.ts';
import type { Category } from '../domain/category.ts';
import type { EntryView } from '../domain/entry.ts';
import type { Latchkey } from '../latchkey.ts';
import type { HostClient } from '../ports/host-directory.ts';
import { adminShareTargets, reminderDefault, type ShareTargets } from './panel-model.ts';

export interface StaffClientData {
  /** Service credentials first, then the client's vault entries this admin may see. */
  entries: EntryView[];
  more: boolean;
  categories: Category[];
  targets: ShareTargets;
  defaultDays: number | null;
}

/** What a staff panel about one client shows, fetched in one round of parallel look-ups. */
export async function staffClientData(lk: Latchkey, actor: AdminActor, client: HostClient): Promise<StaffClientData> {
  const [services, vault, categories, targets, defaultDays] = await Promise.all([
    lk.serviceCredentials.list(actor, client.id),
    lk.entries.list(actor, { clientId: client.id, limit: 500 }),
    lk.categories.list(actor),
    adminShareTargets(lk, client),
    reminderDefault(lk),
  ]);
  return { entries: [...services, ...vault.items], more: vault.total > vault.items.length, categories, targets, defaultDays };
}
