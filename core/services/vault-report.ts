import type { Knex } from 'knex';
import type { Actor } from '../domain/actor.ts';
import { ForbiddenError } from '../errors.ts';
import { canDo } from '../policy/access-policy.ts';
import { visibleEntries } from '../policy/visibility-query.ts';
import { LISTED_COLUMNS, PRESENCE_COLUMNS, toView, type ListedRow } from '../store/entry-rows.ts';
import { tagsColumn } from '../store/entry-tags.ts';
import type { EntryView } from '../domain/entry.ts';
import type { VaultContext } from './context.ts';
import type { MailKind, Recipient } from './mail-outbox.ts';
import { DAY_MS } from './reminder-schedule.ts';
import { periodOf, whereOverdue } from './rotation-due.ts';

/** How far ahead the dashboard looks for passwords coming due. */
export const DUE_SOON_DAYS = 14;
const LISTED = 50;
const FAILED_MAIL_LISTED = 20;

/** A message the outbox gave up on: refused by the server (5xx), or out of attempts. */
export interface FailedMail {
  id: string;
  kind: MailKind;
  recipient: Recipient;
  attempts: number;
  /** The server's answer or the error, one line with the message's secrets cut out (see OutboxDispatcher). */
  error: string;
  failedAt: Date;
}

export interface CountRow {
  key: string | null;
  count: number;
}

/** An entry on the dashboard's rotation lists. */
export interface DueEntry {
  entry: EntryView;
  /** When the password became (or becomes) due: its last change plus its period. */
  dueAt: Date;
  /** The next reminder the job will send (later than `dueAt` once reminders went out). */
  nextReminderAt: Date;
  /** Whole days past `dueAt` (overdue) or left until it (due soon). */
  days: number;
}

export interface VaultReport {
  total: number;
  byClient: CountRow[];
  byAdmin: CountRow[];
  byCategory: CountRow[];
  /** Passwords older than their rotation period, most overdue first (at most 50). */
  overdue: DueEntry[];
  overdueCount: number;
  /** Passwords that come due within `DUE_SOON_DAYS`, soonest first (at most 50). */
  dueSoon: DueEntry[];
  dueSoonCount: number;
  /** The entries of `overdue`, as they were listed before the due lists had dates. */
  dueForRotation: EntryView[];
  /** Mail that will not go out, newest first (at most 20), so someone can look into it. */
  failedMail: FailedMail[];
  failedMailCount: number;
}

type DueRow = ListedRow & { next_reminder_at: number | string };

interface FailedRow {
  id: number | string;
  kind: MailKind;
  recipient_kind: Recipient['kind'];
  recipient_id: string;
  attempts: number | string;
  last_error: string | null;
  next_attempt_at: number | string;
}

/**
 * The addon dashboard: counts by client, owning admin and category, and what
 * is due for rotation, each one grouped query over what the actor may see.
 *
 * Due dates come from `next_reminder_at`, which every password or period
 * change sets to the change plus the period, and which the reminder job moves
 * one period on each time it reminds. So an entry is:
 * - due soon when its next reminder is the first one and falls within the
 *   next 14 days (an indexed range on `next_reminder_at`);
 * - overdue when its next reminder time has passed, or when it lies more than
 *   one period after the last change (reminders already went out and the
 *   password is still the old one): it stays overdue until the password changes.
 */
export class VaultReportService {
  constructor(private readonly ctx: VaultContext) {}

  async build(actor: Actor, options: { top?: number } = {}): Promise<VaultReport> {
    const top = options.top ?? 10;
    return this.ctx.guard(async () => {
      const { facts, settings } = await this.ctx.decisionInputs(actor);
      if (!canDo(facts, 'readAudit', settings)) throw new ForbiddenError('open the addon dashboard');
      const t = this.ctx.tables;
      const knex = this.ctx.knex;
      const visible = () => {
        const qb = knex(`${t.entries} as e`);
        visibleEntries(qb, facts, settings, t);
        return qb;
      };
      const counted = (column: string, where?: (qb: Knex.QueryBuilder) => void) => {
        const qb = visible().select({ key: column }).count({ count: '*' }).groupBy(column).orderBy('count', 'desc').limit(top);
        where?.(qb);
        return qb as unknown as Promise<Array<{ key: string | null; count: number | string }>>;
      };
      const now = this.ctx.now();
      const soon = now + DUE_SOON_DAYS * DAY_MS;
      // The period each entry follows, in ms; entries without one have no next_reminder_at.
      const periodMs = periodOf(knex, settings.defaultReminderDays);
      const overdue = (qb: Knex.QueryBuilder) => whereOverdue(qb, knex, settings.defaultReminderDays, now);
      const dueSoon = (qb: Knex.QueryBuilder) => qb
        .where('e.next_reminder_at', '>', now).where('e.next_reminder_at', '<=', soon)
        .whereNotNull('e.password_changed_at')
        .where('e.next_reminder_at', '<=', knex.raw('e.password_changed_at + ?', [periodMs]));
      const listed = (qb: Knex.QueryBuilder) => qb
        .select(LISTED_COLUMNS.map((c) => `e.${c}`))
        .select('e.next_reminder_at')
        .select(knex.raw(PRESENCE_COLUMNS.join(', ')), tagsColumn(knex, t, this.ctx.dialect));
      const count = (qb: Knex.QueryBuilder) => qb.count({ n: '*' }).first() as Promise<{ n: number | string } | undefined>;

      const failed = () => knex(t.outbox).where('status', 'failed');
      const [totalRow, byClient, byAdmin, byCategory, overdueRows, overdueTotal, soonRows, soonTotal, failedRows, failedTotal] = await Promise.all([
        count(visible()),
        counted('e.client_id', (qb) => qb.whereNotNull('e.client_id')),
        counted('e.owner_id', (qb) => qb.where('e.owner_kind', 'admin')),
        // Clients' own categories are their private filing; the dashboard counts the addon's categories.
        counted('e.category_id', (qb) => qb.whereIn('e.category_id', knex(t.categories).select('id').where('owner_kind', 'admin'))),
        listed(overdue(visible()))
          .orderByRaw('e.password_changed_at + COALESCE(e.reminder_days, ?) * ?', [settings.defaultReminderDays ?? 0, DAY_MS]).orderBy('e.id').limit(LISTED) as Promise<DueRow[]>,
        count(overdue(visible())),
        listed(dueSoon(visible())).orderBy('e.next_reminder_at').orderBy('e.id').limit(LISTED) as Promise<DueRow[]>,
        count(dueSoon(visible())),
        failed().select('id', 'kind', 'recipient_kind', 'recipient_id', 'attempts', 'last_error', 'next_attempt_at')
          .orderBy('next_attempt_at', 'desc').orderBy('id', 'desc').limit(FAILED_MAIL_LISTED) as Promise<FailedRow[]>,
        count(failed()),
      ]);
      const asCounts = (rows: Array<{ key: string | null; count: number | string }>) =>
        rows.map((r) => ({ key: r.key, count: Number(r.count) }));
      const due = (row: DueRow, late: boolean): DueEntry => {
        const period = (row.reminder_days ?? settings.defaultReminderDays ?? 0) * DAY_MS;
        const dueAt = Number(row.password_changed_at) + period;
        return {
          entry: toView(row),
          dueAt: new Date(dueAt),
          nextReminderAt: new Date(Number(row.next_reminder_at)),
          days: late ? Math.floor((now - dueAt) / DAY_MS) : Math.ceil((dueAt - now) / DAY_MS),
        };
      };
      const overdueList = overdueRows.map((r) => due(r, true));
      return {
        total: Number(totalRow?.n ?? 0),
        byClient: asCounts(byClient),
        byAdmin: asCounts(byAdmin),
        byCategory: asCounts(byCategory),
        overdue: overdueList,
        overdueCount: Number(overdueTotal?.n ?? 0),
        dueSoon: soonRows.map((r) => due(r, false)),
        dueSoonCount: Number(soonTotal?.n ?? 0),
        dueForRotation: overdueList.map((d) => d.entry),
        failedMail: failedRows.map((r) => ({
          id: String(r.id),
          kind: r.kind,
          recipient: { kind: r.recipient_kind, id: r.recipient_id },
          attempts: Number(r.attempts),
          error: r.last_error ?? '',
          failedAt: new Date(Number(r.next_attempt_at)),
        })),
        failedMailCount: Number(failedTotal?.n ?? 0),
      };
    });
  }
}
