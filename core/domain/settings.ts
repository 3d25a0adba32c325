import type { ServiceStatus } from '../ports/host-directory.ts';
import { DEFAULT_CLIENT_FIELD_ACCESS, type ClientFieldAccess } from './field-access.ts';

export type AdminAccessMode = 'full' | 'restricted' | 'shared';

/**
 * How the installer wants access decided. The default is `restricted` with
 * nobody allowed: a fresh install shows client data to no admin until someone
 * chooses who may see it, because revealing too much cannot be undone and
 * revealing too little is one settings change away.
 */
export interface VaultSettings {
  adminAccessMode: AdminAccessMode;
  /** Admins who qualify for client data by id... */
  allowedAdminIds: string[];
  /** ...or by role: either one is enough. */
  allowedAdminRoleIds: string[];
  /** Roles whose admins see and edit every entry, and run the addon. */
  extendedAdminRoleIds: string[];
  /** Clients keeping access details of their own; an excluded client (by group or by id) keeps none it can see. */
  clientPrivateEntries: {
    enabled: boolean;
    excludedClientGroupIds: string[];
    excludedClientIds: string[];
  };
  clientServicePasswords: {
    enabled: boolean;
    excludedClientGroupIds: string[];
    excludedClientIds: string[];
    excludedProductIds: string[];
    excludedProductGroupIds: string[];
    /**
     * The service states in which its client sees its credentials, and the
     * entries linked to it. Staff see them in every state, with the state shown.
     */
    visibleStatuses: ServiceStatus[];
  };
  /**
   * Who has the client area at all: on or off for everyone, then off for the
   * excluded groups and clients, and for single contacts of a client that has it.
   */
  clientArea: {
    enabled: boolean;
    excludedClientGroupIds: string[];
    excludedClientIds: string[];
    /** Contacts (other than the account holder) denied the area even though their client has it. */
    restrictedContactIds: string[];
  };
  /** What the client and its contacts may do with each field of the staff entries filed under it, unless an entry says otherwise. */
  defaultClientFieldAccess: ClientFieldAccess;
  /** Where staff find the Latchkey panel: the host's client summary page and its ticket sidebar. */
  staffPanels: {
    clientSummary: boolean;
    ticketSidebar: boolean;
  };
  /** Clients (and their contacts) may import into and export their own entries from the client area. */
  clientImportExport: boolean;
  /** Most entries one client may own; null for no limit. */
  clientEntryLimit: number | null;
  /** How many old passwords each entry keeps. */
  historyDepth: number;
  /** Days after which a password is due for rotation, unless the entry says otherwise; null for never. */
  defaultReminderDays: number | null;
  /**
   * Put the new password in the mail that tells of a change. Off by default:
   * mail is stored and forwarded in the clear by servers nobody here controls.
   */
  includePasswordInChangeMail: boolean;
  /** Texts an admin wrote to replace the default mails, by kind and language. */
  mailTemplates: Partial<Record<'reminder' | 'password_changed', Partial<Record<'en' | 'fr' | 'de' | 'es' | 'it', { subject: string; body: string }>>>>;
}

export const DEFAULT_SETTINGS: VaultSettings = {
  adminAccessMode: 'restricted',
  allowedAdminIds: [],
  allowedAdminRoleIds: [],
  extendedAdminRoleIds: [],
  clientPrivateEntries: { enabled: true, excludedClientGroupIds: [], excludedClientIds: [] },
  clientServicePasswords: {
    enabled: true,
    excludedClientGroupIds: [],
    excludedClientIds: [],
    excludedProductIds: [],
    excludedProductGroupIds: [],
    // A pending service is not set up yet; suspended, ended or fraudulent ones no longer belong to the client's day.
    visibleStatuses: ['active'],
  },
  clientArea: { enabled: true, excludedClientGroupIds: [], excludedClientIds: [], restrictedContactIds: [] },
  defaultClientFieldAccess: DEFAULT_CLIENT_FIELD_ACCESS,
  staffPanels: { clientSummary: true, ticketSidebar: true },
  // Off until an admin chooses: an export is every secret a client has, in one file.
  clientImportExport: false,
  clientEntryLimit: null,
  historyDepth: 10,
  defaultReminderDays: null,
  includePasswordInChangeMail: false,
  mailTemplates: {},
};

/**
 * Stored settings over the defaults, group by group: a setting added in a
 * later version (a new exclusion list) takes its default in settings saved
 * before it existed.
 */
export function withDefaults(stored: SettingsChange): VaultSettings {
  return applySettingsChange(DEFAULT_SETTINGS, stored);
}

/** A change that names some settings, and within a group some of its fields. */
export type SettingsChange = Omit<Partial<VaultSettings>, 'clientPrivateEntries' | 'clientServicePasswords' | 'staffPanels' | 'clientArea' | 'defaultClientFieldAccess'> & {
  clientArea?: Partial<VaultSettings['clientArea']>;
  defaultClientFieldAccess?: Partial<ClientFieldAccess>;
  clientPrivateEntries?: Partial<VaultSettings['clientPrivateEntries']>;
  clientServicePasswords?: Partial<VaultSettings['clientServicePasswords']>;
  staffPanels?: Partial<VaultSettings['staffPanels']>;
};

/** The settings with a change applied: what it names changes, everything else stays. */
export function applySettingsChange(current: VaultSettings, change: SettingsChange): VaultSettings {
  return {
    ...current,
    ...change,
    clientPrivateEntries: { ...current.clientPrivateEntries, ...change.clientPrivateEntries },
    clientServicePasswords: { ...current.clientServicePasswords, ...change.clientServicePasswords },
    staffPanels: { ...current.staffPanels, ...change.staffPanels },
    clientArea: { ...current.clientArea, ...change.clientArea },
    defaultClientFieldAccess: { ...current.defaultClientFieldAccess, ...change.defaultClientFieldAccess },
  };
}
