import { createPublicKey, type KeyObject } from 'node:crypto';
import { errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import { HOOK_PLACES, TOKEN_CLOCK_TOLERANCE_SECONDS, type Actor, type HookPlace, type Latchkey } from '../../core/index.ts';
import type { EmbedOptions } from './options.ts';

const MAX_LIFETIME_SECONDS = 300;

const idPart = z.string().regex(/^[A-Za-z0-9_.:@-]{1,64}$/);
const contextClaim = z.strictObject({
  place: z.enum(HOOK_PLACES),
  clientId: idPart.optional(),
  ticketId: idPart.optional(),
  contactId: idPart.optional(),
  deviceId: idPart.optional(),
  page: z.string().max(40).optional(),
  language: z.string().max(16).optional(),
});

export const HOST_JOBS = ['reminders', 'service-events'] as const;
export type HostJob = (typeof HOST_JOBS)[number];
const jobClaim = z.strictObject({ job: z.enum(HOST_JOBS) });

export interface EmbedGrant {
  actor: Actor;
  place: HookPlace;
  clientId?: string;
  ticketId?: string;
  contactId?: string;
  deviceId?: string;
  page?: string;
  language?: string;
}

/** Why a token was refused, in a word the audit trail keeps (never the token itself). */
export type TokenRefusalReason =
  | 'expired' | 'replayed' | 'forged' | 'malformed' | 'wrongAlgorithm' | 'wrongAudience' | 'wrongIssuer'
  | 'tooOld' | 'livesTooLong' | 'badSubject' | 'badContext' | 'missing' | 'invalid';

export class EmbedTokenError extends Error {
  constructor(message: string, readonly reason: TokenRefusalReason = 'invalid') {
    super(message);
  }
}

/** jose's refusal codes (and the claim a failed claim check names) as the audit trail's reasons. */
function joseReason(err: unknown): TokenRefusalReason {
  if (!(err instanceof joseErrors.JOSEError)) return 'invalid';
  if (err instanceof joseErrors.JWTExpired) return 'expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    return err.claim === 'aud' ? 'wrongAudience' : err.claim === 'iss' ? 'wrongIssuer' : err.claim === 'iat' ? 'tooOld' : 'invalid';
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'forged';
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'wrongAlgorithm';
  if (err instanceof joseErrors.JWSInvalid || err instanceof joseErrors.JWTInvalid) return 'malformed';
  return 'invalid';
}

/**
 * Verifies the short-lived JWT a non-Node host signs for one user and one
 * place: algorithm pinned, issuer and audience checked, at most five minutes
 * of life, and its `jti` accepted once.
 *
 * `sub` names the actor: `admin:<id>`, `client:<id>` or `client:<id>:contact:<id>`;
 * the `ctx` claim names the place and its ids.
 */
export class EmbedTokenVerifier {
  readonly #key: Uint8Array | KeyObject;
  readonly #algorithm: 'HS256' | 'RS256';

  constructor(private readonly options: EmbedOptions, private readonly lk: Latchkey) {
    if (options.publicKeyPem) {
      this.#key = createPublicKey(options.publicKeyPem);
      this.#algorithm = 'RS256';
    } else if (options.secret && options.secret.length >= 32) {
      this.#key = new TextEncoder().encode(options.secret);
      this.#algorithm = 'HS256';
    } else {
      throw new Error('embed needs a shared secret of at least 32 characters or an RS256 public key');
    }
  }

  async verify(token: string): Promise<EmbedGrant> {
    const payload = await this.#verifySigned(token);
    const actor = parseSubject(payload.sub);
    const context = contextClaim.safeParse(payload.ctx);
    if (!actor) throw new EmbedTokenError('bad subject or context', 'badSubject');
    if (!context.success) throw new EmbedTokenError('bad subject or context', 'badContext');
    await this.#consume(payload);
    return { actor, ...context.data };
  }

  /**
   * A token the host signs for one of its own jobs (the WHMCS daily cron):
   * `sub` is `system` and `ctx` is `{"job": <job>}`. It names no user, so
   * `verify` refuses it; user tokens are refused here.
   */
  async verifyJob(token: string, job: HostJob): Promise<void> {
    const payload = await this.#verifySigned(token);
    if (payload.sub !== 'system') throw new EmbedTokenError('not a system token', 'badSubject');
    if (!jobClaim.safeParse(payload.ctx).success || (payload.ctx as { job: string }).job !== job) throw new EmbedTokenError('bad context', 'badContext');
    await this.#consume(payload);
  }

  async #verifySigned(token: string): Promise<Record<string, unknown>> {
    const payload = await verifyPinnedJwt(token, {
      key: this.#key,
      algorithm: this.#algorithm,
      issuer: this.options.issuer,
      audience: this.options.audience,
      requiredClaims: ['sub', 'exp', 'iat', 'jti'],
      maxTokenAge: MAX_LIFETIME_SECONDS,
      now: this.lk.usedTokens.now(),
    });
    const { exp, iat, jti } = payload as { exp: number; iat: number; jti: unknown };
    if (exp - iat > MAX_LIFETIME_SECONDS) throw new EmbedTokenError('token lives too long', 'livesTooLong');
    if (typeof jti !== 'string' || jti.length < 16 || jti.length > 128) throw new EmbedTokenError('bad jti', 'malformed');
    return payload;
  }

  /** Last, once everything else holds: a refused token must not use up its `jti`. */
  async #consume(payload: Record<string, unknown>): Promise<void> {
    const { exp, jti } = payload as { exp: number; jti: string };
    if (!(await this.lk.usedTokens.consume(`${this.options.issuer}|${jti}`, new Date(exp * 1000)))) {
      throw new EmbedTokenError('token already used', 'replayed');
    }
  }
}

/** What `verifyPinnedJwt` checks: one key, one algorithm, the issuer and audience, and the times. */
export interface PinnedJwtCheck {
  key: Uint8Array | KeyObject;
  algorithm: 'HS256' | 'RS256';
  issuer: string | string[];
  audience: string;
  requiredClaims: string[];
  /** Seconds since `iat` after which the token is refused (needs `iat`). */
  maxTokenAge?: number;
  /** The time to check against: the used-token ledger's (`lk.usedTokens.now()`), so both share one clock. */
  now: Date;
}

/**
 * Verifies a JWT's signature with one pinned algorithm and key (anything else,
 * `none` included, is refused), its issuer, audience, expiry and age, with
 * `TOKEN_CLOCK_TOLERANCE_SECONDS` of clock tolerance: a token is accepted
 * until `exp` plus the tolerance (exclusive), and the ledger keeps its id that
 * long. Every failure is an EmbedTokenError. Shared by the embed tokens above
 * and host adapters with their own token layout (Zendesk).
 */
export async function verifyPinnedJwt(token: string, check: PinnedJwtCheck): Promise<Record<string, unknown>> {
  try {
    const { payload } = await jwtVerify(token, check.key, {
      algorithms: [check.algorithm],
      issuer: check.issuer,
      audience: check.audience,
      requiredClaims: check.requiredClaims,
      maxTokenAge: check.maxTokenAge,
      clockTolerance: TOKEN_CLOCK_TOLERANCE_SECONDS,
      currentDate: check.now,
    });
    return payload;
  } catch (err) {
    throw new EmbedTokenError(err instanceof joseErrors.JOSEError ? err.code : 'invalid token', joseReason(err));
  }
}

export function parseSubject(sub: unknown): Actor | null {
  if (typeof sub !== 'string') return null;
  const admin = /^admin:([A-Za-z0-9_.:@-]{1,64})$/.exec(sub);
  if (admin) return { kind: 'admin', adminId: admin[1]! };
  const contact = /^client:([A-Za-z0-9_.@-]{1,64}):contact:([A-Za-z0-9_.@-]{1,64})$/.exec(sub);
  if (contact) return { kind: 'client', clientId: contact[1]!, contactId: contact[2]! };
  const client = /^client:([A-Za-z0-9_.@-]{1,64})$/.exec(sub);
  if (client) return { kind: 'client', clientId: client[1]! };
  return null;
}
