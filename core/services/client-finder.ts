import { z } from 'zod';
import type { Actor } from '../domain/actor.ts';
import { ForbiddenError } from '../errors.ts';
import { compareClients, type Named } from '../ports/host-directory.ts';
import { resolveActor } from '../policy/resolve-actor.ts';
import { textOf } from '../validation/text.ts';
import { validate } from '../validation/validate.ts';
import type { VaultContext } from './context.ts';

/** Suggestions a picker gets at most. */
export const CLIENT_SUGGESTIONS = 20;

/** A picker's query: `?search=<text>`. */
export const findClientsSchema = z.strictObject({ search: z.string().max(100).superRefine(textOf('line')) });

/**
 * Clients by part of their name, company or email, for the pickers of admin
 * forms: `{ id, name }` only, never anything else of the client. Admins only
 * (enabled ones); clients and the system are refused.
 */
export class ClientFinder {
  constructor(private readonly ctx: VaultContext) {}

  /** `query` is `{ search }` (at most 100 characters); fewer than two characters answer []. */
  async findClients(actor: Actor, query: unknown): Promise<Named[]> {
    const { search } = validate(findClientsSchema, query);
    return this.ctx.guard(async () => {
      const facts = await resolveActor(actor, this.ctx.host);
      if (facts.kind !== 'admin' || !facts.active) throw new ForbiddenError('find clients');
      const clients = await this.ctx.host.findClients(search, CLIENT_SUGGESTIONS);
      return clients.slice(0, CLIENT_SUGGESTIONS).map((c) => ({ id: c.id, name: c.name }));
    });
  }

  /**
   * The client's contacts besides its account holder (who is the client
   * itself), `{ id, name }` by name, for admin forms that pick one after the
   * client (the step-up reset). Admins only, as `findClients`.
   */
  async contactsOf(actor: Actor, clientId: string): Promise<Named[]> {
    return this.ctx.guard(async () => {
      const facts = await resolveActor(actor, this.ctx.host);
      if (facts.kind !== 'admin' || !facts.active) throw new ForbiddenError('list contacts');
      const contacts = await this.ctx.host.contactsOfClients([clientId]);
      return contacts.filter((c) => c.clientId === clientId && !c.isMain)
        .map((c) => ({ id: c.id, name: c.name }))
        .sort(compareClients);
    });
  }
}
