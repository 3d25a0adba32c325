import type { Knex } from 'knex';
import { describeActor, type Actor } from '../domain/actor.ts';
import { DEFAULT_SETTINGS, withDefaults, type SettingsChange, type VaultSettings } from '../domain/settings.ts';
import type { EntryCipher } from '../crypto/entry-cipher.ts';
import type { Clock } from '../ports/clock.ts';
import type { HostDirectory } from '../ports/host-directory.ts';
import type { KeyProvider } from '../ports/key-provider.ts';
import { resolveActor } from '../policy/resolve-actor.ts';
import type { ActorFacts } from '../policy/facts.ts';
import { AuditLog, type AuditRecord } from '../store/audit-log.ts';
import { AuditSeal } from '../store/audit-seal.ts';
import { asUnavailable, type Dialect } from '../store/database.ts';
import type { TableNames } from '../store/table-names.ts';

export const SETTINGS_KEY = 'vault';

/** What every service shares: the store, the keys, the host and the clock. */
export class VaultContext {
  readonly audit: AuditLog;
  readonly auditSeal: AuditSeal;

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

  async settings(db: Knex | Knex.Transaction = this.knex): Promise<VaultSettings> {
    const row = await db(this.tables.settings).select('value').where('key', SETTINGS_KEY).first() as { value: string } | undefined;
    return row ? withDefaults(JSON.parse(row.value) as SettingsChange) : DEFAULT_SETTINGS;
  }

  /** Actor facts and settings, read fresh on every call so revocations apply at once. */
  async decisionInputs(actor: Actor): Promise<{ facts: ActorFacts; settings: VaultSettings }> {
    const [facts, settings] = await Promise.all([resolveActor(actor, this.host), this.settings()]);
    return { facts, settings };
  }

  async record(trx: Knex.Transaction, actor: Actor, event: Omit<AuditRecord, 'actorKind' | 'actorId' | 'ip' | 'userAgent'>): Promise<void> {
    const who = describeActor(actor);
    const via = actor.origin?.via;
    await this.audit.append(trx, {
      ...event,
      // An event an API token caused says which token, by name and id.
      ...via ? { details: { ...event.details, via: via.tokenName, viaTokenId: via.tokenId } } : {},
      actorKind: who.kind,
      actorId: who.id,
      ip: actor.origin?.ip ?? null,
      userAgent: actor.origin?.userAgent ?? null,
    }, this.now());
  }
}
