import { HostUnavailableError, LatchkeyError, Secret } from '../../core/index.ts';

export interface WhmcsApiOptions {
  /** The WHMCS System URL, e.g. `https://billing.example.com` or `https://example.com/whmcs`. */
  url: string;
  /** API credential identifier (Setup → Staff Management → Manage API Credentials). */
  identifier: string;
  /** API credential secret. */
  secret: string | Secret;
  /** `$api_access_key` from WHMCS's configuration.php, when Latchkey's IP is not in the API IP allow-list. */
  accessKey?: string | Secret;
  /** Milliseconds before a call is abandoned (default 15 000). */
  timeoutMs?: number;
  /** Replaces the global fetch (tests, proxies). */
  fetch?: typeof fetch;
}

export type WhmcsParams = Record<string, string | number | boolean | null | undefined>;
export type WhmcsResponse = Record<string, unknown>;

/**
 * WHMCS answered `result: "error"`. `apiMessage` is WHMCS's own message
 * ("Client Not Found", "Authentication Failed", "Invalid IP 203.0.113.7");
 * the credentials never appear in it.
 */
export class WhmcsApiError extends LatchkeyError {
  readonly action: string;
  readonly apiMessage: string;
  readonly httpStatus: number;

  constructor(action: string, apiMessage: string, httpStatus: number) {
    super('whmcs_api', `WHMCS ${action} failed: ${apiMessage}`);
    this.action = action;
    this.apiMessage = apiMessage;
    this.httpStatus = httpStatus;
  }

  /** "Client Not Found", "Ticket ID Not Found"...: the thing asked for does not exist. */
  get notFound(): boolean {
    return /not found/i.test(this.apiMessage);
  }

  /** Bad identifier or secret, an IP not allowed, or a role without "API Access". */
  get refused(): boolean {
    return /authentication failed|invalid ip|forbidden ip|invalid permissions|access denied/i.test(this.apiMessage);
  }
}

/** WHMCS could not be reached, timed out, or answered something that is not the API's JSON. */
export class WhmcsUnavailableError extends HostUnavailableError {
  readonly action: string;
  readonly httpStatus: number | null;

  constructor(action: string, detail: string, httpStatus: number | null = null) {
    super(`WHMCS ${action}: ${detail}`, { code: 'whmcs_unavailable' });
    this.action = action;
    this.httpStatus = httpStatus;
  }
}

/**
 * WHMCS's external API: a form-encoded POST to `{url}/includes/api.php` with
 * `identifier`, `secret`, `action` and `responsetype=json`
 * (https://developers.whmcs.com/api/authentication/). Errors become
 * WhmcsApiError or WhmcsUnavailableError; the credentials stay out of every
 * message.
 */
export class WhmcsApi {
  readonly endpoint: string;
  readonly #identifier: string;
  readonly #secret: Secret;
  readonly #accessKey: Secret | null;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  /** Calls made so far, by action: for diagnostics and tests. */
  readonly calls = new Map<string, number>();

  constructor(options: WhmcsApiOptions) {
    const base = options.url.trim().replace(/\/+$/, '').replace(/\/includes\/api\.php$/i, '');
    if (!/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/i.test(base)) throw new LatchkeyError('configuration', 'WHMCS url must be the http(s) System URL of WHMCS');
    if (!options.identifier) throw new LatchkeyError('configuration', 'WHMCS API identifier is missing');
    const secret = options.secret instanceof Secret ? options.secret : new Secret(options.secret ?? '');
    if (secret.length === 0) throw new LatchkeyError('configuration', 'WHMCS API secret is missing');
    this.endpoint = `${base}/includes/api.php`;
    this.#identifier = options.identifier;
    this.#secret = secret;
    this.#accessKey = options.accessKey === undefined || options.accessKey === ''
      ? null : options.accessKey instanceof Secret ? options.accessKey : new Secret(options.accessKey);
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#fetch = options.fetch ?? fetch;
  }

  /** Calls one action; resolves with WHMCS's JSON when `result` is not "error". */
  async call(action: string, params: WhmcsParams = {}): Promise<WhmcsResponse> {
    this.calls.set(action, (this.calls.get(action) ?? 0) + 1);
    const form = new URLSearchParams();
    form.set('identifier', this.#identifier);
    form.set('secret', this.#secret.expose());
    if (this.#accessKey) form.set('accesskey', this.#accessKey.expose());
    form.set('action', action);
    form.set('responsetype', 'json');
    for (const [key, value] of Object.entries(params)) {
      if (value === undefined || value === null) continue;
      // PHP's http_build_query, which the API's own examples use, sends true as "1".
      form.set(key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
    }

    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(this.endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: form.toString(),
        // Following a redirect would turn the POST into a GET without the form: say so instead.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      text = await response.text();
    } catch (err) {
      const e = err as { name?: string; cause?: { code?: string } };
      const detail = e?.name === 'TimeoutError' || e?.name === 'AbortError'
        ? `no answer within ${this.#timeoutMs} ms`
        : `cannot reach ${new URL(this.endpoint).host}${e?.cause?.code ? ` (${e.cause.code})` : ''}`;
      throw new WhmcsUnavailableError(action, detail);
    }

    if (response.status >= 300 && response.status < 400) {
      const to = response.headers.get('location');
      throw new WhmcsUnavailableError(action, `HTTP ${response.status} redirect${to ? ` to ${to.slice(0, 120)}` : ''}: set the WHMCS url to the address it redirects to`, response.status);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new WhmcsUnavailableError(action, `HTTP ${response.status} without the API's JSON (is ${new URL(this.endpoint).pathname} the WHMCS API?)`, response.status);
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new WhmcsUnavailableError(action, `HTTP ${response.status} with an unexpected answer`, response.status);
    }
    const result = body as WhmcsResponse;
    if (result.result === 'error') {
      throw new WhmcsApiError(action, this.#scrub(typeof result.message === 'string' ? result.message : 'unknown error'), response.status);
    }
    if (!response.ok) throw new WhmcsUnavailableError(action, `HTTP ${response.status}`, response.status);
    return result;
  }

  /**
   * Every page of a paged list action (`limitstart`/`limitnum`, answered with
   * `totalresults`), e.g. GetClientsProducts: `listKey` names the wrapper and
   * `itemKey` the repeated element (`products` → `product`).
   */
  async *pages(action: string, params: WhmcsParams, listKey: string, itemKey: string, pageSize: number): AsyncGenerator<Record<string, unknown>[]> {
    let start = 0;
    for (let page = 0; page < 10_000; page++) {
      const response = await this.call(action, { ...params, limitstart: start, limitnum: pageSize });
      const items = listOf(response[listKey], itemKey);
      if (items.length > 0) yield items;
      start += items.length;
      const total = toInt(response.totalresults);
      if (items.length === 0 || items.length < pageSize || (total !== null && start >= total)) return;
    }
  }

  /** Never let a credential out in a message, even if WHMCS were to quote one. */
  #scrub(message: string): string {
    let clean = message.slice(0, 300);
    for (const value of [this.#secret.expose(), this.#accessKey?.expose(), this.#identifier]) {
      if (value && value.length >= 4) clean = clean.split(value).join('[redacted]');
    }
    return clean;
  }
}

/**
 * The items of a list in WHMCS's JSON: `{"clients": {"client": [...]}}`. An
 * empty list may come as `[]`, `""` or `{"client": []}`, and XML-minded
 * encoders sometimes send a single item as an object.
 */
export function listOf(container: unknown, itemKey: string): Record<string, unknown>[] {
  if (Array.isArray(container)) return container.filter(isRecord);
  if (!isRecord(container)) return [];
  const inner = container[itemKey];
  if (Array.isArray(inner)) return inner.filter(isRecord);
  return isRecord(inner) ? [inner] : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** WHMCS sends numbers as strings as often as not ("totalresults": "2"). */
export function toInt(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim())) return Number(value.trim());
  return null;
}

/** A WHMCS id as Latchkey keeps it: the decimal string; null for 0, empty or junk. */
export function toId(value: unknown): string | null {
  const n = toInt(value);
  return n !== null && n > 0 ? String(n) : null;
}

export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

/** WHMCS's flags: true, 1, "1", "on", "true". */
export function toFlag(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  return typeof value === 'string' && ['1', 'on', 'true', 'yes'].includes(value.trim().toLowerCase());
}

/** Only positive decimal ids can be WHMCS ids; anything else is simply absent, without asking WHMCS. */
export function isWhmcsId(id: string): boolean {
  return /^[1-9]\d{0,9}$/.test(id);
}
