/** Bounds of an entry's tags: short labels, a handful per entry. */
export const TAG_MAX_LENGTH = 40;
export const TAGS_PER_ENTRY = 20;

/**
 * How a tag is compared: two tags that differ only in case (or in Unicode
 * composition) are the same tag. Stored beside the tag as typed.
 */
export function tagKey(tag: string): string {
  return tag.normalize('NFC').toLocaleLowerCase('und');
}

/**
 * Tags as an entry keeps them: trimmed, inner runs of spaces made one, empty
 * ones dropped, and one per key (the first spelling wins), in key order so
 * that equal sets compare equal.
 */
export function normaliseTags(tags: readonly string[]): string[] {
  const byKey = new Map<string, string>();
  for (const raw of tags) {
    const tag = raw.normalize('NFC').trim().replace(/\s+/g, ' ');
    if (tag === '') continue;
    const key = tagKey(tag);
    if (!byKey.has(key)) byKey.set(key, tag);
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, tag]) => tag);
}

/** Whether two normalised tag lists are the same tags, spelling included. */
export function sameTags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((tag, i) => tag === b[i]);
}
