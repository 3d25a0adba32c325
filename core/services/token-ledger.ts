import type { VaultContext } from './context.ts';

/**
 * Remembers the ids (`jti`) of embed tokens already used, so each is accepted
 * once, across every app instance sharing the database. Expired ids are
 * pruned as new ones arrive.
 */
export class TokenLedger {
  constructor(private readonly ctx: VaultContext) {}

  /** True the first time a token id is presented, false ever after (until it expires). */
  async consume(jti: string, expiresAt: Date): Promise<boolean> {
    return this.ctx.guard(async () => {
      const t = this.ctx.tables;
      const now = this.ctx.now();
      await this.ctx.knex(t.usedTokens).where('expires_at', '<', now).delete();
      try {
        await this.ctx.knex(t.usedTokens).insert({ jti: jti.slice(0, 128), expires_at: expiresAt.getTime() });
        return true;
      } catch (err) {
        if (isDuplicate(err)) return false;
        throw err;
      }
    });
  }
}

function isDuplicate(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE'
    || /UNIQUE constraint failed/i.test(String((err as Error).message));
}
