import type { Latchkey } from '../latchkey.ts';
import type { Renderer } from '../render/renderer.ts';
import { LANGUAGES, pickLanguage } from '../render/languages.ts';
import { clientAreaOpen, clientMayKeepEntries } from '../policy/access-policy.ts';
import { entryRows } from './entry-rows-model.ts';
import {
  entryQuery, isNarrowed, LIST_COUNT_UP_TO, LIST_PAGE_SIZE, listControls, listedOrRefused, listPager, paramName, problemText,
  readListChoice, readOffset, servicesChosen,
} from './list-controls.ts';
import type { RowFacts } from '../store/row-facts.ts';
import type { ListEntriesQuery } from '../validation/schemas.ts';
import type { Hook } from './hook-contract.ts';
import { NameBook } from './name-book.ts';
import { dialogDefaults, linkFieldsOf, panelBase } from './panel-model.ts';
import { transferForms } from './transfer-model.ts';

/**
 * The client area, in the four parts the WHMCS anchor has: Owned, Shared with
 * me, Service passwords, Categories; with a language switcher.
 */
export function clientAreaHook(lk: Latchkey, renderer: Renderer): Hook {
  return async (actor, context, surface) => {
    if (actor.kind !== 'client') return null;
    const choice = readListChoice(context.params, CLIENT_LIST_PREFIX, 'ownedOffset');
    const sharedOffset = readOffset(context.params ?? {}, paramName(CLIENT_LIST_PREFIX, 'sharedOffset'));
    const hosted = Promise.all([lk.host.clients([actor.clientId]), lk.host.contactsOfClients([actor.clientId])]);
    // A main account's own entries and what the team shares are two lists; a contact owns nothing, so all is shared.
    // Which one the person is, the host's contacts say: the vault is asked once they have.
    const vault = hosted.then(([, contacts]) => {
      const main = actor.contactId === undefined || contacts.some((c) => c.id === actor.contactId && c.isMain);
      const page = (narrow: ListEntriesQuery, offset: number) => listedOrRefused(
        lk.entries.firstPage(actor, { ...entryQuery(choice, actor), ...narrow, offset, limit: LIST_PAGE_SIZE }, { countUpTo: LIST_COUNT_UP_TO }),
        { items: [], more: false, facts: new Map<string, RowFacts>(), total: 0, totalIsAtLeast: false },
      );
      return Promise.all([main ? page({ ownerKind: 'client' }, choice.offset) : null, page(main ? { ownerKind: 'admin' } : {}, sharedOffset)]);
    });
    const data = Promise.all([
      vault,
      lk.serviceCredentials.list(actor, actor.clientId),
      lk.categories.list(actor),
      dialogDefaults(lk),
      lk.settings.get({ kind: 'system' }),
      lk.languages.of(actor),
    ]);
    data.catch(() => undefined);
    const [clients, contacts] = await hosted;
    const client = clients.get(actor.clientId);
    if (!client) return null;
    const [[owned, shared], services, categories, dialog, settings, chosen] = await data;
    const isMainAccount = actor.contactId === undefined || contacts.some((c) => c.id === actor.contactId && c.isMain);
    // The person's own choice first: the host's language for the page is its default, not theirs.
    const language = pickLanguage(chosen, context.language, client.language);
    // Closed to this client or contact: an honest notice, not an empty vault that looks like lost data.
    if (!clientAreaOpen({ clientId: client.id, groupId: client.groupId, contactId: isMainAccount ? null : actor.contactId ?? null }, settings)) {
      return renderer.render('hooks/unavailable', {
        assetBase: surface.assetBase, cause: 'client_area', messageKey: 'clientArea.unavailable',
      }, { language });
    }
    // The account adds its own access details only where the installer lets this client keep them.
    const keepsEntries = clientMayKeepEntries({ clientId: client.id, groupId: client.groupId }, settings);
    const names = new NameBook(lk.host).learn('client', [client]).learn('contact', contacts);
    const ownedItems = owned?.listed.items ?? [];
    const facts = new Map([...(owned?.listed.facts ?? []), ...shared.listed.facts]);
    const ownCategories = categories.filter((c) => c.owner.kind === 'client' && c.owner.id === client.id);
    const [rows, counts] = await Promise.all([
      entryRows(lk, actor, [...services, ...ownedItems, ...shared.listed.items], categories, undefined, names, facts),
      lk.entries.countsByCategory(actor, ownCategories.map((c) => c.id)),
    ]);
    const contactNames = new Map(contacts.map((c) => [c.id, c.name]));
    const ownedIds = new Set(ownedItems.map((e) => e.id));
    const serviceRows = servicesChosen(rows.filter((r) => r.isService), choice, (r) => r.serviceStatus);
    const pageUrl = surface.pageUrl;
    const pagerOf = (listed: ListedPage, offsetKey: string, offset: number) => listPager(pageUrl, paramName(CLIENT_LIST_PREFIX, offsetKey), {
      offset, shown: listed.items.length, more: listed.more, total: listed.total, totalIsAtLeast: listed.totalIsAtLeast,
    });
    const narrowed = isNarrowed(choice);
    const t = renderer.translator(language);
    return renderer.render('hooks/client-area', {
      // The account links its entries to its own contacts by name; other contacts see no names but their own.
      ...panelBase(surface, actor, ownCategories, { clientId: client.id }, dialog,
        isMainAccount && keepsEntries ? linkFieldsOf(client.id, contacts.map((c) => ({ id: c.id, name: c.name })), []) : null),
      client: { id: client.id, name: client.name },
      isMainAccount,
      mayAdd: isMainAccount && keepsEntries,
      ownEntriesOff: isMainAccount && !keepsEntries,
      controls: listControls(pageUrl, CLIENT_LIST_PREFIX, choice, {
        categories: ownCategories.map((c) => ({ id: c.id, name: c.name })),
        owners: [],
        statuses: true,
        searchProblem: problemText(owned?.searchIssue ?? shared.searchIssue, t),
        idPrefix: 'lk-clientarea',
      }),
      owned: rows.filter((r) => ownedIds.has(r.id)),
      ownedPager: owned ? pagerOf(owned.listed, 'ownedOffset', choice.offset) : null,
      ownedEmptyKey: narrowed ? 'list.noMatch' : 'clientArea.ownedEmpty',
      shared: rows.filter((r) => !r.isService && !ownedIds.has(r.id)),
      sharedPager: pagerOf(shared.listed, 'sharedOffset', sharedOffset),
      sharedEmptyKey: narrowed ? 'list.noMatch' : 'clientArea.sharedEmpty',
      services: serviceRows,
      servicesEmptyKey: narrowed ? 'list.noMatch' : 'clientArea.servicesEmpty',
      counts: { owned: owned?.listed.total ?? 0, shared: shared.listed.total, services: serviceRows.length },
      categoryList: ownCategories.map((c) => ({
        id: c.id,
        name: c.name,
        count: counts.get(c.id) ?? 0,
        members: c.members.map((m) => ({ ...m, name: contactNames.get(m.id) ?? m.id })),
        editable: JSON.stringify({ id: c.id, name: c.name, members: c.members.map((m) => ({ ...m, name: contactNames.get(m.id) ?? m.id })) }),
      })),
      languages: LANGUAGES.map((code) => ({ code, selected: code === language })),
      // Importing creates entries the account owns, so only where it may keep its own; an admin allows it in the settings.
      transfer: settings.clientImportExport && isMainAccount && keepsEntries ? transferForms() : null,
    }, { language });
  };
}

type ListedPage = Awaited<ReturnType<Latchkey['entries']['firstPage']>>;

/** The prefix of the client area's list parameters: the host page's own query keeps its names. */
const CLIENT_LIST_PREFIX = 'lk';
