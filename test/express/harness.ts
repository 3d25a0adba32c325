import { randomBytes } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { SignJWT, type JWTPayload } from 'jose';
import type { KeyObject } from 'node:crypto';
import { HOOK_PLACES, type Actor, type AddonSection, type DateFormat, type HookContext, type HookPlace, type Latchkey } from '../../core/index.ts';
import { mountLatchkey, type CronOptions, type EmbedOptions, type LatchkeyMount, type RateLimitOptions } from '../../adapters/express/index.ts';
import { openVault, type TestDatabase, type Vault } from '../support/databases.ts';
import { hostFixture } from '../support/host-fixture.ts';
import { listenOnLoopback, type LoopbackServer } from '../support/loopback.ts';
import type { MemoryDirectory } from '../../adapters/memory/memory-directory.ts';

export const BASE = '/latchkey';
/** The host's own login cookie: who is logged in to the simulated host app. */
export const HOST_SESSION_COOKIE = 'host_user';
export const EMBED_ISSUER = 'https://billing.host.test';
export const EMBED_AUDIENCE = 'latchkey-test-install';

export interface HarnessOptions {
  embed?: EmbedOptions;
  /** Mount the cron route (needs `embed`). */
  cron?: CronOptions;
  frameAncestors?: string[];
  /** Serve this Latchkey instead of the vault's own (a broken one, say). */
  latchkey?: Latchkey;
  /** Use this vault instead of opening one (several apps over one vault). */
  vault?: Vault;
  /** Limits replacing the defaults (the rate-limit suites set small ones). */
  rateLimits?: Partial<RateLimitOptions>;
  /** Sections added to the addon pages. */
  addonSections?: AddonSection[];
  /** The mount's secret (random unless given). */
  secret?: string;
  /** Express's `trust proxy`, as behind a reverse proxy that terminates https. */
  trustProxy?: boolean | string;
  /** How the host writes dates. */
  dateFormat?: DateFormat;
}

/**
 * Every suite's requests come from 127.0.0.1 as a handful of users, far
 * faster than people: without its own limits a harness lifts them out of the
 * way. test/api-tokens/rate-limits.test.ts tests the limits themselves.
 */
const LIFTED = { limit: 1_000_000, windowSeconds: 60 };
const LIFTED_LIMITS: RateLimitOptions = {
  revealPerActor: LIFTED, revealPerAddress: LIFTED, signInPerAddress: LIFTED, signInPerActor: LIFTED, tokenFailuresPerAddress: LIFTED, stepUpPerActor: LIFTED,
};

/**
 * A host app on 127.0.0.1 with Latchkey mounted at /latchkey, talked to over
 * real HTTP. The host's "session" is a cookie naming the actor; host pages at
 * `/host/page/:place` include a fragment through `mount.render`, exactly as an
 * in-process host would, which is how a browser gets its CSRF cookie and token.
 */
export class Harness {
  private constructor(
    readonly vault: Vault,
    readonly host: MemoryDirectory,
    readonly mount: LatchkeyMount,
    readonly origin: string,
    /** The host app Latchkey is mounted in. */
    readonly app: Express,
    private readonly server: LoopbackServer,
    private readonly ownsVault: boolean,
  ) {}

  static async start(db: TestDatabase, options: HarnessOptions = {}): Promise<Harness> {
    const host = hostFixture();
    const vault = options.vault ?? await openVault(db, host);
    const app = express();
    if (options.trustProxy !== undefined) app.set('trust proxy', options.trustProxy);
    const mount = mountLatchkey(app, {
      latchkey: options.latchkey ?? vault.lk,
      basePath: BASE,
      secret: options.secret ?? randomBytes(32).toString('base64url'),
      identify: identifyFromHostSession,
      embed: options.embed,
      cron: options.cron,
      frameAncestors: options.frameAncestors,
      rateLimits: options.rateLimits ?? LIFTED_LIMITS,
      addonSections: options.addonSections,
      dateFormat: options.dateFormat,
    });
    app.get('/host/page/:place', async (req, res, next) => {
      try {
        const place = req.params.place as HookPlace;
        if (!(HOOK_PLACES as readonly string[]).includes(place)) {
          res.status(404).send('no such place');
          return;
        }
        const context: HookContext = {};
        for (const key of ['clientId', 'ticketId', 'page', 'language'] as const) {
          if (typeof req.query[key] === 'string') context[key] = req.query[key] as string;
        }
        const params: Record<string, string> = {};
        for (const [key, value] of Object.entries(req.query)) if (typeof value === 'string') params[key] = value;
        context.params = params;
        const fragment = await mount.render(place, req, res, context);
        if (fragment === null) {
          res.status(404).type('html').send('<!doctype html><title>Host</title><p>hidden</p>');
          return;
        }
        res.type('html').send(`<!doctype html><title>Host</title><main>${fragment}</main>`);
      } catch (err) {
        next(err);
      }
    });
    // The host's own error page: short, so a failing test shows the cause and not a page of stack.
    app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
      const e = err as Error;
      res.status(500).type('text').send(`host error: ${e?.name} ${String(e?.message).slice(0, 300)}`);
    });
    const server = await listenOnLoopback(app);
    return new Harness(vault, host, mount, server.origin, app, server, options.vault === undefined);
  }

  /** A fresh browser (its own cookie jar), logged in to the host as `actor` when given. */
  browser(actor?: Actor): Browser {
    const browser = new Browser(this.origin);
    if (actor) browser.loginAs(actor);
    return browser;
  }

  async close(): Promise<void> {
    await this.server.close();
    if (this.ownsVault) await this.vault.close();
  }
}

/** The host's session: whoever the `host_user` cookie names. */
function identifyFromHostSession(req: Request): Actor | null {
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === HOST_SESSION_COOKIE) return parseActor(decodeURIComponent(rest.join('=')));
  }
  return null;
}

export function subjectOf(actor: Actor): string {
  switch (actor.kind) {
    case 'admin': return `admin:${actor.adminId}`;
    case 'client': return actor.contactId ? `client:${actor.clientId}:contact:${actor.contactId}` : `client:${actor.clientId}`;
    case 'system': return 'system';
  }
}

function parseActor(text: string): Actor | null {
  const parts = text.split(':');
  if (parts.length === 2 && parts[0] === 'admin') return { kind: 'admin', adminId: parts[1]! };
  if (parts.length === 2 && parts[0] === 'client') return { kind: 'client', clientId: parts[1]! };
  if (parts.length === 4 && parts[0] === 'client' && parts[2] === 'contact') return { kind: 'client', clientId: parts[1]!, contactId: parts[3]! };
  return null;
}

interface StoredCookie {
  name: string;
  value: string;
  path: string;
  attributes: string;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The raw Set-Cookie lines of this response. */
  setCookies: string[];
  json<T = Record<string, unknown>>(): T;
}

export interface SendOptions {
  /** A JSON body. */
  json?: unknown;
  /** A raw body with its content type. */
  raw?: { body: string; type: string };
  /** An `application/x-www-form-urlencoded` body. */
  form?: Record<string, string>;
  /** The X-CSRF-Token header; null or absent sends none. */
  csrf?: string | null;
  headers?: Record<string, string>;
}

/** What a page gave the browser: its HTML and the CSRF token in the panel. */
export interface Page {
  status: number;
  html: string;
  csrf: string | null;
  response: HttpResponse;
}

/**
 * A minimal browser: a cookie jar with path matching, fetch without following
 * redirects, and helpers for host pages and API calls.
 */
export class Browser {
  private cookies: StoredCookie[] = [];

  constructor(readonly origin: string) {}

  loginAs(actor: Actor): void {
    this.setCookie(HOST_SESSION_COOKIE, encodeURIComponent(subjectOf(actor)), '/');
  }

  logout(): void {
    this.dropCookie(HOST_SESSION_COOKIE);
  }

  setCookie(name: string, value: string, path = '/'): void {
    this.cookies = this.cookies.filter((c) => !(c.name === name && c.path === path));
    this.cookies.push({ name, value, path, attributes: '' });
  }

  /** The value of a cookie (any path), or undefined. */
  cookie(name: string): string | undefined {
    return this.cookies.find((c) => c.name === name)?.value;
  }

  /** Latchkey's frame-session cookie (`lk_frame_<key>`, one per panel), the first one if several. */
  frameCookie(): StoredCookie | undefined {
    return this.cookies.find((c) => c.name.startsWith('lk_frame_'));
  }

  cookieRecord(name: string): StoredCookie | undefined {
    return this.cookies.find((c) => c.name === name);
  }

  dropCookie(name: string): void {
    this.cookies = this.cookies.filter((c) => c.name !== name);
  }

  /** Copies one cookie (all paths) from another browser, replacing ours. */
  takeCookie(from: Browser, name: string): void {
    this.dropCookie(name);
    for (const c of from.cookies) if (c.name === name) this.cookies.push({ ...c });
  }

  async send(method: string, path: string, options: SendOptions = {}): Promise<HttpResponse> {
    const headers: Record<string, string> = { ...options.headers };
    const requestPath = path.split('?')[0]!;
    const cookieHeader = this.cookies
      .filter((c) => pathMatches(requestPath, c.path))
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
    if (cookieHeader) headers.cookie = cookieHeader;
    if (options.csrf) headers['x-csrf-token'] = options.csrf;
    let body: string | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.raw) {
      headers['content-type'] = options.raw.type;
      body = options.raw.body;
    } else if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    }
    const response = await fetch(`${this.origin}${path}`, { method, headers, body, redirect: 'manual' });
    const text = await response.text();
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) this.store(line, requestPath);
    return {
      status: response.status,
      headers: response.headers,
      text,
      setCookies,
      json<T>() {
        return JSON.parse(text) as T;
      },
    };
  }

  get(path: string, options: SendOptions = {}): Promise<HttpResponse> {
    return this.send('GET', path, options);
  }

  /** Opens a host page that includes a Latchkey fragment, as an in-process host serves it. */
  async hostPage(place: HookPlace, context: Record<string, string> = {}): Promise<Page> {
    const query = new URLSearchParams(context).toString();
    return this.pageAt(`/host/page/${place}${query ? `?${query}` : ''}`);
  }

  /** Any page: its HTML and the CSRF token its panel carries. */
  async pageAt(path: string): Promise<Page> {
    const response = await this.get(path);
    return { status: response.status, html: response.text, csrf: csrfTokenIn(response.text), response };
  }

  /** An API call under /latchkey/api. */
  api(method: string, path: string, json?: unknown, csrf?: string | null): Promise<HttpResponse> {
    return this.send(method, `${BASE}/api${path}`, { json, csrf });
  }

  private store(line: string, requestPath: string): void {
    const [pair, ...attrs] = line.split(';').map((s) => s.trim());
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq);
    const value = pair!.slice(eq + 1);
    let path = defaultPath(requestPath);
    let expired = false;
    for (const attr of attrs) {
      const [key, val = ''] = attr.split('=');
      if (key!.toLowerCase() === 'path' && val.startsWith('/')) path = val;
      if (key!.toLowerCase() === 'max-age' && Number(val) <= 0) expired = true;
      if (key!.toLowerCase() === 'expires' && Date.parse(val) < Date.now()) expired = true;
    }
    this.cookies = this.cookies.filter((c) => !(c.name === name && c.path === path));
    if (!expired) this.cookies.push({ name, value, path, attributes: attrs.join('; ') });
  }
}

/** RFC 6265 path-match. */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

function defaultPath(requestPath: string): string {
  const slash = requestPath.lastIndexOf('/');
  return slash <= 0 ? '/' : requestPath.slice(0, slash);
}

/** The token a panel carries in `data-lk-csrf="..."`. */
export function csrfTokenIn(html: string): string | null {
  return /data-lk-csrf="([^"]*)"/.exec(html)?.[1] ?? null;
}

/** Options for a harness that accepts HS256 embed tokens. */
export function hs256Embed(secret = randomBytes(32).toString('base64url')): EmbedOptions & { secret: string } {
  return { issuer: EMBED_ISSUER, audience: EMBED_AUDIENCE, secret };
}

export interface EmbedClaims extends JWTPayload {
  ctx?: unknown;
}

/**
 * Signs an embed token like a host would: sub, ctx, iss, aud, iat, exp (120 s),
 * a fresh jti; `claims` overrides any of them (undefined removes one).
 */
export async function signEmbed(
  key: Uint8Array | KeyObject | string,
  claims: EmbedClaims,
  options: { alg?: 'HS256' | 'RS256'; now?: number } = {},
): Promise<string> {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    iss: EMBED_ISSUER,
    aud: EMBED_AUDIENCE,
    iat: now,
    exp: now + 120,
    jti: randomBytes(16).toString('hex'),
    ...claims,
  };
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
  const secret = typeof key === 'string' ? new TextEncoder().encode(key) : key;
  return new SignJWT(payload).setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' }).sign(secret);
}

/** `alg: none`, crafted by hand: no library will sign one. */
export function unsignedToken(claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const payload = { iss: EMBED_ISSUER, aud: EMBED_AUDIENCE, iat: now, exp: now + 120, jti: randomBytes(16).toString('hex'), ...claims };
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.`;
}
