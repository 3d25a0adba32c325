import { z } from 'zod';
import {
  API_TOKEN_SCOPES, CLIENT_FIELDS, COPY_FIELDS, FIELD_ACCESS_LEVELS, LANGUAGES, principalKind, RULE_NAMES, SERVICE_EVENTS, settingsSchema, STEP_UP_METHODS, LINK_TARGETS_PAGE_MAX, SHARE_TARGETS_PAGE_MAX,
} from '../../core/index.ts';

/**
 * What the JSON API answers, as it travels: dates are ISO 8601 strings, ids
 * are strings. Every object is strict, so the OpenAPI document says
 * `additionalProperties: false` and a field a route starts sending without
 * being described here fails the contract test. Secrets appear only in the
 * reveal and copy responses.
 */

const isoDate = z.iso.datetime().describe('ISO 8601, UTC');
const actorRef = z.strictObject({ kind: z.string(), id: z.string().nullable() });
const owner = z.strictObject({ kind: z.enum(['admin', 'client']), id: z.string() });
const principal = z.strictObject({ kind: principalKind, id: z.string(), canEdit: z.boolean() });

/**
 * What the client may do with each field, keyed by field. A record, not an
 * object of named properties: its keys name fields (`password`, `notes`), its
 * values never hold one.
 */
const fieldAccess = z.partialRecord(z.enum(CLIENT_FIELDS), z.enum(FIELD_ACCESS_LEVELS))
  .describe(`Every one of ${CLIENT_FIELDS.join(", ")}: edit, read or hidden`);

const entry = z.strictObject({
  id: z.string().describe('A Latchkey id, or `service:<host id>` for a service\'s own credentials'),
  source: z.enum(['vault', 'service']),
  name: z.string(),
  username: z.string(),
  websiteUrl: z.string().nullable(),
  loginUrl: z.string().nullable(),
  owner,
  clientId: z.string().nullable(),
  links: z.strictObject({
    serviceId: z.string().nullable(),
    contactId: z.string().nullable(),
    deviceId: z.string().nullable(),
    ticketId: z.string().nullable(),
  }),
  categoryId: z.string().nullable(),
  sharedWithAdmin: z.boolean(),
  private: z.boolean(),
  reminderDays: z.number().int().nullable(),
  notifyOnChange: z.boolean(),
  clientFieldAccess: fieldAccess.nullable()
    .describe('What the client may do with each field: staff\'s choice (null: the settings\' default); to a client, its own access'),
  hasPassword: z.boolean(),
  hasNotes: z.boolean(),
  hasTotp: z.boolean(),
  version: z.number().int().min(1),
  createdAt: isoDate,
  updatedAt: isoDate,
  passwordChangedAt: isoDate.nullable(),
  tags: z.array(z.string()),
});

const category = z.strictObject({
  id: z.string(),
  name: z.string(),
  owner,
  members: z.array(principal),
  createdAt: isoDate,
  updatedAt: isoDate,
});

const auditEvent = z.strictObject({
  seq: z.number().int().min(1),
  at: isoDate,
  actor: actorRef,
  action: z.string(),
  entryId: z.string().nullable(),
  clientId: z.string().nullable(),
  categoryId: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});

const apiToken = z.strictObject({
  id: z.string(),
  name: z.string(),
  adminId: z.string().describe('The admin the token acts as; it never reaches further than this admin'),
  scopes: z.array(z.enum(API_TOKEN_SCOPES)).min(1),
  createdAt: isoDate,
  expiresAt: isoDate,
  lastUsedAt: isoDate.nullable(),
  revokedAt: isoDate.nullable(),
  status: z.enum(['active', 'expired', 'revoked']),
});

const importCounts = z.strictObject({
  create: z.number().int().min(0), alreadyThere: z.number().int().min(0), skipped: z.number().int().min(0),
  invalid: z.number().int().min(0), noClient: z.number().int().min(0),
});
const problem = z.strictObject({ field: z.string(), rule: z.enum(RULE_NAMES), message: z.string().describe('In the user\'s language') });

/** The body of every refusal but bad input, a conflict and an oversized body. */
const failure = (codes: readonly [string, ...string[]]) => z.strictObject({
  error: z.enum(codes),
  message: z.string().describe('In the user\'s language'),
});

/**
 * Every schema a response refers to, by the name the OpenAPI document files
 * it under (`#/components/schemas/<name>`).
 */
export const API_RESPONSES = {
  Entry: entry,
  EntryPage: z.strictObject({
    items: z.array(entry),
    total: z.number().int().min(0),
    totalIsAtLeast: z.boolean().describe('true when `total` is a floor: the count stopped there instead of reading on'),
    offset: z.number().int().min(0),
    limit: z.number().int().min(1),
  }),
  EntryList: z.array(entry),
  RevealedSecrets: z.strictObject({
    password: z.string().nullable(),
    notes: z.string().nullable(),
    totpCode: z.string().regex(/^\d{6}$/).nullable(),
    totpSecondsLeft: z.number().int().min(1).max(30).nullable(),
  }).describe('The entry\'s secrets, all at once (copying takes one field: CopiedField)'),
  CopiedField: z.strictObject({
    field: z.enum(COPY_FIELDS),
    value: z.string().describe('The field\'s value; for `totp` the current code, never the seed'),
    secondsLeft: z.number().int().min(1).max(30).nullable().describe('For `totp`: the seconds before the code changes; null otherwise'),
  }).describe('One field of an entry, for the clipboard (audited as `entry.copy`)'),
  TotpCode: z.strictObject({
    code: z.string().regex(/^\d{6}$/),
    secondsLeft: z.number().int().min(1).max(30),
  }).describe('The entry\'s current TOTP code (audited as a reveal of the TOTP)'),
  HistoryList: z.array(z.strictObject({
    id: z.string(),
    entryId: z.string(),
    version: z.number().int().min(1).describe('The entry version whose password this was'),
    changedAt: isoDate,
    changedBy: actorRef,
  })),
  Password: z.strictObject({ password: z.string() }),
  ApiToken: apiToken,
  ApiTokenList: z.array(apiToken),
  ApiTokenCreated: apiToken.extend({ token: z.string().regex(/^lk_[A-Za-z0-9_-]{43}$/) })
    .describe('The only response that carries the token: it is stored as a hash and never shown again'),
  Watching: z.strictObject({ watching: z.boolean() }),
  ImportPreview: z.strictObject({
    rows: z.array(z.strictObject({
      line: z.number().int().min(1).describe('The record\'s line in the file (its position, for JSON and XML)'),
      name: z.string(),
      status: z.enum(['create', 'alreadyThere', 'skipped', 'invalid', 'noClient']),
      clientId: z.string().nullable(),
      clientName: z.string().nullable(),
      category: z.string().nullable(),
      problems: z.array(problem),
      reason: z.string().nullable().describe('Why a skipped record is not imported (`notALogin`, `archived`)'),
    })),
    counts: importCounts,
  }).describe('Never a secret: names, clients and problems only'),
  ImportJob: z.strictObject({
    id: z.string(),
    status: z.enum(['running', 'done', 'failed']),
    done: z.number().int().min(0),
    total: z.number().int().min(0),
    counts: importCounts.nullable(),
    created: z.number().int().min(0).nullable(),
    error: z.string().nullable(),
    createdAt: isoDate,
    updatedAt: isoDate,
  }),
  StepUpStatus: z.strictObject({
    methods: z.array(z.enum(STEP_UP_METHODS)).describe('Empty until the person sets up a second factor'),
    recoveryCodesLeft: z.number().int().min(0),
    verifiedUntil: isoDate.nullable(),
  }),
  TotpEnrolment: z.strictObject({
    secret: z.string().regex(/^[A-Z2-7]+$/).describe('The base32 seed, for apps that cannot scan'),
    otpauthUri: z.string().startsWith('otpauth://totp/'),
    qrCode: z.string().startsWith('data:image/').describe('The otpauth URI as a QR code image'),
  }).describe('The only response that carries the seed'),
  RecoveryCodes: z.strictObject({
    recoveryCodes: z.array(z.string()).min(1),
    verifiedUntil: isoDate.nullable(),
  }).describe('The only response that carries the recovery codes: they are stored as hashes'),
  StepUpVerified: z.strictObject({ verifiedUntil: isoDate }),
  PasskeyOptions: z.looseObject({ challenge: z.string(), rpId: z.string().optional() })
    .describe('WebAuthn options (PublicKeyCredentialCreationOptionsJSON or PublicKeyCredentialRequestOptionsJSON) for the browser'),
  ClientList: z.array(z.strictObject({ id: z.string(), name: z.string() })).max(20),
  ContactList: z.array(z.strictObject({ id: z.string(), name: z.string(), detail: z.string() })).max(20),
  LinkTargetPage: z.strictObject({
    items: z.array(z.strictObject({ id: z.string(), name: z.string(), detail: z.string().nullable() })).max(LINK_TARGETS_PAGE_MAX),
    more: z.boolean(),
  }),
  ShareTargetPage: z.strictObject({
    items: z.array(z.strictObject({
      kind: z.enum(['admin', 'admin_role', 'client', 'contact']), id: z.string(), name: z.string(), detail: z.string().nullable(),
    })).max(SHARE_TARGETS_PAGE_MAX),
    more: z.boolean(),
  }),
  Category: category,
  CategoryList: z.array(category),
  Settings: settingsSchema.extend({ defaultClientFieldAccess: fieldAccess }),
  MailPreview: z.strictObject({ subject: z.string(), text: z.string(), html: z.string() }),
  AuditEventList: z.array(auditEvent),
  AuditSuggestionList: z.array(z.strictObject({ id: z.string(), name: z.string(), detail: z.string() })).max(20),
  ClientAccess: z.array(z.strictObject({
    entryId: z.string(),
    entryName: z.string(),
    person: z.strictObject({ kind: z.enum(['admin', 'client', 'contact']), id: z.string(), name: z.string() }),
    reasons: z.array(z.strictObject({
      kind: z.enum(['owner', 'extendedRole', 'grant', 'roleGrant', 'category', 'mode', 'service']),
      roleId: z.string().optional(),
      categoryId: z.string().optional(),
      mode: z.enum(['full', 'restricted', 'shared']).optional(),
    })).min(1),
    canEdit: z.boolean(),
  })),
  CsvFile: z.strictObject({ filename: z.string(), csv: z.string() }).describe('Cells that a spreadsheet would read as a formula are neutralised'),
  StaffAccess: z.array(z.strictObject({ clientId: z.string(), clientName: z.string(), entries: z.number().int().min(1) })),
  AccessReview: z.strictObject({
    lastReviewedAt: isoDate.nullable(),
    lastReviewedBy: z.string().nullable(),
    changes: z.array(z.strictObject({
      seq: z.number().int().min(1), at: isoDate, action: z.string(), actor: actorRef,
      entryId: z.string().nullable(), clientId: z.string().nullable(), details: z.record(z.string(), z.unknown()).nullable(),
    })),
  }),
  AlertList: z.array(z.strictObject({
    id: z.string(),
    rule: z.enum(['revealBurst', 'newPlace', 'refusedBurst', 'roleChange']),
    person: z.string().describe('`admin:<id>`, `client:<id>`, `client:<id>/<contact>`, or `*` for everyone together'),
    at: isoDate,
    details: z.record(z.string(), z.unknown()),
  })),
  Language: z.strictObject({ language: z.enum(LANGUAGES) }),
  ReminderRun: z.strictObject({
    queued: z.number().int().min(0), sent: z.number().int().min(0), failed: z.number().int().min(0), dropped: z.number().int().min(0),
  }),
  ServiceEventOutcome: z.strictObject({
    serviceId: z.string(),
    event: z.enum(SERVICE_EVENTS),
    reminders: z.number().int().min(0).describe('Rotation reminders queued (on `terminated`)'),
  }),
  OpenApiDocument: z.looseObject({
    openapi: z.string().regex(/^3\.1\.\d+$/),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.unknown()),
  }),

  InvalidInput: z.strictObject({
    error: z.literal('invalid_input'),
    field: z.string().describe('The first refused field, dotted (`grants.0.id`); `(body)` for unreadable JSON'),
    message: z.string(),
    summary: z.string(),
    issues: z.array(z.strictObject({ field: z.string(), rule: z.enum(RULE_NAMES), message: z.string() })).min(1),
  }),
  Unauthenticated: z.union([
    failure(['unauthenticated']),
    z.strictObject({ error: z.literal('invalid_token'), field: z.literal('authorization'), message: z.string() })
      .describe('An API token that is unknown, expired, revoked, or whose admin is gone: the reason is audited, not told'),
  ]),
  Forbidden: z.union([
    failure(['forbidden', 'csrf', 'client_area_unavailable']),
    z.strictObject({ error: z.literal('insufficient_scope'), field: z.literal('authorization'), message: z.string() })
      .describe('The API token lacks the scope this route needs'),
    z.strictObject({ error: z.literal('verification_required'), methods: z.array(z.enum(STEP_UP_METHODS)), message: z.string() })
      .describe('The settings ask for a fresh second-factor verification first (`POST /step-up/verify`); `methods` empty: set one up first'),
  ]),
  RateLimited: z.strictObject({ error: z.literal('rate_limited'), message: z.string(), retryAfterSeconds: z.number().int().min(1) }),
  NotFound: failure(['not_found']),
  Conflict: z.union([
    z.strictObject({ error: z.literal('conflict'), message: z.string(), currentVersion: z.number().int().min(1) }),
    z.strictObject({ error: z.literal('limit_exceeded'), message: z.string(), limit: z.number().int().min(1) }),
  ]),
  BodyTooLarge: z.strictObject({ error: z.literal('body_too_large'), message: z.string(), limitKib: z.number().int() }),
  UnsupportedBody: failure(['unsupported_body']),
  Unavailable: failure(['database_unavailable', 'host_unavailable']),
  Internal: z.strictObject({ error: z.string(), message: z.string() }),
} satisfies Record<string, z.ZodType>;

export type ApiResponseName = keyof typeof API_RESPONSES;
