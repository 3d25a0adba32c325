/** Adds query parameters to a page URL that may already carry some; an empty value removes its parameter. */
export function withQuery(pageUrl: string, params: Record<string, string>): string {
  const [path, existing] = pageUrl.split('?', 2) as [string, string | undefined];
  const query = new URLSearchParams(existing);
  for (const [key, value] of Object.entries(params)) {
    if (value === '') query.delete(key);
    else query.set(key, value);
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
