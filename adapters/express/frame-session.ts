import { jwtVerify, SignJWT } from 'jose';
import type { Actor } from '../../core/index.ts';
import { parseSubject } from './embed-token.ts';

export const FRAME_COOKIE = 'lk_frame';
const AUDIENCE = 'latchkey-frame';

/**
 * Latchkey's own short session for a framed page, started when an embed token
 * is exchanged (the host sends that token only once). A signed JWT in an
 * HttpOnly cookie, so any app instance can read it without shared memory.
 */
export class FrameSessions {
  readonly #key: Uint8Array;

  constructor(secret: string, private readonly minutes: number) {
    this.#key = new TextEncoder().encode(`frame|${secret}`);
  }

  get maxAgeSeconds(): number {
    return this.minutes * 60;
  }

  async start(actor: Actor): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(subjectOf(actor))
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.minutes}m`)
      .sign(this.#key);
  }

  async actor(token: string | undefined): Promise<Actor | null> {
    if (!token) return null;
    try {
      const { payload } = await jwtVerify(token, this.#key, { algorithms: ['HS256'], audience: AUDIENCE });
      return parseSubject(payload.sub);
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
