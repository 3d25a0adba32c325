import type { Latchkey } from '../latchkey.ts';
import type { Renderer } from '../render/renderer.ts';
import { pickLanguage } from '../render/languages.ts';
import type { Hook } from './hook-contract.ts';
import { readListChoice } from './list-controls.ts';
import { panelBase } from './panel-model.ts';
import { staffClientData } from './staff-client-data.ts';
import { PANEL_LIST_PREFIX, staffList } from './staff-list.ts';

/**
 * The admin's client summary page: the client's access details this admin may
 * see, service credentials first, and a form to add one. The installer may
 * leave this place out (settings: `staffPanels.clientSummary`).
 */
export function clientSummaryHook(lk: Latchkey, renderer: Renderer): Hook {
  return async (actor, context, surface) => {
    if (actor.kind !== 'admin' || !context.clientId) return null;
    // Started first, so the services below read the settings from it: one statement for the settings and
    // the admin's categories. A panel left out is known when the first round of host look-ups is back.
    const settings = lk.settings.forPanelOf(actor);
    settings.catch(() => undefined);
    const clientId = context.clientId;
    const clientLookup = lk.host.clients([clientId]).then((found) => found.get(clientId) ?? null);
    // Everything the panel reads starts at once; the services refuse an unknown or disabled admin on their own.
    const choice = readListChoice(context.params, PANEL_LIST_PREFIX);
    const data = staffClientData(lk, actor, clientId, clientLookup, choice);
    data.catch(() => undefined);
    const panelSettings = await settings;
    if (!panelSettings.staffPanels.clientSummary) return null;
    const [admin, client] = await Promise.all([lk.host.admins([actor.adminId]).then((found) => found.get(actor.adminId)), clientLookup]);
    if (!admin || admin.disabled || !client) return null;
    const loaded = await data;
    const language = pickLanguage(context.language, admin.language);
    const list = await staffList(lk, actor, loaded, choice, surface, renderer.translator(language));
    return renderer.render('hooks/client-summary', {
      ...panelBase(surface, actor, loaded.categories, { clientId: client.id }, loaded.dialog, loaded.linkFields),
      client: { id: client.id, name: client.name },
      ...list,
    }, { language });
  };
}
