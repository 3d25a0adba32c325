import type { Latchkey } from '../latchkey.ts';
import type { Renderer } from '../render/renderer.ts';
import type { AddonSection } from './addon-section.ts';
import { adminPagesHook } from './admin-pages.ts';
import { clientAreaHook } from './client-area.ts';
import { clientSummaryHook } from './client-summary.ts';
import { recordPanelHook } from './record-panel.ts';
import type { Hook, Hooks } from './hook-contract.ts';
import { DEFAULT_RENDER_DEADLINE_MS, withDeadline } from './render-deadline.ts';
import { ticketSidebarHook } from './ticket-sidebar.ts';

export interface CreateHooksOptions {
  /** Pages adapters add to the addon's own pages (after the built-in ones, in this order). */
  sections?: readonly AddonSection[];
  /**
   * Milliseconds one render may take, every host and database look-up
   * included (default 5 000). Past it the render fails with
   * HostUnavailableError: adapters show the "unavailable" state with a 503.
   */
  renderDeadlineMs?: number;
}

/** The hook places over one Latchkey instance; adapters serve them in-process or over HTTP. */
export function createHooks(lk: Latchkey, renderer: Renderer, options: CreateHooksOptions = {}): Hooks {
  const deadline = options.renderDeadlineMs ?? DEFAULT_RENDER_DEADLINE_MS;
  const place = (hook: Hook) => withDeadline(asOneRequest(lk, hook), deadline);
  return {
    clientSummary: place(clientSummaryHook(lk, renderer)),
    ticketSidebar: place(ticketSidebarHook(lk, renderer)),
    contactPanel: place(recordPanelHook(lk, renderer, 'contact')),
    devicePanel: place(recordPanelHook(lk, renderer, 'device')),
    clientArea: place(clientAreaHook(lk, renderer)),
    adminPages: place(adminPagesHook(lk, renderer, options.sections ?? [])),
  };
}

/**
 * Each render is one request: its services read the settings, the actor and its categories once between them
 * (or take them from an earlier render, proved current before the render is returned).
 */
function asOneRequest(lk: Latchkey, hook: Hook): Hook {
  return (actor, context, surface) => lk.settings.renderPanel(() => hook(actor, context, surface));
}
