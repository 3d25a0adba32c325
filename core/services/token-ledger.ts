import type { VaultContext } from './context.ts';

/**
 * Seconds a signed token is still accepted after its `exp`, for clocks that
 * disagree a little. Every verifier passes it to jose and the ledger keeps a
 * used id this long after expiry: were the ledger to forget sooner, a replay
 * in between would be new again.
 */
export const TOKEN_CLOCK_TOLERANCE_SECONDS = 30;

/**
 * Remembers the ids (`jti`) of embed tokens already used, so each is accepted
 * once, across every app instance sharing the database. An id is kept until
 * its token's expiry plus the clock tolerance; older ones are pruned as new
 * ones arrive.
 */
export class TokenLedger {
  constructor(private readonly ctx: VaultContext) {}

  /** The time tokens are checked against: the vault's clock, so verifiers and the ledger agree. */
  now(): Date {
    return new Date(this.ctx.now());
  }

  /** True the first time a token id is presented, false ever after (until its expiry plus the tolerance). */
  async consume(jti: string, expiresAt: Date): Promise<boolean> {
    return this.ctx.guard(async () => {
      const t = this.ctx.tables;
      const now = this.ctx.now();
      await this.ctx.knex(t.usedTokens).where('expires_at', '<', now).delete();
      // The column holds when the id may be forgotten.
      const forgetAt = expiresAt.getTime() + TOKEN_CLOCK_TOLERANCE_SECONDS * 1000;
      try {
        await this.ctx.knex(t.usedTokens).insert({ jti: jti.slice(0, 128), expires_at: forgetAt });
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
