import { createHash } from 'node:crypto';
import type { VaultContext } from './context.ts';

/** At most `limit` attempts per `windowSeconds`. */
export interface RateRule {
  limit: number;
  windowSeconds: number;
}

/** What one counted attempt found: whether it is within the limit, and when the window ends. */
export interface RateVerdict {
  allowed: boolean;
  /** Attempts in this window, this one included. */
  count: number;
  /** Seconds until the window ends (at least 1). */
  retryAfterSeconds: number;
}

/** How often an instance sweeps away counters of windows that have ended. */
const PRUNE_EVERY_MS = 60_000;

/**
 * Fixed-window counters in the database, so that a limit holds across every
 * app instance behind a load balancer. Each attempt is one atomic upsert
 * (`ON CONFLICT ... DO UPDATE` on SQLite, `ON DUPLICATE KEY UPDATE` on
 * MySQL/MariaDB) and one read; concurrent attempts may each read a count
 * that includes the others', which only ever errs towards refusing.
 */
export class RateLimiter {
  #prunedAt = 0;

  constructor(private readonly ctx: VaultContext) {}

  /** Counts one attempt by `who` (an actor or an address) under `rule`, named `name`. */
  async hit(name: string, who: string, rule: RateRule): Promise<RateVerdict> {
    return this.ctx.guard(async () => {
      const { bucket, windowStart, windowEnd, now } = this.window(name, who, rule);
      const t = this.ctx.tables.rateLimits;
      await this.prune(now);
      await this.ctx.knex(t)
        .insert({ bucket, window_start: windowStart, hits: 1, expires_at: windowEnd })
        .onConflict(['bucket', 'window_start'])
        .merge({ hits: this.ctx.knex.raw('?? + 1', [`${t}.hits`]) });
      const row = await this.ctx.knex(t).select('hits').where({ bucket, window_start: windowStart }).first() as { hits: number | string } | undefined;
      const count = Number(row?.hits ?? 1);
      return { allowed: count <= rule.limit, count, retryAfterSeconds: secondsUntil(windowEnd, now) };
    });
  }

  /** The attempts already counted in the current window, without counting one. */
  async peek(name: string, who: string, rule: RateRule): Promise<RateVerdict> {
    return this.ctx.guard(async () => {
      const { bucket, windowStart, windowEnd, now } = this.window(name, who, rule);
      const row = await this.ctx.knex(this.ctx.tables.rateLimits).select('hits').where({ bucket, window_start: windowStart }).first() as { hits: number | string } | undefined;
      const count = Number(row?.hits ?? 0);
      return { allowed: count < rule.limit, count, retryAfterSeconds: secondsUntil(windowEnd, now) };
    });
  }

  private window(name: string, who: string, rule: RateRule) {
    const now = this.ctx.now();
    const size = rule.windowSeconds * 1000;
    const windowStart = Math.floor(now / size) * size;
    // Hashed: addresses and ids of any length fit the key, and the table names no one.
    const bucket = createHash('sha256').update(`${name}|${rule.windowSeconds}|${who}`).digest('hex');
    return { bucket, windowStart, windowEnd: windowStart + size, now };
  }

  private async prune(now: number): Promise<void> {
    if (now - this.#prunedAt < PRUNE_EVERY_MS) return;
    this.#prunedAt = now;
    await this.ctx.knex(this.ctx.tables.rateLimits).where('expires_at', '<=', now).delete();
  }
}

function secondsUntil(end: number, now: number): number {
  return Math.max(1, Math.ceil((end - now) / 1000));
}
