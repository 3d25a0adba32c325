import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { EmbedTokenError, verifyPinnedJwt } from '../express/index.ts';
import { normaliseZendeskId } from './mapping.ts';

/** The three places of Zendesk Support this app lives in (manifest.json `location.support`). */
export const ZENDESK_LOCATIONS = ['ticket_sidebar', 'user_sidebar', 'organization_sidebar'] as const;
export type ZendeskLocation = (typeof ZENDESK_LOCATIONS)[number];

export function isZendeskLocation(value: unknown): value is ZendeskLocation {
  return typeof value === 'string' && (ZENDESK_LOCATIONS as readonly string[]).includes(value);
}

/** What a verified signed-URL token says. */
export interface ZendeskClaims {
  /** `iss`: the Zendesk account, `<subdomain>.zendesk.com`. */
  issuer: string;
  /** `aud`: the app installation, `https://<subdomain>.zendesk.com/api/v2/apps/installations/<id>.json`. */
  audience: string;
  /** The Zendesk user the iframe was loaded for. */
  userId: string;
  /** Their email address, when the token carries it. */
  email: string | null;
  /** `context.location`, when the token carries it. */
  location: ZendeskLocation | null;
  expiresAt: Date;
}

export class ZendeskTokenError extends EmbedTokenError {}

export interface ZendeskTokenOptions {
  /** The app's public key (PEM), as Zendesk shows it for the app (see the README). */
  publicKeyPem: string;
  /** `<subdomain>.zendesk.com`; several forms may be listed (with `https://`, say). */
  issuer: string | string[];
  /** `https://<subdomain>.zendesk.com/api/v2/apps/installations/<installation id>.json`. */
  audience: string;
  /** Seconds after `iat` past which a token is refused even before its `exp` (default 300). */
  maxTokenAgeSeconds?: number;
}

/** The used-token ledger (`lk.usedTokens`). */
export interface TokenLedgerPort {
  /** The time tokens are checked against. */
  now(): Date;
  /** True the first time an id is presented; it stays used until `expiresAt` plus the clock tolerance. */
  consume(id: string, expiresAt: Date): Promise<boolean>;
}

/** A JWT is three base64url parts; Zendesk's are a few hundred bytes, so anything large is refused unread. */
const MAX_TOKEN_LENGTH = 8192;

/**
 * Verifies the JWT Zendesk POSTs, in the form field `token`, to a location URL
 * of an app whose manifest says `signedUrls: true`, on the iframe's first load
 * only. Zendesk signs it with RS256 and the app's own key pair; its `iss` is
 * the account (`<subdomain>.zendesk.com`) and its `aud` the app installation's
 * API URL, so a token for another account or another installation is refused.
 * (Zendesk: "Building a server-side app - Part 5: Securing the app",
 * https://developer.zendesk.com/documentation/apps/build-an-app/building-a-server-side-app/part-5-secure-the-app/ .)
 *
 * RS256 is pinned, `exp` and `iat` are required, and a token older than five
 * minutes is refused even when Zendesk gave it a longer life.
 *
 * Single use: Zendesk documents no `jti` for these tokens, so the used-token
 * ledger is keyed by a SHA-256 of the installation and of the signature's
 * decoded bytes (not of its base64 text, whose last character can be altered
 * without changing the bytes), kept until the token's `exp` plus the clock
 * tolerance verification allows. An RS256
 * (PKCS#1 v1.5) signature is deterministic and only the key holder can make
 * another one, so any other valid token has other bytes, and a replay of this
 * one, on any app instance sharing the database, is refused.
 */
export class ZendeskTokenVerifier {
  readonly #key: KeyObject;

  constructor(private readonly options: ZendeskTokenOptions, private readonly ledger: TokenLedgerPort) {
    this.#key = createPublicKey(options.publicKeyPem);
    if (this.#key.asymmetricKeyType !== 'rsa') throw new TypeError('zendesk: publicKeyPem must be the app\'s RSA public key');
  }

  async verify(token: string): Promise<ZendeskClaims> {
    if (token.length > MAX_TOKEN_LENGTH) throw new ZendeskTokenError('token too long', 'malformed');
    const payload = await verifyPinnedJwt(token, {
      key: this.#key,
      algorithm: 'RS256',
      issuer: this.options.issuer,
      audience: this.options.audience,
      requiredClaims: ['iss', 'aud', 'exp', 'iat'],
      maxTokenAge: this.options.maxTokenAgeSeconds ?? 300,
      now: this.ledger.now(),
    }).catch((err: unknown) => {
      throw new ZendeskTokenError(err instanceof Error ? err.message : 'invalid token', err instanceof EmbedTokenError ? err.reason : 'invalid');
    });
    const context = isRecord(payload.context) ? payload.context : {};
    if (context.product !== undefined && context.product !== 'support') throw new ZendeskTokenError('not a Zendesk Support app', 'badContext');
    if (context.location !== undefined && !isZendeskLocation(context.location)) throw new ZendeskTokenError('not one of our locations', 'badContext');
    const user = agentOf(payload);
    if (!user) {
      // Verified, yet nobody to map: say which claims came, not their values.
      throw new ZendeskTokenError(`token names no Zendesk user (claims: ${Object.keys(payload).sort().join(', ')})`, 'badSubject');
    }
    const exp = payload.exp as number;
    const signature = Buffer.from(token.split('.')[2] ?? '', 'base64url');
    const ledgerKey = `zendesk|${createHash('sha256').update(this.options.audience).update('\n').update(signature).digest('hex')}`;
    if (!(await this.ledger.consume(ledgerKey, new Date(exp * 1000)))) throw new ZendeskTokenError('token already used', 'replayed');
    return {
      issuer: String(payload.iss),
      audience: this.options.audience,
      userId: user.id,
      email: user.email,
      location: isZendeskLocation(context.location) ? context.location : null,
      expiresAt: new Date(exp * 1000),
    };
  }
}

/**
 * The agent a token names. Zendesk's published material does not list the
 * user claims of signed-URL tokens, so the places a Zendesk user is given in
 * JWTs are read, first found wins, and each must hold a Zendesk user id (a
 * number, or the user's API URL `…/api/v2/users/<id>.json`):
 * `sub`, `context.user`, `context.currentUser`, `user`, `user_id`. The
 * email comes from the same object, or from `email`.
 */
export function agentOf(payload: Record<string, unknown>): { id: string; email: string | null } | null {
  const context = isRecord(payload.context) ? payload.context : {};
  const candidates: Array<{ id: unknown; email: unknown }> = [
    { id: payload.sub, email: payload.email },
    ...[context.user, context.currentUser, payload.user]
      .filter(isRecord)
      .map((u) => ({ id: u.id, email: u.email ?? payload.email })),
    { id: payload.user_id, email: payload.email },
  ];
  for (const candidate of candidates) {
    const id = userIdOf(candidate.id);
    if (id) return { id, email: normaliseZendeskId('email', candidate.email) };
  }
  return null;
}

function userIdOf(value: unknown): string | null {
  if (typeof value === 'string') {
    const url = /^https:\/\/[A-Za-z0-9.-]+\/api\/v2\/users\/([0-9]{1,20})(?:\.json)?$/.exec(value);
    if (url) return url[1]!;
  }
  return normaliseZendeskId('user', value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
