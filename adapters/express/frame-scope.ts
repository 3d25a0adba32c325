import { z } from 'zod';
import {
  ForbiddenError, NotFoundError, type Actor, type HookContext, type HookPlace, type Latchkey,
} from '../../core/index.ts';
import type { EmbedGrant } from './embed-token.ts';

/**
 * The place and context a frame session was opened for, as its embed token
 * named them. The ticket's client is looked up once, when the session starts,
 * so the session stays with the client the ticket was about then.
 */
export type FrameScope =
  | { place: 'adminPages' }
  | { place: 'clientArea' }
  | { place: 'clientSummary'; clientId: string | null }
  | { place: 'ticketSidebar'; ticketId: string | null; clientId: string | null };

const hostId = z.string().min(1).max(64);
const scopeClaim = z.discriminatedUnion('place', [
  z.strictObject({ place: z.literal('adminPages') }),
  z.strictObject({ place: z.literal('clientArea') }),
  z.strictObject({ place: z.literal('clientSummary'), clientId: hostId.nullable() }),
  z.strictObject({ place: z.literal('ticketSidebar'), ticketId: hostId.nullable(), clientId: hostId.nullable() }),
]);

/** The scope as a frame session stores it; anything else (an older cookie, a forged shape) is no scope. */
export function parseFrameScope(claim: unknown): FrameScope | null {
  const parsed = scopeClaim.safeParse(claim);
  return parsed.success ? parsed.data : null;
}

export async function scopeOfGrant(lk: Latchkey, grant: EmbedGrant): Promise<FrameScope> {
  switch (grant.place) {
    case 'adminPages': return { place: 'adminPages' };
    case 'clientArea': return { place: 'clientArea' };
    case 'clientSummary': return { place: 'clientSummary', clientId: grant.clientId ?? null };
    case 'ticketSidebar': {
      const ticket = grant.ticketId ? (await lk.host.tickets([grant.ticketId])).get(grant.ticketId) : undefined;
      return { place: 'ticketSidebar', ticketId: grant.ticketId ?? null, clientId: ticket?.clientId ?? null };
    }
  }
}

/**
 * How far one request's session reaches. A frame session opened for a client
 * summary or a ticket sidebar is confined to that client (and that ticket):
 * it lists, reveals, creates and edits only that client's entries, shares only
 * with that client and its contacts, and opens neither the addon's pages nor
 * another client's panel. Entries outside are not found (404), as entries the
 * actor may not see; creating or sharing outside is forbidden (403). The addon
 * pages' session keeps the addon scope, a client's client-area session its own
 * area, and a host's own session (in-process) reaches what the actor may.
 */
export class Reach {
  /** An in-process host's session: its pages decide what they show; the API follows the actor's rights. */
  static readonly whole = new Reach(null, undefined);

  private constructor(
    private readonly scope: FrameScope | null,
    /** The one client the session is confined to; null: confined to nothing; undefined: not confined. */
    private readonly client: string | null | undefined,
  ) {}

  static of(scope: FrameScope, actor: Actor): Reach {
    switch (scope.place) {
      case 'adminPages': return new Reach(scope, undefined);
      // A client's own area; an admin has none, so such a session reaches nothing.
      case 'clientArea': return new Reach(scope, actor.kind === 'client' ? undefined : null);
      case 'clientSummary':
      case 'ticketSidebar': return new Reach(scope, scope.clientId);
    }
  }

  /** Whether the frame page of `place` for `context` is the one this session was opened for. */
  mayOpen(place: HookPlace, context: HookContext): boolean {
    const scope = this.scope;
    if (!scope) return true;
    if (scope.place !== place) return false;
    if (scope.place === 'clientSummary') return scope.clientId !== null && context.clientId === scope.clientId;
    if (scope.place === 'ticketSidebar') return scope.ticketId !== null && context.ticketId === scope.ticketId;
    return true;
  }

  /** The addon's own business (settings, audit, categories, client search, addon sections) stays on the addon pages. */
  requireUnconfined(action: string): void {
    if (this.client !== undefined) throw new ForbiddenError(action);
  }

  /** A list query kept to the session's client. */
  listQuery(query: Record<string, unknown>): Record<string, unknown> {
    if (this.client === undefined) return query;
    if (this.client === null || (query.clientId !== undefined && query.clientId !== this.client)) throw new NotFoundError('client');
    return { ...query, clientId: this.client };
  }

  requireClient(clientId: string): void {
    if (this.client !== undefined && clientId !== this.client) throw new NotFoundError('client');
  }

  /** The entry (or service credential), if the actor may see it and it belongs to the session's client. */
  async requireEntry(lk: Latchkey, actor: Actor, id: string): Promise<void> {
    if (this.client === undefined) return;
    const entry = await lk.entries.get(actor, id);
    if (this.client === null || entry.clientId !== this.client) throw new NotFoundError('entry');
  }

  /** A new entry is filed under the session's client (and, if linked to a ticket, its ticket). */
  async requireNewEntry(lk: Latchkey, body: unknown): Promise<void> {
    // Not an object: the entry service refuses it as bad input (400), naming the field.
    if (this.client === undefined || !isRecord(body)) return;
    const input = body;
    if (this.client === null || input.clientId !== this.client) throw new ForbiddenError('create entries for another client here');
    this.requireTicket(input);
    await this.requireGrants(lk, input.grants);
  }

  /** An edit keeps the entry in the session's ticket, if it links one. */
  requireEdit(body: unknown): void {
    if (this.client !== undefined) this.requireTicket(asRecord(body));
  }

  /** Shares go to admins, roles, the session's client and its contacts only. */
  async requireGrants(lk: Latchkey, grants: unknown): Promise<void> {
    if (this.client === undefined || !Array.isArray(grants)) return;
    const principals = grants.map(asRecord);
    const contactIds = principals.filter((g) => g.kind === 'contact' && typeof g.id === 'string').map((g) => g.id as string);
    const contacts = contactIds.length > 0 ? await lk.host.contacts(contactIds) : new Map();
    const outside = principals.some((g) => (g.kind === 'client' && g.id !== this.client)
      || (g.kind === 'contact' && contacts.get(g.id as string)?.clientId !== this.client));
    if (outside) throw new ForbiddenError('share with another client here');
  }

  private requireTicket(input: Record<string, unknown>): void {
    const scope = this.scope;
    if (scope?.place !== 'ticketSidebar' || input.ticketId === undefined || input.ticketId === null) return;
    if (input.ticketId !== scope.ticketId) throw new ForbiddenError('link entries to another ticket here');
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}
