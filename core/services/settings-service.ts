import type { Actor } from '../domain/actor.ts';
import type { VaultSettings } from '../domain/settings.ts';
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
      const next = validate(settingsSchema, { ...settings, ...change }) as VaultSettings;
      const now = this.ctx.now();
      const t = this.ctx.tables;
      await this.ctx.knex.transaction(async (trx) => {
        const value = JSON.stringify(next);
        const updated = await trx(t.settings).where('key', SETTINGS_KEY).update({ value, updated_at: now });
        if (updated === 0) await trx(t.settings).insert({ key: SETTINGS_KEY, value, updated_at: now });
        await this.ctx.record(trx, actor, { action: 'settings.update', details: { changed: Object.keys(change) } });
      });
      return next;
    });
  }
}
