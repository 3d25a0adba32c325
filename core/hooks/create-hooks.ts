import type { Latchkey } from '../latchkey.ts';
import type { Renderer } from '../render/renderer.ts';
import type { AddonSection } from './addon-section.ts';
import { adminPagesHook } from './admin-pages.ts';
import { clientAreaHook } from './client-area.ts';
import { clientSummaryHook } from './client-summary.ts';
import type { Hooks } from './hook-contract.ts';
import { ticketSidebarHook } from './ticket-sidebar.ts';

export interface CreateHooksOptions {
  /** Pages adapters add to the addon's own pages (after the built-in ones, in this order). */
  sections?: readonly AddonSection[];
}

/** The four hook places over one Latchkey instance; adapters serve them in-process or over HTTP. */
export function createHooks(lk: Latchkey, renderer: Renderer, options: CreateHooksOptions = {}): Hooks {
  return {
    clientSummary: clientSummaryHook(lk, renderer),
    ticketSidebar: ticketSidebarHook(lk, renderer),
    clientArea: clientAreaHook(lk, renderer),
    adminPages: adminPagesHook(lk, renderer, options.sections ?? []),
  };
}
