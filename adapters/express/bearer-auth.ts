import type { Request } from 'express';
import { RateLimitedError, type AdminActor, type ApiTokenScope, type ApiTokenUse, type Latchkey } from '../../core/index.ts';
import type { RateLimitOptions } from './rate-limits.ts';

/** A token that is unknown, expired, revoked or whose admin is gone: a 401 that says no more. */
export class BearerRefusedError extends Error {
  constructor() {
    super('invalid or expired API token');
    this.name = 'BearerRefusedError';
  }
}

export interface BearerSession {
  actor: AdminActor;
  token: ApiTokenUse & { scopes: ApiTokenScope[] };
}

/**
 * `Authorization: Bearer <token>` on the JSON API. Refusals are counted per
 * address; past the limit the address waits (429) before any token, valid
 * or not, is checked again, so tokens cannot be guessed at speed.
 */
export class BearerAuth {
  constructor(private readonly lk: Latchkey, private readonly limits: RateLimitOptions) {}

  /** Whether the request names a bearer token at all (it then never falls back to cookies). */
  carriesToken(req: Request): boolean {
    return /^bearer(\s|$)/i.test(req.get('authorization') ?? '');
  }

  async authenticate(req: Request): Promise<BearerSession> {
    const address = req.ip ?? 'unknown';
    const rule = this.limits.tokenFailuresPerAddress;
    const before = await this.lk.rateLimits.peek('tokenFailuresPerAddress', address, rule);
    if (!before.allowed) throw new RateLimitedError('refused API tokens', before.retryAfterSeconds);
    const presented = (req.get('authorization') ?? '').replace(/^bearer\s*/i, '').trim();
    const check = await this.lk.apiTokens.authenticate(presented, { ip: req.ip, userAgent: req.get('user-agent')?.slice(0, 512) });
    if (check.ok) return { actor: check.actor, token: check.token };
    const after = await this.lk.rateLimits.hit('tokenFailuresPerAddress', address, rule);
    if (!after.allowed) throw new RateLimitedError('refused API tokens', after.retryAfterSeconds);
    throw new BearerRefusedError();
  }
}
