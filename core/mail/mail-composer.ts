import type { VaultSettings } from '../domain/settings.ts';
import { pickLanguage, type Language } from '../render/languages.ts';
import type { Renderer } from '../render/renderer.ts';
import { safeHttpUrl } from '../render/safe-url.ts';
import type { OutboxMailKind } from '../services/mail-outbox.ts';
import { fillPlaceholders } from './placeholders.ts';

export interface MailFacts {
  kind: OutboxMailKind;
  language: string | null | undefined;
  recipientName: string;
  entryName: string;
  clientName: string | null;
  loginUrl: string | null;
  /** reminder: where the recipient opens the entry in the host to update the stored password (http(s) only). */
  entryUrl?: string | null;
  days?: number;
  /** Only when the settings ask for it, and only in change notices. */
  newPassword?: string;
  /** A change notice that would carry the password, sent after the password changed once more. */
  passwordChangedAgain?: boolean;
  /** A change notice about a former password set back from the history: its version there. */
  restoredVersion?: number;
  /** service_ended: the service that ended, and the entries kept for it that the recipient may see. */
  serviceName?: string;
  entryNames?: readonly string[];
  /** security_alert: the rule, whom it names (null: everyone together) and its counts; never a secret. */
  alert?: { rule: string; personName: string | null; details: Record<string, string | number | null> };
}

export interface ComposedMail {
  language: Language;
  subject: string;
  text: string;
  html: string;
}

/**
 * Composes one mail in the recipient's language: the admin's text for that
 * kind and language if there is one, else the default from the locales. Both
 * are filled by plain placeholder substitution; the HTML part is the same text
 * inside the mail layout, escaped character by character by Handlebars.
 */
export function composeMail(renderer: Renderer, settings: Pick<VaultSettings, 'mailTemplates'>, facts: MailFacts): ComposedMail {
  const language = pickLanguage(facts.language);
  const t = renderer.translator(language);
  // Admins write their own text for reminders and change notices; the service-ended notice keeps Latchkey's.
  const custom = facts.kind === 'reminder' || facts.kind === 'password_changed' ? settings.mailTemplates[facts.kind]?.[language] : undefined;
  const values: Record<string, string> = {
    recipientName: facts.recipientName,
    entryName: facts.entryName,
    clientName: facts.clientName ?? '',
    days: String(facts.days ?? ''),
    loginUrl: safeHttpUrl(facts.loginUrl) ?? '',
    entryUrl: safeHttpUrl(facts.entryUrl) ?? '',
    newPassword: facts.newPassword ?? '',
    serviceName: facts.serviceName ?? '',
    entryList: (facts.entryNames ?? []).map((name) => `• ${name.replace(/\s+/g, ' ')}`).join('\n'),
    alertSummary: facts.alert ? alertSummary(t, facts.alert) : '',
  };
  // A subject travels in headers that servers log: it never carries the password.
  const subject = fillPlaceholders(custom?.subject ?? t(`mail.${facts.kind}.subject`), { ...values, newPassword: '' }).replace(/[\r\n]+/g, ' ');
  let body = fillPlaceholders(custom?.body ?? t(`mail.${facts.kind}.body`), values);
  // The password line is added unless the admin's text places the password itself (as fillPlaceholders reads it: spaces allowed).
  if (facts.newPassword !== undefined && !/\{\{\s*newPassword\s*\}\}/.test(custom?.body ?? '')) {
    body += `\n\n${fillPlaceholders(t('mail.newPasswordLine'), values)}`;
  }
  // A reminder says where the stored password is updated, unless the admin's text places the link itself.
  if (values.entryUrl && facts.kind === 'reminder' && !/\{\{\s*entryUrl\s*\}\}/.test(custom?.body ?? '')) {
    body += `\n\n${fillPlaceholders(t('mail.entryLinkLine'), values)}`;
  }
  if (facts.restoredVersion !== undefined) body += `\n\n${fillPlaceholders(t('mail.passwordRestoredLine'), { version: String(facts.restoredVersion) })}`;
  if (facts.passwordChangedAgain) body += `\n\n${t('mail.passwordChangedAgainLine')}`;
  const text = `${body}\n\n-- \n${t('mail.footer')}\n`;
  const html = renderer.render('emails/layout', {
    subject,
    paragraphs: body.split(/\n{2,}/).map((p) => ({ lines: p.split('\n') })),
    loginUrl: values.loginUrl || null,
    entryUrl: facts.kind === 'reminder' ? values.entryUrl || null : null,
    footer: t('mail.footer'),
  }, { language });
  return { language, subject, text, html };
}

/** One sentence saying what an alert's rule saw, in the mail's language. */
function alertSummary(t: (key: string) => string, alert: NonNullable<MailFacts['alert']>): string {
  const values = Object.fromEntries(Object.entries(alert.details).map(([k, v]) => [k, String(v ?? '')]));
  return fillPlaceholders(t(`mail.security_alert.rules.${alert.rule}`), { ...values, person: alert.personName ?? t('mail.security_alert.everyone') });
}
