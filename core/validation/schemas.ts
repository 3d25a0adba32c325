import { z } from 'zod';
import { SERVICE_STATUSES } from '../ports/host-directory.ts';
import { STEP_UP_ACTIONS } from '../domain/step-up.ts';
import { textOf } from './text.ts';
import { normaliseTags, tagKey, TAG_MAX_LENGTH, TAGS_PER_ENTRY } from '../domain/tags.ts';
import { GRANT_LEVELS, grantAt } from '../domain/entry.ts';
import { FIELD_ACCESS_LEVELS } from '../domain/field-access.ts';
import { COPY_FIELDS } from '../domain/copied-field.ts';

const KIB = 1024;

const bytesAtMost = (limit: number, label: string) =>
  z.string().refine((s) => Buffer.byteLength(s, 'utf8') <= limit, { message: 'maxBytes', params: { size: label } });

/** An id the host gave us: WHMCS sends numbers, helpdesks send strings; we keep strings. */
export const hostId = z
  .union([z.string(), z.number().int().nonnegative()], { error: 'hostId' })
  .transform(String)
  .pipe(z.string().regex(/^[A-Za-z0-9_.:@-]{1,64}$/, 'hostId'));

/** One of our own ids (UUIDv7). */
export const ownId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'latchkeyId');

/** An entry's id: one of ours, or `service:<host id>` for the host's service credentials. */
export const entryId = z.string().refine(
  (value) => ownId.safeParse(value).success || (value.startsWith('service:') && hostId.safeParse(value.slice('service:'.length)).success),
  'entryId',
);

/** One line of text (see text.ts for which characters each kind refuses). */
const line = () => z.string().superRefine(textOf('line'));

/** Only http and https become links; anything else (javascript:, data:) is refused. */
export const httpUrl = z
  .string()
  .trim()
  .max(2048)
  .superRefine(textOf('line'))
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'httpUrl');

/** Trimmed before the character check: spaces, line breaks or a byte-order mark at either end are dropped, inside refused. */
const name = z.string().trim().min(1).max(255).superRefine(textOf('line'));
const username = line().max(255);
const password = bytesAtMost(4 * KIB, '4 KiB').superRefine(textOf('secret'));
const notes = bytesAtMost(64 * KIB, '64 KiB').superRefine(textOf('lines'));
const totpSecret = z
  .string()
  .transform((s) => s.replace(/[\s-]/g, '').toUpperCase())
  .pipe(z.string().regex(/^[A-Z2-7]{16,128}=*$/, 'totpSeed'));
/** An entry's own rotation period in days; 0 turns its reminders off, null follows the default. */
const reminderDays = z.number().int().min(0).max(3650);
const defaultReminderDays = z.number().int().min(1).max(3650);

/** One tag as typed: a comma separates tags in a CSV cell, so it cannot be part of one. */
const tag = z.string().trim().max(TAG_MAX_LENGTH).superRefine(textOf('line')).refine((value) => !value.includes(','), 'tagComma');
/** An entry's tags, normalised (see domain/tags.ts): saving the same tags in another order or case changes nothing. */
export const tagsSchema = z.array(tag).max(TAGS_PER_ENTRY).transform(normaliseTags);

export const principalKind = z.enum(['admin', 'admin_role', 'client', 'contact']);

/**
 * A grant names its level (view, edit, share); `canEdit` alone, as before
 * levels, still reads as edit or view. Both, disagreeing, are refused.
 */
export const grantSchema = z.strictObject({
  kind: principalKind,
  id: hostId,
  canEdit: z.boolean().optional().describe('Before levels: true is edit, false (or absent) view. Still accepted'),
  level: z.enum(GRANT_LEVELS).optional().describe('view, edit, or share (edit and change who the entry is shared with)'),
}).superRefine((g, ctx) => {
  if (g.level !== undefined && g.canEdit !== undefined && g.canEdit !== (g.level !== 'view')) {
    ctx.addIssue({ code: 'custom', path: ['level'], message: 'levelDisagreesWithCanEdit' });
  }
}).transform((g) => grantAt(g, g.level ?? (g.canEdit === true ? 'edit' : 'view')));

/** What the client may do with each field of a staff entry; null follows the settings' default. */
export const fieldAccessSchema = z.strictObject({
  username: z.enum(FIELD_ACCESS_LEVELS),
  password: z.enum(FIELD_ACCESS_LEVELS),
  urls: z.enum(FIELD_ACCESS_LEVELS),
  notes: z.enum(FIELD_ACCESS_LEVELS),
  totp: z.enum(FIELD_ACCESS_LEVELS),
});

export const grantsSchema = z.array(grantSchema).max(200);

export const createEntrySchema = z.strictObject({
  name,
  username: username.default(''),
  password: password.optional(),
  websiteUrl: httpUrl.nullable().optional(),
  loginUrl: httpUrl.nullable().optional(),
  notes: notes.optional(),
  totpSecret: totpSecret.optional(),
  clientId: hostId.nullable().optional(),
  serviceId: hostId.nullable().optional(),
  contactId: hostId.nullable().optional(),
  deviceId: hostId.nullable().optional(),
  ticketId: hostId.nullable().optional(),
  categoryId: ownId.nullable().optional(),
  sharedWithAdmin: z.boolean().default(false),
  /** Staff only: keep an entry filed under a client to oneself instead of sharing it with the team. */
  private: z.boolean().default(false),
  reminderDays: reminderDays.nullable().optional(),
  notifyOnChange: z.boolean().default(false),
  /** Staff only: what the client may do with each field. */
  clientFieldAccess: fieldAccessSchema.nullable().optional(),
  grants: grantsSchema.optional(),
  tags: tagsSchema.optional(),
});
export type CreateEntryInput = z.input<typeof createEntrySchema>;

export const updateEntrySchema = z.strictObject({
  version: z.number().int().min(1),
  name: name.optional(),
  username: username.optional(),
  password: password.nullable().optional(),
  websiteUrl: httpUrl.nullable().optional(),
  loginUrl: httpUrl.nullable().optional(),
  notes: notes.nullable().optional(),
  totpSecret: totpSecret.nullable().optional(),
  serviceId: hostId.nullable().optional(),
  contactId: hostId.nullable().optional(),
  deviceId: hostId.nullable().optional(),
  ticketId: hostId.nullable().optional(),
  categoryId: ownId.nullable().optional(),
  sharedWithAdmin: z.boolean().optional(),
  private: z.boolean().optional(),
  reminderDays: reminderDays.nullable().optional(),
  notifyOnChange: z.boolean().optional(),
  tags: tagsSchema.optional(),
  clientFieldAccess: fieldAccessSchema.nullable().optional(),
});
export type UpdateEntryInput = z.input<typeof updateEntrySchema>;

export const shareEntrySchema = z.strictObject({
  version: z.number().int().min(1),
  grants: grantsSchema,
  sharedWithAdmin: z.boolean().optional(),
});
export type ShareEntryInput = z.input<typeof shareEntrySchema>;

/** A delete names the version it was decided on, as an update does: deleting what someone changed meanwhile is a conflict. */
export const deleteEntrySchema = z.strictObject({
  version: z.number().int().min(1),
});
export type DeleteEntryInput = z.input<typeof deleteEntrySchema>;

/** Which one field of an entry to copy. */
export const copyFieldSchema = z.strictObject({
  field: z.enum(COPY_FIELDS),
});
export type CopyFieldInput = z.input<typeof copyFieldSchema>;

/** The columns a list of entries can be sorted by; each has an index that keeps a page's read short. */
export const ENTRY_SORTS = ['name', 'username', 'updatedAt', 'passwordChangedAt', 'category'] as const;
export type EntrySort = (typeof ENTRY_SORTS)[number];
/** A restore names the version it was decided on, as an update does. */
export const restoreEntrySchema = z.strictObject({
  version: z.number().int().min(1),
});
export type RestoreEntryInput = z.input<typeof restoreEntrySchema>;

export const listEntriesSchema = z.strictObject({
  clientId: hostId.optional(),
  ownerKind: z.enum(['admin', 'client']).optional(),
  ownerId: hostId.optional(),
  categoryId: ownId.optional(),
  serviceId: hostId.optional(),
  contactId: hostId.optional(),
  deviceId: hostId.optional(),
  ticketId: hostId.optional(),
  search: z.string().trim().max(255).superRefine(textOf('line')).optional(),
  /** Entries carrying this tag, whatever its case. */
  tag: z.string().trim().min(1).max(TAG_MAX_LENGTH).superRefine(textOf('line')).transform(tagKey).optional(),
  /** Entries whose password is older than its rotation period (as the dashboard counts them). */
  rotation: z.enum(['overdue']).optional(),
  /** Entries linked to one of the client's services in this status: needs one client (`clientId`, or a client's own list). */
  serviceStatus: z.enum(SERVICE_STATUSES).optional(),
  sort: z.enum(ENTRY_SORTS).default('name'),
  direction: z.enum(['asc', 'desc']).default('asc'),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(500).default(50),
});
export type ListEntriesQuery = z.input<typeof listEntriesSchema>;

/** The client whose service credentials are listed. */
export const serviceListSchema = z.strictObject({ clientId: hostId });

export const categoryMemberSchema = z.strictObject({
  kind: principalKind,
  id: hostId,
  canEdit: z.boolean().default(false),
});

export const createCategorySchema = z.strictObject({
  name,
  members: z.array(categoryMemberSchema).max(500).default([]),
});
export type CreateCategoryInput = z.input<typeof createCategorySchema>;

export const updateCategorySchema = z.strictObject({
  name: name.optional(),
  members: z.array(categoryMemberSchema).max(500).optional(),
});
export type UpdateCategoryInput = z.input<typeof updateCategorySchema>;

/** The generator's rules as settings keep them: every one named. */
const generatorRules = z.strictObject({
  mode: z.enum(['characters', 'passphrase']),
  length: z.number().int().min(8).max(256),
  lower: z.boolean(),
  upper: z.boolean(),
  digits: z.boolean(),
  symbols: z.boolean(),
  avoidAmbiguous: z.boolean(),
  words: z.number().int().min(4).max(12),
});
/** A passphrase is words; random characters need at least one class to draw from. */
const oneClassChosen = (r: { mode: string; lower: boolean; upper: boolean; digits: boolean; symbols: boolean }) =>
  r.mode === 'passphrase' || r.lower || r.upper || r.digits || r.symbols;
const classRule = { message: 'oneCharacterClass', path: ['lower'] };

export const passwordRulesSchema = z.strictObject({
  mode: generatorRules.shape.mode.default('characters'),
  length: generatorRules.shape.length.default(20),
  lower: z.boolean().default(true),
  upper: z.boolean().default(true),
  digits: z.boolean().default(true),
  symbols: z.boolean().default(true),
  avoidAmbiguous: z.boolean().default(false),
  words: generatorRules.shape.words.default(6),
}).refine(oneClassChosen, classRule);
export type PasswordRulesInput = z.input<typeof passwordRulesSchema>;

const idList = z.array(hostId).max(1000);
/** A zxcvbn score: 0 (too guessable) to 4 (very unguessable). */
const strengthScore = z.number().int().min(0).max(4);

/** Plain text with {{placeholders}}; never compiled as a template, and escaped in the HTML part. */
const mailTemplate = z.strictObject({
  subject: z.string().trim().min(1).max(255).superRefine(textOf('line')),
  body: z.string().trim().min(1).max(10_000).superRefine(textOf('lines')),
});
const mailTemplatesByLanguage = z.strictObject({
  en: mailTemplate.optional(), fr: mailTemplate.optional(), de: mailTemplate.optional(),
  es: mailTemplate.optional(), it: mailTemplate.optional(),
});

const alertCount = z.number().int().min(1).max(10000);
const alertMinutes = z.number().int().min(1).max(1440);
const securityAlertsSchema = z.strictObject({
  revealBurst: z.strictObject({ enabled: z.boolean(), count: alertCount, minutes: alertMinutes }),
  newPlace: z.strictObject({ enabled: z.boolean() }),
  refusedBurst: z.strictObject({ enabled: z.boolean(), count: alertCount, minutes: alertMinutes }),
  roleChange: z.strictObject({ enabled: z.boolean(), hours: z.number().int().min(1).max(720) }),
});

export const settingsSchema = z.strictObject({
  adminAccessMode: z.enum(['full', 'restricted', 'shared']),
  allowedAdminIds: idList,
  allowedAdminRoleIds: idList,
  extendedAdminRoleIds: idList,
  clientPrivateEntries: z.strictObject({
    enabled: z.boolean(),
    excludedClientGroupIds: idList,
    excludedClientIds: idList,
  }),
  clientServicePasswords: z.strictObject({
    enabled: z.boolean(),
    excludedClientGroupIds: idList,
    excludedClientIds: idList,
    excludedProductIds: idList,
    excludedProductGroupIds: idList,
    visibleStatuses: z.array(z.enum(SERVICE_STATUSES)).max(SERVICE_STATUSES.length),
  }),
  staffPanels: z.strictObject({
    clientSummary: z.boolean(),
    ticketSidebar: z.boolean(),
    contactPanel: z.boolean(),
    devicePanel: z.boolean(),
  }),
  clientArea: z.strictObject({
    enabled: z.boolean(),
    excludedClientGroupIds: idList,
    excludedClientIds: idList,
    restrictedContactIds: idList,
  }),
  defaultClientFieldAccess: fieldAccessSchema,
  clientImportExport: z.boolean(),
  clientEntryLimit: z.number().int().min(1).max(100000).nullable(),
  historyDepth: z.number().int().min(0).max(100),
  revealHideSeconds: z.number().int().min(0).max(3600),
  defaultReminderDays: defaultReminderDays.nullable(),
  includePasswordInChangeMail: z.boolean(),
  passwordPolicy: z.strictObject({
    generator: generatorRules.refine(oneClassChosen, classRule),
    staffMinimumScore: strengthScore,
    clientGroupMinimumScores: z.record(hostId, strengthScore),
  }),
  securityAlerts: securityAlertsSchema,
  accessReviewDays: z.number().int().min(1).max(3650).nullable(),
  mailTemplates: z.strictObject({
    reminder: mailTemplatesByLanguage.optional(),
    password_changed: mailTemplatesByLanguage.optional(),
  }),
  stepUp: z.strictObject({
    actions: z.array(z.enum(STEP_UP_ACTIONS)).max(STEP_UP_ACTIONS.length),
    allStaff: z.boolean(),
    staffRoleIds: idList,
    allClients: z.boolean(),
    clientGroupIds: idList,
    minutes: z.number().int().min(1).max(1440),
    exemptApiTokens: z.boolean(),
  }),
});

/** A settings change names only what changes, down to the fields of a group. */
export const settingsPatchSchema = settingsSchema.extend({
  clientPrivateEntries: settingsSchema.shape.clientPrivateEntries.partial(),
  clientServicePasswords: settingsSchema.shape.clientServicePasswords.partial(),
  staffPanels: settingsSchema.shape.staffPanels.partial(),
  stepUp: settingsSchema.shape.stepUp.partial(),
  passwordPolicy: settingsSchema.shape.passwordPolicy.partial(),
  securityAlerts: z.strictObject({
    revealBurst: securityAlertsSchema.shape.revealBurst.partial(),
    newPlace: securityAlertsSchema.shape.newPlace.partial(),
    refusedBurst: securityAlertsSchema.shape.refusedBurst.partial(),
    roleChange: securityAlertsSchema.shape.roleChange.partial(),
  }).partial(),
  clientArea: settingsSchema.shape.clientArea.partial(),
  defaultClientFieldAccess: fieldAccessSchema.partial(),
}).partial();
export type SettingsPatch = z.input<typeof settingsPatchSchema>;

export const clientCategoriesSchema = z.strictObject({
  clientId: hostId.optional(),
  /** Categories whose name contains this. */
  search: z.string().trim().max(255).superRefine(textOf('line')).optional(),
  offset: z.number().int().min(0).max(1_000_000).default(0),
  limit: z.number().int().min(1).max(200).default(50),
});
export type ClientCategoriesQuery = z.input<typeof clientCategoriesSchema>;

/** A calendar day as a date input sends it; a day that does not exist (2026-02-30) is refused too. */
const auditDay = z.string().refine((s) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const day = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().startsWith(s);
}, 'isoDay');

/** What the audit page filters on: by client, entry, person, action and days. */
const auditFilters = {
  clientId: hostId.optional(),
  entryId: entryId.optional(),
  actorKind: z.enum(['admin', 'client', 'system']).optional(),
  actorId: line().max(140).optional(),
  action: line().max(40).optional(),
  /** Events from the start of this day (UTC), `YYYY-MM-DD`. */
  from: auditDay.optional(),
  /** Events up to the end of this day (UTC), `YYYY-MM-DD`. */
  to: auditDay.optional(),
};
const daysInOrder = (q: { from?: string; to?: string }) => q.from === undefined || q.to === undefined || q.from <= q.to;

export const auditQuerySchema = z.strictObject({
  ...auditFilters,
  beforeSeq: z.number().int().min(1).optional(),
  limit: z.number().int().min(1).max(500).default(100),
}).refine(daysInOrder, { path: ['to'], message: 'endBeforeStart' });
/** The audit CSV: every event the filters match, newest first. */
export const auditExportQuerySchema = z.strictObject(auditFilters).refine(daysInOrder, { path: ['to'], message: 'endBeforeStart' });
export type AuditExportQuery = z.input<typeof auditExportQuerySchema>;
export type AuditQuery = z.input<typeof auditQuerySchema>;
