import { z } from 'zod';
import type { Actor } from '../domain/actor.ts';
import { ForbiddenError } from '../errors.ts';
import type { HostDirectory, Named } from '../ports/host-directory.ts';
import { resolveActor } from '../policy/resolve-actor.ts';
import { textOf } from '../validation/text.ts';
import { validate } from '../validation/validate.ts';
import type { VaultContext } from './context.ts';

/** Suggestions a picker gets at most. */
export const CLIENT_SUGGESTIONS = 20;

/** A contact a picker offers: its name, and whose contact it is. */
export interface ContactSuggestion {
  id: string;
  name: string;
  /** The contact's client and email, "Blue Harbour Coffee Roasters · tom@…". */
  detail: string;
}

/** A picker's query: `?search=<text>`. */
export const findClientsSchema = z.strictObject({ search: z.string().max(100).superRefine(textOf('line')) });

/**
 * Clients by part of their name, company or email, for the pickers of admin
 * forms: `{ id, name }` only, never anything else of the client. Admins only
 * (enabled ones); clients and the system are refused.
 */
export class ClientFinder {
  /** `host`: the directory as pickers ask it (boundedHost), so a host failing or hanging answers 503. */
  constructor(private readonly ctx: VaultContext, private readonly host: HostDirectory) {}

  /** `query` is `{ search }` (at most 100 characters); fewer than two characters answer []. */
  async findClients(actor: Actor, query: unknown): Promise<Named[]> {
    const { search } = validate(findClientsSchema, query);
    return this.ctx.guard(async () => {
      const facts = await resolveActor(actor, this.host);
      if (facts.kind !== 'admin' || !facts.active) throw new ForbiddenError('find clients');
      const clients = await this.host.findClients(search, CLIENT_SUGGESTIONS);
      return clients.slice(0, CLIENT_SUGGESTIONS).map((c) => ({ id: c.id, name: c.name }));
    });
  }

  /**
   * Contacts of any client by part of their name or email, for the settings'
   * contact pickers: `{ id, name, detail }`, the detail naming the contact's
   * client and email (two contacts may share a name). Admins only, as
   * `findClients`.
   */
  async findContacts(actor: Actor, query: unknown): Promise<ContactSuggestion[]> {
    const { search } = validate(findClientsSchema, query);
    return this.ctx.guard(async () => {
      const facts = await resolveActor(actor, this.host);
      if (facts.kind !== 'admin' || !facts.active) throw new ForbiddenError('find contacts');
      const contacts = (await this.host.findContacts(search, CLIENT_SUGGESTIONS)).slice(0, CLIENT_SUGGESTIONS);
      const clients = await this.host.clients([...new Set(contacts.map((c) => c.clientId))]);
      return contacts.map((c) => ({
        id: c.id, name: c.name, detail: [clients.get(c.clientId)?.name, c.email].filter((part) => part).join(' · '),
      }));
    });
  }
}
