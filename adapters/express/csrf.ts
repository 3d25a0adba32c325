import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { describeActor, type Actor } from '../../core/index.ts';
import { readCookie, setCookie } from './cookies.ts';

export const CSRF_COOKIE = 'lk_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/**
 * Signed double-submit tokens: a random HttpOnly cookie, and a token that is
 * the HMAC of that cookie and the actor. A page from another site can send the
 * cookie but cannot read it nor compute the token, so it cannot forge a change.
 */
export class CsrfGuard {
  constructor(private readonly secret: string, private readonly cookiePath: string) {}

  /** The token for this request's actor, setting the cookie when it is missing. */
  issue(req: Request, res: Response, actor: Actor, framed: boolean): string {
    let seed = readCookie(req, CSRF_COOKIE);
    if (!seed || !/^[A-Za-z0-9_-]{43}$/.test(seed)) {
      seed = randomBytes(32).toString('base64url');
      setCookie(req, res, CSRF_COOKIE, seed, { path: this.cookiePath, maxAgeSeconds: 12 * 3600, framed });
      // Later reads in this same request see the new cookie.
      req.headers.cookie = `${req.headers.cookie ? `${req.headers.cookie}; ` : ''}${CSRF_COOKIE}=${seed}`;
    }
    return this.sign(seed, actor);
  }

  verify(req: Request, actor: Actor): boolean {
    const seed = readCookie(req, CSRF_COOKIE);
    const presented = req.get(CSRF_HEADER);
    if (!seed || !presented) return false;
    const expected = Buffer.from(this.sign(seed, actor));
    const given = Buffer.from(presented);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private sign(seed: string, actor: Actor): string {
    const who = describeActor(actor);
    return createHmac('sha256', this.secret).update(`csrf|${seed}|${who.kind}|${who.id ?? ''}`).digest('base64url');
  }
}
