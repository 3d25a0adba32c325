import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { AddressInfo } from 'node:net';

/** One message as the server received it. */
export interface ReceivedMail {
  /** The envelope sender (MAIL FROM): each test dispatcher sends from its own address. */
  from: string;
  to: string[];
  /** The message as received (empty when the sink was started with `keepRaw: false`). */
  raw: string;
  messageId: string | null;
}

/**
 * What the server answers to one message once its data is in: take it, refuse
 * it with an SMTP error, or hold the answer back (the sender waits mid-send).
 */
export type Verdict = 'accept' | 'stall' | { reject: string; code?: number };

/** A message whose answer is held back; `answer` sends it (once; if the connection still lives). */
export interface StalledMail {
  mail: ReceivedMail;
  answer(verdict: 'accept' | { reject: string; code?: number }): void;
}

/**
 * A real SMTP server on 127.0.0.1 (smtp-server, no TLS, no auth needed) that
 * counts what it accepts. `decide` says what to answer to each message.
 */
export class SmtpSink {
  readonly accepted: ReceivedMail[] = [];
  readonly rejected: ReceivedMail[] = [];
  readonly stalled: StalledMail[] = [];
  decide: (mail: ReceivedMail) => Verdict = () => 'accept';
  readonly #server: SMTPServer;
  readonly #waiters = new Set<() => void>();
  port = 0;

  /** Keep each message's full text (`raw`); off for runs of thousands, which need only the envelope and Message-ID. */
  readonly #keepRaw: boolean;

  private constructor(keepRaw: boolean) {
    this.#keepRaw = keepRaw;
    this.#server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      closeTimeout: 300,
      size: 1024 * 1024,
      onData: (stream, session, callback) => this.#onData(stream, session, callback),
    });
    this.#server.on('error', () => { /* a client that goes away mid-message is not the server's failure */ });
  }

  /** Starts a server on an ephemeral port, or on `port` (to bring a stopped server back where it was). */
  static async start(port = 0, options: { keepRaw?: boolean } = {}): Promise<SmtpSink> {
    const sink = new SmtpSink(options.keepRaw ?? true);
    await new Promise<void>((resolve, reject) => {
      const net = sink.#server.server;
      net.once('error', reject);
      sink.#server.listen(port, '127.0.0.1', () => {
        net.off('error', reject);
        resolve();
      });
    });
    sink.port = (sink.#server.server.address() as AddressInfo).port;
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Message-IDs of the accepted messages, with how many times each was accepted. */
  messageIdCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const mail of this.accepted) {
      const id = mail.messageId ?? '(none)';
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  }

  /** Resolves once `condition` holds (checked after every message), or fails after `timeoutMs`. */
  async until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (condition()) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`SMTP sink: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.#waiters.add(check);
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void): void {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      const mail: ReceivedMail = {
        from,
        to: session.envelope.rcptTo.map((r) => r.address),
        raw: this.#keepRaw ? raw : '',
        messageId: messageIdOf(raw),
      };
      let answered = false;
      const answer = (verdict: 'accept' | { reject: string; code?: number }) => {
        if (answered) return;
        answered = true;
        if (verdict === 'accept') {
          this.accepted.push(mail);
          callback();
        } else {
          this.rejected.push(mail);
          callback(Object.assign(new Error(verdict.reject), { responseCode: verdict.code ?? 451 }));
        }
        for (const waiter of [...this.#waiters]) waiter();
      };
      const verdict = this.decide(mail);
      if (verdict === 'stall') {
        this.stalled.push({ mail, answer });
        for (const waiter of [...this.#waiters]) waiter();
      } else {
        answer(verdict);
      }
    });
  }
}

/** The Message-ID header, read from the head alone (cheap enough for ten thousand messages). */
function messageIdOf(raw: string): string | null {
  const end = raw.indexOf('\r\n\r\n');
  return /^message-id:[ \t]*(\S+)/im.exec(end === -1 ? raw : raw.slice(0, end))?.[1] ?? null;
}

/** A received message taken apart: headers (lower-case names, unfolded, words decoded), text and HTML parts. */
export interface ParsedMail {
  headers: Map<string, string>;
  subject: string;
  text: string | null;
  html: string | null;
}

/**
 * Enough MIME for what nodemailer writes: a single part or multipart/alternative,
 * 7bit, quoted-printable or base64 bodies, RFC 2047 encoded words in headers.
 */
export function parseMail(raw: string): ParsedMail {
  const { headers, body } = splitEntity(raw);
  const parts: Array<{ type: string; body: string }> = [];
  collectParts(headers, body, parts);
  const part = (type: string) => parts.find((p) => p.type === type)?.body ?? null;
  return { headers, subject: headers.get('subject') ?? '', text: part('text/plain'), html: part('text/html') };
}

function splitEntity(raw: string): { headers: Map<string, string>; body: string } {
  const normalised = raw.replace(/\r\n/g, '\n');
  const cut = normalised.indexOf('\n\n');
  const head = cut === -1 ? normalised : normalised.slice(0, cut);
  const body = cut === -1 ? '' : normalised.slice(cut + 2);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, decodeWords(line.slice(colon + 1).trim()));
  }
  return { headers, body };
}

function collectParts(headers: Map<string, string>, body: string, into: Array<{ type: string; body: string }>): void {
  const contentType = headers.get('content-type') ?? 'text/plain';
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
    if (!boundary) return;
    const sections = body.split(`--${boundary}`).slice(1);
    for (const section of sections) {
      if (section.startsWith('--')) break;
      const entity = splitEntity(section.replace(/^\n/, ''));
      collectParts(entity.headers, entity.body.replace(/\n$/, ''), into);
    }
    return;
  }
  into.push({ type, body: decodeBody(body, (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase()) });
}

function decodeBody(body: string, encoding: string): string {
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return qpBytes(body.replace(/=\n/g, '')).toString('utf8');
  return body;
}

function qpBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

/** RFC 2047: `=?UTF-8?Q?...?=` and `=?UTF-8?B?...?=`; adjacent words join (a character may span two). */
function decodeWords(value: string): string {
  const word = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g;
  let out = '';
  let pending: Buffer[] = [];
  let last = 0;
  const flush = () => {
    if (pending.length > 0) out += Buffer.concat(pending).toString('utf8');
    pending = [];
  };
  for (let m = word.exec(value); m !== null; m = word.exec(value)) {
    const between = value.slice(last, m.index);
    if (pending.length === 0 || !/^\s*$/.test(between)) {
      flush();
      out += between;
    }
    pending.push(m[2]!.toUpperCase() === 'B'
      ? Buffer.from(m[3]!, 'base64')
      : qpBytes(m[3]!.replace(/_/g, ' ')));
    last = m.index + m[0].length;
  }
  flush();
  return out + value.slice(last);
}
