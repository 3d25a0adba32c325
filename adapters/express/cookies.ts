import type { Request, Response } from 'express';

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Every cookie whose name starts with `prefix`, by name (one per name: the first the browser sent). */
export function readCookiesStartingWith(req: Request, prefix: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? '' : part.slice(0, eq).trim();
    if (!name.startsWith(prefix) || found.has(name)) continue;
    try {
      found.set(name, decodeURIComponent(part.slice(eq + 1).trim()));
    } catch {
      // Not valid URL encoding: not one of ours.
    }
  }
  return found;
}

/**
 * Cookies that work inside a host's frame: `SameSite=None; Secure; Partitioned`.
 * Over plain http on loopback (development, tests) browsers refuse Secure
 * cookies, so there they fall back to `SameSite=Lax`.
 */
export function setCookie(req: Request, res: Response, name: string, value: string, options: { path: string; maxAgeSeconds: number; framed: boolean }): void {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${options.path}`, `Max-Age=${options.maxAgeSeconds}`, 'HttpOnly'];
  if (options.framed && req.secure) parts.push('SameSite=None', 'Secure', 'Partitioned');
  else parts.push('SameSite=Lax');
  if (!options.framed && req.secure) parts.push('Secure');
  res.append('Set-Cookie', parts.join('; '));
}
