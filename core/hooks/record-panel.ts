import type { Latchkey } from '../latchkey.ts';
import type { Renderer } from '../render/renderer.ts';
import { pickLanguage } from '../render/languages.ts';
import type { Hook } from './hook-contract.ts';
import { readListChoice } from './list-controls.ts';
import { panelBase } from './panel-model.ts';
import { staffClientData, type RecordLink } from './staff-client-data.ts';
import { PANEL_LIST_PREFIX, staffList } from './staff-list.ts';

/** The host records a staff page can be about besides clients and tickets. */
export type RecordKind = 'contact' | 'device';

/**
 * A staff page about one contact or device of a client: the access details
 * linked to it that this admin may see, and a form to add one already
 * linked. The record's client is the host's answer now, so a contact who
 * moved to another client lists only what is linked to it there. The
 * installer may leave either place out (settings: `staffPanels.contactPanel`,
 * `staffPanels.devicePanel`).
 */
export function recordPanelHook(lk: Latchkey, renderer: Renderer, kind: RecordKind): Hook {
  return async (actor, context, surface) => {
    const recordId = kind === 'contact' ? context.contactId : context.deviceId;
    if (actor.kind !== 'admin' || !recordId) return null;
    // Started first, as on the client summary: the services below read the settings from it.
    const settings = lk.settings.forPanelOf(actor);
    settings.catch(() => undefined);
    const [admins, record] = await Promise.all([
      lk.host.admins([actor.adminId]),
      kind === 'contact'
        ? lk.host.contacts([recordId]).then((found) => found.get(recordId) ?? null)
        : lk.host.devices([recordId]).then((found) => found.get(recordId) ?? null),
    ]);
    if (!(await settings).staffPanels[kind === 'contact' ? 'contactPanel' : 'devicePanel']) return null;
    const admin = admins.get(actor.adminId);
    if (!admin || admin.disabled || !record) return null;
    const clientLookup = lk.host.clients([record.clientId]).then((found) => found.get(record.clientId) ?? null);
    const link: RecordLink = kind === 'contact' ? { contactId: record.id } : { deviceId: record.id };
    const choice = readListChoice(context.params, PANEL_LIST_PREFIX);
    const data = staffClientData(lk, actor, record.clientId, clientLookup, choice, link);
    data.catch(() => undefined);
    const client = await clientLookup;
    if (!client) return null;
    const loaded = await data;
    const language = pickLanguage(context.language, admin.language);
    const list = await staffList(lk, actor, loaded, choice, surface, renderer.translator(language), undefined,
      `entry.noneFor${kind === 'contact' ? 'Contact' : 'Device'}`);
    return renderer.render(`hooks/${kind}-panel`, {
      ...panelBase(surface, actor, loaded.categories, { clientId: client.id, ...link }, loaded.dialog, loaded.linkFields),
      client: { id: client.id, name: client.name },
      record: { id: record.id, name: record.name },
      ...list,
    }, { language });
  };
}
