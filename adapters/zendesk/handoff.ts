import { randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { isZendeskLocation, type TokenLedgerPort, type ZendeskLocation } from './zendesk-token.ts';

const AUDIENCE = 'latchkey-zendesk-handoff';

export interface Handoff {
  adminId: string;
  location: ZendeskLocation;
}

/**
 * The short bridge between the verified Zendesk token and the frame session.
 * Zendesk's token says who the agent is, not which ticket is open: that is
 * read in the browser with the ZAF SDK. So the entry answers a small page that
 * asks ZAF for the ticket (or user, or organization) and comes back with it
 * and this hand-off, an HS256 JWT naming the admin and the location, good for
 * two minutes and for one use.
 */
export class Handoffs {
  readonly #key: Uint8Array;

  constructor(secret: string, private readonly ledger: TokenLedgerPort, private readonly seconds = 120) {
    if (secret.length < 32) throw new Error('mountZendesk: secret must be at least 32 characters');
    this.#key = new TextEncoder().encode(`zendesk-handoff|${secret}`);
  }

  issue(handoff: Handoff): Promise<string> {
    const issuedAt = Math.floor(this.ledger.now().getTime() / 1000);
    return new SignJWT({ loc: handoff.location })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(handoff.adminId)
      .setAudience(AUDIENCE)
      .setJti(randomBytes(18).toString('base64url'))
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.seconds)
      .sign(this.#key);
  }

  /** The hand-off, the first time it is presented before it expires; null otherwise. */
  async redeem(token: string): Promise<Handoff | null> {
    if (token.length > 1024) return null;
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.#key, {
        algorithms: ['HS256'], audience: AUDIENCE, requiredClaims: ['sub', 'exp', 'jti'], currentDate: this.ledger.now(),
      }));
    } catch {
      return null;
    }
    const { sub, loc, jti, exp } = payload as { sub: unknown; loc: unknown; jti: unknown; exp: number };
    if (typeof sub !== 'string' || !isZendeskLocation(loc) || typeof jti !== 'string') return null;
    if (!(await this.ledger.consume(`zendesk-handoff|${jti}`, new Date(exp * 1000)))) return null;
    return { adminId: sub, location: loc };
  }
}
