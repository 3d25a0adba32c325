import type { Actor } from '../domain/actor.ts';
import { ValidationError } from '../errors.ts';
import type { Issue } from '../validation/rules.ts';
import { SERVICE_STATUSES, type ServiceStatus } from '../ports/host-directory.ts';
import { ownId, type EntrySort, type ListEntriesQuery } from '../validation/schemas.ts';
import { withQuery } from './page-url.ts';

/** Entries on one page of a panel's list. */
export const LIST_PAGE_SIZE = 50;
/** How far a list counts past its page before it says "more than" instead. */
export const LIST_COUNT_UP_TO = 1_000;

const OWNERS = ['client', 'staff', 'mine'] as const;
type OwnerChoice = (typeof OWNERS)[number];

/** The sort orders a list offers: a column and a direction, written `name` or `-name` in the page's address. */
const SORT_CHOICES: ReadonlyArray<{ sort: EntrySort; direction: 'asc' | 'desc' }> = [
  { sort: 'name', direction: 'asc' }, { sort: 'name', direction: 'desc' },
  { sort: 'username', direction: 'asc' }, { sort: 'username', direction: 'desc' },
  { sort: 'updatedAt', direction: 'desc' }, { sort: 'updatedAt', direction: 'asc' },
  { sort: 'passwordChangedAt', direction: 'asc' }, { sort: 'passwordChangedAt', direction: 'desc' },
  { sort: 'category', direction: 'asc' }, { sort: 'category', direction: 'desc' },
];

/** The columns whose header sorts the list. */
type SortedColumn = 'name' | 'username' | 'category';

/** The parameters of a list's form, each named `<prefix><Key>` so that a host page's own query stays apart. */
const KEYS = ['search', 'sort', 'client', 'category', 'owner', 'due', 'status', 'offset'] as const;
type Key = (typeof KEYS)[number];

/** What the user asked a list for, read leniently from the page's query: an unknown choice is no choice. */
export interface ListChoice {
  search: string;
  sort: EntrySort;
  direction: 'asc' | 'desc';
  /** The addon list's client filter, as typed: the vault checks it is an id. */
  clientId: string | null;
  categoryId: string | null;
  owner: OwnerChoice | null;
  overdue: boolean;
  serviceStatus: ServiceStatus | null;
  offset: number;
}

export function paramName(prefix: string, key: Key | string): string {
  return prefix === '' ? key : `${prefix}${key[0]!.toUpperCase()}${key.slice(1)}`;
}

export function readListChoice(params: Readonly<Record<string, string>> = {}, prefix: string, offsetKey: string = 'offset'): ListChoice {
  const read = (key: string) => (params[paramName(prefix, key)] ?? '').trim();
  const sortText = read('sort');
  const sort = SORT_CHOICES.find((c) => sortValue(c) === sortText) ?? SORT_CHOICES[0]!;
  const owner = read('owner');
  const status = read('status');
  return {
    search: read('search').slice(0, 255),
    sort: sort.sort,
    direction: sort.direction,
    clientId: read('client').slice(0, 255) || null,
    categoryId: read('category') || null,
    owner: (OWNERS as readonly string[]).includes(owner) ? owner as OwnerChoice : null,
    overdue: read('due') === 'overdue',
    serviceStatus: (SERVICE_STATUSES as readonly string[]).includes(status) ? status as ServiceStatus : null,
    offset: readOffset(params, paramName(prefix, offsetKey)),
  };
}

/** A page's offset: a whole number of at most nine digits, else the first page. */
export function readOffset(params: Readonly<Record<string, string>>, name: string): number {
  const text = params[name] ?? '';
  return /^\d{1,9}$/.test(text) ? Number(text) : 0;
}

/** Whether the user narrowed the list: an empty one then says nothing matched, not that nothing is stored. */
export function isNarrowed(choice: ListChoice): boolean {
  return choice.search !== '' || choice.clientId !== null || choice.categoryId !== null || choice.owner !== null || choice.overdue || choice.serviceStatus !== null;
}

/** The vault query a choice asks (the caller adds what the page itself is about: the client, the owner of a section). */
export function entryQuery(choice: ListChoice, actor: Actor): ListEntriesQuery {
  const owner: Pick<ListEntriesQuery, 'ownerKind' | 'ownerId'> = choice.owner === 'client' ? { ownerKind: 'client' }
    : choice.owner === 'staff' ? { ownerKind: 'admin' }
      : choice.owner === 'mine' && actor.kind === 'admin' ? { ownerKind: 'admin', ownerId: actor.adminId } : {};
  return {
    search: choice.search || undefined,
    clientId: choice.clientId ?? undefined,
    sort: choice.sort,
    direction: choice.direction,
    // A category id edited by hand into something that is no id is no choice; one the actor cannot see finds nothing.
    categoryId: choice.categoryId !== null && ownId.safeParse(choice.categoryId).success ? choice.categoryId : undefined,
    rotation: choice.overdue ? 'overdue' : undefined,
    serviceStatus: choice.serviceStatus ?? undefined,
    ...owner,
  };
}

/** Service credentials come from the host, not the vault: the same choice applied to them in memory. */
export function servicesChosen<T extends { name: string; username: string }>(
  services: readonly T[], choice: ListChoice, statusOf: (service: T) => ServiceStatus | null,
): T[] {
  // They have no category, no rotation period, and are the client's: other filters leave them out.
  if (choice.categoryId !== null || choice.overdue || choice.owner === 'staff' || choice.owner === 'mine') return [];
  const needle = choice.search.toLowerCase();
  return services.filter((s) => (needle === '' || s.name.toLowerCase().includes(needle) || s.username.toLowerCase().includes(needle))
    && (choice.serviceStatus === null || (statusOf(s) ?? 'active') === choice.serviceStatus));
}

interface Option {
  id: string;
  name: string;
}

/** What the list's form shows: the choice made, the choices offered, and where it sends them. */
export interface ListControls {
  action: string;
  hidden: Array<{ name: string; value: string }>;
  names: Record<Key, string>;
  search: string;
  searchProblem: string | null;
  sorts: Array<{ value: string; labelKey: string; selected: boolean }>;
  categories: Array<Option & { selected: boolean }>;
  owners: Array<{ value: OwnerChoice; labelKey: string; selected: boolean }> | null;
  statuses: Array<{ value: ServiceStatus; labelKey: string; selected: boolean }> | null;
  overdue: boolean;
  /** The addon list's client picker (a panel is about one client already): the id chosen, and the name it shows. */
  client: { value: string; name: string } | null;
  /** The addon list's tag field, which rides in the same form. */
  tag: { value: string; problem: string | null } | null;
  /** Column headers that sort: where each leads, and how the list is sorted by it now (aria-sort). */
  columns: Record<SortedColumn, { href: string; ariaSort: 'ascending' | 'descending' | 'none' }>;
  narrowed: boolean;
  clearHref: string;
  /** Ids unique on the page. */
  idPrefix: string;
}

export function listControls(
  pageUrl: string, prefix: string, choice: ListChoice,
  offer: {
    categories: readonly Option[]; owners: readonly OwnerChoice[]; statuses: boolean; searchProblem?: string | null; idPrefix: string;
    tag?: { value: string; problem: string | null };
    /** The name the client picker shows for the client chosen (the id when the host knows none). */
    client?: { name: string };
  },
): ListControls {
  const names = Object.fromEntries(KEYS.map((k) => [k, paramName(prefix, k)])) as Record<Key, string>;
  // The form's GET replaces the page's query: what it does not ask for itself rides along hidden.
  const [path, query] = pageUrl.split('?', 2) as [string, string | undefined];
  const own = (name: string) => prefix === '' ? (KEYS as readonly string[]).includes(name) || name === 'tag' : name.startsWith(prefix);
  const kept = [...new URLSearchParams(query)].filter(([name]) => !own(name));
  const current = sortValue(choice);
  return {
    action: path,
    hidden: kept.map(([name, value]) => ({ name, value })),
    names,
    search: choice.search,
    searchProblem: offer.searchProblem ?? null,
    sorts: SORT_CHOICES.map((c) => ({ value: sortValue(c), labelKey: `list.sorts.${c.sort}.${c.direction}`, selected: sortValue(c) === current })),
    categories: offer.categories.map((c) => ({ id: c.id, name: c.name, selected: c.id === choice.categoryId })),
    owners: offer.owners.length === 0 ? null
      : offer.owners.map((value) => ({ value, labelKey: `list.owners.${value}`, selected: value === choice.owner })),
    statuses: offer.statuses
      ? SERVICE_STATUSES.map((value) => ({ value, labelKey: `entry.serviceStatus.${value}`, selected: value === choice.serviceStatus }))
      : null,
    overdue: choice.overdue,
    tag: offer.tag ?? null,
    client: offer.client ? { value: choice.clientId ?? '', name: offer.client.name } : null,
    columns: {
      name: columnSort(pageUrl, names, choice, 'name'),
      username: columnSort(pageUrl, names, choice, 'username'),
      category: columnSort(pageUrl, names, choice, 'category'),
    },
    narrowed: isNarrowed(choice) || (offer.tag?.value ?? '') !== '',
    clearHref: withQuery(pageUrl, Object.fromEntries([...new URLSearchParams(query)].filter(([name]) => own(name)).map(([name]) => [name, '']))),
    idPrefix: offer.idPrefix,
  };
}

/** "Showing 1–50 of 1,234" and the links to the pages on either side. */
export interface ListPager {
  from: number;
  to: number;
  total: number;
  totalIsAtLeast: boolean;
  previous: string | null;
  next: string | null;
}

/**
 * `leading`: rows the first page shows ahead of the vault's (a client's
 * service credentials), counted in every page's range and total; `offset`,
 * `shown` and `more` are of the vault's rows.
 */
export function listPager(
  pageUrl: string, offsetName: string,
  page: { offset: number; shown: number; more: boolean; total: number; totalIsAtLeast: boolean; leading?: number },
  pageSize: number = LIST_PAGE_SIZE,
): ListPager {
  const leading = page.leading ?? 0;
  const link = (offset: number) => withQuery(pageUrl, { [offsetName]: offset === 0 ? '' : String(offset) });
  const shown = page.shown + (page.offset === 0 ? leading : 0);
  return {
    from: shown === 0 ? 0 : page.offset === 0 ? 1 : leading + page.offset + 1,
    to: leading + page.offset + page.shown,
    total: leading + page.total,
    totalIsAtLeast: page.totalIsAtLeast,
    previous: page.offset > 0 ? link(Math.max(0, page.offset - pageSize)) : null,
    next: page.more ? link(page.offset + pageSize) : null,
  };
}

/**
 * A list that refuses the search (a control character pasted in, say) gives
 * the page back with what is wrong next to the field, not an error page.
 */
export async function listedOrRefused<T>(listing: Promise<T>, empty: T): Promise<{ listed: T; searchIssue: Issue | null }> {
  try {
    return { listed: await listing, searchIssue: null };
  } catch (err) {
    if (!(err instanceof ValidationError) || err.field !== 'search') throw err;
    return { listed: empty, searchIssue: err.issues[0]! };
  }
}

/** The refusal in the user's words, after the label of the field refused (the list's search unless told). */
export function problemText(
  problem: Issue | null, translate: (key: string, params?: Record<string, unknown>) => string, labelKey = 'list.search',
): string | null {
  return problem === null ? null : `${translate(labelKey)}: ${translate(`validation.${problem.rule}`, problem.params ?? {})}`;
}

/** A column header's link: sorts by the column, the other way round when it already does; back to the first page. */
function columnSort(pageUrl: string, names: Record<Key, string>, choice: ListChoice, sort: SortedColumn): ListControls['columns']['name'] {
  const current = choice.sort === sort;
  const direction = current && choice.direction === 'asc' ? 'desc' : 'asc';
  return {
    href: withQuery(pageUrl, { [names.sort]: sortValue({ sort, direction }), [names.offset]: '' }),
    ariaSort: !current ? 'none' : choice.direction === 'asc' ? 'ascending' : 'descending',
  };
}

function sortValue(choice: { sort: EntrySort; direction: 'asc' | 'desc' }): string {
  return choice.direction === 'desc' ? `-${choice.sort}` : choice.sort;
}

