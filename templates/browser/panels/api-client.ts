import { say, type PanelConfig } from './panel-config.ts';

/** One thing the server refused, naming the field. */
export interface Issue {
  field?: string;
  message: string;
}

/** The server's refusal: its summary, and the fields it names. */
export class ApiError extends Error {
  constructor(
    message: string, readonly field: string | undefined, readonly issues: readonly Issue[],
    /** The refusal's `error` code, and for `verification_required` the person's enrolled methods. */
    readonly code?: string, readonly methods: readonly string[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface ErrorBody {
  error?: string;
  summary?: string;
  message?: string;
  field?: string;
  issues?: Issue[];
  methods?: string[];
}

/** Asks the person for a fresh verification; resolves once the session is verified, rejects when they give up. */
export type VerificationPrompt = (cfg: PanelConfig, methods: readonly string[]) => Promise<void>;
let promptForVerification: VerificationPrompt | undefined;

/** Who asks for the second factor when the server wants one before an action (the step-up dialog). */
export function onVerificationRequired(prompt: VerificationPrompt): void {
  promptForVerification = prompt;
}

/**
 * A call to the JSON API with the panel's CSRF token, never cached. The
 * answer's shape is the route's; the caller names it as `T`. When the
 * server wants a fresh verification first, the person is asked and the call
 * made once more.
 */
export async function call<T = unknown>(cfg: PanelConfig, method: string, path: string, body?: unknown): Promise<T> {
  try {
    return await send<T>(cfg, method, path, body);
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'verification_required' || !promptForVerification) throw error;
    await promptForVerification(cfg, error.methods);
    return send<T>(cfg, method, path, body);
  }
}

/** One call to the JSON API, as it answers: no second try. */
export async function send<T = unknown>(cfg: PanelConfig, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(cfg.api + path, {
    method,
    credentials: 'same-origin',
    // The panel's language: errors come back in the words the panel shows.
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': cfg.csrf, Accept: 'application/json', 'X-Latchkey-Language': cfg.language, ...placeHeaders(cfg) },
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  const data: unknown = response.status === 204 ? {} : await response.json().catch(() => ({}));
  if (!response.ok) {
    const refusal = (data ?? {}) as ErrorBody;
    throw new ApiError(refusal.summary || refusal.message || say(cfg, 'failed'), refusal.field, refusal.issues || [], refusal.error, refusal.methods || []);
  }
  return data as T;
}

/** The message of whatever a call threw. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : '';
}

/** Where the panel is, for the audit trail: the place, and in a ticket sidebar the ticket. */
function placeHeaders(cfg: PanelConfig): Record<string, string> {
  const ticket = cfg.place === 'ticket' ? cfg.defaults.ticketId : undefined;
  return { 'X-Latchkey-Place': cfg.place, ...typeof ticket === 'string' && ticket ? { 'X-Latchkey-Ticket': ticket } : {} };
}
