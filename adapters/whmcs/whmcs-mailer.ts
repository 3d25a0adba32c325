import { LatchkeyError, type Mailer, type MailMessage } from '../../core/index.ts';
import { toId, toText, WhmcsApi, WhmcsApiError } from './whmcs-api.ts';

/** Whom a message is for, in the host's terms. MailMessage does not carry it (yet): see `recipient` below. */
export interface WhmcsRecipient {
  kind: 'admin' | 'client' | 'contact';
  id: string;
}

export interface WhmcsMailerOptions {
  /**
   * Where mail goes that WHMCS cannot address: to one admin (SendAdminEmail
   * only notifies every admin subscribed to a notification type) and to one
   * contact (SendEmail's general type goes to the client account). Without
   * it such messages fail and stay in Latchkey's outbox, marked failed.
   */
  fallback?: Mailer;
}

/** The message cannot be sent through WHMCS, and there is no fallback mailer for it. */
export class WhmcsMailUnsupportedError extends LatchkeyError {
  constructor(why: string) {
    super('whmcs_mail_unsupported', why);
  }
}

/**
 * A Mailer that sends through WHMCS, so Latchkey's reminders leave with the
 * host's own templates, sender and mail log: SendEmail with
 * `customtype=general`, `id` = the client's id, `customsubject` and
 * `custommessage` (https://developers.whmcs.com/api-reference/sendemail/).
 *
 * WHMCS addresses clients by id, Latchkey's MailMessage by address: the
 * client is found with GetClientsDetails' `email` look-up, unless the message
 * names its recipient (a `recipient: { kind, id }` field, which Latchkey's
 * outbox could add to MailMessage). Admins and contacts go to `fallback`.
 *
 * Note that WHMCS also copies "general" emails to the client's contacts who
 * receive general emails: keep "include the new password in change mails"
 * off when mail goes through WHMCS.
 */
export class WhmcsMailer implements Mailer {
  readonly #api: WhmcsApi;
  readonly #fallback: Mailer | null;

  constructor(api: WhmcsApi, options: WhmcsMailerOptions = {}) {
    this.#api = api;
    this.#fallback = options.fallback ?? null;
  }

  async send(message: MailMessage & { recipient?: WhmcsRecipient }): Promise<void> {
    const recipient = message.recipient;
    if (recipient && recipient.kind !== 'client') {
      await this.#sendElsewhere(message, `WHMCS cannot mail one ${recipient.kind}`);
      return;
    }
    const clientId = recipient ? toId(recipient.id) : await this.#clientByEmail(message.to);
    if (!clientId) {
      await this.#sendElsewhere(message, 'no WHMCS client has this address');
      return;
    }
    await this.#api.call('SendEmail', {
      customtype: 'general',
      id: clientId,
      customsubject: smartyLiteral(message.subject),
      custommessage: smartyLiteral(message.html),
    });
  }

  async #clientByEmail(address: string): Promise<string | null> {
    try {
      const r = await this.#api.call('GetClientsDetails', { email: address });
      const c = (r.client && typeof r.client === 'object' ? r.client : r) as Record<string, unknown>;
      // Only the account holder's own address: a contact's address must not reach the account.
      return toText(c.email).trim().toLowerCase() === address.trim().toLowerCase() ? toId(c.id ?? c.userid) : null;
    } catch (err) {
      if (err instanceof WhmcsApiError && err.notFound) return null;
      throw err;
    }
  }

  async #sendElsewhere(message: MailMessage, why: string): Promise<void> {
    if (!this.#fallback) throw new WhmcsMailUnsupportedError(`${why}, and no fallback mailer is configured`);
    await this.#fallback.send(message);
  }
}

/**
 * WHMCS renders custom subjects and messages as Smarty templates
 * (`{$client_name}` merge fields), so a `{` in an entry's name or in the
 * mail's CSS would be read as template code. {ldelim} and {rdelim} print the
 * braces themselves.
 */
export function smartyLiteral(text: string): string {
  return text.replace(/[{}]/g, (brace) => (brace === '{' ? '{ldelim}' : '{rdelim}'));
}
