import { jwtVerify, SignJWT } from 'jose';
import type { Actor } from '../../core/index.ts';
import { parseSubject } from './embed-token.ts';
import { parseFrameScope, type FrameScope } from './frame-scope.ts';

export const FRAME_COOKIE = 'lk_frame';
const AUDIENCE = 'latchkey-frame';

/** Who a frame session is, and the place and context it was opened for. */
export interface FrameSession {
  actor: Actor;
  scope: FrameScope;
}

/**
 * Latchkey's own short session for a framed page, started when an embed token
 * is exchanged (the host sends that token only once). A signed JWT in an
 * HttpOnly cookie, so any app instance can read it without shared memory. It
 * carries the token's place and context (`scope`), which bound what it reaches.
 */
export class FrameSessions {
  readonly #key: Uint8Array;

  constructor(secret: string, private readonly minutes: number) {
    this.#key = new TextEncoder().encode(`frame|${secret}`);
  }

  get maxAgeSeconds(): number {
    return this.minutes * 60;
  }

  async start(actor: Actor, scope: FrameScope): Promise<string> {
    return new SignJWT({ scope })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(subjectOf(actor))
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.minutes}m`)
      .sign(this.#key);
  }

  /** The session the cookie holds; null when there is none, or it is not valid, or it names no scope. */
  async session(token: string | undefined): Promise<FrameSession | null> {
    if (!token) return null;
    try {
      const { payload } = await jwtVerify(token, this.#key, { algorithms: ['HS256'], audience: AUDIENCE });
      const actor = parseSubject(payload.sub);
      const scope = parseFrameScope(payload.scope);
      return actor && scope ? { actor, scope } : null;
    } catch {
      return null;
    }
  }
}

function subjectOf(actor: Actor): string {
  switch (actor.kind) {
    case 'admin': return `admin:${actor.adminId}`;
    case 'client': return actor.contactId ? `client:${actor.clientId}:contact:${actor.contactId}` : `client:${actor.clientId}`;
    case 'system': throw new Error('the system has no frame session');
  }
}
