import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Actor } from '../domain/actor.ts';
import type { SecurityAlertSettings, VaultSettings } from '../domain/settings.ts';
import { ForbiddenError } from '../errors.ts';
import { canDo } from '../policy/access-policy.ts';
import type { AuditRecord, ReadsAlongside } from '../store/audit-log.ts';
import { newId } from '../store/ids.ts';
import { addonRunners } from './addon-runners.ts';
import type { VaultContext } from './context.ts';
import { enqueueSecurityAlert } from './mail-outbox.ts';

export const ALERT_RULES = ['revealBurst', 'newPlace', 'refusedBurst', 'roleChange'] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

/** Audit actions that put a secret in front of someone (or on their clipboard). */
export const REVEAL_ACTIONS = ['entry.reveal', 'entry.history.reveal', 'entry.copy'] as const;
/**
 * Refusals the burst rule counts: API and embed/host tokens refused, and failed
 * step-up verifications (audited as `stepUp.failed` by the step-up feature).
 */
export const REFUSAL_ACTIONS = ['apiToken.refused', 'embedToken.refused', 'stepUp.failed'] as const;
/** An admin's host role seen to differ from the one seen before; access reviews list it. */
export const ROLE_CHANGED_ACTION = 'person.roleChanged';
export const ALERT_ACTION = 'alert.raised';

/** The person an alert names for a rule counted over everyone (refusals rarely name anyone real). */
export const EVERYONE = '*';

/** One alert as the dashboard lists it: never a secret, only who, which rule and the counts. */
export interface AlertLine {
  id: string;
  rule: AlertRule;
  person: string;
  at: Date;
  details: Record<string, string | number | null>;
}

type Observed = AuditRecord & { actorKind: string; actorId: string | null };

/** The column a reveal's earlier reveals in the burst window are read under, with the chain's last event. */
const EARLIER_REVEALS = 'lk_earlier_reveals';
/** The column naming this window's reveal-burst alert of the person, if raised already. */
const BURST_RAISED = 'lk_burst_raised';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * Watches audit events as they are appended, inside the same transaction (the
 * audit chain's lock is held, so alerts are decided one writer at a time), and
 * raises an alert when a rule of the settings holds. Every check is a
 * primary-key look-up or a count over an indexed time range (migration 0013),
 * so a reveal costs a few small reads, never a scan of the trail.
 *
 * An alert is stored once per rule, person and window (the unique key) and
 * audited as `alert.raised`; the mail job then mails it to every addon runner
 * through the outbox (`enqueueMails`). Nothing here asks the host: a host
 * directory reading the same database could need the connection this
 * transaction holds.
 */
export class SecurityAlerts {
  constructor(private readonly ctx: VaultContext) {}

  /**
   * For a reveal, what the burst rule asks, read with the chain's last event
   * (no statement of its own): the person's earlier reveals in the window, up
   * to the limit, and whether this window's alert is raised already.
   */
  readsAlongside(event: Observed, at: number, settings: VaultSettings): ReadsAlongside {
    const rule = settings.securityAlerts.revealBurst;
    const person = personOf(event);
    if (!isReveal(event) || person === null || !rule.enabled) return {};
    const windowMs = rule.minutes * MINUTE_MS;
    return {
      [EARLIER_REVEALS]: this.countedUpTo(rule.count, this.revealsOf(event, at - windowMs)),
      [BURST_RAISED]: this.ctx.knex(this.ctx.tables.alerts).select('id').where({ rule: 'revealBurst', person, window_start: windowStart(at, windowMs) }).limit(1),
    };
  }

  /** `now`: when the event was appended; `read`: the answers to `readsAlongside`, when it was asked. */
  async observe(trx: Knex.Transaction, event: Observed, now: number, decidedWith?: VaultSettings, read: Record<string, unknown> = {}): Promise<void> {
    const reveal = isReveal(event);
    const refusal = (REFUSAL_ACTIONS as readonly string[]).includes(event.action);
    if (!reveal && !refusal) return;
    const rules = (decidedWith ?? await this.ctx.settings(trx)).securityAlerts;
    if (refusal) await this.refusedBurst(trx, rules.refusedBurst, now);
    const person = personOf(event);
    if (!reveal || person === null) return;
    const earlier = read[EARLIER_REVEALS];
    await this.revealBurst(trx, rules.revealBurst, event, person, now,
      earlier === undefined ? null : { earlier: Number(earlier), raised: read[BURST_RAISED] != null });
    if (rules.newPlace.enabled) await this.newPlace(trx, event, person, now);
    if (rules.roleChange.enabled && event.actorKind === 'admin') {
      const changed = await trx(this.ctx.tables.personRoles).first('role_id', 'previous_role_id', 'changed_at').where('person', person) as
        { role_id: string; previous_role_id: string | null; changed_at: number | string | null } | undefined;
      const at = changed?.changed_at == null ? null : Number(changed.changed_at);
      if (at !== null && now - at < rules.roleChange.hours * HOUR_MS) {
        await this.raise(trx, 'roleChange', person, at, { from: changed!.previous_role_id ?? '', to: changed!.role_id, hours: rules.roleChange.hours });
      }
    }
  }

  /**
   * Compares an admin's host role, as resolved for a session being opened,
   * with the one last seen, and keeps it; a change is audited and opens the
   * role-change rule's window. Database work only, in the caller's transaction.
   */
  async noteRole(trx: Knex.Transaction, adminId: string, roleId: string | null): Promise<void> {
    const person = `admin:${adminId}`;
    const role = roleId ?? '';
    const now = this.ctx.now();
    const t = this.ctx.tables.personRoles;
    const seen = await trx(t).first('role_id').where('person', person) as { role_id: string } | undefined;
    if (!seen) {
      await trx(t).insert({ person, role_id: role, previous_role_id: null, changed_at: null, seen_at: now });
    } else if (seen.role_id !== role) {
      await trx(t).where('person', person).update({ role_id: role, previous_role_id: seen.role_id, changed_at: now, seen_at: now });
      await this.ctx.record(trx, { kind: 'system' }, { action: ROLE_CHANGED_ACTION, details: { adminId, from: seen.role_id, to: role } });
    } else {
      await trx(t).where('person', person).update({ seen_at: now });
    }
  }

  /**
   * Queues the mails of alerts not mailed yet, one per addon runner, and marks
   * them mailed: run by the mail job, since who runs the addon is the host's
   * answer, asked outside any transaction (a host on the same database as
   * Latchkey may have one connection to give).
   */
  async enqueueMails(batchSize = 100): Promise<number> {
    return this.ctx.guard(async () => {
      const t = this.ctx.tables.alerts;
      const pending = await this.ctx.knex(t).select('id', 'rule', 'person', 'details').whereNull('mailed_at').orderBy('id').limit(batchSize) as
        Array<{ id: string; rule: string; person: string; details: string }>;
      if (pending.length === 0) return 0;
      const recipients = await addonRunners(this.ctx, await this.ctx.settings());
      return this.ctx.knex.transaction(async (trx) => {
        let queued = 0;
        for (const alert of pending) {
          // Conditional on still being unmailed: two mail jobs at once queue each alert once.
          const claimed = await trx(t).where({ id: alert.id }).whereNull('mailed_at').update({ mailed_at: this.ctx.now() });
          if (claimed === 0) continue;
          queued += await enqueueSecurityAlert(trx, this.ctx, { ...alert, details: JSON.parse(alert.details) as AlertLine['details'] }, recipients);
        }
        return queued;
      });
    });
  }

  /** The newest alerts, for the dashboard of those who may read the audit log. */
  async recent(actor: Actor, limit = 20): Promise<AlertLine[]> {
    return this.ctx.guard(async () => {
      const { facts, settings } = await this.ctx.decisionInputs(actor);
      if (!canDo(facts, 'readAudit', settings)) throw new ForbiddenError('read the alerts');
      const rows = await this.ctx.knex(this.ctx.tables.alerts).select('id', 'rule', 'person', 'created_at', 'details')
        .orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit) as Array<{ id: string; rule: AlertRule; person: string; created_at: number | string; details: string }>;
      return rows.map((r) => ({ id: r.id, rule: r.rule, person: r.person, at: new Date(Number(r.created_at)), details: JSON.parse(r.details) as AlertLine['details'] }));
    });
  }

  /**
   * `read`: the reveals before this one in the window (up to the limit) and
   * whether the window's alert is raised, when read with the chain; else the
   * reveals are counted now, this one included.
   */
  private async revealBurst(
    trx: Knex.Transaction, rule: SecurityAlertSettings['revealBurst'], event: Observed, person: string, now: number,
    read: { earlier: number; raised: boolean } | null,
  ): Promise<void> {
    if (!rule.enabled || read?.raised) return;
    const windowMs = rule.minutes * MINUTE_MS;
    const count = read ? read.earlier + 1 : await this.counted(trx, this.countedUpTo(rule.count + 1, this.revealsOf(event, now - windowMs)));
    if (count > rule.count) await this.raise(trx, 'revealBurst', person, windowStart(now, windowMs), { count, limit: rule.count, minutes: rule.minutes });
  }

  private async refusedBurst(trx: Knex.Transaction, rule: SecurityAlertSettings['refusedBurst'], now: number): Promise<void> {
    if (!rule.enabled) return;
    const windowMs = rule.minutes * MINUTE_MS;
    const count = await this.counted(trx, this.countedUpTo(rule.count + 1, this.ctx.knex(this.ctx.tables.audit)
      .whereIn('action', REFUSAL_ACTIONS).where('at', '>', now - windowMs)));
    if (count > rule.count) await this.raise(trx, 'refusedBurst', EVERYONE, windowStart(now, windowMs), { count, limit: rule.count, minutes: rule.minutes });
  }

  /** The person's reveals after `since`. */
  private revealsOf(event: Observed, since: number): Knex.QueryBuilder {
    return this.ctx.knex(this.ctx.tables.audit)
      .where({ actor_kind: event.actorKind, actor_id: event.actorId }).whereIn('action', REVEAL_ACTIONS).where('at', '>', since);
  }

  /**
   * The rows `rows` selects, counted up to `cap`: a rule only asks whether the
   * count passed its limit, and the first pass is the count `limit + 1` the
   * alert reports. Bounded, so a person revealing all day costs each reveal no
   * more than the limit's worth of index entries.
   */
  private countedUpTo(cap: number, rows: Knex.QueryBuilder): Knex.QueryBuilder {
    return this.ctx.knex.count({ n: '*' }).from(rows.select(this.ctx.knex.raw('1')).limit(cap).as('recent'));
  }

  private async counted(trx: Knex.Transaction, count: Knex.QueryBuilder): Promise<number> {
    const row = await count.transacting(trx).first() as { n: number | string } | undefined;
    return Number(row?.n ?? 0);
  }

  /**
   * Remembers where the person revealed from; alerts when they had revealed
   * from somewhere before and this address or browser is not among those
   * places (someone's first reveal is no news). One alert per person per hour.
   */
  private async newPlace(trx: Knex.Transaction, event: Observed, person: string, now: number): Promise<void> {
    const t = this.ctx.tables.sightings;
    const fresh: string[] = [];
    for (const [kind, value] of [['ip', event.ip], ['agent', event.userAgent]] as const) {
      if (!value) continue;
      const digest = createHash('sha256').update(value).digest('base64url');
      if (await trx(t).first('digest').where({ person, kind, digest })) continue;
      const known = await trx(t).first('digest').where({ person, kind });
      await trx(t).insert({ person, kind, digest, first_seen_at: now }).onConflict(['person', 'kind', 'digest']).ignore();
      if (known) fresh.push(kind);
    }
    if (fresh.length > 0) await this.raise(trx, 'newPlace', person, windowStart(now, HOUR_MS), { newAddress: fresh.includes('ip') ? 1 : 0, newBrowser: fresh.includes('agent') ? 1 : 0 });
  }

  private async raise(trx: Knex.Transaction, rule: AlertRule, person: string, window: number, details: AlertLine['details']): Promise<void> {
    const t = this.ctx.tables.alerts;
    if (await trx(t).first('id').where({ rule, person, window_start: window })) return;
    const now = this.ctx.now();
    const id = newId(now);
    await trx(t).insert({ id, rule, person, window_start: window, created_at: now, details: JSON.stringify(details) });
    await this.ctx.record(trx, { kind: 'system' }, { action: ALERT_ACTION, details: { alertId: id, rule, person, ...details } });
  }
}

function isReveal(event: Observed): boolean {
  return (REVEAL_ACTIONS as readonly string[]).includes(event.action);
}

/** `admin:<id>`, `client:<id>` or `client:<id>/<contact>`: the actor as the audit trail names it; null for the system. */
function personOf(event: Observed): string | null {
  return event.actorKind === 'system' || event.actorId === null ? null : `${event.actorKind}:${event.actorId}`;
}

function windowStart(now: number, windowMs: number): number {
  return Math.floor(now / windowMs) * windowMs;
}
