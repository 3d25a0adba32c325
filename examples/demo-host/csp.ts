import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const MAIL_LAYOUT = fileURLToPath(new URL('../../templates/emails/layout.hbs', import.meta.url));

/**
 * The Content-Security-Policy of the host's own pages: only its own script
 * and style, no framing by others. `mailStyles` adds the inline styles of
 * Latchkey's mail layout, by hash: a mail shown in a sandboxed `srcdoc`
 * frame (the mailbox, the template preview) inherits this page's policy,
 * and mail needs inline styles. Only those exact declarations are allowed,
 * never inline styles in general, and never any script.
 */
export function hostCsp(options: { mailStyles?: boolean } = {}): string {
  const style = options.mailStyles ? `'self' 'unsafe-hashes' ${mailLayoutStyleHashes().join(' ')}` : "'self'";
  return `default-src 'self'; img-src 'self' data:; style-src ${style}; script-src 'self'; `
    + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";
}

let hashes: string[] | null = null;

/** `'sha256-…'` of each `style="…"` value in templates/emails/layout.hbs (static text there, no placeholders). */
export function mailLayoutStyleHashes(): string[] {
  hashes ??= [...new Set([...readFileSync(MAIL_LAYOUT, 'utf8').matchAll(/\sstyle="([^"{}]*)"/g)].map((m) => m[1]!))]
    .map((value) => `'sha256-${createHash('sha256').update(value, 'utf8').digest('base64')}'`);
  return hashes;
}
