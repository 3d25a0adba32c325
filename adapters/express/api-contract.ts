import { z } from 'zod';
import {
  auditQuerySchema, confirmTotpSchema, copyFieldSchema, createApiTokenSchema, exportRequestSchema, importRequestSchema, MAX_IMPORT_BYTES, passkeyOptionsSchema, registerPasskeySchema, resetStepUpSchema, verifyStepUpSchema, createCategorySchema, createEntrySchema, deleteEntrySchema, entryId, findClientsSchema, hostId, LANGUAGES, listEntriesSchema,
  mailPreviewSchema, ownId, passwordRulesSchema, serviceEventSchema, settingsPatchSchema, shareEntrySchema, updateCategorySchema, updateEntrySchema, linkTargetsQuerySchema, shareTargetsQuerySchema, auditExportQuerySchema, auditSearchSchema, restoreEntrySchema,
  type ApiTokenScope, type StepUpAction,
} from '../../core/index.ts';
import type { ApiResponseName } from './api-responses.ts';

export const languageSchema = z.strictObject({ language: z.enum(LANGUAGES) });
export const watchSchema = z.strictObject({ watch: z.boolean() });
/**
 * An import's body: the file as a JSON string, up to MAX_IMPORT_BYTES, whose
 * escaping (quotes and line breaks, all over a CSV) can double it.
 */
export const IMPORT_BODY_LIMIT_BYTES = 2 * MAX_IMPORT_BYTES + 64 * 1024;
/**
 * How far past the page's offset `GET /entries` counts: a caller who sees
 * most of a large vault is told "at least this many" instead of having every
 * entry read for an exact total.
 */
export const ENTRIES_COUNT_UP_TO = 1_000;
/** `?all=true` as a query string says it. */
const listApiTokensQuery = z.strictObject({ all: z.enum(['true', 'false']).optional() });

/** The rule of each route parameter: the same rules the schemas apply to ids in bodies. */
export const PATH_PARAMS = {
  id: entryId,
  categoryId: ownId,
  historyId: ownId,
  clientId: hostId,
  tokenId: ownId,
  jobId: ownId,
  adminId: hostId,
  // Names, not ids: a name no addon section has is a 404.
  section: z.string().describe('The name of an addon section'),
  action: z.string().describe('The name of one of the section\'s actions'),
} satisfies Record<string, z.ZodType>;

export type PathParam = keyof typeof PATH_PARAMS;
export type ApiMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Who may call a route: `public` anyone; `session` any session, a framed
 * panel's included (kept to the place and context its token named);
 * `unconfined` only a session that is not confined to one panel (the addon
 * pages' own calls); `hostJob` the host's own server, with a token it signs
 * like its embed tokens (`sub` `system`, `ctx` `{"job": …}`; host-job.ts).
 */
export type ApiAccess = 'public' | 'session' | 'unconfined' | 'hostJob';


export interface ApiRoute {
  readonly method: ApiMethod;
  /** Express syntax under `{base}/api`; every `:name` is a key of PATH_PARAMS. */
  readonly path: string;
  readonly summary: string;
  readonly access: ApiAccess;
  /** null for public routes, host jobs, and routes only a panel's session may call (no API token). */
  readonly tokenScope: ApiTokenScope | null;
  /** The schema the route validates its query string with; each key is one parameter. */
  readonly query?: z.ZodObject;
  /**
   * The schema the route validates its JSON body with; `optional` when a
   * missing body means `{}`; `form` when it also takes the same fields as a form.
   */
  readonly body?: { readonly schema: z.ZodType; readonly optional?: true; readonly form?: true; readonly limitBytes?: number };
  /** The media types of a 200 that is a file to save (Content-Disposition: attachment), not JSON. */
  readonly download?: readonly string[];
  /**
   * The answers particular to this route, by status: the name of the body's
   * schema in API_RESPONSES, or null for no body. The refusals every session
   * route can give (400, 401, 403, 404, 413, 415, 500, 503; host jobs 400,
   * 401, 413, 415, 500, 503) are added by the document; list others here.
   */
  readonly responses: Readonly<Partial<Record<200 | 201 | 204 | 404 | 409, ApiResponseName | null>>>;
  /**
   * The actions of the step-up settings this route performs: when the
   * settings guard any of them for the caller, the route answers 403
   * `verification_required` until the session has a fresh verification.
   */
  readonly stepUp?: readonly StepUpAction[];
}

/**
 * Every route of the JSON API, once: `apiRoutes` registers exactly these (a
 * handler per key, no other route), and the OpenAPI document describes
 * exactly these, so a route cannot exist undocumented. The key is the
 * operation's `operationId`; the order is the order of registration.
 */
export const API_ROUTES = {
  listEntries: {
    method: 'get', path: '/entries', summary: `Entries the caller may see, a page at a time; \`total\` counts at most ${ENTRIES_COUNT_UP_TO} past \`offset\` (\`totalIsAtLeast\` then says there are more)`,
    access: 'session', tokenScope: 'read', query: listEntriesSchema, responses: { 200: 'EntryPage' },
  },
  createEntry: {
    method: 'post', path: '/entries', summary: 'Creates an entry (409 `limit_exceeded` past the client\'s entry limit)',
    access: 'session', tokenScope: 'write', body: { schema: createEntrySchema }, responses: { 201: 'Entry', 409: 'Conflict' },
  },
  getEntry: {
    method: 'get', path: '/entries/:id', summary: 'One entry, without its secrets',
    access: 'session', tokenScope: 'read', responses: { 200: 'Entry' },
  },
  updateEntry: {
    method: 'patch', path: '/entries/:id', summary: 'Changes the fields named, at the version read (409 with `currentVersion` when stale)',
    access: 'session', tokenScope: 'write', body: { schema: updateEntrySchema }, responses: { 200: 'Entry', 409: 'Conflict' },
  },
  shareEntry: {
    method: 'put', path: '/entries/:id/grants', summary: 'Replaces who the entry is shared with',
    access: 'session', tokenScope: 'write', body: { schema: shareEntrySchema }, responses: { 200: 'Entry', 409: 'Conflict' }, stepUp: ['share'],
  },
  findShareTargets: {
    method: 'get', path: '/entries/:id/share-targets', summary: 'Who the caller may share the entry with, by part of a name or email (a page; `more` when there are more)',
    access: 'session', tokenScope: 'read', query: shareTargetsQuerySchema, responses: { 200: 'ShareTargetPage' },
  },
  deleteEntry: {
    method: 'delete', path: '/entries/:id', summary: 'Deletes the entry at the version the user decided on (`?version=<n>`)',
    access: 'session', tokenScope: 'write', query: deleteEntrySchema, responses: { 204: null, 409: 'Conflict' },
  },
  revealEntry: {
    method: 'post', path: '/entries/:id/reveal', summary: 'The entry\'s password, notes and current TOTP code (audited)',
    access: 'session', tokenScope: 'reveal', responses: { 200: 'RevealedSecrets' }, stepUp: ['reveal'],
  },
  copyEntryField: {
    method: 'post', path: '/entries/:id/copy', summary: 'One field of the entry for the clipboard, decrypting only that field (audited as `entry.copy`)',
    access: 'session', tokenScope: 'reveal', body: { schema: copyFieldSchema }, responses: { 200: 'CopiedField' }, stepUp: ['copy'],
  },
  revealTotp: {
    method: 'post', path: '/entries/:id/totp', summary: 'The entry\'s TOTP code of the moment, when the one shown ran out (audited as a reveal of the TOTP)',
    access: 'session', tokenScope: 'reveal', responses: { 200: 'TotpCode' }, stepUp: ['reveal'],
  },
  listHistory: {
    method: 'get', path: '/entries/:id/history', summary: 'The entry\'s former passwords, without their values',
    access: 'session', tokenScope: 'read', responses: { 200: 'HistoryList' },
  },
  revealHistory: {
    method: 'post', path: '/entries/:id/history/:historyId/reveal', summary: 'One former password (audited)',
    access: 'session', tokenScope: 'reveal', responses: { 200: 'Password' }, stepUp: ['historyReveal'],
  },
  restoreHistory: {
    method: 'post', path: '/entries/:id/history/:historyId/restore', summary: 'Makes a former password the current one again, at the version read (audited; 409 with `currentVersion` when stale)',
    // Restoring puts the old password back in use: the settings that guard revealing it guard this too.
    access: 'session', tokenScope: 'write', body: { schema: restoreEntrySchema }, responses: { 200: 'Entry', 409: 'Conflict' }, stepUp: ['historyReveal'],
  },
  watchEntry: {
    method: 'put', path: '/entries/:id/watch', summary: 'Asks, or stops asking, to be told by mail when the entry\'s password changes',
    access: 'session', tokenScope: 'write', body: { schema: watchSchema }, responses: { 200: 'Watching' },
  },
  listServiceCredentials: {
    method: 'get', path: '/services/:clientId', summary: 'The login details of the client\'s services, read from the host',
    access: 'session', tokenScope: 'read', responses: { 200: 'EntryList' },
  },
  findClients: {
    method: 'get', path: '/clients', summary: 'Clients whose name, company or email holds the search text (admins only; at most 20)',
    access: 'unconfined', tokenScope: 'read', query: findClientsSchema, responses: { 200: 'ClientList' },
  },
  findContacts: {
    method: 'get', path: '/contacts', summary: 'Contacts of any client whose name or email holds the search text, with their client (admins only; at most 20)',
    access: 'unconfined', tokenScope: 'read', query: findClientsSchema, responses: { 200: 'ContactList' },
  },
  findClientContacts: {
    method: 'get', path: '/clients/:clientId/contacts', summary: 'The client\'s contacts whose name or email holds the search text, to link an entry to (a page; `more` when there are more)',
    access: 'session', tokenScope: 'read', query: linkTargetsQuerySchema, responses: { 200: 'LinkTargetPage' },
  },
  findClientDevices: {
    method: 'get', path: '/clients/:clientId/devices', summary: 'The client\'s devices whose name holds the search text, to link an entry to (a page; `more` when there are more)',
    access: 'session', tokenScope: 'read', query: linkTargetsQuerySchema, responses: { 200: 'LinkTargetPage' },
  },
  findCategoryMembers: {
    method: 'get', path: '/category-members', summary: 'Who the caller may put in a category, by part of a name or email (a page; `more` when there are more)',
    access: 'session', tokenScope: 'read', query: shareTargetsQuerySchema, responses: { 200: 'ShareTargetPage' },
  },
  listCategories: {
    method: 'get', path: '/categories', summary: 'Categories the caller manages',
    access: 'unconfined', tokenScope: 'read', responses: { 200: 'CategoryList' },
  },
  createCategory: {
    method: 'post', path: '/categories', summary: 'Creates a category',
    access: 'unconfined', tokenScope: 'manage', body: { schema: createCategorySchema }, responses: { 201: 'Category' },
  },
  updateCategory: {
    method: 'patch', path: '/categories/:categoryId', summary: 'Renames a category or replaces its members',
    access: 'unconfined', tokenScope: 'manage', body: { schema: updateCategorySchema }, responses: { 200: 'Category' },
  },
  deleteCategory: {
    method: 'delete', path: '/categories/:categoryId', summary: 'Deletes a category; its entries stay, filed under none',
    access: 'unconfined', tokenScope: 'manage', responses: { 204: null },
  },
  getSettings: {
    method: 'get', path: '/settings', summary: 'The addon\'s settings (admins who may run the addon)',
    access: 'unconfined', tokenScope: 'manage', responses: { 200: 'Settings' },
  },
  updateSettings: {
    method: 'patch', path: '/settings', summary: 'Changes the settings named, down to the fields of a group',
    access: 'unconfined', tokenScope: 'manage', body: { schema: settingsPatchSchema }, responses: { 200: 'Settings' },
  },
  previewMail: {
    method: 'post', path: '/mail/preview', summary: 'Composes a sample mail from unsaved template text, as the dispatcher would',
    access: 'unconfined', tokenScope: 'manage', body: { schema: mailPreviewSchema }, responses: { 200: 'MailPreview' },
  },
  listAudit: {
    method: 'get', path: '/audit', summary: 'The audit trail, newest first (page on with `beforeSeq`)',
    access: 'unconfined', tokenScope: 'manage', query: auditQuerySchema, responses: { 200: 'AuditEventList' },
  },
  exportAuditCsv: {
    method: 'get', path: '/audit/csv', summary: 'The events the filters match as spreadsheet-safe CSV: a sentence each, then time, action, actor, client, entry, place and IP',
    access: 'unconfined', tokenScope: 'manage', query: auditExportQuerySchema, download: ['text/csv'], responses: { 200: null },
  },
  findAuditActors: {
    method: 'get', path: '/audit/actors', summary: 'Staff and clients by part of their name, keyed as the audit filter takes them (at most 20)',
    access: 'unconfined', tokenScope: 'manage', query: auditSearchSchema, responses: { 200: 'AuditSuggestionList' },
  },
  findAuditEntries: {
    method: 'get', path: '/audit/entries', summary: 'Entries by part of their name, for the audit filter (at most 20; names only)',
    access: 'unconfined', tokenScope: 'manage', query: auditSearchSchema, responses: { 200: 'AuditSuggestionList' },
  },
  getClientAccess: {
    method: 'get', path: '/access/clients/:clientId', summary: 'Everyone who can see each of the client\'s entries, and why, as the access policy decides',
    access: 'unconfined', tokenScope: 'manage', responses: { 200: 'ClientAccess' },
  },
  getClientAccessCsv: {
    method: 'get', path: '/access/clients/:clientId/csv', summary: 'The client\'s effective access as spreadsheet-safe CSV text',
    access: 'unconfined', tokenScope: 'manage', responses: { 200: 'CsvFile' },
  },
  getStaffAccess: {
    method: 'get', path: '/access/staff/:adminId', summary: 'Every client whose data the staff member reaches, with how many entries',
    access: 'unconfined', tokenScope: 'manage', responses: { 200: 'StaffAccess' },
  },
  getAccessReview: {
    method: 'get', path: '/access-review', summary: 'The last access review and what changed in access since',
    access: 'unconfined', tokenScope: 'manage', responses: { 200: 'AccessReview' },
  },
  markAccessReviewed: {
    method: 'post', path: '/access-review', summary: 'Marks access reviewed (audited)',
    access: 'unconfined', tokenScope: 'manage', responses: { 204: null },
  },
  listAlerts: {
    method: 'get', path: '/alerts', summary: 'The newest security alerts (never a secret)',
    access: 'unconfined', tokenScope: 'manage', responses: { 200: 'AlertList' },
  },
  runAddonAction: {
    method: 'post', path: '/addon/:section/:action', summary: 'Runs an action of a section an adapter added to the addon pages',
    access: 'unconfined', tokenScope: 'manage', body: { schema: z.record(z.string(), z.unknown()), optional: true }, responses: { 204: null },
  },
  listApiTokens: {
    method: 'get', path: '/tokens', summary: 'The caller\'s API tokens (`?all=true`: everyone\'s, for addon managers), never the tokens themselves',
    access: 'unconfined', tokenScope: null, query: listApiTokensQuery, responses: { 200: 'ApiTokenList' },
  },
  createApiToken: {
    method: 'post', path: '/tokens', summary: 'Creates an API token acting as the caller; the answer is the only place the token is shown',
    access: 'unconfined', tokenScope: null, body: { schema: createApiTokenSchema }, responses: { 201: 'ApiTokenCreated' }, stepUp: ['apiTokenCreate'],
  },
  revokeApiToken: {
    method: 'delete', path: '/tokens/:tokenId', summary: 'Revokes an API token (one\'s own; anyone\'s for addon managers)',
    access: 'unconfined', tokenScope: null, responses: { 204: null },
  },
  previewImport: {
    method: 'post', path: '/imports/preview', summary: 'What importing a file would do, row by row (status, client, problems by field); writes nothing',
    access: 'session', tokenScope: 'write', body: { schema: importRequestSchema, limitBytes: IMPORT_BODY_LIMIT_BYTES }, responses: { 200: 'ImportPreview' },
  },
  startImport: {
    method: 'post', path: '/imports', summary: 'Starts importing a file: refused at once when the input is bad, else a job to poll while it runs',
    access: 'session', tokenScope: 'write', body: { schema: importRequestSchema, limitBytes: IMPORT_BODY_LIMIT_BYTES }, responses: { 201: 'ImportJob' },
  },
  getImportJob: {
    method: 'get', path: '/imports/:jobId', summary: 'How far one of the caller\'s imports is, read from any instance',
    access: 'session', tokenScope: 'write', responses: { 200: 'ImportJob' },
  },
  exportEntries: {
    method: 'post', path: '/export', summary: 'A CSV or Latchkey JSON file of the entries the caller may see (all, a client\'s, a category\'s); each secret in it is audited as revealed',
    access: 'session', tokenScope: 'reveal', stepUp: ['export'], body: { schema: exportRequestSchema }, download: ['text/csv', 'application/json'], responses: { 200: null },
  },
  getStepUp: {
    method: 'get', path: '/step-up', summary: 'The caller\'s second factors, recovery codes left, and until when this session is verified',
    access: 'session', tokenScope: null, responses: { 200: 'StepUpStatus' },
  },
  beginTotp: {
    method: 'post', path: '/step-up/totp', summary: 'Starts setting up an authenticator app: its seed, otpauth URI and QR code, shown this once',
    access: 'session', tokenScope: null, responses: { 200: 'TotpEnrolment' },
  },
  confirmTotp: {
    method: 'post', path: '/step-up/totp/confirm', summary: 'Confirms the app with one of its codes; the answer is the only place the recovery codes are shown',
    access: 'session', tokenScope: null, body: { schema: confirmTotpSchema }, responses: { 200: 'RecoveryCodes' },
  },
  passkeyOptions: {
    method: 'post', path: '/step-up/passkey/options', summary: 'The options for the browser\'s WebAuthn call, to add a passkey or verify with one',
    access: 'session', tokenScope: null, body: { schema: passkeyOptionsSchema }, responses: { 200: 'PasskeyOptions' },
  },
  registerPasskey: {
    method: 'post', path: '/step-up/passkey', summary: 'Adds the passkey the browser made; this session counts as verified',
    access: 'session', tokenScope: null, body: { schema: registerPasskeySchema }, responses: { 200: 'StepUpVerified' },
  },
  verifyStepUp: {
    method: 'post', path: '/step-up/verify', summary: 'Verifies this session with a code from the app, a passkey, or a recovery code (throttled, audited)',
    access: 'session', tokenScope: null, body: { schema: verifyStepUpSchema }, responses: { 200: 'StepUpVerified' },
  },
  resetStepUp: {
    method: 'post', path: '/step-up/reset', summary: 'Forgets a person\'s second factors so they enrol afresh (addon managers; audited)',
    access: 'unconfined', tokenScope: null, body: { schema: resetStepUpSchema }, responses: { 204: null },
  },
  generatePassword: {
    method: 'post', path: '/password', summary: 'A new random password following the rules given',
    access: 'session', tokenScope: 'read', body: { schema: passwordRulesSchema, optional: true }, responses: { 200: 'Password' },
  },
  chooseLanguage: {
    method: 'post', path: '/language', summary: 'Remembers the language chosen in the client area (a cookie)',
    access: 'session', tokenScope: 'read', body: { schema: languageSchema }, responses: { 200: 'Language' },
  },
  openApiDocument: {
    method: 'get', path: '/openapi.json', summary: 'This document',
    access: 'public', tokenScope: null, responses: { 200: 'OpenApiDocument' },
  },
} as const satisfies Record<string, ApiRoute>;

export type ApiOperation = keyof typeof API_ROUTES;

/** The host's token, as the form field `token` when not sent as `Authorization: Bearer`. */
const hostJobToken = z.strictObject({ token: z.string().optional().describe('The host\'s token, when not sent as a bearer token') });

/**
 * The calls a host's own server makes (host-job.ts), each registered only
 * when the mount has what it needs: `cron` for the reminders, `embed` (the
 * host signs tokens) for service events. The document lists those the mount
 * registered.
 */
export const HOST_JOB_ROUTES = {
  runReminders: {
    method: 'post', path: '/cron/reminders', summary: 'Queues the reminders due and sends the outbox, for hosts whose own cron runs the job',
    access: 'hostJob', tokenScope: null, body: { schema: hostJobToken, optional: true, form: true }, responses: { 200: 'ReminderRun' },
  },
  recordServiceEvent: {
    method: 'post', path: '/host-events/service', summary: 'Records that the host created, suspended, unsuspended or terminated a service',
    access: 'hostJob', tokenScope: null, body: { schema: serviceEventSchema.extend(hostJobToken.shape), form: true }, responses: { 200: 'ServiceEventOutcome', 404: 'NotFound' },
  },
} as const satisfies Record<string, ApiRoute>;

export type HostJobOperation = keyof typeof HOST_JOB_ROUTES;

/** `/entries/:id` as OpenAPI writes it: `/entries/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, '{$1}');
}

/** The parameters in a route's path, in order. */
export function pathParams(path: string): PathParam[] {
  return [...path.matchAll(/:([A-Za-z]+)/g)].map(([, name]) => {
    if (!Object.hasOwn(PATH_PARAMS, name!)) throw new Error(`api-contract: ${path} has :${name}, which PATH_PARAMS does not describe`);
    return name as PathParam;
  });
}
