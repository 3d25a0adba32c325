import type { Actor } from '../domain/actor.ts';
import { ForbiddenError } from '../errors.ts';
import { canDo } from '../policy/access-policy.ts';
import type { AuditRow } from '../store/audit-log.ts';
import { addonRunners } from './addon-runners.ts';
import type { VaultContext } from './context.ts';
import { enqueueAccessReview } from './mail-outbox.ts';
import { DAY_MS } from './reminder-schedule.ts';
import { ROLE_CHANGED_ACTION } from './security-alerts.ts';

export const REVIEWED_ACTION = 'accessReview.done';
/** What changes who can see what: grants, categories' members, settings (mode, allowed and extended roles), host roles. */
export const ACCESS_CHANGE_ACTIONS = ['entry.share', 'category.create', 'category.update', 'settings.update', ROLE_CHANGED_ACTION] as const;
const CHANGES_LISTED = 200;

export interface AccessChange {
  seq: number;
  at: Date;
  action: string;
  actor: { kind: string; id: string | null };
  entryId: string | null;
  clientId: string | null;
  details: Record<string, unknown> | null;
}

export interface ReviewState {
  /** The last review, or null when none was ever marked. */
  lastReviewedAt: Date | null;
  lastReviewedBy: string | null;
  /** Changes to access since then, newest first (at most 200). */
  changes: AccessChange[];
}

/**
 * Periodic access reviews: what changed since the last one, read from the
 * audit trail by action (indexed on action and seq), marking a review done
 * (an audit event), and the reminder the mail job queues every
 * `accessReviewDays` after the last review.
 */
export class AccessReviewService {
  constructor(private readonly ctx: VaultContext) {}

  async state(actor: Actor): Promise<ReviewState> {
    return this.ctx.guard(async () => {
      await this.allowed(actor);
      const last = await this.lastReview();
      // One walk down the (action, seq) index per action, merged: an IN list lets a planner walk the whole log instead.
      const perAction = await Promise.all(ACCESS_CHANGE_ACTIONS.map((action) => this.ctx.knex(this.ctx.tables.audit)
        .select('seq', 'at', 'action', 'actor_kind', 'actor_id', 'entry_id', 'client_id', 'details')
        .where('action', action).where('seq', '>', last?.seq ?? 0).orderBy('seq', 'desc').limit(CHANGES_LISTED) as Promise<AuditRow[]>));
      const rows = perAction.flat().sort((a, b) => Number(b.seq) - Number(a.seq)).slice(0, CHANGES_LISTED);
      return {
        lastReviewedAt: last ? new Date(last.at) : null,
        lastReviewedBy: last?.by ?? null,
        changes: rows.map((r) => ({
          seq: Number(r.seq), at: new Date(Number(r.at)), action: r.action, actor: { kind: r.actor_kind, id: r.actor_id },
          entryId: r.entry_id, clientId: r.client_id, details: r.details ? JSON.parse(r.details) as Record<string, unknown> : null,
        })),
      };
    });
  }

  async markReviewed(actor: Actor): Promise<void> {
    return this.ctx.guard(async () => {
      await this.allowed(actor);
      const last = await this.lastReview();
      await this.ctx.knex.transaction((trx) => this.ctx.record(trx, actor, { action: REVIEWED_ACTION, details: { previousSeq: last?.seq ?? null } }));
    });
  }

  /**
   * Queues the reminder when `accessReviewDays` have passed since the last
   * review (or since the first event, for a vault never reviewed): one per
   * addon runner per period, however often the job runs.
   */
  async enqueueDue(): Promise<number> {
    return this.ctx.guard(async () => {
      const settings = await this.ctx.settings();
      const days = settings.accessReviewDays;
      if (days === null) return 0;
      const last = await this.lastReview() ?? await this.firstEvent();
      if (last === null) return 0;
      const periods = Math.floor((this.ctx.now() - last.at) / (days * DAY_MS));
      if (periods < 1) return 0;
      const recipients = await addonRunners(this.ctx, settings);
      return this.ctx.knex.transaction((trx) => enqueueAccessReview(trx, this.ctx, `${last.seq}:${days}:${periods}`, days, recipients));
    });
  }

  private async allowed(actor: Actor): Promise<void> {
    const { facts, settings } = await this.ctx.decisionInputs(actor);
    if (!canDo(facts, 'changeSettings', settings)) throw new ForbiddenError('review access');
  }

  private async lastReview(): Promise<{ seq: number; at: number; by: string | null } | null> {
    const row = await this.ctx.knex(this.ctx.tables.audit).first('seq', 'at', 'actor_id').where('action', REVIEWED_ACTION).orderBy('seq', 'desc') as
      { seq: number | string; at: number | string; actor_id: string | null } | undefined;
    return row ? { seq: Number(row.seq), at: Number(row.at), by: row.actor_id } : null;
  }

  private async firstEvent(): Promise<{ seq: number; at: number } | null> {
    const row = await this.ctx.knex(this.ctx.tables.audit).first('seq', 'at').orderBy('seq', 'asc') as { seq: number | string; at: number | string } | undefined;
    return row ? { seq: 0, at: Number(row.at) } : null;
  }
}
