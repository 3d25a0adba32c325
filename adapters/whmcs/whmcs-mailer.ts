import { LatchkeyError, type Mailer, type MailMessage } from '../../core/index.ts';
import { toId, type WhmcsApi } from './whmcs-api.ts';

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
 * WHMCS addresses clients by id, which the message's `recipient` carries.
 * Admins and contacts go to `fallback`.
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

  async send(message: MailMessage): Promise<void> {
    const { kind, id } = message.recipient;
    const clientId = kind === 'client' ? toId(id) : null;
    if (!clientId) {
      await this.#sendElsewhere(message, kind === 'client' ? `"${id.slice(0, 40)}" is not a WHMCS client id` : `WHMCS cannot mail one ${kind}`);
      return;
    }
    await this.#api.call('SendEmail', {
      customtype: 'general',
      id: clientId,
      customsubject: smartyLiteral(message.subject),
      custommessage: smartyLiteral(message.html),
    });
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
