// The public surface of Latchkey's core: what hosts and adapters build on.
export { createLatchkey, type Latchkey, type LatchkeyOptions, type MailLoopOptions } from './latchkey.ts';
export * from './errors.ts';
export { Secret } from './domain/secret.ts';
export type { Actor, AdminActor, ApiTokenUse, ClientActor, SystemActor, RequestOrigin, PanelPlace, Principal, PrincipalKind } from './domain/actor.ts';
export { describeActor } from './domain/actor.ts';
export type { EntryView, Grant, HistoryItem, Owner, Page, RevealedSecrets } from './domain/entry.ts';
export { COPY_FIELDS, type CopiedField, type CopyField, type CurrentTotp } from './domain/copied-field.ts';
export type { Category, CategoryMember } from './domain/category.ts';
export { DEFAULT_SETTINGS, type VaultSettings, type AdminAccessMode } from './domain/settings.ts';
export { CLIENT_FIELDS, FIELD_ACCESS_LEVELS, type ClientField, type ClientFieldAccess, type FieldAccessLevel } from './domain/field-access.ts';
export type { KeyProvider, WrappedKey } from './ports/key-provider.ts';
export type { Clock } from './ports/clock.ts';
export { consoleLogger, type Logger, type LogFields } from './ports/logger.ts';
export type { Mailer, MailMessage, MailRecipient } from './ports/mailer.ts';
export { MailRefusedError } from './ports/mailer.ts';
export { DEFAULT_MAIL_LEASE_MS, type DispatchOptions, type DispatchResult } from './services/outbox-dispatcher.ts';
export { systemClock } from './ports/clock.ts';
export { TOKEN_CLOCK_TOLERANCE_SECONDS } from './services/token-ledger.ts';
export {
  API_TOKEN_MAX_DAYS, API_TOKEN_PREFIX, API_TOKEN_SCOPES, createApiTokenSchema,
  type ApiTokenCheck, type ApiTokenInfo, type ApiTokenRefusal, type ApiTokenScope, type ApiTokenStatus, type CreateApiTokenInput, type ListApiTokensQuery,
} from './services/api-tokens.ts';
export type { RateRule, RateVerdict } from './services/rate-limiter.ts';
export { DEFAULT_STEP_UP, STEP_UP_ACTIONS, STEP_UP_METHODS, type StepUpAction, type StepUpMethod, type StepUpSettings } from './domain/step-up.ts';
export {
  confirmTotpSchema, passkeyOptionsSchema, RECOVERY_CODE_COUNT, registerPasskeySchema, resetStepUpSchema, verifyStepUpSchema, type ResetStepUpInput, type StepUpStatus, type VerifyStepUpInput,
} from './services/step-up.ts';
export type { RelyingParty } from './services/step-up-passkeys.ts';
export type {
  HostDirectory, HostAdmin, HostClient, HostContact, HostProduct, HostService, HostTicket, HostDevice, Named, ServiceStatus,
} from './ports/host-directory.ts';
export { clientSearch, compareClients, FIND_CLIENTS_MAX, SERVICE_STATUSES, toServiceStatus } from './ports/host-directory.ts';
export { Keyring } from './crypto/keyring.ts';
export { asUnavailable, openDatabase, redactDatabaseUrl, type DatabaseConfig } from './store/database.ts';
export { safeHttpUrl } from './render/safe-url.ts';
export type { AddonChange, AuditEvent, AuditVerdict, AuditVerifyOptions } from './services/audit-service.ts';
export { formatAuditCheckpoint, parseAuditCheckpoints, type AuditCheckpoint } from './services/audit-checkpoint.ts';
export { SERVICE_EVENTS, serviceEventSchema, type ServiceEvent, type ServiceEventInput, type ServiceEventOutcome } from './services/service-lifecycle.ts';
export type {
  CreateEntryInput, UpdateEntryInput, DeleteEntryInput, ShareEntryInput, ListEntriesQuery, CreateCategoryInput, UpdateCategoryInput,
  SettingsPatch, AuditQuery, PasswordRulesInput, CopyFieldInput, RestoreEntryInput, AuditExportQuery,
} from './validation/schemas.ts';
export { createHooks, type CreateHooksOptions } from './hooks/create-hooks.ts';
export { withinRequest } from './services/request-scope.ts';
export { outageOf, renderUnavailablePanel, type Outage } from './hooks/unavailable-panel.ts';
export { runAddonAction, type AddonSection } from './hooks/addon-section.ts';
export { HOOK_PLACES, type Hook, type Hooks, type HookPlace, type HookContext, type HookSurface } from './hooks/hook-contract.ts';
export { Renderer } from './render/renderer.ts';
export { checkDateFormat, dateWriter, type DateFormat } from './render/date-format.ts';
export { LANGUAGES, pickLanguage, type Language } from './render/languages.ts';
export { totpCode } from './crypto/totp.ts';
// What adapters build their routes, validation and commands on.
export { packageFile } from './package-root.ts';
export { issue, RULE_NAMES, type Issue, type Rule } from './validation/rules.ts';
export { validate } from './validation/validate.ts';
export { entryId, hostId, ownId } from './validation/schemas.ts';
// The schemas the services validate with: adapters describe their API with them (the OpenAPI document).
export {
  auditQuerySchema, copyFieldSchema, createCategorySchema, createEntrySchema, deleteEntrySchema, listEntriesSchema, passwordRulesSchema, principalKind,
  settingsPatchSchema, settingsSchema, shareEntrySchema, updateCategorySchema, updateEntrySchema, auditExportQuerySchema, restoreEntrySchema,
} from './validation/schemas.ts';
export { entryFragment, entryLinkTemplates, type EntryLinks, type LinkedEntry } from './mail/entry-links.ts';
export { findClientsSchema } from './services/client-finder.ts';
export { LINK_TARGETS_PAGE_MAX, linkTargetsQuerySchema, type LinkKind, type LinkTarget } from './services/link-targets.ts';
export {
  SHARE_TARGETS_PAGE_MAX, shareTargetsQuerySchema, ShareTargetFinder, type ShareTarget, type ShareTargetPage, type ShareTargetsQuery,
} from './services/share-targets.ts';
export { auditSearchSchema, type AuditSuggestion, type SubjectNames } from './services/audit-service.ts';
export { AUDIT_ACTIONS, type AuditAction } from './services/audit-actions.ts';
export { auditCsv, AUDIT_CSV_COLUMNS, AUDIT_CSV_MAX_EVENTS } from './hooks/audit-csv.ts';
export { auditLines, type AuditLine } from './hooks/audit-lines.ts';
export { mailPreviewSchema } from './hooks/mail-preview.ts';
export { previewMail } from './hooks/mail-preview.ts';
export { DEFAULT_TABLE_PREFIX, tableNames, type TableNames } from './store/table-names.ts';
export { Migrator, type MigrationStatus } from './store/migrator.ts';
export type { Migration } from '../migrations/index.ts';
export {
  ImportService, MAX_IMPORT_BYTES, importRequestSchema, type ImportRequest, type ImportPreview, type ImportOutcome, type ImportRowPlan, type ImportRowStatus,
  type ImportCounts,
} from './services/import-service.ts';
export { IMPORT_STALL_MS, type ImportJob, type ImportJobStatus } from './services/import-jobs.ts';
export { ExportService, exportRequestSchema, type ExportRequest, type ExportFile } from './services/export-service.ts';
export { AccessReportService, describeReason, type AccessLine, type ReachedClient } from './services/access-report.ts';
export type { AccessReason } from './policy/access-reasons.ts';
export type { AccessChange, ReviewState } from './services/access-reviews.ts';
export { ALERT_RULES, type AlertLine, type AlertRule } from './services/security-alerts.ts';
export type { SessionPlace, TokenRefusal } from './services/sign-in-audit.ts';
export { IMPORT_FORMATS, type ImportFormat } from './import/import-formats.ts';
export { ImportFormatError } from './import/import-format-error.ts';
export type { ColumnMapping } from './import/formats/generic-csv.ts';
export type { KeyCheck } from './services/key-rotation.ts';
export type { BackfillOptions } from './services/note-index.ts';
