import type { Knex } from 'knex';
import type { Actor } from '../domain/actor.ts';
import { DAY_MS } from './reminder-schedule.ts';
import { applySettingsChange, type VaultSettings } from '../domain/settings.ts';
import { ForbiddenError } from '../errors.ts';
import { canDo } from '../policy/access-policy.ts';
import { settingsPatchSchema, settingsSchema, type SettingsPatch } from '../validation/schemas.ts';
import { validate } from '../validation/validate.ts';
import { SETTINGS_KEY, type VaultContext } from './context.ts';

export class SettingsService {
  constructor(private readonly ctx: VaultContext) {}

  async get(actor: Actor): Promise<VaultSettings> {
    return this.ctx.guard(async () => {
      const { facts, settings } = await this.ctx.decisionInputs(actor);
      if (!canDo(facts, 'changeSettings', settings) && actor.kind !== 'system') throw new ForbiddenError('read the settings');
      return settings;
    });
  }

  /** Applies a partial change; the merged result is validated whole before anything is written. */
  async update(actor: Actor, patch: SettingsPatch): Promise<VaultSettings> {
    const change = validate(settingsPatchSchema, patch);
    return this.ctx.guard(async () => {
      const { facts, settings } = await this.ctx.decisionInputs(actor);
      if (!canDo(facts, 'changeSettings', settings) && actor.kind !== 'system') throw new ForbiddenError('change the settings');
      const now = this.ctx.now();
      const t = this.ctx.tables;
      return this.ctx.knex.transaction(async (trx) => {
        // Queue behind other writers first, then apply the change to the settings as they are
        // now: two people changing different settings at once both keep their change.
        await this.ctx.audit.lock(trx, now);
        const next = validate(settingsSchema, applySettingsChange(await this.ctx.settings(trx), change)) as VaultSettings;
        await trx(t.settings).insert({ key: SETTINGS_KEY, value: JSON.stringify(next), updated_at: now })
          .onConflict('key').merge(['value', 'updated_at']);
        if (change.defaultReminderDays !== undefined) await rescheduleDefaultReminders(trx, t.entries, next.defaultReminderDays);
        await this.ctx.record(trx, actor, { action: 'settings.update', details: { changed: Object.keys(change) } });
        return next;
      });
    });
  }
}

/**
 * Entries that follow the default period get their next reminder from the new
 * default, in one statement over the rows that follow it.
 */
async function rescheduleDefaultReminders(trx: Knex.Transaction, entries: string, days: number | null): Promise<void> {
  const following = trx(entries).whereNull('reminder_days').whereNotNull('password_changed_at');
  if (days === null) await following.update({ next_reminder_at: null });
  else await following.update({ next_reminder_at: trx.raw('password_changed_at + ?', [days * DAY_MS]) });
}
