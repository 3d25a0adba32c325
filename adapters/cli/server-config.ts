import { readFileSync } from 'node:fs';
import { ConfigurationError, Keyring } from '../../core/index.ts';
import type { WhmcsPages } from '../whmcs/index.ts';
import { DEFAULT_DATABASE_URL } from './environment.ts';

/** The platforms `latchkey serve` can stand beside. */
export const HOST_KINDS = ['whmcs', 'zendesk'] as const;
export type HostKind = typeof HOST_KINDS[number];

export interface WhmcsServerConfig {
  /** The WHMCS System URL. */
  url: string;
  /** The admin area's folder under it (WHMCS's `$customadminpath`), for the links in reminder mails. */
  adminPath: string;
  identifier: string;
  secret: string;
  accessKey: string | undefined;
  /** A read-only user on WHMCS's database, for role and product group names (or every look-up). */
  databaseUrl: string | undefined;
  directory: 'api' | 'database';
  addonRoleIds: string[];
  /** The module's "Shared secret", "Issuer" and "Audience". */
  embed: { secret: string; issuer: string; audience: string };
}

export interface ZendeskServerConfig {
  subdomain: string;
  installationId: string;
  /** The app's public key (PEM), which checks Zendesk's signed-URL tokens. */
  publicKeyPem: string;
  /** A module whose `createHostDirectory()` returns the platform the agents and clients live in. */
  hostModule: string;
}

/** Everything `latchkey serve` and `latchkey doctor` read from the environment. */
export interface ServerConfig {
  host: HostKind;
  databaseUrl: string;
  tablePrefix: string | undefined;
  keys: Keyring;
  /** Signs CSRF tokens and frame sessions (≥ 32 characters). */
  sessionSecret: string;
  basePath: string;
  frameAncestors: string[];
  /** Express's `trust proxy`: which reverse proxy's X-Forwarded-Proto to believe (https → Secure cookies). */
  trustProxy: string | boolean | number | undefined;
  defaultLanguage: string;
  smtp: { url: string; from: string } | null;
  /** Queue reminders and send mail from this process every so many minutes (0: only when the host's cron calls). */
  mailEveryMinutes: number;
  listen: { port: number; host: string };
  /** How long a stop waits for running requests and the mail round before exiting anyway. */
  shutdownTimeoutMs: number;
  logLevel: string;
  whmcs: WhmcsServerConfig | null;
  zendesk: ZendeskServerConfig | null;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Reads the service's configuration; the first missing or malformed variable
 * is a ConfigurationError naming it. Values are never quoted back, since most
 * of them are secrets. Frame ancestors and the base path are read as given:
 * `configProblems` judges them, so that `doctor` can list every problem.
 */
export function readServerConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const read = (name: string) => env[name]?.trim() ?? '';
  const required = (name: string, minLength = 1) => {
    const value = read(name);
    if (value.length < minLength) {
      throw new ConfigurationError(minLength > 1 ? `${name} must be at least ${minLength} characters` : `${name} is required`);
    }
    return value;
  };
  const whole = (name: string, fallback: number, min: number, max: number) => {
    const text = read(name);
    if (text === '') return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) throw new ConfigurationError(`${name} must be a whole number from ${min} to ${max}`);
    return value;
  };

  const hostText = read('LATCHKEY_HOST') || 'whmcs';
  if (!(HOST_KINDS as readonly string[]).includes(hostText)) throw new ConfigurationError(`LATCHKEY_HOST must be one of ${HOST_KINDS.join(', ')}`);
  const host = hostText as HostKind;
  const logLevel = read('LATCHKEY_LOG_LEVEL') || 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigurationError(`LATCHKEY_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);

  let whmcs: WhmcsServerConfig | null = null;
  let zendesk: ZendeskServerConfig | null = null;
  if (host === 'whmcs') {
    const directory = read('WHMCS_DIRECTORY') || 'api';
    if (directory !== 'api' && directory !== 'database') throw new ConfigurationError('WHMCS_DIRECTORY must be api or database');
    const databaseUrl = read('WHMCS_DATABASE_URL') || undefined;
    if (directory === 'database' && !databaseUrl) throw new ConfigurationError('WHMCS_DIRECTORY=database needs WHMCS_DATABASE_URL');
    whmcs = {
      ...whmcsPagesOrThrow(env),
      identifier: required('WHMCS_API_IDENTIFIER'),
      secret: required('WHMCS_API_SECRET'),
      accessKey: read('WHMCS_API_ACCESS_KEY') || undefined,
      databaseUrl,
      directory,
      addonRoleIds: (read('LATCHKEY_ADDON_ROLE_IDS') || '1').split(',').map((id) => id.trim()).filter(Boolean),
      embed: {
        secret: required('LATCHKEY_EMBED_SECRET', 32),
        issuer: read('LATCHKEY_EMBED_ISSUER') || 'whmcs',
        audience: read('LATCHKEY_EMBED_AUDIENCE') || 'latchkey',
      },
    };
  } else {
    zendesk = {
      subdomain: required('ZENDESK_SUBDOMAIN'),
      installationId: required('ZENDESK_INSTALLATION_ID'),
      publicKeyPem: read('ZENDESK_PUBLIC_KEY') || readFileVariable(env, 'ZENDESK_PUBLIC_KEY_FILE', 'ZENDESK_PUBLIC_KEY'),
      hostModule: required('LATCHKEY_HOST_MODULE'),
    };
  }

  const frameAncestorsText = read('LATCHKEY_FRAME_ANCESTORS');
  const smtpUrl = read('LATCHKEY_SMTP_URL');
  const mailFrom = read('LATCHKEY_MAIL_FROM');
  if (Boolean(smtpUrl) !== Boolean(mailFrom)) throw new ConfigurationError('set both LATCHKEY_SMTP_URL and LATCHKEY_MAIL_FROM, or neither');
  const sessionSecret = required('LATCHKEY_SESSION_SECRET', 32);
  if (whmcs && sessionSecret === whmcs.embed.secret) {
    throw new ConfigurationError('LATCHKEY_SESSION_SECRET must differ from LATCHKEY_EMBED_SECRET (WHMCS holds the shared secret; the session secret stays here)');
  }

  return {
    host,
    databaseUrl: read('LATCHKEY_DATABASE_URL') || DEFAULT_DATABASE_URL,
    tablePrefix: read('LATCHKEY_TABLE_PREFIX') || undefined,
    keys: Keyring.fromEnv(env),
    sessionSecret,
    basePath: read('LATCHKEY_BASE_PATH') || '/latchkey',
    frameAncestors: frameAncestorsText
      ? frameAncestorsText.split(/[\s,]+/).filter(Boolean)
      : [defaultFrameAncestor(whmcs, zendesk)],
    trustProxy: trustProxyOf(read('LATCHKEY_TRUST_PROXY')),
    defaultLanguage: read('LATCHKEY_DEFAULT_LANGUAGE') || 'en',
    smtp: smtpUrl ? { url: smtpUrl, from: mailFrom } : null,
    mailEveryMinutes: whole('LATCHKEY_MAIL_EVERY_MINUTES', 0, 0, 7 * 24 * 60),
    listen: { port: whole('PORT', 3100, 0, 65535), host: read('HOST') || '127.0.0.1' },
    shutdownTimeoutMs: whole('LATCHKEY_SHUTDOWN_TIMEOUT_SECONDS', 25, 1, 3600) * 1000,
    logLevel,
    whmcs,
    zendesk,
  };
}

/**
 * Where WHMCS's pages are, from WHMCS_URL and WHMCS_ADMIN_PATH (checked), or
 * null without WHMCS_URL. Reminder mails link to them.
 */
export function readWhmcsPages(env: NodeJS.ProcessEnv = process.env): Required<WhmcsPages> | null {
  const url = env.WHMCS_URL?.trim() ?? '';
  if (url === '') return null;
  if (!/^https?:\/\/[^/]/i.test(url)) throw new ConfigurationError('WHMCS_URL must be the http(s) System URL of WHMCS');
  const adminPath = env.WHMCS_ADMIN_PATH?.trim() || 'admin';
  if (!/^[A-Za-z0-9_-]+$/.test(adminPath)) {
    throw new ConfigurationError('WHMCS_ADMIN_PATH must be the name of the admin folder, such as admin (letters, digits, - and _)');
  }
  return { url, adminPath };
}

function whmcsPagesOrThrow(env: NodeJS.ProcessEnv): Required<WhmcsPages> {
  const pages = readWhmcsPages(env);
  if (!pages) throw new ConfigurationError('WHMCS_URL is required');
  return pages;
}

/**
 * What is wrong with the frame ancestors and the base path, one sentence
 * each saying what to write instead; empty when both are sane.
 */
export function configProblems(config: Pick<ServerConfig, 'frameAncestors' | 'basePath'>): string[] {
  const problems = config.frameAncestors.map(frameAncestorProblem).filter((p): p is string => p !== null);
  if (config.frameAncestors.length === 0) problems.push('LATCHKEY_FRAME_ANCESTORS is empty: list the https origin(s) of the pages that frame Latchkey');
  const base = basePathProblem(config.basePath);
  if (base) problems.push(base);
  return problems;
}

/** A frame ancestor must be exactly an https origin: no wildcard, no path, no query. */
export function frameAncestorProblem(value: string): string | null {
  const fix = 'write it as an https origin like https://billing.example.com';
  if (value.includes('*')) return `LATCHKEY_FRAME_ANCESTORS: "${value}" has a wildcard, which lets other sites frame Latchkey: ${fix}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `LATCHKEY_FRAME_ANCESTORS: "${value}" is not an origin: ${fix}`;
  }
  if (url.protocol !== 'https:') return `LATCHKEY_FRAME_ANCESTORS: "${value}" is not https (framed sessions need https): ${fix}`;
  if (url.username || url.password) return `LATCHKEY_FRAME_ANCESTORS: an origin carries no user or password: ${fix}`;
  if (value.replace(/\/+$/, '') !== url.origin) return `LATCHKEY_FRAME_ANCESTORS: "${value}" has a path, query or fragment; frame-ancestors takes origins only: ${fix}`;
  if (value !== url.origin) return `LATCHKEY_FRAME_ANCESTORS: "${value}" ends with a slash: write ${url.origin}`;
  return null;
}

/** The base path: `/` or slash-separated segments of letters, digits, `-` and `_`. */
export function basePathProblem(value: string): string | null {
  if (value === '/' || /^(\/[A-Za-z0-9_-]+)+\/?$/.test(value)) return null;
  return 'LATCHKEY_BASE_PATH must be a plain path such as /latchkey (letters, digits, - and _ between slashes; no dots, query or full URL)';
}

function defaultFrameAncestor(whmcs: WhmcsServerConfig | null, zendesk: ZendeskServerConfig | null): string {
  if (whmcs) return new URL(whmcs.url).origin;
  return `https://${zendesk!.subdomain}.zendesk.com`;
}

/** `true`/`false`, a number of hops, or what Express takes as text (`loopback`, `10.0.0.0/8`...). */
function trustProxyOf(text: string): string | boolean | number | undefined {
  if (text === '') return undefined;
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^\d+$/.test(text)) return Number(text);
  return text;
}

function readFileVariable(env: NodeJS.ProcessEnv, fileVariable: string, valueVariable: string): string {
  const path = env[fileVariable]?.trim();
  if (!path) throw new ConfigurationError(`${valueVariable} (or ${fileVariable}) is required`);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigurationError(`cannot read ${fileVariable} ${path} (${(err as { code?: string }).code ?? 'unknown error'})`);
  }
}
