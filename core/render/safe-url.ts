/**
 * The URL, normalised, when it is http(s) with a host; otherwise null. Stored
 * URLs were checked on the way in, but service login URLs come from the host,
 * so every link is checked again on the way out.
 */
export function safeHttpUrl(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 2048) return null;
  try {
    const url = new URL(value.trim());
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' ? url.href : null;
  } catch {
    return null;
  }
}
