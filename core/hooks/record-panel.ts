import type { Latchkey } from '../latchkey.ts';
import type { Renderer } from '../render/renderer.ts';
import { pickLanguage } from '../render/languages.ts';
import { entryRows } from './entry-rows-model.ts';
import type { Hook } from './hook-contract.ts';
import { namesFrom, panelBase } from './panel-model.ts';
import { clientDataHiddenFrom, staffClientData, type RecordLink } from './staff-client-data.ts';

const SYSTEM = { kind: 'system' } as const;

/** The host records a staff page can be about besides clients and tickets. */
export type RecordKind = 'contact' | 'device';

/**
 * A staff page about one contact or device of a client: the access details
 * linked to it that this admin may see, and a form to add one already
 * linked. The record's client is the host's answer now, so a contact who
 * moved to another client lists only what is linked to it there.
 */
export function recordPanelHook(lk: Latchkey, renderer: Renderer, kind: RecordKind): Hook {
  return async (actor, context, surface) => {
    const recordId = kind === 'contact' ? context.contactId : context.deviceId;
    if (actor.kind !== 'admin' || !recordId) return null;
    const [admins, record] = await Promise.all([
      lk.host.admins([actor.adminId]),
      kind === 'contact'
        ? lk.host.contacts([recordId]).then((found) => found.get(recordId) ?? null)
        : lk.host.devices([recordId]).then((found) => found.get(recordId) ?? null),
    ]);
    const admin = admins.get(actor.adminId);
    if (!admin || admin.disabled || !record) return null;
    const clientLookup = lk.host.clients([record.clientId]).then((found) => found.get(record.clientId) ?? null);
    const link: RecordLink = kind === 'contact' ? { contactId: record.id } : { deviceId: record.id };
    const data = staffClientData(lk, actor, record.clientId, clientLookup, link);
    data.catch(() => undefined);
    const [client, settings] = await Promise.all([clientLookup, lk.settings.get(SYSTEM)]);
    if (!client) return null;
    const { entries, more, facts, categories, targets, dialog, linkFields } = await data;
    const rows = await entryRows(lk, actor, entries, categories, undefined, namesFrom(lk, targets), facts);
    const hidden = clientDataHiddenFrom(admin, settings);
    return renderer.render(`hooks/${kind}-panel`, {
      ...panelBase(surface, actor, categories, targets, { clientId: client.id, ...link }, dialog, linkFields),
      client: { id: client.id, name: client.name },
      record: { id: record.id, name: record.name },
      clientDataHidden: hidden,
      // Hidden data may be there: "none yet" would not be true.
      emptyKey: hidden ? 'entry.noneSharedWithYou' : `entry.noneFor${kind === 'contact' ? 'Contact' : 'Device'}`,
      rows,
      more,
    }, { language: pickLanguage(context.language, admin.language) });
  };
}
