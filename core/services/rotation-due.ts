import type { Knex } from 'knex';
import { DAY_MS } from './reminder-schedule.ts';

/**
 * Entries (aliased `e`) whose password is older than its rotation period:
 * their next reminder time has passed, or lies more than one period after
 * the last change (reminders already went out and the password is still the
 * old one). The dashboard's count and a list's "overdue" filter both ask this.
 */
export function whereOverdue(qb: Knex.QueryBuilder, knex: Knex, defaultReminderDays: number | null, now: number): Knex.QueryBuilder {
  return qb
    .whereNotNull('e.next_reminder_at').whereNotNull('e.password_changed_at')
    .where((q) => q.where('e.next_reminder_at', '<=', now).orWhere('e.next_reminder_at', '>', knex.raw('e.password_changed_at + ?', [periodOf(knex, defaultReminderDays)])));
}

/** The period each entry follows, in ms; entries without one have no next_reminder_at. */
export function periodOf(knex: Knex, defaultReminderDays: number | null): Knex.Raw {
  return knex.raw('COALESCE(e.reminder_days, ?) * ?', [defaultReminderDays ?? 0, DAY_MS]);
}
