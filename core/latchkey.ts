
import { EntryCipher } from './crypto/entry-cipher.ts';
import { ContactLanguages } from './services/contact-languages.ts';
import { generatePassword } from './crypto/password-generator.ts';
import type { Secret } from './domain/secret.ts';
import type { Actor } from './domain/actor.ts';
import { canDo } from './policy/access-policy.ts';
import { systemClock, type Clock } from './ports/clock.ts';
import type { HostDirectory } from './ports/host-directory.ts';
import type { KeyProvider } from './ports/key-provider.ts';
import { consoleLogger, type Logger } from './ports/logger.ts';
import { AuditService } from './services/audit-service.ts';
import { CategoryService } from './services/category-service.ts';
import { boundedHost, DEFAULT_HOST_DEADLINE_MS, DEFAULT_HOST_SEARCH_DEADLINE_MS } from './services/bounded-host.ts';
import { ClientFinder } from './services/client-finder.ts';
import { LinkTargets } from './services/link-targets.ts';
import { ShareTargetFinder } from './services/share-targets.ts';
import { VaultContext } from './services/context.ts';
import { EntryService } from './services/entry-service.ts';
import { KeyRotation } from './services/key-rotation.ts';
import { NoteIndex } from './services/note-index.ts';
import { ServiceCredentials } from './services/service-credentials.ts';
import { ServiceLifecycle } from './services/service-lifecycle.ts';
import { SettingsService } from './services/settings-service.ts';
import { EntryPermissionsService } from './services/entry-permissions.ts';
import { VaultReportService } from './services/vault-report.ts';
import { TokenLedger } from './services/token-ledger.ts';
import { ApiTokenService } from './services/api-tokens.ts';
import { RateLimiter } from './services/rate-limiter.ts';
import { StepUpService } from './services/step-up.ts';
import { ReminderJob } from './services/reminder-job.ts';
import { OutboxDispatcher, type DispatchOptions, type DispatchResult } from './services/outbox-dispatcher.ts';
import type { Mailer } from './ports/mailer.ts';
import { Renderer } from './render/renderer.ts';
import { asUnavailable, openDatabase, refusesWrites, type DatabaseConfig, type Dialect } from './store/database.ts';
import { Migrator } from './store/migrator.ts';
import { ImportService } from './services/import-service.ts';
import { ExportService } from './services/export-service.ts';
import { SecurityAlerts } from './services/security-alerts.ts';
import { SignInAudit } from './services/sign-in-audit.ts';
import { AccessReportService } from './services/access-report.ts';
import { AccessReviewService } from './services/access-reviews.ts';
import type { Migration } from '../migrations/index.ts';
import { DEFAULT_TABLE_PREFIX, tableNames } from './store/table-names.ts';
import { passwordRulesSchema, type PasswordRulesInput } from './validation/schemas.ts';
import { validate } from './validation/validate.ts';

export interface LatchkeyOptions {
  database: DatabaseConfig;
  keys: KeyProvider;
  host: HostDirectory;
  clock?: Clock;
  /** Prefix of every Latchkey table (default `latchkey_`), since the addon shares the host's database. */
  tablePrefix?: string;
  /** Apply pending migrations at start-up (handy for the embedded SQLite default). */
  migrate?: boolean;
  /** The tables an adapter owns (e.g. `zendeskMigrations`), migrated after core's own. */
  adapterMigrations?: readonly Migration[];
  /** Where operational lines go (default the console): a database that refuses writes, a failed mail round. */
  logger?: Logger;
  /** Where start-up warnings go, one line each; kept for older hosts (`logger` supersedes it). */
  warn?: (line: string) => void;
  /**
   * How long the pickers (clients, contacts, share targets, link targets, audit actors) wait for each
   * answer of the host directory before answering "platform unavailable" (default 10 s).
   */
  hostSearchDeadlineMs?: number;
  /**
   * How long every other call of the host directory (the facts a reveal or a save is decided on, a save's
   * link checks, the people a mail goes to) may take before the request answers "platform unavailable"
   * (default 10 s): a directory without a timeout of its own never leaves a request or the mail loop waiting.
   */
  hostDeadlineMs?: number;
}

export interface MailLoopOptions extends DispatchOptions {
  /** The pause between the end of one round and the start of the next (default 60 s). */
  everyMs?: number;
  /** Told each round's outcome: what it queued and sent, or the error that stopped it (also logged). */
  onRound?: (outcome: { queued: number } & DispatchResult | Error) => void;
}

export interface Latchkey {
  readonly entries: EntryService;
  /** The language each client-area person chose (or the host keeps for them): panels, errors and mail follow it. */
  readonly languages: ContactLanguages;
  readonly serviceCredentials: ServiceCredentials;
  /** The host reports a service created, suspended, unsuspended or terminated: audited, and rotation asked for when it ends. */
  readonly serviceLifecycle: ServiceLifecycle;
  readonly categories: CategoryService;
  /** Moving in: another tool's export, previewed row by row, then imported once. */
  readonly imports: ImportService;
  /** Moving out: CSV or Latchkey JSON of everything the actor may see, audited as reveals. */
  readonly exports: ExportService;
  /** The host's clients by part of their name or email, for admins' pickers. */
  readonly directory: ClientFinder;
  /** A client's contacts and devices by name, for the entry dialog's link fields. */
  readonly linkTargets: LinkTargets;
  /** Who the actor may share an entry with, or put in a category, found by name for the pickers. */
  readonly shareTargets: ShareTargetFinder;
  readonly settings: SettingsService;
  readonly audit: AuditService;
  readonly keyRotation: KeyRotation;
  /**
   * The notes' search terms of entries saved before migration 0018: `backfill()` writes them
   * (resumable; `latchkey migrate latest` and `latchkey serve` run it), `pending()` counts what is left.
   */
  readonly noteIndex: NoteIndex;
  readonly permissions: EntryPermissionsService;
  readonly report: VaultReportService;
  readonly usedTokens: TokenLedger;
  /** Admins' API tokens for scripts: created, listed, revoked, and checked on every API request. */
  readonly apiTokens: ApiTokenService;
  /** Counters behind the rate limits, shared by every app instance on this database. */
  readonly rateLimits: RateLimiter;
  /** Second factors (TOTP, recovery codes) and the fresh verifications the settings ask for before sensitive actions. */
  readonly stepUp: StepUpService;
  readonly reminders: ReminderJob;
  /** Sessions opened and tokens refused, on the audit trail. */
  readonly signIns: SignInAudit;
  /** Alerts on unusual access (raised as events are audited), listed for the dashboard. */
  readonly alerts: SecurityAlerts;
  /** Who can see what, and why, as the reference policy decides it. */
  readonly accessReport: AccessReportService;
  /** Periodic access reviews: what changed since the last, marking one done, the reminder. */
  readonly accessReviews: AccessReviewService;
  /** A worker that sends the outbox through `mailer`; run as many as you like, on as many instances. */
  dispatcher(mailer: Mailer, options?: DispatchOptions): OutboxDispatcher;
  /**
   * For hosts that keep Latchkey running: queue due reminders and send the
   * outbox, then again `everyMs` after each round ends, so rounds never
   * overlap however slow the mail server is. `onRound` hears how each ended.
   * Resolves `stop` once the current round is done.
   */
  startMail(mailer: Mailer, options?: MailLoopOptions): { stop(): Promise<void> };
  /** Queues due reminders and sends everything due once: what `npx latchkey reminders run` does. */
  runMailOnce(mailer: Mailer, options?: DispatchOptions): Promise<{ queued: number } & DispatchResult>;
  readonly migrator: Migrator;
  readonly dialect: Dialect;
  /** The host's directory this instance reads, for adapters that render names. */
  readonly host: HostDirectory;
  /** Where this instance logs; adapters mounted on it log there too unless told otherwise. */
  readonly logger: Logger;
  /** The time this instance keeps (TOTP codes, expiries): what tests move instead of waiting. */
  readonly clock: Clock;
  generatePassword(rules?: PasswordRulesInput): Secret;
  /** Whether this admin may open the addon's own pages (settings, categories, audit log). */
  mayRunAddon(actor: Actor): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Opens the store, checks that it answers, and wires the services. A missing
 * or unreachable database fails here with DatabaseUnavailableError.
 */
export async function createLatchkey(options: LatchkeyOptions): Promise<Latchkey> {
  const logger = loggerOf(options);
  const { knex, dialect, owned } = openDatabase(options.database, logger);
  const tables = tableNames(options.tablePrefix ?? DEFAULT_TABLE_PREFIX);
  const migrator = new Migrator(knex, tables, options.adapterMigrations);
  const host = boundedHost(options.host, options.hostDeadlineMs ?? DEFAULT_HOST_DEADLINE_MS);
  const ctx = new VaultContext(knex, dialect, tables, new EntryCipher(options.keys), host, options.clock ?? systemClock, options.keys);
  try {
    await knex.raw('select 1');
    const refused = await refusesWrites(knex, dialect);
    // A read-only vault still serves reads; migrating it would fail on the lock, so only when something is pending.
    if (options.migrate && !(refused && (await migrator.status()).pending.length === 0)) await migrator.latest();
    if (refused) logger.warn(`latchkey: warning: ${refused}; reading works, saving fails until this is fixed`);
    // The audit head is sealed under the active key at start; a vault that cannot write leaves that to a later start.
    if (!refused) await ctx.audit.sealHead(knex, ctx.now());
  } catch (err) {
    if (owned) await knex.destroy();
    throw asUnavailable(err);
  }
  const serviceCredentials = new ServiceCredentials(ctx);
  const entries = new EntryService(ctx, serviceCredentials);
  const categories = new CategoryService(ctx);
  const reminders = new ReminderJob(ctx);
  const alerts = new SecurityAlerts(ctx);
  ctx.observer = alerts;
  const accessReviews = new AccessReviewService(ctx);
  let renderer: Renderer | undefined;
  const languages = new ContactLanguages(ctx);
  const dispatcher = (mailer: Mailer, opts?: DispatchOptions) => new OutboxDispatcher(ctx, entries, renderer ??= new Renderer(), mailer, opts, languages);
  const runMailOnce = async (mailer: Mailer, opts?: DispatchOptions) => {
    const queued = await reminders.enqueueDue() + await accessReviews.enqueueDue() + await alerts.enqueueMails();
    return { queued, ...await dispatcher(mailer, opts).drain() };
  };
  const imports = new ImportService(ctx, entries, categories, logger);
  const pickerHost = boundedHost(options.host, options.hostSearchDeadlineMs ?? DEFAULT_HOST_SEARCH_DEADLINE_MS);
  return {
    entries,
    reminders,
    alerts,
    accessReviews,
    signIns: new SignInAudit(ctx, alerts),
    accessReport: new AccessReportService(ctx),
    dispatcher,
    runMailOnce,
    startMail(mailer, opts = {}) {
      const { everyMs = 60_000, onRound, ...dispatch } = opts;
      let round: Promise<void> = Promise.resolve();
      let timer: NodeJS.Timeout | undefined;
      let stopped = false;
      const oneRound = async () => {
        let outcome: ({ queued: number } & DispatchResult) | Error;
        try {
          outcome = await runMailOnce(mailer, dispatch);
        } catch (err) {
          outcome = err instanceof Error ? err : new Error(String(err));
          logger.error(`latchkey mail: ${outcome.message}`);
        }
        try {
          onRound?.(outcome);
        } catch (err) {
          logger.error(`latchkey mail: onRound failed: ${err instanceof Error ? err.message : String(err)}`);
        }
        if (stopped) return;
        timer = setTimeout(tick, everyMs);
        timer.unref();
      };
      const tick = () => { round = oneRound(); };
      tick();
      return {
        async stop() {
          stopped = true;
          clearTimeout(timer);
          await round;
        },
      };
    },
    serviceCredentials,
    serviceLifecycle: new ServiceLifecycle(ctx),
    categories,
    imports,
    exports: new ExportService(ctx, entries, categories),
    directory: new ClientFinder(ctx, pickerHost),
    linkTargets: new LinkTargets(ctx, pickerHost),
    shareTargets: new ShareTargetFinder(ctx, entries, pickerHost),
    settings: new SettingsService(ctx),
    audit: new AuditService(ctx, pickerHost),
    keyRotation: new KeyRotation(ctx),
    noteIndex: new NoteIndex(ctx),
    permissions: new EntryPermissionsService(ctx),
    report: new VaultReportService(ctx),
    usedTokens: new TokenLedger(ctx),
    apiTokens: new ApiTokenService(ctx),
    rateLimits: new RateLimiter(ctx),
    stepUp: new StepUpService(ctx),
    languages,
    migrator,
    dialect,
    host,
    logger,
    clock: ctx.clock,
    generatePassword: (rules = {}) => generatePassword(validate(passwordRulesSchema, rules)),
    mayRunAddon: (actor) => ctx.guard(async () => {
      const { facts, settings } = await ctx.decisionInputs(actor);
      return canDo(facts, 'changeSettings', settings);
    }),
    close: async () => {
      // An import running in this instance's background finishes its batches before the pool goes.
      await imports.settled();
      if (owned) await knex.destroy();
    },
  };
}

/** The logger given, else the console with the older `warn` callback taking the warnings. */
function loggerOf(options: LatchkeyOptions): Logger {
  if (options.logger) return options.logger;
  const warn = options.warn;
  return warn ? { ...consoleLogger, warn: (message) => warn(message) } : consoleLogger;
}
