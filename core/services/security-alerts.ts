import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Actor } from '../domain/actor.ts';
import type { SecurityAlertSettings } from '../domain/settings.ts';
import { ForbiddenError } from '../errors.ts';
import { canDo } from '../policy/access-policy.ts';
import type { AuditRecord } from '../store/audit-log.ts';
import { newId } from '../store/ids.ts';
import { addonRunners } from './addon-runners.ts';
import type { VaultContext } from './context.ts';
import { enqueueSecurityAlert } from './mail-outbox.ts';

export const ALERT_RULES = ['revealBurst', 'newPlace', 'refusedBurst', 'roleChange'] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

/** Audit actions that put a secret in front of someone. */
export const REVEAL_ACTIONS = ['entry.reveal', 'entry.history.reveal'] as const;
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

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * Watches audit events as they are appended, inside the same transaction (the
 * audit chain's lock is held, so alerts are decided one writer at a time), and
 * raises an alert when a rule of the settings holds. Every check is a
 * primary-key look-up or a count over an indexed time range (migration 0013),
 * so a reveal costs a few small reads, never a scan of the trail.
 *
 * An alert is stored once per rule, person and window (the unique key), then
 * audited as `alert.raised` and mailed to every addon runner through the outbox.
 */
export class SecurityAlerts {
  constructor(private readonly ctx: VaultContext) {}

  async observe(trx: Knex.Transaction, actor: Actor, event: Observed): Promise<void> {
    const reveal = (REVEAL_ACTIONS as readonly string[]).includes(event.action);
    const refusal = (REFUSAL_ACTIONS as readonly string[]).includes(event.action);
    const signIn = event.action === 'session.opened';
    if (!reveal && !refusal && !signIn) return;
    const rules = (await this.ctx.settings(trx)).securityAlerts;
    const now = this.ctx.now();
    const person = personOf(event);
    if (refusal) await this.refusedBurst(trx, rules.refusedBurst, now);
    if (person === null) return;
    const roleChangedAt = event.actorKind === 'admin' ? await this.noteRole(trx, actor, person, now) : null;
    if (!reveal) return;
    await this.revealBurst(trx, rules.revealBurst, event, person, now);
    if (rules.newPlace.enabled) await this.newPlace(trx, event, person, now);
    if (rules.roleChange.enabled && roleChangedAt !== null && now - roleChangedAt.at < rules.roleChange.hours * HOUR_MS) {
      await this.raise(trx, 'roleChange', person, roleChangedAt.at, { from: roleChangedAt.from, to: roleChangedAt.to, hours: rules.roleChange.hours });
    }
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

  private async revealBurst(trx: Knex.Transaction, rule: SecurityAlertSettings['revealBurst'], event: Observed, person: string, now: number): Promise<void> {
    if (!rule.enabled) return;
    const windowMs = rule.minutes * MINUTE_MS;
    const row = await trx(this.ctx.tables.audit).count({ n: '*' })
      .where({ actor_kind: event.actorKind, actor_id: event.actorId }).whereIn('action', REVEAL_ACTIONS).where('at', '>', now - windowMs)
      .first() as { n: number | string } | undefined;
    const count = Number(row?.n ?? 0);
    if (count > rule.count) await this.raise(trx, 'revealBurst', person, windowStart(now, windowMs), { count, limit: rule.count, minutes: rule.minutes });
  }

  private async refusedBurst(trx: Knex.Transaction, rule: SecurityAlertSettings['refusedBurst'], now: number): Promise<void> {
    if (!rule.enabled) return;
    const windowMs = rule.minutes * MINUTE_MS;
    const row = await trx(this.ctx.tables.audit).count({ n: '*' })
      .whereIn('action', REFUSAL_ACTIONS).where('at', '>', now - windowMs).first() as { n: number | string } | undefined;
    const count = Number(row?.n ?? 0);
    if (count > rule.count) await this.raise(trx, 'refusedBurst', EVERYONE, windowStart(now, windowMs), { count, limit: rule.count, minutes: rule.minutes });
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

  /**
   * Compares the admin's host role with the one last seen and keeps the new
   * one; a change is audited. Answers the last change, if any.
   */
  private async noteRole(trx: Knex.Transaction, actor: Actor, person: string, now: number): Promise<{ at: number; from: string; to: string } | null> {
    const facts = await this.ctx.actorFacts(actor);
    if (facts.kind !== 'admin') return null;
    const role = facts.roleId ?? '';
    const t = this.ctx.tables.personRoles;
    const seen = await trx(t).first('role_id', 'changed_at', 'previous_role_id').where('person', person) as
      { role_id: string; changed_at: number | string | null; previous_role_id: string | null } | undefined;
    if (!seen) {
      await trx(t).insert({ person, role_id: role, previous_role_id: null, changed_at: null, seen_at: now });
      return null;
    }
    if (seen.role_id !== role) {
      await trx(t).where('person', person).update({ role_id: role, previous_role_id: seen.role_id, changed_at: now, seen_at: now });
      await this.ctx.record(trx, { kind: 'system' }, { action: ROLE_CHANGED_ACTION, details: { adminId: facts.adminId, from: seen.role_id, to: role } });
      return { at: now, from: seen.role_id, to: role };
    }
    await trx(t).where('person', person).update({ seen_at: now });
    return seen.changed_at === null ? null : { at: Number(seen.changed_at), from: seen.previous_role_id ?? '', to: role };
  }

  private async raise(trx: Knex.Transaction, rule: AlertRule, person: string, window: number, details: AlertLine['details']): Promise<void> {
    const t = this.ctx.tables.alerts;
    if (await trx(t).first('id').where({ rule, person, window_start: window })) return;
    const now = this.ctx.now();
    const id = newId(now);
    await trx(t).insert({ id, rule, person, window_start: window, created_at: now, details: JSON.stringify(details) });
    await this.ctx.record(trx, { kind: 'system' }, { action: ALERT_ACTION, details: { alertId: id, rule, person, ...details } });
    const recipients = await addonRunners(this.ctx, await this.ctx.settings(trx));
    await enqueueSecurityAlert(trx, this.ctx, { id, rule, person, details }, recipients);
  }
}

/** `admin:<id>`, `client:<id>` or `client:<id>/<contact>`: the actor as the audit trail names it; null for the system. */
function personOf(event: Observed): string | null {
  return event.actorKind === 'system' || event.actorId === null ? null : `${event.actorKind}:${event.actorId}`;
}

function windowStart(now: number, windowMs: number): number {
  return Math.floor(now / windowMs) * windowMs;
}
