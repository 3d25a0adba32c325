import nodemailer, { type Transporter } from 'nodemailer';
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
    this.#transport = nodemailer.createTransport(options.url, { pool: true, maxConnections: 1 } as never);
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
