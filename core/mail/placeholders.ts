/**
 * Fills `{{name}}` placeholders with values, and nothing else: templates that
 * admins write are never compiled, so `{{#each}}` or a helper call stays as
 * the text it is. Unknown placeholders are left as written.
 */
export function fillPlaceholders(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? values[name]! : whole);
}

/** The placeholders a mail template may use, for the settings page and the preview. */
export const MAIL_PLACEHOLDERS = ['recipientName', 'entryName', 'clientName', 'days', 'loginUrl', 'entryUrl', 'newPassword'] as const;
