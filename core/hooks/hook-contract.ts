import type { Actor } from '../domain/actor.ts';
import type { DateFormat } from '../render/date-format.ts';

/** The places a host shows Latchkey. */
export const HOOK_PLACES = ['clientSummary', 'ticketSidebar', 'contactPanel', 'devicePanel', 'clientArea', 'adminPages'] as const;
export type HookPlace = (typeof HOOK_PLACES)[number];

/** What the host page is about. Each place reads the ids it needs. */
export interface HookContext {
  /** clientSummary: the client whose summary page is open. */
  clientId?: string;
  /** ticketSidebar: the open ticket. */
  ticketId?: string;
  /** contactPanel: the contact whose page is open. */
  contactId?: string;
  /** devicePanel: the device whose page is open. */
  deviceId?: string;
  /** adminPages: dashboard | entries | categories | settings | audit | tokens, or an addon section's name; clientArea: a section. */
  page?: string;
  /** Page parameters: filters and paging of the addon pages. */
  params?: Record<string, string>;
  /** A language the user chose explicitly (the client-area switcher); else the host's preference. */
  language?: string;
}

/** How the rendered HTML reaches back to Latchkey: given by the adapter that serves it. */
export interface HookSurface {
  /** Base URL of the JSON API the page's script calls. */
  apiBase: string;
  /** Base URL of latchkey.js and latchkey.css. */
  assetBase: string;
  /** URL of the page showing this fragment; tabs and filters add their query to it. */
  pageUrl: string;
  /** Sent back in the X-CSRF-Token header of every state change. */
  csrfToken: string;
  /** Seconds after which a copied password is cleared from the clipboard. */
  clipboardClearSeconds: number;
  /** How the host writes dates; the panel's script writes them the same way. */
  dateFormat?: DateFormat;
}

/** A hook place: the HTML fragment to show, or null to hide the panel. */
export type Hook = (actor: Actor, context: HookContext, surface: HookSurface) => Promise<string | null>;

export type Hooks = Record<HookPlace, Hook>;
