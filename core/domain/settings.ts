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
  clientPrivateEntries: {
    enabled: boolean;
    excludedClientGroupIds: string[];
  };
  clientServicePasswords: {
    enabled: boolean;
    excludedClientGroupIds: string[];
    excludedProductIds: string[];
    excludedProductGroupIds: string[];
  };
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
  clientPrivateEntries: { enabled: true, excludedClientGroupIds: [] },
  clientServicePasswords: {
    enabled: true,
    excludedClientGroupIds: [],
    excludedProductIds: [],
    excludedProductGroupIds: [],
  },
  clientEntryLimit: null,
  historyDepth: 10,
  defaultReminderDays: null,
  includePasswordInChangeMail: false,
  mailTemplates: {},
};
