import { z } from 'zod';
import type { VaultSettings } from '../domain/settings.ts';
import { composeMail, type ComposedMail } from '../mail/mail-composer.ts';
import { MAIL_PLACEHOLDERS } from '../mail/placeholders.ts';
import { LANGUAGES, LANGUAGE_NAMES, type Language } from '../render/languages.ts';
import type { Renderer } from '../render/renderer.ts';
import type { MailKind } from '../services/mail-outbox.ts';
import { textOf } from '../validation/text.ts';
import { validate } from '../validation/validate.ts';

export const MAIL_KINDS: readonly MailKind[] = ['reminder', 'password_changed'];

/** A made-up password for previews: never one from the vault. */
const SAMPLE_PASSWORD = 'Kx7#mP2v-sample-9Qe';
/** Where a reminder's link would lead, for previews. */
const SAMPLE_ENTRY_URL = 'https://billing.example.com/clientarea/passwords#lk-entry-sample';

/**
 * What the settings page asks to preview: the text being typed, unsaved.
 * Blank fields preview the default text, as saving without an override would.
 * The limits are those of the settings schema, so what previews also saves.
 */
export const mailPreviewSchema = z.strictObject({
  kind: z.enum(['reminder', 'password_changed']),
  language: z.enum(LANGUAGES),
  subject: z.string().max(255).superRefine(textOf('line')).default(''),
  body: z.string().max(10_000).superRefine(textOf('lines')).default(''),
  /** Preview with the new-password line, as if "include the new password" were on; default: the saved setting. */
  includePassword: z.boolean().optional(),
});
export type MailPreviewInput = z.input<typeof mailPreviewSchema>;

/**
 * Composes a sample mail from an admin's unsaved text, exactly as the
 * dispatcher would (plain placeholder substitution, escaped in the HTML part),
 * with made-up facts in the preview's language.
 */
export function previewMail(
  renderer: Renderer,
  settings: Pick<VaultSettings, 'includePasswordInChangeMail'>,
  input: MailPreviewInput,
  recipientName: string,
): ComposedMail {
  const data = validate(mailPreviewSchema, input);
  const t = renderer.translator(data.language);
  const subject = data.subject.trim();
  const body = data.body.trim();
  const override = subject || body
    ? { subject: subject || t(`mail.${data.kind}.subject`), body: body || t(`mail.${data.kind}.body`) }
    : undefined;
  const includePassword = data.includePassword ?? settings.includePasswordInChangeMail;
  return composeMail(renderer, { mailTemplates: override ? { [data.kind]: { [data.language]: override } } : {} }, {
    kind: data.kind,
    language: data.language,
    recipientName,
    entryName: t('mailEditor.sample.entryName'),
    clientName: t('mailEditor.sample.clientName'),
    loginUrl: 'https://www.example.com/wp-admin/',
    entryUrl: data.kind === 'reminder' ? SAMPLE_ENTRY_URL : null,
    days: data.kind === 'reminder' ? 97 : undefined,
    newPassword: data.kind === 'password_changed' && includePassword ? SAMPLE_PASSWORD : undefined,
  });
}

export interface MailEditorModel {
  kind: MailKind;
  titleKey: string;
  editors: Array<{
    kind: MailKind;
    language: Language;
    languageName: string;
    /** Names the fields take in validation errors: `mailTemplates.<kind>.<language>.subject`. */
    field: string;
    subject: string;
    body: string;
    defaultSubject: string;
    defaultBody: string;
    overridden: boolean;
    selected: boolean;
  }>;
}

/** One editor per kind and language, prefilled with the admin's text, else the default from the locales. */
export function mailEditors(renderer: Renderer, settings: Pick<VaultSettings, 'mailTemplates'>, selectedLanguage: Language): MailEditorModel[] {
  return MAIL_KINDS.map((kind) => ({
    kind,
    titleKey: `mailEditor.kinds.${kind}`,
    editors: LANGUAGES.map((language) => {
      const t = renderer.translator(language);
      const defaults = { subject: t(`mail.${kind}.subject`), body: t(`mail.${kind}.body`) };
      const custom = settings.mailTemplates[kind]?.[language];
      return {
        kind,
        language,
        languageName: LANGUAGE_NAMES[language],
        field: `mailTemplates.${kind}.${language}`,
        subject: custom?.subject ?? defaults.subject,
        body: custom?.body ?? defaults.body,
        defaultSubject: defaults.subject,
        defaultBody: defaults.body,
        overridden: custom !== undefined,
        selected: kind === 'reminder' && language === selectedLanguage,
      };
    }),
  }));
}

export { MAIL_PLACEHOLDERS };
