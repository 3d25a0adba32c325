import type { ServiceStatus } from '../ports/host-directory.ts';
import { DEFAULT_STEP_UP, type StepUpSettings } from './step-up.ts';
import { DEFAULT_PASSWORD_RULES, type PasswordRules } from '../crypto/password-generator.ts';
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
  /** Where staff find the Latchkey panel: the host's client summary page, its ticket sidebar, and its contact and device pages. */
  staffPanels: {
    clientSummary: boolean;
    ticketSidebar: boolean;
    contactPanel: boolean;
    devicePanel: boolean;
  };
  /** Clients (and their contacts) may import into and export their own entries from the client area. */
  clientImportExport: boolean;
  /** Most entries one client may own; null for no limit. */
  clientEntryLimit: number | null;
  /** How many old passwords each entry keeps. */
  historyDepth: number;
  /** Seconds a revealed password stays on screen before the panel hides it again; 0 leaves it until hidden by hand. */
  revealHideSeconds: number;
  /** Days after which a password is due for rotation, unless the entry says otherwise; null for never. */
  defaultReminderDays: number | null;
  /**
   * Put the new password in the mail that tells of a change. Off by default:
   * mail is stored and forwarded in the clear by servers nobody here controls.
   */
  includePasswordInChangeMail: boolean;
  /**
   * How passwords are made and how strong they must be. Strength is the
   * zxcvbn score (0 very weak … 4 very strong) the dialog's meter shows; the
   * server refuses a password below the minimum of its entry.
   */
  passwordPolicy: {
    /** What the dialog's generator starts from; users adjust it there. */
    generator: PasswordRules;
    /** Least score of a staff entry's password; 0 accepts any. */
    staffMinimumScore: number;
    /** Least score of a client entry's password, by the owning client's group; a group not named accepts any. */
    clientGroupMinimumScores: Record<string, number>;
  };
  /** When addon managers are told of unusual access (core/services/security-alerts.ts). */
  securityAlerts: SecurityAlertSettings;
  /** Days between the access reviews addon managers are reminded of; null for no reminders. */
  accessReviewDays: number | null;
  /** Texts an admin wrote to replace the default mails, by kind and language. */
  mailTemplates: Partial<Record<'reminder' | 'password_changed', Partial<Record<'en' | 'fr' | 'de' | 'es' | 'it', { subject: string; body: string }>>>>;
  /** Second-factor verification before sensitive actions (off by default). */
  stepUp: StepUpSettings;
}

/**
 * The alert rules. Each rule alerts at most once per person and window, so a
 * burst gives one mail, not one per event.
 */
export interface SecurityAlertSettings {
  /** One person revealing more than `count` secrets within `minutes`. */
  revealBurst: { enabled: boolean; count: number; minutes: number };
  /** A reveal from an address or browser never seen for that person (their first ever is not news). */
  newPlace: { enabled: boolean };
  /** More than `count` refused tokens or failed verifications, everyone together, within `minutes`. */
  refusedBurst: { enabled: boolean; count: number; minutes: number };
  /** A reveal by an admin whose host role changed within the last `hours`. */
  roleChange: { enabled: boolean; hours: number };
}

export const DEFAULT_SECURITY_ALERTS: SecurityAlertSettings = {
  revealBurst: { enabled: true, count: 20, minutes: 10 },
  newPlace: { enabled: true },
  refusedBurst: { enabled: true, count: 20, minutes: 5 },
  roleChange: { enabled: true, hours: 24 },
};

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
  staffPanels: { clientSummary: true, ticketSidebar: true, contactPanel: true, devicePanel: true },
  // Off until an admin chooses: an export is every secret a client has, in one file.
  clientImportExport: false,
  clientEntryLimit: null,
  historyDepth: 10,
  revealHideSeconds: 30,
  defaultReminderDays: null,
  includePasswordInChangeMail: false,
  passwordPolicy: { generator: DEFAULT_PASSWORD_RULES, staffMinimumScore: 0, clientGroupMinimumScores: {} },
  securityAlerts: DEFAULT_SECURITY_ALERTS,
  accessReviewDays: 90,
  mailTemplates: {},
  stepUp: DEFAULT_STEP_UP,
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
export type SettingsChange = Omit<
  Partial<VaultSettings>,
  'clientPrivateEntries' | 'clientServicePasswords' | 'staffPanels' | 'stepUp' | 'passwordPolicy' | 'securityAlerts' | 'clientArea' | 'defaultClientFieldAccess'
> & {
  stepUp?: Partial<StepUpSettings>;
  passwordPolicy?: Partial<VaultSettings['passwordPolicy']>;
  securityAlerts?: { [K in keyof SecurityAlertSettings]?: Partial<SecurityAlertSettings[K]> };
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
    stepUp: { ...current.stepUp, ...change.stepUp },
    passwordPolicy: {
      ...current.passwordPolicy,
      ...change.passwordPolicy,
      // Older stored settings hold rules from before passphrases: the new ones take their defaults.
      generator: { ...DEFAULT_PASSWORD_RULES, ...current.passwordPolicy.generator, ...change.passwordPolicy?.generator },
      // A score of 0 accepts any password, as a group not named does: kept one way, so a form saved unchanged changes nothing.
      clientGroupMinimumScores: Object.fromEntries(Object.entries(change.passwordPolicy?.clientGroupMinimumScores ?? current.passwordPolicy.clientGroupMinimumScores)
        .filter(([, score]) => score > 0)),
    },
    securityAlerts: mergeAlertRules(current.securityAlerts, change.securityAlerts),
    clientArea: { ...current.clientArea, ...change.clientArea },
    defaultClientFieldAccess: { ...current.defaultClientFieldAccess, ...change.defaultClientFieldAccess },
  };
}

/** Each rule keeps the fields a change does not name. */
function mergeAlertRules(current: SecurityAlertSettings, change: SettingsChange['securityAlerts']): SecurityAlertSettings {
  return {
    revealBurst: { ...current.revealBurst, ...change?.revealBurst },
    newPlace: { ...current.newPlace, ...change?.newPlace },
    refusedBurst: { ...current.refusedBurst, ...change?.refusedBurst },
    roleChange: { ...current.roleChange, ...change?.roleChange },
  };
}
