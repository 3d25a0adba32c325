import { z } from 'zod';
import type { Actor, PrincipalKind } from '../domain/actor.ts';
import { ForbiddenError } from '../errors.ts';
import { canDo } from '../policy/access-policy.ts';
import { clientSearch, compareClients, FIND_CLIENTS_MAX, type HostDirectory } from '../ports/host-directory.ts';
import { textOf } from '../validation/text.ts';
import { validate } from '../validation/validate.ts';
import type { VaultContext } from './context.ts';
import type { EntryService } from './entry-service.ts';

/** Most people one page of a picker holds. */
export const SHARE_TARGETS_PAGE_MAX = 50;

/**
 * A sharing picker's query: `?search=<text>` (two characters or more find
 * anyone), `offset` into the answer and `limit` of the page (default 20).
 */
export const shareTargetsQuerySchema = z.strictObject({
  search: z.string().max(100).superRefine(textOf('line')),
  offset: z.number().int().min(0).max(1000).default(0),
  limit: z.number().int().min(1).max(SHARE_TARGETS_PAGE_MAX).default(20),
});
export type ShareTargetsQuery = z.input<typeof shareTargetsQuerySchema>;

/** Someone the actor may give access to: the same `kind` and `id` a grant or a category member names. */
export interface ShareTarget {
  kind: PrincipalKind;
  id: string;
  name: string;
  /** The person's email, to tell two people of one name apart (roles and clients: null). */
  detail: string | null;
}

/** A page of a picker's answer, by name; `more` when later pages hold more. */
export interface ShareTargetPage {
  items: ShareTarget[];
  more: boolean;
}

/**
 * Who a sharing picker offers, found by part of a name (or email) in the
 * host's directory: only people the actor may give access to, as
 * `checkGrantees` and the category rules would accept them, and only
 * `{ kind, id, name, detail }` of each. Disabled admins are never offered.
 *
 * For an entry (the share dialog), to whoever may change its grants: staff
 * find admin roles, enabled admins (the directory's `findAdmins`, at most
 * FIND_CLIENTS_MAX per text: the user types more), the entry's client and
 * its contacts; a client finds its own contacts besides the account holder.
 * For a category: addon managers find roles, admins and clients
 * (`findClients`); a client account its own contacts.
 */
export class ShareTargetFinder {
  /** `host`: the directory as pickers ask it (boundedHost), so a host failing or hanging answers 503. */
  constructor(private readonly ctx: VaultContext, private readonly entries: EntryService, private readonly host: HostDirectory) {}

  async forEntry(actor: Actor, entryId: string, query: unknown): Promise<ShareTargetPage> {
    const { search, offset, limit } = validate(shareTargetsQuerySchema, query);
    // Refused unless the actor may change the entry's grants.
    await this.entries.grants(actor, entryId);
    const entry = await this.entries.get(actor, entryId);
    return this.ctx.guard(async () => {
      const text = clientSearch(search, FIND_CLIENTS_MAX);
      if (!text) return { items: [], more: false };
      const clientId = entry.clientId;
      if (actor.kind === 'client') {
        if (clientId !== actor.clientId) return { items: [], more: false };
        return page(await this.contactsOf(clientId, text.lower, false), offset, limit);
      }
      const [staff, client, contacts] = await Promise.all([
        this.staff(text.text, text.lower),
        clientId ? this.host.clients([clientId]) : Promise.resolve(new Map()),
        clientId ? this.contactsOf(clientId, text.lower, true) : Promise.resolve([]),
      ]);
      const theClient = clientId ? client.get(clientId) : undefined;
      const clients: ShareTarget[] = theClient && contains(text.lower, theClient.name, theClient.email)
        ? [{ kind: 'client', id: theClient.id, name: theClient.name, detail: null }] : [];
      return page([...staff, ...clients, ...contacts], offset, limit);
    });
  }

  async forCategory(actor: Actor, query: unknown): Promise<ShareTargetPage> {
    const { search, offset, limit } = validate(shareTargetsQuerySchema, query);
    return this.ctx.guard(async () => {
      const { facts, settings } = await this.ctx.decisionInputs(actor);
      const text = clientSearch(search, FIND_CLIENTS_MAX);
      if (facts.kind === 'client' && facts.active && facts.contactId === null) {
        return text ? page(await this.contactsOf(facts.clientId, text.lower, false), offset, limit) : { items: [], more: false };
      }
      if (facts.kind !== 'admin' || !canDo(facts, 'manageAdminCategories', settings)) throw new ForbiddenError('find category members');
      if (!text) return { items: [], more: false };
      const [staff, clients] = await Promise.all([this.staff(text.text, text.lower), this.host.findClients(text.text, FIND_CLIENTS_MAX)]);
      return page([...staff, ...clients.map((c): ShareTarget => ({ kind: 'client', id: c.id, name: c.name, detail: null }))], offset, limit);
    });
  }

  /** Roles by name, and enabled admins by name or email. */
  private async staff(text: string, lower: string): Promise<ShareTarget[]> {
    const [roles, admins] = await Promise.all([this.host.adminRoles(), this.host.findAdmins(text, FIND_CLIENTS_MAX)]);
    return [
      ...roles.filter((r) => contains(lower, r.name)).map((r): ShareTarget => ({ kind: 'admin_role', id: r.id, name: r.name, detail: null })),
      ...admins.filter((a) => !a.disabled).map((a): ShareTarget => ({ kind: 'admin', id: a.id, name: a.name, detail: a.email || null })),
    ];
  }

  /** The client's contacts by name or email; the account holder only to staff (to a client it is the account itself). */
  private async contactsOf(clientId: string, lower: string, withMain: boolean): Promise<ShareTarget[]> {
    const contacts = await this.host.contactsOfClients([clientId]);
    return contacts
      .filter((c) => c.clientId === clientId && (withMain || !c.isMain) && contains(lower, c.name, c.email))
      .map((c) => ({ kind: 'contact', id: c.id, name: c.name, detail: c.email || null }));
  }
}

function contains(lower: string, ...texts: string[]): boolean {
  return texts.some((t) => t.toLowerCase().includes(lower));
}

/** The page asked of everyone found, by name then id. */
function page(found: ShareTarget[], offset: number, limit: number): ShareTargetPage {
  const sorted = [...found].sort((a, b) => compareClients(a, b) || a.kind.localeCompare(b.kind));
  return { items: sorted.slice(offset, offset + limit), more: sorted.length > offset + limit };
}
