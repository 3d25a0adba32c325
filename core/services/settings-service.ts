import { isDeepStrictEqual } from 'node:util';
import type { Knex } from 'knex';
import type { Actor } from '../domain/actor.ts';
import { DAY_MS } from './reminder-schedule.ts';
import { applySettingsChange, type VaultSettings } from '../domain/settings.ts';
import { ForbiddenError } from '../errors.ts';
import { canDo, clientAreaOpen } from '../policy/access-policy.ts';
import { settingsPatchSchema, settingsSchema, type SettingsPatch } from '../validation/schemas.ts';
import { validate } from '../validation/validate.ts';
import { SETTINGS_KEY, SETTINGS_MEMO, type VaultContext } from './context.ts';
import { currentRequest } from './request-scope.ts';
import { settingsWithCategoryReach } from './category-reach.ts';
import { movePanelStamp } from './panel-cache.ts';

export class SettingsService {
  constructor(private readonly ctx: VaultContext) {}

  async get(actor: Actor): Promise<VaultSettings> {
    return this.ctx.guard(async () => {
      const { facts, settings } = await this.ctx.decisionInputs(actor);
      if (!canDo(facts, 'changeSettings', settings) && actor.kind !== 'system') throw new ForbiddenError('read the settings');
      return settings;
    });
  }

  /**
   * The settings a panel shown to `actor` follows, read as the system (the
   * panel is not the settings page). Within a request they come in one
   * statement with the categories the actor reaches, which the panel lists
   * and filters its entries by next. Call it before the panel's other
   * services, so that they read the settings from this statement.
   */
  async forPanelOf(actor: Actor): Promise<VaultSettings> {
    return this.ctx.guard(() => settingsWithCategoryReach(this.ctx.knex, this.ctx.tables, this.ctx.actorFacts(actor), {
      settings: () => this.ctx.settings(),
      storedSettings: () => this.ctx.storedSettings(),
    }, this.ctx.panelCache));
  }

  /**
   * Runs a panel's render as one request, in which `forPanelOf` may answer
   * from what an earlier render read; the render is proved current before it
   * is returned, and rendered again from the database when it is not.
   */
  async renderPanel<T>(body: () => Promise<T>): Promise<T> {
    return this.ctx.guard(() => this.ctx.panelCache.render(this.ctx.knex, this.ctx.tables, body));
  }

  /**
   * Whether the client area is open to this client actor now (its group,
   * the client, the contact, as the host says they are). Another kind of
   * actor is not in the client area: false.
   */
  async clientAreaOpenFor(actor: Actor): Promise<boolean> {
    if (actor.kind !== 'client') return false;
    return this.ctx.guard(async () => {
      const { facts, settings } = await this.ctx.decisionInputs(actor);
      return facts.kind === 'client' && clientAreaOpen(facts, settings);
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
      const saved = await this.ctx.knex.transaction(async (trx) => {
        // Queue behind other writers first, then apply the change to the settings as they are
        // now: two people changing different settings at once both keep their change.
        await this.ctx.audit.lock(trx, now);
        const current = await this.ctx.settings(trx);
        const next = validate(settingsSchema, applySettingsChange(current, change)) as VaultSettings;
        const changed = (Object.keys(change) as Array<keyof VaultSettings>).filter((key) => !isDeepStrictEqual(next[key], current[key]));
        // Nothing to change (no field, or each as it is): nothing is written, and there is no event to audit.
        if (changed.length === 0) return current;
        await trx(t.settings).insert({ key: SETTINGS_KEY, value: JSON.stringify(next), updated_at: now })
          .onConflict('key').merge(['value', 'updated_at']);
        await movePanelStamp(trx, t, now);
        if (changed.includes('defaultReminderDays')) await rescheduleDefaultReminders(trx, t.entries, next.defaultReminderDays);
        await this.ctx.record(trx, actor, { action: 'settings.update', details: { changed } });
        return next;
      });
      // The rest of this request reads the settings as they now are.
      currentRequest()?.forget(SETTINGS_MEMO);
      return saved;
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
