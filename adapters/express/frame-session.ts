import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { jwtVerify, SignJWT } from 'jose';
import type { Actor } from '../../core/index.ts';
import { readCookiesStartingWith } from './cookies.ts';
import { parseSubject } from './embed-token.ts';
import { frameScopeSchema, type FrameScope } from './frame-scope.ts';

/** Frame-session cookies are named `lk_frame_<key>`, one per place and context. */
export const FRAME_COOKIE = 'lk_frame';
const AUDIENCE = 'latchkey-frame';
/** Panels one browser keeps open at once (tabs, a sidebar and a summary...); the oldest beyond are closed. */
const MAX_PANELS = 10;

/** One frame-session cookie: who, the place and context its token opened, and when. */
export interface FramePanel {
  cookie: string;
  actor: Actor;
  scope: FrameScope;
  issuedAt: number;
}

/** What a request's frame-session cookies add up to: one user, and the places and contexts their tokens opened. */
export interface FrameSession {
  actor: Actor;
  scopes: FrameScope[];
}

/**
 * Latchkey's own short sessions for framed pages, started when an embed token
 * is exchanged (the host sends that token only once). Each is a signed JWT in
 * an HttpOnly cookie, so any app instance can read it without shared memory,
 * and carries the place and context its token opened (frame-scope.ts).
 *
 * One browser often shows several panels at once (the addon pages in one tab,
 * a ticket in another, two summaries on one page, loading together), so each
 * place and context has its own cookie, and a request reaches what the
 * newest user's cookies add up to. A token for another user closes the other
 * user's panels; beyond `MAX_PANELS` the oldest are closed.
 */
export class FrameSessions {
  readonly #key: Uint8Array;

  constructor(secret: string, private readonly minutes: number) {
    this.#key = new TextEncoder().encode(`frame|${secret}`);
  }

  get maxAgeSeconds(): number {
    return this.minutes * 60;
  }

  /** The cookie of one place and context: the same panel opened again replaces its own. */
  cookieName(scope: FrameScope): string {
    return `${FRAME_COOKIE}_${createHash('sha256').update(JSON.stringify(scope)).digest('base64url').slice(0, 12)}`;
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

  /** The request's valid frame-session cookies, newest first. */
  async panels(req: Request): Promise<FramePanel[]> {
    const panels: FramePanel[] = [];
    for (const [cookie, token] of readCookiesStartingWith(req, `${FRAME_COOKIE}_`)) {
      const panel = await this.#read(cookie, token);
      if (panel) panels.push(panel);
    }
    return panels.sort((a, b) => b.issuedAt - a.issuedAt);
  }

  /** The newest user's panels, added up; null when the request has none. */
  async session(req: Request): Promise<FrameSession | null> {
    const panels = await this.panels(req);
    const newest = panels[0];
    if (!newest) return null;
    const scopes = panels.filter((p) => sameActor(p.actor, newest.actor)).slice(0, MAX_PANELS).map((p) => p.scope);
    return { actor: newest.actor, scopes };
  }

  /** The cookies to close when `actor` opens the panel `cookie`: another user's, and the oldest beyond the limit. */
  async closing(req: Request, actor: Actor, cookie: string): Promise<string[]> {
    const others = (await this.panels(req)).filter((p) => p.cookie !== cookie);
    const mine = others.filter((p) => sameActor(p.actor, actor));
    return [...others.filter((p) => !sameActor(p.actor, actor)), ...mine.slice(MAX_PANELS - 1)].map((p) => p.cookie);
  }

  async #read(cookie: string, token: string): Promise<FramePanel | null> {
    try {
      const { payload } = await jwtVerify(token, this.#key, { algorithms: ['HS256'], audience: AUDIENCE });
      const actor = parseSubject(payload.sub);
      const scope = frameScopeSchema.safeParse(payload.scope);
      if (!actor || !scope.success || typeof payload.iat !== 'number' || cookie !== this.cookieName(scope.data)) return null;
      return { cookie, actor, scope: scope.data, issuedAt: payload.iat };
    } catch {
      return null;
    }
  }
}

function sameActor(a: Actor, b: Actor): boolean {
  return subjectOf(a) === subjectOf(b);
}

function subjectOf(actor: Actor): string {
  switch (actor.kind) {
    case 'admin': return `admin:${actor.adminId}`;
    case 'client': return actor.contactId ? `client:${actor.clientId}:contact:${actor.contactId}` : `client:${actor.clientId}`;
    case 'system': throw new Error('the system has no frame session');
  }
}
