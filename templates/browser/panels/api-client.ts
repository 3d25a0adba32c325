import { say, type PanelConfig } from './panel-config.ts';

/** One thing the server refused, naming the field. */
export interface Issue {
  field?: string;
  message: string;
}

/** The server's refusal: its summary, and the fields it names. */
export class ApiError extends Error {
  constructor(message: string, readonly field: string | undefined, readonly issues: readonly Issue[]) {
    super(message);
    this.name = 'ApiError';
  }
}

interface ErrorBody {
  summary?: string;
  message?: string;
  field?: string;
  issues?: Issue[];
}

/**
 * A call to the JSON API with the panel's CSRF token, never cached. The
 * answer's shape is the route's; the caller names it as `T`.
 */
export async function call<T = unknown>(cfg: PanelConfig, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(cfg.api + path, {
    method,
    credentials: 'same-origin',
    // The panel's language: errors come back in the words the panel shows.
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': cfg.csrf, Accept: 'application/json', 'X-Latchkey-Language': cfg.language },
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  const data: unknown = response.status === 204 ? {} : await response.json().catch(() => ({}));
  if (!response.ok) {
    const refusal = (data ?? {}) as ErrorBody;
    throw new ApiError(refusal.summary || refusal.message || say(cfg, 'failed'), refusal.field, refusal.issues || []);
  }
  return data as T;
}

/** The message of whatever a call threw. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : '';
}
