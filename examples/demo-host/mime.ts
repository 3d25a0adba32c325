/**
 * Just enough MIME for the demo's mailbox to show what Latchkey sent: the
 * headers (with RFC 2047 encoded words), multipart bodies, base64 and
 * quoted-printable, and the charset of each text part. A real host would use
 * a full parser; the demo keeps the raw source beside what it extracted.
 */

export interface ParsedMail {
  from: string;
  to: string;
  subject: string;
  date: Date | null;
  messageId: string;
  text: string | null;
  html: string | null;
}

interface Part {
  headers: Map<string, string>;
  /** The body as bytes held in a latin1 string (one char per byte). */
  body: string;
}

/** Parses a message as the SMTP server received it (the DATA, dot-unstuffed). */
export function parseMail(raw: Buffer): ParsedMail {
  const top = splitPart(raw.toString('latin1'));
  const found: { text: string | null; html: string | null } = { text: null, html: null };
  collectText(top, found, 0);
  // Headers should be ASCII with encoded words; raw 8-bit ones are taken as UTF-8.
  const header = (name: string) => decodeWords(Buffer.from(top.headers.get(name) ?? '', 'latin1').toString('utf8'));
  const date = top.headers.has('date') ? new Date(top.headers.get('date')!) : null;
  return {
    from: header('from'),
    to: header('to'),
    subject: header('subject'),
    date: date && !Number.isNaN(date.getTime()) ? date : null,
    messageId: header('message-id'),
    text: found.text,
    html: found.html,
  };
}

function splitPart(source: string): Part {
  const match = /\r?\n\r?\n/.exec(source);
  const head = match ? source.slice(0, match.index) : source;
  const body = match ? source.slice(match.index + match[0].length) : '';
  const headers = new Map<string, string>();
  // Unfold: a line that starts with white space continues the previous header.
  for (const line of head.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { headers, body };
}

interface ContentType {
  type: string;
  params: Map<string, string>;
}

function contentType(part: Part): ContentType {
  const value = part.headers.get('content-type') ?? 'text/plain; charset=us-ascii';
  const [type = '', ...rest] = value.split(';');
  const params = new Map<string, string>();
  for (const m of rest.join(';').matchAll(/([A-Za-z0-9_*-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g)) {
    const raw = m[2]!.trim();
    params.set(m[1]!.toLowerCase(), raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw);
  }
  return { type: type.trim().toLowerCase(), params };
}

function collectText(part: Part, found: { text: string | null; html: string | null }, depth: number): void {
  if (depth > 8) return;
  const { type, params } = contentType(part);
  if (type.startsWith('multipart/')) {
    const boundary = params.get('boundary');
    if (!boundary) return;
    for (const child of splitMultipart(part.body, boundary)) collectText(splitPart(child), found, depth + 1);
    return;
  }
  if (/^\s*attachment/i.test(part.headers.get('content-disposition') ?? '')) return;
  if (type === 'text/plain' && found.text === null) found.text = decodeBody(part, params.get('charset'));
  else if (type === 'text/html' && found.html === null) found.html = decodeBody(part, params.get('charset'));
}

function splitMultipart(body: string, boundary: string): string[] {
  const parts: string[] = [];
  const delimiter = `--${boundary}`;
  let current: string[] | null = null;
  for (const line of body.split(/\r?\n/)) {
    if (line.startsWith(delimiter)) {
      if (current) parts.push(current.join('\r\n'));
      if (line.slice(delimiter.length).startsWith('--')) return parts;
      current = [];
    } else if (current) {
      current.push(line);
    }
  }
  if (current) parts.push(current.join('\r\n'));
  return parts;
}

function decodeBody(part: Part, charset: string | undefined): string {
  const encoding = (part.headers.get('content-transfer-encoding') ?? '7bit').trim().toLowerCase();
  let bytes: Buffer;
  if (encoding === 'base64') bytes = Buffer.from(part.body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  else if (encoding === 'quoted-printable') bytes = decodeQuotedPrintable(part.body);
  else bytes = Buffer.from(part.body, 'latin1');
  return decodeCharset(bytes, charset).replace(/\r\n/g, '\n');
}

function decodeQuotedPrintable(text: string): Buffer {
  const soft = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i += 1) {
    const c = soft[i]!;
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(c.charCodeAt(0) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

function decodeCharset(bytes: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder(charset?.trim() || 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/** `=?UTF-8?Q?Caf=C3=A9?= =?UTF-8?B?...?=` → text; white space between two encoded words is dropped. */
export function decodeWords(value: string): string {
  const word = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;
  return value
    .replace(/(=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)/g, '$1')
    .replace(word, (_whole, charset: string, kind: string, text: string) => {
      const bytes = kind.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64')
        : decodeQuotedPrintable(text.replace(/_/g, ' '));
      return decodeCharset(bytes, charset.replace(/\*.*$/, ''));
    });
}
