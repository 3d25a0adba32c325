import { parseCookie, stringifySetCookie } from 'cookie';
import type { Request, Response } from 'express';

/** A value that is not valid URL encoding is not one of ours: it reads as absent. */
function decodeOrDrop(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** The browser's cookies by name; when a name comes twice, the first one the browser sent. */
function cookiesOf(req: Request): Record<string, string | undefined> {
  return parseCookie(req.headers.cookie ?? '', { decode: decodeOrDrop });
}

export function readCookie(req: Request, name: string): string | undefined {
  return cookiesOf(req)[name];
}

/** Every cookie whose name starts with `prefix`, by name. */
export function readCookiesStartingWith(req: Request, prefix: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const [name, value] of Object.entries(cookiesOf(req))) {
    if (name.startsWith(prefix) && value !== undefined) found.set(name, value);
  }
  return found;
}

/**
 * Every cookie is `HttpOnly`, and `Secure` whenever the request came over
 * https (`req.secure`, which behind a TLS proxy follows Express's `trust proxy`).
 * Cookies that must work inside a host's frame on another site need
 * `SameSite=None`, which browsers accept only with `Secure`, and `Partitioned`
 * so the browser keeps them per embedding site (CHIPS). Over plain http
 * (development, tests on loopback) there is no `Secure`, so framed cookies fall
 * back to `SameSite=Lax` like the rest.
 */
export function setCookie(req: Request, res: Response, name: string, value: string, options: { path: string; maxAgeSeconds: number; framed: boolean }): void {
  const crossSite = options.framed && req.secure;
  res.append('Set-Cookie', stringifySetCookie(name, value, {
    path: options.path || '/',
    maxAge: options.maxAgeSeconds,
    httpOnly: true,
    secure: req.secure,
    sameSite: crossSite ? 'none' : 'lax',
    partitioned: crossSite,
  }));
}
