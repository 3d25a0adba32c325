/** Where a request came from; recorded in the audit trail when the edge knows it. */
export interface RequestOrigin {
  ip?: string;
  userAgent?: string;
  /** The API token the request came with: every event it causes names it. */
  via?: ApiTokenUse;
  /** The panel the request came from, as its session allows: every event it causes says where. */
  place?: PanelPlace;
}

/** Which of the host's places a panel is in, and for a ticket sidebar which ticket. */
export interface PanelPlace {
  name: 'clientSummary' | 'ticketSidebar' | 'clientArea' | 'adminPages';
  ticketId?: string;
}

/** Which API token acted, as the audit trail names it (never the token itself). */
export interface ApiTokenUse {
  tokenId: string;
  tokenName: string;
}

/** A member of the host's staff, known to Latchkey by the host's admin id. */
export interface AdminActor {
  kind: 'admin';
  adminId: string;
  origin?: RequestOrigin;
}

/**
 * A client in the host's client area. Without `contactId` (or with the main
 * contact's id) the actor is the client account itself; any other contact
 * sees only what is granted to that contact.
 */
export interface ClientActor {
  kind: 'client';
  clientId: string;
  contactId?: string;
  origin?: RequestOrigin;
}

/** Latchkey itself: cron jobs and the command line. Never reveals a secret. */
export interface SystemActor {
  kind: 'system';
  origin?: RequestOrigin;
}

export type Actor = AdminActor | ClientActor | SystemActor;

export type PrincipalKind = 'admin' | 'admin_role' | 'client' | 'contact';

/** Someone an entry can be granted to, or a category can hold as a member. */
export interface Principal {
  kind: PrincipalKind;
  id: string;
}

export function describeActor(actor: Actor): { kind: Actor['kind']; id: string | null } {
  switch (actor.kind) {
    case 'admin': return { kind: 'admin', id: actor.adminId };
    case 'client': return { kind: 'client', id: actor.contactId ? `${actor.clientId}/${actor.contactId}` : actor.clientId };
    case 'system': return { kind: 'system', id: null };
  }
}
