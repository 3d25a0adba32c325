import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { parseMail } from './mime.ts';
import { num, T } from './schema.ts';

/** Largest message the mailbox keeps; Latchkey's mails are a few KiB. */
const MAX_BYTES = 2 * 1024 * 1024;

export interface MailSummary {
  id: number;
  receivedAt: number;
  to: string;
  subject: string;
}

export interface CaughtMail extends MailSummary {
  from: string;
  envelopeTo: string;
  messageId: string;
  text: string | null;
  html: string | null;
  raw: string;
}

interface MailRow {
  id: number;
  received_at: number | string;
  envelope_from: string;
  envelope_to: string;
  from_header: string;
  to_header: string;
  subject: string;
  message_id: string;
  text_body: string | null;
  html_body: string | null;
  raw: string;
}

/**
 * The demo's catch-all mail server: a real SMTP server (smtp-server) on
 * loopback, on a port the system picks, that accepts every message for any
 * address and keeps it in the demo's own `demo_mailbox` table, so the
 * mailbox page can show what Latchkey sent. Nothing is relayed anywhere.
 */
export class DemoMailbox {
  readonly #server: SMTPServer;
  #port = 0;

  private constructor(private readonly knex: Knex, private readonly logError: (line: string) => void) {
    this.#server = new SMTPServer({
      name: 'mailbox.northwind.example',
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      size: MAX_BYTES,
      closeTimeout: 1000,
      disableReverseLookup: true,
      onData: (stream, session, callback) => this.#onData(stream, session, callback),
    });
    // A client that goes away mid-message is not the server's failure.
    this.#server.on('error', () => undefined);
  }

  /** Listens on 127.0.0.1 at a free port. */
  static async start(knex: Knex, logError: (line: string) => void): Promise<DemoMailbox> {
    const mailbox = new DemoMailbox(knex, logError);
    await new Promise<void>((resolve, reject) => {
      const net = mailbox.#server.server;
      net.once('error', reject);
      mailbox.#server.listen(0, '127.0.0.1', () => {
        net.off('error', reject);
        resolve();
      });
    });
    mailbox.#port = (mailbox.#server.server.address() as AddressInfo).port;
    return mailbox;
  }

  get port(): number {
    return this.#port;
  }

  /** Where a mailer sends to reach this mailbox. */
  get url(): string {
    return `smtp://127.0.0.1:${this.#port}`;
  }

  async list(limit = 200): Promise<{ total: number; mails: MailSummary[] }> {
    const [rows, count] = await Promise.all([
      this.knex(T.mailbox).select('id', 'received_at', 'to_header', 'envelope_to', 'subject')
        .orderBy('id', 'desc').limit(limit) as Promise<Array<Pick<MailRow, 'id' | 'received_at' | 'to_header' | 'envelope_to' | 'subject'>>>,
      this.knex(T.mailbox).count({ n: '*' }).first() as Promise<{ n: number | string } | undefined>,
    ]);
    return {
      total: Number(count?.n ?? 0),
      mails: rows.map((r) => ({ id: r.id, receivedAt: num(r.received_at) ?? 0, to: r.to_header || r.envelope_to, subject: r.subject })),
    };
  }

  async get(id: number): Promise<CaughtMail | null> {
    const row = await this.knex(T.mailbox).where('id', id).first() as MailRow | undefined;
    if (!row) return null;
    return {
      id: row.id,
      receivedAt: num(row.received_at) ?? 0,
      to: row.to_header || row.envelope_to,
      subject: row.subject,
      from: row.from_header || row.envelope_from,
      envelopeTo: row.envelope_to,
      messageId: row.message_id,
      text: row.text_body,
      html: row.html_body,
      raw: row.raw,
    };
  }

  /** Stops listening; connections still open are told to go after a second. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void): void {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', (err) => callback(err));
    stream.on('end', () => {
      if (stream.sizeExceeded) {
        callback(Object.assign(new Error('Message is too large for the demo mailbox'), { responseCode: 552 }));
        return;
      }
      this.#store(Buffer.concat(chunks), session).then(() => callback(), (err: unknown) => {
        this.logError(`demo mailbox: could not store a message: ${err instanceof Error ? err.message : String(err)}`);
        callback(Object.assign(new Error('The demo mailbox could not store the message, try again later'), { responseCode: 451 }));
      });
    });
  }

  async #store(raw: Buffer, session: SMTPServerSession): Promise<void> {
    const mail = parseMail(raw);
    const envelope = session.envelope;
    await this.knex(T.mailbox).insert({
      received_at: Date.now(),
      envelope_from: (envelope.mailFrom ? envelope.mailFrom.address : '').slice(0, 320),
      envelope_to: envelope.rcptTo.map((r) => r.address).join(', ').slice(0, 2000),
      from_header: mail.from.slice(0, 500),
      to_header: mail.to.slice(0, 2000),
      subject: mail.subject.slice(0, 1000),
      message_id: mail.messageId.slice(0, 255),
      text_body: mail.text,
      html_body: mail.html,
      raw: raw.toString('utf8'),
    });
  }
}
