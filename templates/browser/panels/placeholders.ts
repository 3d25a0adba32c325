/** `template` (a `data-*` text from the templates) with each `{name}` replaced by its value. */
export function fill(template: string, values: Record<string, string>): string {
  let text = template;
  for (const [name, value] of Object.entries(values)) text = text.split(`{${name}}`).join(value);
  return text;
}
