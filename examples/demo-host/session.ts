import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import { num, T, type SessionRow } from './schema.ts';
import { readCookie } from '../../adapters/express/index.ts';

export const SESSION_COOKIE = 'nwh_session';
const LOGIN_COOKIE = 'nwh_login';
const SESSION_HOURS = 8;

export type Who =
  | { kind: 'admin'; adminId: number }
  | { kind: 'client'; clientId: number; contactId: number };

/**
 * The demo host's own sessions. The cookie holds a random session id and its
 * HMAC-SHA256 (`<id>.<mac>`), HttpOnly and SameSite=Lax; the table keeps only
 * SHA-256 of the id, so logging out (or a stolen database) ends it for good.
 * Forms carry a CSRF token: an HMAC of the session (or, on the login forms,
 * of a short-lived pre-login cookie).
 */
export class Sessions {
  readonly #cache = new WeakMap<Request, Promise<SessionRow | null>>();

  constructor(private readonly knex: Knex, private readonly key: Buffer) {}

  async start(req: Request, res: Response, who: Who): Promise<void> {
    await this.end(req, res);
    const id = randomBytes(32).toString('base64url');
    const now = Date.now();
    const row: SessionRow = {
      id_hash: sha256(id),
      kind: who.kind,
      admin_id: who.kind === 'admin' ? who.adminId : null,
      client_id: who.kind === 'client' ? who.clientId : null,
      contact_id: who.kind === 'client' ? who.contactId : null,
      created_at: now,
      expires_at: now + SESSION_HOURS * 3_600_000,
    };
    await this.knex(T.sessions).where('expires_at', '<', now).delete();
    await this.knex(T.sessions).insert(row);
    this.#cache.set(req, Promise.resolve(row));
    setCookie(req, res, SESSION_COOKIE, `${id}.${this.#mac(`session:${id}`)}`, SESSION_HOURS * 3600);
    clearCookie(req, res, LOGIN_COOKIE);
  }

  /** The signed-in session of this request, or null. Looked up once per request. */
  current(req: Request): Promise<SessionRow | null> {
    let found = this.#cache.get(req);
    if (!found) {
      found = this.#lookup(req);
      this.#cache.set(req, found);
    }
    return found;
  }

  async end(req: Request, res: Response): Promise<void> {
    const id = this.#cookieId(req);
    if (id) await this.knex(T.sessions).where('id_hash', sha256(id)).delete();
    this.#cache.set(req, Promise.resolve(null));
    clearCookie(req, res, SESSION_COOKIE);
  }

  /** The token the page's forms send back; tied to this session. */
  async csrfToken(req: Request): Promise<string> {
    const session = await this.current(req);
    return session ? this.#mac(`csrf:${session.id_hash}`) : '';
  }

  async checkCsrf(req: Request, token: unknown): Promise<boolean> {
    const expected = await this.csrfToken(req);
    return expected !== '' && typeof token === 'string' && same(token, expected);
  }

  /** Login forms have no session yet: their token is tied to a pre-login cookie set with the form. */
  loginToken(req: Request, res: Response): string {
    let nonce = readCookie(req, LOGIN_COOKIE);
    if (!nonce || !/^[A-Za-z0-9_-]{22,64}$/.test(nonce)) {
      nonce = randomBytes(18).toString('base64url');
      setCookie(req, res, LOGIN_COOKIE, nonce, 3600);
    }
    return this.#mac(`login:${nonce}`);
  }

  checkLoginToken(req: Request, token: unknown): boolean {
    const nonce = readCookie(req, LOGIN_COOKIE);
    return !!nonce && typeof token === 'string' && same(token, this.#mac(`login:${nonce}`));
  }

  async #lookup(req: Request): Promise<SessionRow | null> {
    const id = this.#cookieId(req);
    if (!id) return null;
    const row = await this.knex(T.sessions).where('id_hash', sha256(id)).first() as SessionRow | undefined;
    if (!row || (num(row.expires_at) ?? 0) <= Date.now()) return null;
    return row;
  }

  #cookieId(req: Request): string | null {
    const value = readCookie(req, SESSION_COOKIE);
    const dot = value?.indexOf('.') ?? -1;
    if (!value || dot <= 0) return null;
    const id = value.slice(0, dot);
    return same(value.slice(dot + 1), this.#mac(`session:${id}`)) ? id : null;
  }

  #mac(message: string): string {
    return createHmac('sha256', this.key).update(message).digest('base64url');
  }
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export { readCookie };

export function setCookie(req: Request, res: Response, name: string, value: string, maxAgeSeconds: number): void {
  res.cookie(name, value, {
    httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/', maxAge: maxAgeSeconds * 1000,
  });
}

function clearCookie(req: Request, res: Response, name: string): void {
  res.clearCookie(name, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
}
