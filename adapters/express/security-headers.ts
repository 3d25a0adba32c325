import type { Response } from 'express';

/**
 * Headers for every page Latchkey serves itself: only its own script and
 * style, framing only by the configured host origins.
 */
export function pageSecurityHeaders(frameAncestors: readonly string[]): (res: Response) => void {
  for (const origin of frameAncestors) {
    if (!/^https?:\/\/[A-Za-z0-9.-]+(:\d+)?$/.test(origin)) throw new Error(`frameAncestors: "${origin}" is not an origin like https://billing.example.com`);
  }
  const ancestors = frameAncestors.length > 0 ? `'self' ${frameAncestors.join(' ')}` : `'self'`;
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    `frame-ancestors ${ancestors}`,
  ].join('; ');
  return (res) => {
    res.set('Content-Security-Policy', csp);
    res.set('X-Content-Type-Options', 'nosniff');
    res.set('Referrer-Policy', 'no-referrer');
  };
}
