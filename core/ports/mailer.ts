/** Whom a message is for, in the host's terms: hosts that mail their own people by id (WHMCS) need it. */
export interface MailRecipient {
  kind: 'admin' | 'client' | 'contact';
  id: string;
}

/** One message, rendered for one recipient in their language. */
export interface MailMessage {
  to: string;
  toName: string;
  recipient: MailRecipient;
  subject: string;
  html: string;
  text: string;
  /** Stable per outbox row, so a receiving server can recognise a repeat. */
  messageId: string;
}

/**
 * How mail leaves: SMTP by default (adapters/smtp), or the host's own mailer
 * (WHMCS sends through its own). A rejected promise keeps the message in the
 * outbox for a later attempt, unless it is a MailRefusedError.
 *
 * Delivery is at least once: a message the server took, whose answer was lost
 * (a crash or a cut connection between the server's 250 and the outbox row
 * being marked sent), is sent again. The stable `messageId` lets the
 * receiving side recognise the repeat.
 */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/**
 * The receiving server refused this message for good (an SMTP 5xx to its
 * recipient or its content): retrying cannot help, so the outbox marks it
 * failed at once. `answer` is the server's reply as it came; the outbox shows
 * admins one short line of it, with any secret the message carried cut out.
 */
export class MailRefusedError extends Error {
  constructor(readonly answer: string) {
    super(`refused by the mail server: ${answer}`);
    this.name = 'MailRefusedError';
  }
}
