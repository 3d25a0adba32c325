import type { EntryView } from '../domain/entry.ts';
import type { Latchkey } from '../latchkey.ts';
import type { Renderer } from '../render/renderer.ts';
import { pickLanguage } from '../render/languages.ts';
import type { Hook } from './hook-contract.ts';
import { readListChoice } from './list-controls.ts';
import { panelBase } from './panel-model.ts';
import { staffClientData } from './staff-client-data.ts';
import { PANEL_LIST_PREFIX, staffList } from './staff-list.ts';

/**
 * The helpdesk ticket sidebar: the access details of the ticket's client that
 * this staff member may see, those of the ticket's service (or linked to the
 * ticket) first, and a form to add one already linked to the ticket. The
 * installer may leave this place out (settings: `staffPanels.ticketSidebar`).
 */
export function ticketSidebarHook(lk: Latchkey, renderer: Renderer): Hook {
  return async (actor, context, surface) => {
    if (actor.kind !== 'admin' || !context.ticketId) return null;
    // Started first, so the services below read the settings from it: one statement for the settings and
    // the admin's categories. A panel left out is known when the first round of host look-ups is back.
    const settings = lk.settings.forPanelOf(actor);
    settings.catch(() => undefined);
    const [admins, tickets] = await Promise.all([lk.host.admins([actor.adminId]), lk.host.tickets([context.ticketId])]);
    const panelSettings = await settings;
    if (!panelSettings.staffPanels.ticketSidebar) return null;
    const admin = admins.get(actor.adminId);
    const ticket = tickets.get(context.ticketId);
    if (!admin || admin.disabled || !ticket) return null;
    const clientLookup = lk.host.clients([ticket.clientId]).then((found) => found.get(ticket.clientId) ?? null);
    const choice = readListChoice(context.params, PANEL_LIST_PREFIX);
    const data = staffClientData(lk, actor, ticket.clientId, clientLookup, choice);
    data.catch(() => undefined);
    const client = await clientLookup;
    if (!client) return null;
    const loaded = await data;
    const linked = (entry: EntryView) => entry.links.ticketId === ticket.id
      || (ticket.serviceId !== null && entry.links.serviceId === ticket.serviceId);
    const language = pickLanguage(context.language, admin.language);
    const list = await staffList(lk, actor, loaded, choice, surface, renderer.translator(language), linked);
    return renderer.render('hooks/ticket-sidebar', {
      ...panelBase(surface, actor, loaded.categories, {
        clientId: client.id, ticketId: ticket.id, serviceId: ticket.serviceId,
      }, loaded.dialog, loaded.linkFields),
      client: { id: client.id, name: client.name },
      ticket: { id: ticket.id, subject: ticket.subject },
      ...list,
    }, { language });
  };
}
