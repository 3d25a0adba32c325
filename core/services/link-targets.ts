import { z } from 'zod';
import type { Actor } from '../domain/actor.ts';
import { ForbiddenError } from '../errors.ts';
import { compareClients, type HostDirectory } from '../ports/host-directory.ts';
import { resolveActor } from '../policy/resolve-actor.ts';
import { textOf } from '../validation/text.ts';
import { validate } from '../validation/validate.ts';
import type { VaultContext } from './context.ts';

/** Most suggestions one page of a link picker holds. */
export const LINK_TARGETS_PAGE_MAX = 50;

/**
 * A link picker's query: `?search=<text>`, paged with `offset` and `limit`
 * (default 20). No text lists every one (forms that pick a contact after the
 * client); a single letter finds nothing, as every picker waits for two.
 */
export const linkTargetsQuerySchema = z.strictObject({
  search: z.string().max(100).superRefine(textOf('line')).default(''),
  offset: z.number().int().min(0).max(10_000).default(0),
  limit: z.number().int().min(1).max(LINK_TARGETS_PAGE_MAX).default(20),
});

/** What an entry can be linked to in the host besides its client. */
export type LinkKind = 'contact' | 'device';

export interface LinkTarget {
  id: string;
  name: string;
  /** A contact's email; null for a device. */
  detail: string | null;
}

/**
 * The contacts or devices of one client whose name (or a contact's email)
 * holds the search text, for the entry dialog's link fields: a page ordered
 * by name, `more` when more follow. Staff ask for any client; a client's main
 * account for its own; anyone else is refused. Fewer than two characters
 * answer an empty page without asking the host.
 */
export class LinkTargets {
  /** `host`: the directory as pickers ask it (boundedHost), so a host failing or hanging answers 503. */
  constructor(private readonly ctx: VaultContext, private readonly host: HostDirectory) {}

  async find(actor: Actor, clientId: string, kind: LinkKind, query: unknown): Promise<{ items: LinkTarget[]; more: boolean }> {
    const { search, offset, limit } = validate(linkTargetsQuerySchema, query);
    return this.ctx.guard(async () => {
      const facts = await resolveActor(actor, this.host);
      const allowed = (facts.kind === 'admin' && facts.active)
        || (facts.kind === 'client' && facts.active && facts.clientId === clientId && facts.contactId === null);
      if (!allowed) throw new ForbiddenError(`find the ${kind}s of this client`);
      const text = search.trim().toLowerCase();
      if (text.length === 1) return { items: [], more: false };
      const found: LinkTarget[] = kind === 'contact'
        ? (await this.host.contactsOfClients([clientId]))
          .filter((c) => c.clientId === clientId && (c.name.toLowerCase().includes(text) || c.email.toLowerCase().includes(text)))
          .map((c) => ({ id: c.id, name: c.name, detail: c.email }))
        : (await this.host.devicesOfClients([clientId]))
          .filter((d) => d.clientId === clientId && d.name.toLowerCase().includes(text))
          .map((d) => ({ id: d.id, name: d.name, detail: null }));
      found.sort(compareClients);
      return { items: found.slice(offset, offset + limit), more: found.length > offset + limit };
    });
  }
}
