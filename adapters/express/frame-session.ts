import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import type { Actor } from '../../core/index.ts';
import { parseSubject } from './embed-token.ts';
import { frameScopeSchema, sameScope, type FrameScope } from './frame-scope.ts';

export const FRAME_COOKIE = 'lk_frame';
const AUDIENCE = 'latchkey-frame';
/** Panels one browser keeps open at once (tabs, a sidebar and a summary...); the oldest beyond are dropped. */
const MAX_SCOPES = 10;

const scopesClaim = z.array(z.strictObject({ scope: frameScopeSchema, until: z.number().int() })).min(1).max(MAX_SCOPES);

/** One place and context a token opened, and until when (seconds since the epoch). */
export interface TimedScope {
  scope: FrameScope;
  until: number;
}

/** Who a frame session is, and the places and contexts its tokens opened. */
export interface FrameSession {
  actor: Actor;
  scopes: TimedScope[];
}

/**
 * Latchkey's own short session for framed pages, started when an embed token
 * is exchanged (the host sends that token only once). A signed JWT in an
 * HttpOnly cookie, so any app instance can read it without shared memory.
 *
 * It carries the place and context of each token exchanged in this browser
 * for the same user in the last `minutes` (`scopes`), and reaches only those
 * (frame-scope.ts). One browser often shows several panels (the addon pages
 * in one tab, a ticket in another) while the cookie is one; a token for
 * another user starts afresh.
 */
export class FrameSessions {
  readonly #key: Uint8Array;

  constructor(secret: string, private readonly minutes: number) {
    this.#key = new TextEncoder().encode(`frame|${secret}`);
  }

  get maxAgeSeconds(): number {
    return this.minutes * 60;
  }

  /** A session for `actor` reaching `scope`, and what `previous` reached if it is the same user's. */
  async start(actor: Actor, scope: FrameScope, previous: FrameSession | null): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const kept = previous && subjectOf(previous.actor) === subjectOf(actor)
      ? previous.scopes.filter((s) => s.until > now && !sameScope(s.scope, scope))
      : [];
    const scopes = [{ scope, until: now + this.maxAgeSeconds }, ...kept].slice(0, MAX_SCOPES);
    return new SignJWT({ scopes })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(subjectOf(actor))
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + this.maxAgeSeconds)
      .sign(this.#key);
  }

  /** The session the cookie holds, with the scopes not yet expired; null when there is none or it is not valid. */
  async session(token: string | undefined): Promise<FrameSession | null> {
    if (!token) return null;
    try {
      const { payload } = await jwtVerify(token, this.#key, { algorithms: ['HS256'], audience: AUDIENCE });
      const actor = parseSubject(payload.sub);
      const scopes = scopesClaim.safeParse(payload.scopes);
      if (!actor || !scopes.success) return null;
      const now = Math.floor(Date.now() / 1000);
      const live = scopes.data.filter((s) => s.until > now);
      return live.length > 0 ? { actor, scopes: live } : null;
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
