import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Actor, AdminActor, ApiTokenUse, RequestOrigin } from '../domain/actor.ts';
import { Secret } from '../domain/secret.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import { canDo } from '../policy/access-policy.ts';
import { newId } from '../store/ids.ts';
import { ownId } from '../validation/schemas.ts';
import { textOf } from '../validation/text.ts';
import { validate } from '../validation/validate.ts';
import type { VaultContext } from './context.ts';

/** What a token may do, on top of what its admin may: each scope opens a part of the JSON API. */
export const API_TOKEN_SCOPES = ['read', 'reveal', 'write', 'manage'] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

/** Every token expires; a year is the longest a token may live. */
export const API_TOKEN_MAX_DAYS = 365;

/** Tokens read `lk_` and 43 base64url characters (256 random bits): secret scanners can spot them. */
export const API_TOKEN_PREFIX = 'lk_';
const TOKEN_SHAPE = /^lk_[A-Za-z0-9_-]{43}$/;

export const createApiTokenSchema = z.strictObject({
  name: z.string().trim().min(1).max(100).superRefine(textOf('line')),
  scopes: z.array(z.enum(API_TOKEN_SCOPES)).min(1).max(API_TOKEN_SCOPES.length),
  expiresInDays: z.number().int().min(1).max(API_TOKEN_MAX_DAYS),
});
export type CreateApiTokenInput = z.input<typeof createApiTokenSchema>;

const listApiTokensSchema = z.strictObject({ all: z.boolean().default(false) });
export type ListApiTokensQuery = z.input<typeof listApiTokensSchema>;

export type ApiTokenStatus = 'active' | 'expired' | 'revoked';

/** A token as lists show it: everything but the token, which only its creation returns. */
export interface ApiTokenInfo {
  id: string;
  name: string;
  adminId: string;
  scopes: ApiTokenScope[];
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  status: ApiTokenStatus;
}

/** Why a presented token was refused; audited, never told to the caller beyond "invalid or expired". */
export type ApiTokenRefusal = 'malformed' | 'unknown' | 'expired' | 'revoked' | 'adminInactive';

export type ApiTokenCheck =
  | { ok: true; actor: AdminActor; token: ApiTokenUse & { scopes: ApiTokenScope[] } }
  | { ok: false; reason: ApiTokenRefusal };

interface TokenRow {
  id: string;
  name: string;
  admin_id: string;
  scopes: string;
  created_at: number | string;
  expires_at: number | string;
  last_used_at: number | string | null;
  revoked_at: number | string | null;
}

const LISTED = ['id', 'name', 'admin_id', 'scopes', 'created_at', 'expires_at', 'last_used_at', 'revoked_at'];

/**
 * API tokens: an admin's key for scripts calling the JSON API. A token acts as
 * its admin, looked up in the host on every request (a disabled admin's tokens
 * stop; a changed role counts at once), and its scopes cut further. The
 * token is shown once, at creation; the table keeps its SHA-256 only.
 */
export class ApiTokenService {
  constructor(private readonly ctx: VaultContext) {}

  /** Makes a token for the acting admin; the returned secret is never available again. */
  async create(actor: Actor, input: CreateApiTokenInput): Promise<{ token: Secret; info: ApiTokenInfo }> {
    const admin = await this.requireActiveAdmin(actor);
    const data = validate(createApiTokenSchema, input);
    return this.ctx.guard(async () => {
      const now = this.ctx.now();
      const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
      const scopes = API_TOKEN_SCOPES.filter((s) => data.scopes.includes(s));
      const row: TokenRow = {
        id: newId(now),
        name: data.name,
        admin_id: admin.adminId,
        scopes: scopes.join(','),
        created_at: now,
        expires_at: now + data.expiresInDays * 86_400_000,
        last_used_at: null,
        revoked_at: null,
      };
      await this.ctx.knex.transaction(async (trx) => {
        await trx(this.ctx.tables.apiTokens).insert({ ...row, token_hash: tokenHash(token) });
        await this.ctx.record(trx, actor, {
          action: 'apiToken.create',
          details: { tokenId: row.id, name: row.name, scopes: row.scopes, expiresAt: new Date(Number(row.expires_at)).toISOString() },
        });
      });
      return { token: new Secret(token), info: toInfo(row, now) };
    });
  }

  /** The actor's own tokens, newest first; `all` (addon managers only) lists every admin's. */
  async list(actor: Actor, query: ListApiTokensQuery = {}): Promise<ApiTokenInfo[]> {
    const admin = await this.requireActiveAdmin(actor);
    const { all } = validate(listApiTokensSchema, query);
    return this.ctx.guard(async () => {
      if (all && !(await this.managesAddon(admin))) throw new ForbiddenError("list other admins' API tokens");
      const qb = this.ctx.knex(this.ctx.tables.apiTokens).select(LISTED).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(500);
      if (!all) qb.where('admin_id', admin.adminId);
      const now = this.ctx.now();
      return (await qb as TokenRow[]).map((row) => toInfo(row, now));
    });
  }

  /** Revokes a token at once: the actor's own, or anyone's for addon managers. Revoking twice changes nothing. */
  async revoke(actor: Actor, id: string): Promise<ApiTokenInfo> {
    const admin = await this.requireActiveAdmin(actor);
    const tokenId = validate(z.strictObject({ id: ownId }), { id }).id;
    return this.ctx.guard(async () => {
      const t = this.ctx.tables.apiTokens;
      const row = await this.ctx.knex(t).select(LISTED).where('id', tokenId).first() as TokenRow | undefined;
      // Someone else's token is "not found" to an admin who may not manage it.
      if (!row || (row.admin_id !== admin.adminId && !(await this.managesAddon(admin)))) throw new NotFoundError('API token');
      const now = this.ctx.now();
      if (row.revoked_at !== null) return toInfo(row, now);
      await this.ctx.knex.transaction(async (trx) => {
        await trx(t).where('id', tokenId).whereNull('revoked_at').update({ revoked_at: now, revoked_by: admin.adminId });
        await this.ctx.record(trx, actor, {
          action: 'apiToken.revoke',
          details: { tokenId: row.id, name: row.name, owner: row.admin_id },
        });
      });
      return toInfo({ ...row, revoked_at: now }, now);
    });
  }

  /**
   * Checks a presented token: known, not revoked, not expired (a token is
   * refused from its expiry instant on), and its admin still active in the
   * host. A use is remembered as the token's last use; a refusal is audited
   * with its reason and, when the token is known, its name and admin.
   */
  async authenticate(presented: string, origin: RequestOrigin = {}): Promise<ApiTokenCheck> {
    return this.ctx.guard(async () => {
      const now = this.ctx.now();
      const t = this.ctx.tables.apiTokens;
      const row = TOKEN_SHAPE.test(presented)
        ? await this.ctx.knex(t).select(LISTED).where('token_hash', tokenHash(presented)).first() as TokenRow | undefined
        : undefined;
      const refuse = async (reason: ApiTokenRefusal): Promise<ApiTokenCheck> => {
        const actor: Actor = row ? { kind: 'admin', adminId: row.admin_id, origin: { ...origin, via: undefined } } : { kind: 'system', origin };
        await this.ctx.knex.transaction((trx) => this.ctx.record(trx, actor, {
          action: 'apiToken.refused',
          details: row ? { reason, tokenId: row.id, name: row.name } : { reason },
        }));
        return { ok: false, reason };
      };
      if (!row) return refuse(TOKEN_SHAPE.test(presented) ? 'unknown' : 'malformed');
      if (row.revoked_at !== null) return refuse('revoked');
      if (now >= Number(row.expires_at)) return refuse('expired');
      const admin = (await this.ctx.host.admins([row.admin_id])).get(row.admin_id);
      if (!admin || admin.disabled) return refuse('adminInactive');
      await this.ctx.knex(t).where('id', row.id).update({ last_used_at: now });
      const token = { tokenId: row.id, tokenName: row.name, scopes: parseScopes(row.scopes) };
      return {
        ok: true,
        token,
        actor: { kind: 'admin', adminId: row.admin_id, origin: { ...origin, via: { tokenId: token.tokenId, tokenName: token.tokenName } } },
      };
    });
  }

  /** Audits a token used beyond its scopes: `route` names what was asked, `needed` the scope it takes (null: none will do). */
  async recordOutOfScope(actor: Actor, route: string, needed: ApiTokenScope | null): Promise<void> {
    const via = actor.origin?.via;
    if (!via) return;
    await this.ctx.guard(() => this.ctx.knex.transaction((trx) => this.ctx.record(trx, actor, {
      action: 'apiToken.refused',
      details: { reason: 'outOfScope', route: route.slice(0, 100), needed, tokenId: via.tokenId, name: via.tokenName },
    })));
  }

  private async requireActiveAdmin(actor: Actor): Promise<AdminActor> {
    if (actor.kind !== 'admin') throw new ForbiddenError('manage API tokens');
    // A token's own holder cannot mint or revoke tokens with it: that would outlive its expiry.
    if (actor.origin?.via) throw new ForbiddenError('manage API tokens with an API token');
    const { facts } = await this.ctx.guard(() => this.ctx.decisionInputs(actor));
    if (facts.kind !== 'admin' || !facts.active) throw new ForbiddenError('manage API tokens');
    return actor;
  }

  private async managesAddon(admin: AdminActor): Promise<boolean> {
    const { facts, settings } = await this.ctx.decisionInputs(admin);
    return canDo(facts, 'changeSettings', settings);
  }
}

/** The only form in which a token is stored or looked up. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function parseScopes(text: string): ApiTokenScope[] {
  return API_TOKEN_SCOPES.filter((s) => text.split(',').includes(s));
}

function toInfo(row: TokenRow, now: number): ApiTokenInfo {
  const expiresAt = Number(row.expires_at);
  return {
    id: row.id,
    name: row.name,
    adminId: row.admin_id,
    scopes: parseScopes(row.scopes),
    createdAt: new Date(Number(row.created_at)),
    expiresAt: new Date(expiresAt),
    lastUsedAt: row.last_used_at === null ? null : new Date(Number(row.last_used_at)),
    revokedAt: row.revoked_at === null ? null : new Date(Number(row.revoked_at)),
    status: row.revoked_at !== null ? 'revoked' : now >= expiresAt ? 'expired' : 'active',
  };
}
