import type { Latchkey } from '../latchkey.ts';
import type { Renderer } from '../render/renderer.ts';
import { pickLanguage } from '../render/languages.ts';
import { entryRows } from './entry-rows-model.ts';
import type { Hook } from './hook-contract.ts';
import { panelBase } from './panel-model.ts';
import { staffClientData } from './staff-client-data.ts';

const SYSTEM = { kind: 'system' } as const;

/**
 * The admin's client summary page: the client's access details this admin may
 * see, service credentials first, and a form to add one. The installer may
 * leave this place out (settings: `staffPanels.clientSummary`).
 */
export function clientSummaryHook(lk: Latchkey, renderer: Renderer): Hook {
  return async (actor, context, surface) => {
    if (actor.kind !== 'admin' || !context.clientId) return null;
    const [admins, clients, settings] = await Promise.all([
      lk.host.admins([actor.adminId]), lk.host.clients([context.clientId]), lk.settings.get(SYSTEM),
    ]);
    const admin = admins.get(actor.adminId);
    const client = clients.get(context.clientId);
    if (!settings.staffPanels.clientSummary || !admin || admin.disabled || !client) return null;
    const { entries, more, categories, targets, defaultDays } = await staffClientData(lk, actor, client);
    const rows = await entryRows(lk, actor, entries, categories);
    return renderer.render('hooks/client-summary', {
      ...panelBase(surface, actor, categories, targets, { clientId: client.id }, defaultDays),
      client: { id: client.id, name: client.name },
      rows,
      more,
    }, { language: pickLanguage(context.language, admin.language) });
  };
}
