import { connect } from 'node:net';
import nodemailer, { type Transporter } from 'nodemailer';
import { parseConnectionUrl } from 'nodemailer/lib/shared/index.js';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type { MailMessage, Mailer } from '../../core/ports/mailer.ts';

export interface SmtpOptions {
  /** `smtp://user:pass@host:587` or `smtps://...:465`. */
  url: string;
  /** The From address, e.g. `"Northwind Hosting" <noreply@northwind.example>`. */
  from: string;
}

/** The default Mailer: plain SMTP through nodemailer, one pooled connection. */
export class SmtpMailer implements Mailer {
  readonly #transport: Transporter;

  constructor(private readonly options: SmtpOptions) {
    // The pool options go with the connection options: nodemailer reads a second
    // argument as defaults for every message, not as transport settings.
    const settings: SMTPPool.Options = {
      ...parseConnectionUrl(options.url),
      pool: true,
      maxConnections: 1,
      getSocket: connectWithoutDelay,
    };
    this.#transport = nodemailer.createTransport(settings);
  }

  async send(message: MailMessage): Promise<void> {
    await this.#transport.sendMail({
      from: this.options.from,
      to: { name: message.toName, address: message.to },
      subject: message.subject,
      text: message.text,
      html: message.html,
      messageId: message.messageId,
    });
  }

  close(): void {
    this.#transport.close();
  }
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
