import type { Actor } from '../domain/actor.ts';
import type { HostDirectory } from '../ports/host-directory.ts';
import type { ActorFacts } from './facts.ts';

/**
 * Looks the actor up in the host on every call, so that a disabled admin, a
 * changed role or a removed contact counts from the very next request.
 * Unknown actors come back inactive: they see nothing and may do nothing.
 */
export async function resolveActor(actor: Actor, host: HostDirectory): Promise<ActorFacts> {
  switch (actor.kind) {
    case 'system':
      return { kind: 'system' };
    case 'admin': {
      const admin = (await host.admins([actor.adminId])).get(actor.adminId);
      return {
        kind: 'admin',
        adminId: actor.adminId,
        roleId: admin?.roleId ?? null,
        active: admin !== undefined && !admin.disabled,
        addonManager: admin?.addonManager ?? false,
      };
    }
    case 'client': {
      const [clients, contacts] = await Promise.all([
        host.clients([actor.clientId]),
        host.contactsOfClients([actor.clientId]),
      ]);
      const client = clients.get(actor.clientId);
      const contact = actor.contactId === undefined ? undefined : contacts.find((c) => c.id === actor.contactId);
      const contactKnown = actor.contactId === undefined || contact !== undefined;
      return {
        kind: 'client',
        clientId: actor.clientId,
        groupId: client?.groupId ?? null,
        contactId: contact && !contact.isMain ? contact.id : null,
        contactIds: contacts.map((c) => c.id),
        // A closed account keeps its data but loses access, as in the host's own client area.
        active: client !== undefined && client.status.toLowerCase() !== 'closed' && contactKnown,
      };
    }
  }
}
