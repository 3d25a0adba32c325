/** Addresses already checked, and what each came out as: lists show the same few again and again. */
const checked = new Map<string, string | null>();
/** Past this many the remembered ones are forgotten all at once: the cache stays small and needs no bookkeeping. */
const CHECKED_KEPT = 4_096;

/**
 * The URL, normalised, when it is http(s) with a host; otherwise null. Stored
 * URLs were checked on the way in, but service login URLs come from the host,
 * so every link is checked again on the way out.
 */
export function safeHttpUrl(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 2048) return null;
  const known = checked.get(value);
  if (known !== undefined) return known;
  const safe = parsedHttpUrl(value);
  if (checked.size >= CHECKED_KEPT) checked.clear();
  checked.set(value, safe);
  return safe;
}

function parsedHttpUrl(value: string): string | null {
  try {
    const url = new URL(value.trim());
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' ? url.href : null;
  } catch {
    return null;
  }
}
