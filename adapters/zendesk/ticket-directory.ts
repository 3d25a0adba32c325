import type { HostDirectory, HostTicket } from '../../core/index.ts';
import type { ZendeskMapping } from './mapping.ts';

/** How a Zendesk ticket is named among the host's tickets: `zendesk:<ticket id>`. */
export const ZENDESK_TICKET_PREFIX = 'zendesk:';

const DECORATED = Symbol.for('latchkey.zendeskTickets');

/**
 * A Zendesk ticket id as Zendesk writes it. Only this spelling names the
 * ticket: `zendesk:4242 ` or `zendesk:04242` are other ids, and unknown (the
 * link store would otherwise trim them into a match).
 */
const ZENDESK_TICKET_ID = /^[1-9][0-9]{0,19}$/;

/** The host id of a Zendesk ticket. */
export function zendeskTicketId(ticketId: string, prefix = ZENDESK_TICKET_PREFIX): string {
  return `${prefix}${ticketId}`;
}

/** Whether this directory answers Zendesk tickets (built by `withZendeskTickets`). */
export function answersZendeskTickets(directory: HostDirectory): boolean {
  return (directory as unknown as Record<symbol, unknown>)[DECORATED] === true;
}

/**
 * The host's directory, plus the Zendesk tickets the sidebar has been opened
 * on: `zendesk:<id>` is a ticket of the client its requester (or organization)
 * is linked to, so Latchkey's ticket sidebar, and entries linked to a Zendesk
 * ticket, work as they do for the host's own tickets. Every other look-up goes
 * to `inner` unchanged.
 *
 * `mapping` may be a function when the mapping needs Latchkey's database,
 * which exists only once `createLatchkey` has been given this directory.
 */
export function withZendeskTickets(
  inner: HostDirectory,
  mapping: ZendeskMapping | (() => ZendeskMapping | undefined),
  prefix = ZENDESK_TICKET_PREFIX,
): HostDirectory {
  const links = () => (typeof mapping === 'function' ? mapping() : mapping);
  const directory: HostDirectory = {
    admins: (ids) => inner.admins(ids),
    clients: (ids) => inner.clients(ids),
    findClients: (text, limit) => inner.findClients(text, limit),
    findAdmins: (text, limit) => inner.findAdmins(text, limit),
    contacts: (ids) => inner.contacts(ids),
    findContacts: (text, limit) => inner.findContacts(text, limit),
    contactsOfClients: (ids) => inner.contactsOfClients(ids),
    products: (ids) => inner.products(ids),
    services: (ids) => inner.services(ids),
    servicesOfClients: (ids) => inner.servicesOfClients(ids),
    devices: (ids) => inner.devices(ids),
    devicesOfClients: (ids) => inner.devicesOfClients(ids),
    allAdmins: () => inner.allAdmins(),
    allProducts: () => inner.allProducts(),
    adminRoles: () => inner.adminRoles(),
    clientGroups: () => inner.clientGroups(),
    productGroups: () => inner.productGroups(),
    async tickets(ids) {
      const own = ids.filter((id) => !id.startsWith(prefix));
      const zendesk = [...new Set(ids.filter((id) => id.startsWith(prefix)).map((id) => id.slice(prefix.length)))]
        .filter((ticketId) => ZENDESK_TICKET_ID.test(ticketId));
      const [found, linked] = await Promise.all([
        own.length > 0 ? inner.tickets(own) : Promise.resolve(new Map<string, HostTicket>()),
        zendesk.length > 0 && links() ? links()!.find('ticket', zendesk) : Promise.resolve(new Map()),
      ]);
      const answer = new Map(found);
      for (const [ticketId, link] of linked) {
        const id = zendeskTicketId(ticketId, prefix);
        answer.set(id, { id, clientId: link.latchkeyId, contactId: null, serviceId: null, subject: link.label ?? `#${ticketId}`, status: '' });
      }
      return answer;
    },
  };
  Object.defineProperty(directory, DECORATED, { value: true });
  return directory;
}
