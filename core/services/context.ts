import type { Knex } from 'knex';
import { describeActor, type Actor } from '../domain/actor.ts';
import { DEFAULT_SETTINGS, withDefaults, type SettingsChange, type VaultSettings } from '../domain/settings.ts';
import type { EntryCipher } from '../crypto/entry-cipher.ts';
import type { Clock } from '../ports/clock.ts';
import type { HostDirectory } from '../ports/host-directory.ts';
import type { KeyProvider } from '../ports/key-provider.ts';
import { resolveActor } from '../policy/resolve-actor.ts';
import type { ActorFacts } from '../policy/facts.ts';
import { AuditLog, type AuditRecord, type ReadsAlongside } from '../store/audit-log.ts';
import { AuditSeal } from '../store/audit-seal.ts';
import { asUnavailable, type Dialect } from '../store/database.ts';
import type { TableNames } from '../store/table-names.ts';
import { oncePerRequest } from './request-scope.ts';
import { PanelCache } from './panel-cache.ts';
import { SearchKey } from './search-key.ts';

export const SETTINGS_KEY = 'vault';
/** The request memo's key for the settings (see request-scope.ts). */
export const SETTINGS_MEMO = 'settings';

/** The settings from their stored JSON (null: never saved, the defaults). */
export function settingsFrom(value: string | null): VaultSettings {
  return value === null ? DEFAULT_SETTINGS : withDefaults(JSON.parse(value) as SettingsChange);
}

/** Hears each audit event inside the transaction that appends it (the security alerts). */
export interface AuditObserver {
  /**
   * Before the event is appended, at `at`: what to read with the chain's last event (see ReadsAlongside),
   * when the settings it is watched under are known; `observe` then gets the answers as `read`.
   */
  readsAlongside(event: AuditRecord & { actorKind: string; actorId: string | null }, at: number, settings: VaultSettings): ReadsAlongside;
  /**
   * After the event was appended at `at`. `settings`: those the action decided with, when it has them; else the
   * observer reads them in `trx`.
   */
  observe(
    trx: Knex.Transaction, event: AuditRecord & { actorKind: string; actorId: string | null }, at: number, settings?: VaultSettings, read?: Record<string, unknown>,
  ): Promise<void>;
}

/** What every service shares: the store, the keys, the host and the clock. */
export class VaultContext {
  readonly audit: AuditLog;
  readonly auditSeal: AuditSeal;
  /** The notes' blind index key, kept unwrapped once read: one per Latchkey instance. */
  readonly searchKey: SearchKey;
  /** Set once at start-up (createLatchkey); none in a bare context. */
  observer: AuditObserver | null = null;
  /** The settings and category reach staff panels keep between renders (see panel-cache.ts). */
  readonly panelCache = new PanelCache();

  constructor(
    readonly knex: Knex,
    readonly dialect: Dialect,
    readonly tables: TableNames,
    readonly cipher: EntryCipher,
    readonly host: HostDirectory,
    readonly clock: Clock,
    keys: KeyProvider,
  ) {
    this.auditSeal = new AuditSeal(keys);
    this.audit = new AuditLog(tables, dialect, this.auditSeal);
    this.searchKey = new SearchKey(knex, tables, cipher, () => this.now());
  }

  now(): number {
    return this.clock.now().getTime();
  }

  /** Runs a service body, turning "no database" driver failures into DatabaseUnavailableError. */
  async guard<T>(body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (err) {
      throw asUnavailable(err);
    }
  }

  /**
   * The settings as stored. Outside a transaction they are read once per
   * request (see request-scope.ts); inside one (`db` a transaction) always afresh.
   */
  async settings(db: Knex | Knex.Transaction = this.knex): Promise<VaultSettings> {
    return db === this.knex ? oncePerRequest(SETTINGS_MEMO, () => this.storedSettings(db)) : this.storedSettings(db);
  }

  /** The settings as stored now, read on every call (`settings` keeps them for the request). */
  async storedSettings(db: Knex | Knex.Transaction = this.knex): Promise<VaultSettings> {
    const row = await db(this.tables.settings).select('value').where('key', SETTINGS_KEY).first() as { value: string } | undefined;
    return settingsFrom(row?.value ?? null);
  }

  /** The stored settings as a scalar subquery, for a statement that reads them along with something else. */
  settingsColumn(alias: string): Knex.QueryBuilder {
    return this.knex(this.tables.settings).select('value').where('key', SETTINGS_KEY).as(alias);
  }

  /**
   * Who the actor is, asked of the host for every request (once per request
   * inside `withinRequest`, else on every call) so revocations apply at once.
   */
  actorFacts(actor: Actor): Promise<ActorFacts> {
    const who = describeActor(actor);
    return oncePerRequest(`actor:${who.kind}:${who.id ?? ''}`, () => resolveActor(actor, this.host));
  }

  /** Actor facts and settings, read fresh for every request, as `actorFacts` and `settings` say. */
  async decisionInputs(actor: Actor): Promise<{ facts: ActorFacts; settings: VaultSettings }> {
    const [facts, settings] = await Promise.all([this.actorFacts(actor), this.settings()]);
    return { facts, settings };
  }

  /**
   * Appends the event in `trx`. `decidedWith`: the settings the action was decided with (a reveal's), which the
   * security alerts then follow instead of reading them again, and which let them count with the chain's read
   * (ReadsAlongside): two statements fewer in the transaction.
   */
  async record(
    trx: Knex.Transaction, actor: Actor, event: Omit<AuditRecord, 'actorKind' | 'actorId' | 'ip' | 'userAgent'>, decidedWith?: VaultSettings,
  ): Promise<void> {
    const record = this.auditRecord(actor, event);
    const at = this.now();
    const alongside = decidedWith && this.observer ? this.observer.readsAlongside(record, at, decidedWith) : {};
    const read = await this.audit.append(trx, record, at, alongside);
    await this.observer?.observe(trx, record, at, decidedWith, read);
  }

  /** Several events by one actor, in order, in one append (a bulk write's per-entry events). */
  async recordMany(trx: Knex.Transaction, actor: Actor, events: ReadonlyArray<Omit<AuditRecord, 'actorKind' | 'actorId' | 'ip' | 'userAgent'>>): Promise<void> {
    const records = events.map((event) => this.auditRecord(actor, event));
    const at = this.now();
    await this.audit.appendMany(trx, records, at);
    for (const record of records) await this.observer?.observe(trx, record, at);
  }

  private auditRecord(actor: Actor, event: Omit<AuditRecord, 'actorKind' | 'actorId' | 'ip' | 'userAgent'>): AuditRecord {
    const who = describeActor(actor);
    const via = actor.origin?.via;
    const place = actor.origin?.place;
    // An event an API token caused says which token, by name and id; one a panel caused, which panel.
    const said = {
      ...via ? { via: via.tokenName, viaTokenId: via.tokenId } : {},
      ...place ? { place: place.name, ...place.ticketId ? { ticketId: place.ticketId } : {} } : {},
    };
    return {
      ...event,
      ...Object.keys(said).length > 0 ? { details: { ...event.details, ...said } } : {},
      actorKind: who.kind,
      actorId: who.id,
      ip: actor.origin?.ip ?? null,
      userAgent: actor.origin?.userAgent ?? null,
    };
  }
}
