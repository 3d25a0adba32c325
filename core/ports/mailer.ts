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
 * outbox for a later attempt.
 */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}
