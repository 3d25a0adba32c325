import { RateLimitedError, type Latchkey, type RateRule } from '../../core/index.ts';

/**
 * The limits on reveals and sign-in-like requests, each counted per actor
 * and per address in the database, so that they hold across app instances.
 */
export interface RateLimitOptions {
  /** Reveals (a password, notes, TOTP, or an old password) by one actor (default 120 a minute). */
  revealPerActor: RateRule;
  /** Reveals from one address, whoever asks (default 600 a minute). */
  revealPerAddress: RateRule;
  /** Embed tokens exchanged for a frame session from one address, valid or not (default 300 a minute: an office behind one NAT opens many panels). */
  signInPerAddress: RateRule;
  /** Frame sessions opened for one actor, by embed token or a host adapter's handoff (default 60 a minute). */
  signInPerActor: RateRule;
  /** Refused API tokens from one address; past it even a valid token waits (default 10 a minute). */
  tokenFailuresPerAddress: RateRule;
  /** Second-factor codes tried by one person, right or wrong (default 5 in 5 minutes): a 6-digit code cannot be guessed in so few. */
  stepUpPerActor: RateRule;
}

export const DEFAULT_RATE_LIMITS: RateLimitOptions = {
  revealPerActor: { limit: 120, windowSeconds: 60 },
  revealPerAddress: { limit: 600, windowSeconds: 60 },
  signInPerAddress: { limit: 300, windowSeconds: 60 },
  signInPerActor: { limit: 60, windowSeconds: 60 },
  tokenFailuresPerAddress: { limit: 10, windowSeconds: 60 },
  stepUpPerActor: { limit: 5, windowSeconds: 300 },
};

export function rateLimitsWith(overrides: Partial<RateLimitOptions> = {}): RateLimitOptions {
  const limits = { ...DEFAULT_RATE_LIMITS, ...overrides };
  for (const [name, rule] of Object.entries(limits)) {
    if (!Number.isInteger(rule.limit) || rule.limit < 1 || !Number.isInteger(rule.windowSeconds) || rule.windowSeconds < 1) {
      throw new Error(`mountLatchkey: rateLimits.${name} needs a whole limit and windowSeconds of at least 1`);
    }
  }
  return limits;
}

/** Counts one attempt; throws RateLimitedError (429 with Retry-After) past the limit. */
export async function countAttempt(lk: Latchkey, name: keyof RateLimitOptions, who: string, rule: RateRule): Promise<void> {
  const verdict = await lk.rateLimits.hit(name, who, rule);
  if (!verdict.allowed) throw new RateLimitedError(name, verdict.retryAfterSeconds);
}
