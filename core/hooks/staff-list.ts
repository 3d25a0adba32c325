import type { AdminActor } from '../domain/actor.ts';
import type { EntryView } from '../domain/entry.ts';
import type { Latchkey } from '../latchkey.ts';
import { entryRows, type EntryRowModel } from './entry-rows-model.ts';
import type { HookSurface } from './hook-contract.ts';
import { isNarrowed, listControls, listPager, paramName, problemText, servicesChosen, type ListChoice, type ListControls, type ListPager } from './list-controls.ts';
import { namesFrom } from './panel-model.ts';
import type { StaffClientData } from './staff-client-data.ts';

/** The prefix of a staff panel's list parameters: the host page's own query keeps its names. */
export const PANEL_LIST_PREFIX = 'lk';

/** A staff panel's list of one client: its rows, its form, its pager and what it says when empty. */
export interface StaffList {
  rows: EntryRowModel[];
  controls: ListControls;
  pager: ListPager;
  emptyKey: string;
  /** The mode hides the client's data from this admin: what is listed was shared with them. */
  sharedOnly: boolean;
}

export async function staffList(
  lk: Latchkey, actor: AdminActor, data: StaffClientData, choice: ListChoice, surface: HookSurface,
  translate: (key: string, params?: Record<string, unknown>) => string, isLinked?: (entry: EntryView) => boolean,
  noneKey = 'entry.noneForClient',
): Promise<StaffList> {
  const firstPage = choice.offset === 0;
  const all = await entryRows(lk, actor, [...data.services, ...data.entries], data.categories, isLinked, namesFrom(lk, data.targets), data.facts);
  const services = servicesChosen(all.filter((r) => r.isService), choice, (r) => r.serviceStatus);
  // The client's service credentials lead the first page, and count in every page's range and total;
  // what the page's context is linked to (a ticket, its service) comes before the rest.
  const shown = [...(firstPage ? services : []), ...all.filter((r) => !r.isService)];
  return {
    rows: [...shown.filter((r) => r.linkedToContext), ...shown.filter((r) => !r.linkedToContext)],
    controls: listControls(surface.pageUrl, PANEL_LIST_PREFIX, choice, {
      categories: data.categories.map((c) => ({ id: c.id, name: c.name })),
      owners: ['client', 'staff', 'mine'],
      statuses: true,
      searchProblem: problemText(data.searchIssue, translate),
      idPrefix: 'lk-panel',
    }),
    pager: listPager(surface.pageUrl, paramName(PANEL_LIST_PREFIX, 'offset'), {
      offset: choice.offset, shown: data.entries.length, more: data.more, total: data.total, totalIsAtLeast: data.totalIsAtLeast,
      leading: services.length,
    }),
    emptyKey: isNarrowed(choice) ? 'list.noMatch' : data.seesClientData ? noneKey : 'panel.notAllowed',
    sharedOnly: !data.seesClientData,
  };
}
