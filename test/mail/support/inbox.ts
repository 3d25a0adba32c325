import type { Mailer, MailMessage } from '../../../core/index.ts';

/** Keeps what would be sent; the SMTP path itself is tested against a real server elsewhere. */
export class Inbox implements Mailer {
  readonly messages: MailMessage[] = [];

  async send(message: MailMessage): Promise<void> {
    this.messages.push(message);
  }

  to(address: string): MailMessage[] {
    return this.messages.filter((m) => m.to === address);
  }
}
