export const DAY_MS = 86_400_000;

/**
 * The rotation period that applies to an entry, in days: its own, else the
 * default; an entry's own 0 turns reminders off. Null means no reminders.
 */
export function reminderPeriod(entryDays: number | null, defaultDays: number | null): number | null {
  if (entryDays === 0) return null;
  return entryDays ?? defaultDays;
}

/** When the first reminder is due: one period after the password was set. */
export function firstReminderAt(passwordChangedAt: number | null, period: number | null): number | null {
  return passwordChangedAt === null || period === null ? null : passwordChangedAt + period * DAY_MS;
}

/** After the reminder due at `due`, the next one: a period later, skipping any the job missed while it did not run. */
export function followingReminderAt(due: number, period: number, now: number): number {
  const step = period * DAY_MS;
  const missed = Math.max(0, Math.floor((now - due) / step));
  return due + (missed + 1) * step;
}
