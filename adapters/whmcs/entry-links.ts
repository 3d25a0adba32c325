import { entryFragment, type EntryLinks } from '../../core/index.ts';

export interface WhmcsPages {
  /** The WHMCS System URL, http(s). */
  url: string;
  /** The admin area's folder (WHMCS's `$customadminpath`), `admin` unless renamed. */
  adminPath?: string;
}

/**
 * Where WHMCS shows an entry, for the links in reminder mails: staff open an
 * entry filed under a client on that client's summary (the module's
 * AdminAreaClientSummaryPage panel), other entries on the addon's entries
 * page; clients and their contacts on the module's client area page
 * (`index.php?m=latchkey`). The module hands the page's `#lk-entry-<id>` on
 * to the panel in its frame, which opens that entry.
 */
export function whmcsEntryLinks(pages: WhmcsPages): EntryLinks {
  const base = pages.url.replace(/\/+$/, '');
  const admin = `${base}/${pages.adminPath ?? 'admin'}`;
  return {
    staff: (entry) => entry.clientId !== null
      ? `${admin}/clientssummary.php?userid=${encodeURIComponent(entry.clientId)}${entryFragment(entry.id)}`
      : `${admin}/addonmodules.php?module=latchkey&view=entries${entryFragment(entry.id)}`,
    client: (entry) => `${base}/index.php?m=latchkey${entryFragment(entry.id)}`,
  };
}
