import { connect } from 'node:net';
import nodemailer, { type Transporter } from 'nodemailer';
import { parseConnectionUrl } from 'nodemailer/lib/shared/index.js';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { ConfigurationError, DEFAULT_MAIL_LEASE_MS, MailRefusedError, type MailMessage, type Mailer } from '../../core/index.ts';

/** How long each wait on the server may last, in milliseconds. */
export interface SmtpTimeouts {
  /** For the TCP (or TLS) connection to open. */
  connectionMs: number;
  /** For the server's greeting once connected. */
  greetingMs: number;
  /** For any answer once talking (EHLO, AUTH, MAIL, RCPT, DATA, the end of the message): the socket's idle time. */
  socketMs: number;
}

export interface SmtpOptions {
  /** `smtp://user:pass@host:587` or `smtps://...:465`. */
  url: string;
  /** The From address, e.g. `"Northwind Hosting" <noreply@northwind.example>`. */
  from: string;
  /**
   * The claim lease of the dispatchers that use this mailer (their `leaseMs`,
   * default 60 s): the timeouts derive from it, so one send gives up before
   * the claim on its message could run out.
   */
  leaseMs?: number;
  /** Overrides the derived timeouts; together they must stay under half the lease. */
  timeouts?: Partial<SmtpTimeouts>;
}

/**
 * The timeouts for a lease: a send that hangs at any one step (the connect,
 * the greeting, or one answer) fails in under half the lease, which is when a
 * dispatcher renews its claims before the next message. With the default 60 s
 * lease: 6 s to connect, 6 s for the greeting, 15 s per answer.
 */
export function smtpTimeouts(leaseMs: number = DEFAULT_MAIL_LEASE_MS, overrides: Partial<SmtpTimeouts> = {}): SmtpTimeouts {
  const timeouts = {
    connectionMs: overrides.connectionMs ?? Math.floor(leaseMs / 10),
    greetingMs: overrides.greetingMs ?? Math.floor(leaseMs / 10),
    socketMs: overrides.socketMs ?? Math.floor(leaseMs / 4),
  };
  for (const [name, ms] of Object.entries(timeouts)) {
    if (!Number.isInteger(ms) || ms < 1) throw new ConfigurationError(`SMTP timeout ${name} must be a positive whole number of milliseconds`);
  }
  if (timeouts.connectionMs + timeouts.greetingMs + timeouts.socketMs >= leaseMs / 2) {
    throw new ConfigurationError(`SMTP timeouts must add up to less than half the mail lease (${leaseMs} ms), so a hung send ends before its claim runs out`);
  }
  return timeouts;
}

/** The default Mailer: plain SMTP through nodemailer, one pooled connection. */
export class SmtpMailer implements Mailer {
  readonly #transport: Transporter;
  readonly timeouts: SmtpTimeouts;

  constructor(private readonly options: SmtpOptions) {
    this.timeouts = smtpTimeouts(options.leaseMs, options.timeouts);
    // The pool options go with the connection options: nodemailer reads a second
    // argument as defaults for every message, not as transport settings.
    const settings: SMTPPool.Options = {
      ...parseConnectionUrl(options.url),
      pool: true,
      maxConnections: 1,
      getSocket: connectWithoutDelay,
      connectionTimeout: this.timeouts.connectionMs,
      greetingTimeout: this.timeouts.greetingMs,
      socketTimeout: this.timeouts.socketMs,
    };
    this.#transport = nodemailer.createTransport(settings);
  }

  async send(message: MailMessage): Promise<void> {
    try {
      await this.#transport.sendMail({
        from: this.options.from,
        to: { name: message.toName, address: message.to },
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: message.messageId,
      });
    } catch (err) {
      throw refusal(err) ?? err;
    }
  }

  close(): void {
    this.#transport.close();
  }
}

/**
 * A 5xx to the recipient (RCPT TO) or to the message (DATA, or the end of its
 * data) refuses this message for good. A 5xx elsewhere (the greeting, AUTH,
 * MAIL FROM) says the server or our account is wrong: every message would get
 * it, so they stay queued for when that is fixed.
 */
function refusal(err: unknown): MailRefusedError | null {
  const e = err as { responseCode?: unknown; command?: unknown; response?: unknown };
  const code = typeof e?.responseCode === 'number' ? e.responseCode : 0;
  if (code < 500 || code > 599 || (e.command !== 'RCPT TO' && e.command !== 'DATA')) return null;
  return new MailRefusedError(typeof e.response === 'string' ? e.response : String(code));
}

/**
 * Hands nodemailer a TCP connection with Nagle's algorithm off. nodemailer
 * writes a message and its closing dot in separate writes; with Nagle on, the
 * dot waits for the server's delayed ACK (about 40 ms on Linux), which holds a
 * connection to some 20 messages a second.
 *
 * The socket is handed over while it is still connecting, so that a refused
 * or failed connection surfaces as nodemailer's own connection error (a
 * failure reported here instead leaves a dead slot in its pool, and every
 * later message waits forever). nodemailer then waits for the greeting (its
 * greeting timeout also bounds the connect) and does STARTTLS and AUTH.
 * smtps:// keeps nodemailer's own TLS socket, and a `proxy` in the URL
 * replaces this with nodemailer's proxy socket.
 */
function connectWithoutDelay(options: SMTPPool.Options, done: (err: Error | null, socketOptions: unknown) => void): void {
  if (options.secure) {
    done(null, false);
    return;
  }
  const connection = connect({
    host: options.host ?? 'localhost',
    port: Number(options.port) || 587,
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    noDelay: true,
  });
  done(null, { connection });
}
