import type { EntryRow } from '../store/entry-rows.ts';
import type { VaultContext } from './context.ts';
import { enqueueReminders, type DueReminder } from './mail-outbox.ts';
import { DAY_MS, followingReminderAt, reminderPeriod } from './reminder-schedule.ts';

/** Entries moved on (and their reminders written) per transaction: short locks, few commits. */
const TRANSACTION_SIZE = 50;

type DueRow = Pick<EntryRow, 'id' | 'owner_kind' | 'owner_id' | 'reminder_days' | 'next_reminder_at' | 'password_changed_at'>;

/**
 * Finds entries whose password is older than their period (an indexed range
 * on `next_reminder_at`, so the cost is what is due), writes their reminders
 * to the outbox and moves each entry's next reminder one period on, in one
 * transaction per few dozen entries (a statement per entry, and one watcher
 * query and insert for them all, not five statements and a commit each). The
 * move is conditional on the due time it read, and an entry is reminded only
 * if its move took, so several runners at once remind each entry once.
 */
export class ReminderJob {
  constructor(private readonly ctx: VaultContext) {}

  async enqueueDue(batchSize = 500): Promise<number> {
    return this.ctx.guard(async () => {
      const t = this.ctx.tables;
      const now = this.ctx.now();
      const settings = await this.ctx.settings();
      let queued = 0;
      let after = '';
      for (;;) {
        const due = await this.ctx.knex(t.entries)
          .select('id', 'owner_kind', 'owner_id', 'reminder_days', 'next_reminder_at', 'password_changed_at')
          .whereNotNull('next_reminder_at').where('next_reminder_at', '<=', now).where('id', '>', after)
          .orderBy('id').limit(batchSize) as DueRow[];
        for (let i = 0; i < due.length; i += TRANSACTION_SIZE) {
          queued += await this.ctx.knex.transaction(async (trx) => {
            const moved: DueReminder[] = [];
            for (const row of due.slice(i, i + TRANSACTION_SIZE)) {
              const dueAt = Number(row.next_reminder_at);
              const period = reminderPeriod(row.reminder_days, settings.defaultReminderDays);
              const count = await trx(t.entries).where({ id: row.id, next_reminder_at: dueAt })
                .update({ next_reminder_at: period === null ? null : followingReminderAt(dueAt, period, now) });
              if (count === 0 || period === null) continue;
              moved.push({ row, dueAt, days: Math.round((now - Number(row.password_changed_at ?? dueAt)) / DAY_MS) });
            }
            return enqueueReminders(trx, this.ctx, moved);
          });
        }
        if (due.length < batchSize) return queued;
        after = due[due.length - 1]!.id;
      }
    });
  }
}
