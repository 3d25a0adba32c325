import type { Actor, RequestOrigin } from '../domain/actor.ts';
import type { VaultContext } from './context.ts';
import type { SecurityAlerts } from './security-alerts.ts';

export const SESSION_OPENED_ACTION = 'session.opened';
export const TOKEN_REFUSED_ACTION = 'embedToken.refused';

/** Where a Latchkey session was opened: the host place and the ids its token named. */
export interface SessionPlace {
  place: string;
  clientId?: string;
  ticketId?: string;
}

/** A refused embed or host token: which kind, and why in a word (`expired`, `replayed`, `forged`...). */
export interface TokenRefusal {
  token: 'embed' | 'host';
  reason: string;
}

/** A refusal reason is one camelCase word; anything else (a token passed by mistake) is kept as `invalid`. */
const REASON = /^[A-Za-z]{1,24}$/;

/**
 * The sign-in trail: a session opened (once per session, when its token is
 * exchanged, not on every request) and every refused token, with its reason.
 * Neither ever holds the token itself, only who, where from and why.
 */
export class SignInAudit {
  constructor(private readonly ctx: VaultContext, private readonly alerts: SecurityAlerts) {}

  /** Also notes an admin's host role as the session opens: the role-change alert compares against it. */
  async opened(actor: Actor, where: SessionPlace): Promise<void> {
    await this.ctx.guard(async () => {
      const facts = await this.ctx.actorFacts(actor);
      await this.ctx.knex.transaction(async (trx) => {
        await this.ctx.record(trx, actor, {
          action: SESSION_OPENED_ACTION,
          clientId: where.clientId ?? null,
          details: { place: where.place.slice(0, 40), ...(where.ticketId ? { ticketId: where.ticketId } : {}) },
        });
        if (facts.kind === 'admin') await this.alerts.noteRole(trx, facts.adminId, facts.roleId);
      });
    });
  }

  async refused(refusal: TokenRefusal, origin: RequestOrigin = {}): Promise<void> {
    const reason = REASON.test(refusal.reason) ? refusal.reason : 'invalid';
    await this.ctx.guard(() => this.ctx.knex.transaction((trx) => this.ctx.record(trx, { kind: 'system', origin: { ip: origin.ip, userAgent: origin.userAgent } }, {
      action: TOKEN_REFUSED_ACTION,
      details: { token: refusal.token, reason },
    })));
  }
}
