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
