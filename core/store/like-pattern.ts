/**
 * A LIKE pattern that finds `text` anywhere, its wildcards taken literally.
 * '!' is the escape character (write `LIKE ? ESCAPE '!'`): a backslash means
 * something else to MySQL and to SQLite.
 */
export function containsPattern(text: string): string {
  return `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}
