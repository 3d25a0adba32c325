import type { Latchkey } from '../latchkey.ts';
import type { Renderer } from '../render/renderer.ts';
import { LANGUAGES, pickLanguage } from '../render/languages.ts';
import { clientAreaOpen, clientMayKeepEntries } from '../policy/access-policy.ts';
import { entryRows } from './entry-rows-model.ts';
import type { Hook } from './hook-contract.ts';
import { NameBook } from './name-book.ts';
import { panelBase, dialogDefaults } from './panel-model.ts';
import { transferForms } from './transfer-model.ts';

/**
 * The client area, in the four parts the WHMCS anchor has: Owned, Shared with
 * me, Service passwords, Categories; with a language switcher.
 */
export function clientAreaHook(lk: Latchkey, renderer: Renderer): Hook {
  return async (actor, context, surface) => {
    if (actor.kind !== 'client') return null;
    // The client's record and its vault are read at once: the services check the client on their own.
    const data = Promise.all([
      lk.entries.firstPage(actor, { limit: 500 }),
      lk.serviceCredentials.list(actor, actor.clientId),
      lk.categories.list(actor),
      dialogDefaults(lk),
      lk.settings.get({ kind: 'system' }),
      lk.languages.of(actor),
    ]);
    data.catch(() => undefined);
    const [clients, contacts] = await Promise.all([
      lk.host.clients([actor.clientId]),
      lk.host.contactsOfClients([actor.clientId]),
    ]);
    const client = clients.get(actor.clientId);
    if (!client) return null;
    const [vault, services, categories, dialog, settings, chosen] = await data;
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
    const rows = await entryRows(lk, actor, [...services, ...vault.items], categories, undefined, names, vault.facts);
    const ownCategories = categories.filter((c) => c.owner.kind === 'client' && c.owner.id === client.id);
    const contactNames = new Map(contacts.map((c) => [c.id, c.name]));
    const ownedIds = new Set(isMainAccount
      ? vault.items.filter((e) => e.owner.kind === 'client' && e.owner.id === client.id).map((e) => e.id)
      : []);
    return renderer.render('hooks/client-area', {
      ...panelBase(surface, actor, ownCategories, {
        admins: [], roles: [], clients: [], contacts: contacts.filter((c) => !c.isMain).map((c) => ({ id: c.id, name: c.name })),
      }, { clientId: client.id }, dialog),
      client: { id: client.id, name: client.name },
      isMainAccount,
      mayAdd: isMainAccount && keepsEntries,
      ownEntriesOff: isMainAccount && !keepsEntries,
      owned: rows.filter((r) => ownedIds.has(r.id)),
      shared: rows.filter((r) => !r.isService && !ownedIds.has(r.id)),
      services: rows.filter((r) => r.isService),
      categoryList: ownCategories.map((c) => ({
        id: c.id,
        name: c.name,
        count: vault.items.filter((e) => e.categoryId === c.id).length,
        members: c.members.map((m) => ({ ...m, name: contactNames.get(m.id) ?? m.id })),
        editable: JSON.stringify({ id: c.id, name: c.name, members: c.members.map((m) => ({ ...m, name: contactNames.get(m.id) ?? m.id })) }),
      })),
      languages: LANGUAGES.map((code) => ({ code, selected: code === language })),
      more: vault.more,
      // Importing creates entries the account owns, so only where it may keep its own; an admin allows it in the settings.
      transfer: settings.clientImportExport && isMainAccount && keepsEntries ? transferForms() : null,
    }, { language });
  };
}
