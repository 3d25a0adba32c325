import { z } from 'zod';
import {
  ForbiddenError, issue, NotFoundError, ValidationError, type Actor, type EntryView, type HookContext, type HookPlace, type Latchkey,
} from '../../core/index.ts';
import type { EmbedGrant } from './embed-token.ts';

/**
 * The place and context an embed token opened, as it named them. The ticket's
 * client is looked up once, when the token is exchanged, so the session stays
 * with the client the ticket was about then.
 */
export type FrameScope =
  | { place: 'adminPages' }
  | { place: 'clientArea' }
  | { place: 'clientSummary'; clientId: string | null }
  | { place: 'ticketSidebar'; ticketId: string | null; clientId: string | null }
  | { place: 'contactPanel'; contactId: string | null; clientId: string | null }
  | { place: 'devicePanel'; deviceId: string | null; clientId: string | null };

const hostId = z.string().min(1).max(64);
export const frameScopeSchema = z.discriminatedUnion('place', [
  z.strictObject({ place: z.literal('adminPages') }),
  z.strictObject({ place: z.literal('clientArea') }),
  z.strictObject({ place: z.literal('clientSummary'), clientId: hostId.nullable() }),
  z.strictObject({ place: z.literal('ticketSidebar'), ticketId: hostId.nullable(), clientId: hostId.nullable() }),
  z.strictObject({ place: z.literal('contactPanel'), contactId: hostId.nullable(), clientId: hostId.nullable() }),
  z.strictObject({ place: z.literal('devicePanel'), deviceId: hostId.nullable(), clientId: hostId.nullable() }),
]);

export async function scopeOfGrant(lk: Latchkey, grant: EmbedGrant): Promise<FrameScope> {
  switch (grant.place) {
    case 'adminPages': return { place: 'adminPages' };
    case 'clientArea': return { place: 'clientArea' };
    case 'clientSummary': return { place: 'clientSummary', clientId: grant.clientId ?? null };
    case 'ticketSidebar': {
      const ticket = grant.ticketId ? (await lk.host.tickets([grant.ticketId])).get(grant.ticketId) : undefined;
      return { place: 'ticketSidebar', ticketId: grant.ticketId ?? null, clientId: ticket?.clientId ?? null };
    }
    case 'contactPanel': {
      const contact = grant.contactId ? (await lk.host.contacts([grant.contactId])).get(grant.contactId) : undefined;
      return { place: 'contactPanel', contactId: grant.contactId ?? null, clientId: contact?.clientId ?? null };
    }
    case 'devicePanel': {
      const device = grant.deviceId ? (await lk.host.devices([grant.deviceId])).get(grant.deviceId) : undefined;
      return { place: 'devicePanel', deviceId: grant.deviceId ?? null, clientId: device?.clientId ?? null };
    }
  }
}

/**
 * How far one request's session reaches. A frame session reaches only the
 * places and contexts its tokens opened: a client summary or ticket sidebar
 * that client (and that ticket), so it lists, reveals, creates and edits only
 * that client's entries, shares only with that client and its contacts, and
 * opens neither the addon's pages nor another client's panel. Entries outside
 * are not found (404), as entries the actor may not see; creating or sharing
 * outside, and the addon's own calls, are forbidden (403). The addon pages'
 * token keeps the addon scope, a client's client-area token its own area, and
 * a host's own session (in-process) reaches what the actor may.
 */
export class Reach {
  /** An in-process host's session: its pages decide what they show; the API follows the actor's rights. */
  static readonly whole = new Reach(null, true);

  readonly #clients = new Set<string>();
  /** Clients whose summary is open: an entry of theirs may link any of their tickets. */
  readonly #summaries = new Set<string>();
  readonly #tickets = new Set<string>();

  private constructor(private readonly scopes: readonly FrameScope[] | null, private readonly unconfined: boolean) {
    for (const scope of scopes ?? []) {
      if (scope.place === 'clientSummary' && scope.clientId) {
        this.#clients.add(scope.clientId);
        this.#summaries.add(scope.clientId);
      }
      if (scope.place === 'ticketSidebar' && scope.clientId && scope.ticketId) {
        this.#clients.add(scope.clientId);
        this.#tickets.add(scope.ticketId);
      }
      // A contact's or device's page reaches its client as the host said when the token was exchanged, and links no ticket.
      if ((scope.place === 'contactPanel' || scope.place === 'devicePanel') && scope.clientId) this.#clients.add(scope.clientId);
    }
  }

  static of(scopes: readonly FrameScope[], actor: Actor): Reach {
    // An admin has no client area, so an admin's client-area token adds nothing.
    const unconfined = scopes.some((s) => s.place === 'adminPages' || (s.place === 'clientArea' && actor.kind === 'client'));
    return new Reach(scopes, unconfined);
  }

  /** Whether the frame page of `place` for `context` is one this session's tokens opened. */
  mayOpen(place: HookPlace, context: HookContext): boolean {
    if (!this.scopes) return true;
    return this.scopes.some((scope) => {
      if (scope.place !== place) return false;
      if (scope.place === 'clientSummary') return scope.clientId !== null && context.clientId === scope.clientId;
      if (scope.place === 'ticketSidebar') return scope.ticketId !== null && context.ticketId === scope.ticketId;
      if (scope.place === 'contactPanel') return scope.contactId !== null && context.contactId === scope.contactId;
      if (scope.place === 'devicePanel') return scope.deviceId !== null && context.deviceId === scope.deviceId;
      return true;
    });
  }

  /** The addon's own business (settings, audit, categories, client search, addon sections) stays on the addon pages. */
  requireUnconfined(action: string): void {
    if (!this.unconfined) throw new ForbiddenError(action);
  }

  /** A list query kept to the session's client; with several open, the query names one. */
  listQuery(query: Record<string, unknown>): Record<string, unknown> {
    if (this.unconfined) return query;
    if (query.clientId !== undefined) {
      if (typeof query.clientId === 'string' && this.#clients.has(query.clientId)) return query;
      throw new NotFoundError('client');
    }
    if (this.#clients.size === 0) throw new NotFoundError('client');
    if (this.#clients.size > 1) throw new ValidationError([issue('clientId', 'required')]);
    return { ...query, clientId: [...this.#clients][0] };
  }

  requireClient(clientId: string): void {
    if (!this.unconfined && !this.#clients.has(clientId)) throw new NotFoundError('client');
  }

  /**
   * The entry (or service credential), when the actor may see it and it
   * belongs to one of the session's clients; null when the session is not
   * confined (nothing is loaded then).
   */
  async requireEntry(lk: Latchkey, actor: Actor, id: string): Promise<EntryView | null> {
    if (this.unconfined) return null;
    const entry = await lk.entries.get(actor, id);
    if (entry.clientId === null || !this.#clients.has(entry.clientId)) throw new NotFoundError('entry');
    return entry;
  }

  /** A new entry is filed under one of the session's clients, links none but its tickets, and is shared within it. */
  async requireNewEntry(lk: Latchkey, body: unknown): Promise<void> {
    // Not an object: the entry service refuses it as bad input (400), naming the field.
    if (this.unconfined || !isRecord(body)) return;
    const clientId = typeof body.clientId === 'string' && this.#clients.has(body.clientId) ? body.clientId : null;
    if (!clientId) throw new ForbiddenError('create entries for another client here');
    this.#requireTicket(body, clientId);
    await this.requireGrants(lk, body.grants, clientId);
  }

  /** An edit of `entry` (from `requireEntry`) links none but the session's tickets. */
  requireEdit(body: unknown, entry: EntryView | null): void {
    if (!this.unconfined && entry?.clientId && isRecord(body)) this.#requireTicket(body, entry.clientId);
  }

  /** Shares of an entry of `clientId` go to admins, roles, that client and its contacts only. */
  async requireGrants(lk: Latchkey, grants: unknown, clientId: string | null | undefined): Promise<void> {
    if (this.unconfined || !Array.isArray(grants)) return;
    const principals = grants.filter(isRecord);
    const contactIds = principals.filter((g) => g.kind === 'contact' && typeof g.id === 'string').map((g) => g.id as string);
    const contacts = contactIds.length > 0 ? await lk.host.contacts(contactIds) : new Map();
    const outside = principals.some((g) => (g.kind === 'client' && g.id !== clientId)
      || (g.kind === 'contact' && contacts.get(g.id as string)?.clientId !== clientId));
    if (outside) throw new ForbiddenError('share with another client here');
  }

  #requireTicket(input: Record<string, unknown>, clientId: string): void {
    const ticketId = input.ticketId;
    if (ticketId === undefined || ticketId === null || this.#summaries.has(clientId)) return;
    if (typeof ticketId !== 'string' || !this.#tickets.has(ticketId)) throw new ForbiddenError('link entries to another ticket here');
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
