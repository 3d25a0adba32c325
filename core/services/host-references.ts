import type { Grant } from '../domain/entry.ts';
import { ValidationError } from '../errors.ts';
import { issue, type Issue } from '../validation/rules.ts';
import type { HostDirectory } from '../ports/host-directory.ts';
import type { ActorFacts } from '../policy/facts.ts';
import type { VaultContext } from './context.ts';

interface LinkInput {
  clientId?: string | null;
  serviceId?: string | null;
  contactId?: string | null;
  deviceId?: string | null;
  ticketId?: string | null;
}

/**
 * An entry may only point at host records of its own client: a service, contact,
 * device or ticket of another client is refused, naming the field.
 */
export async function checkLinks(host: HostDirectory, clientId: string | null, links: LinkInput): Promise<void> {
  // Each link is its own look-up: all at once, and the problems in the fields' order.
  const belongs = async (
    field: keyof LinkInput,
    lookup: (ids: string[]) => Promise<Map<string, { clientId: string }>>,
  ): Promise<Issue | null> => {
    const id = links[field];
    if (id == null) return null;
    const found = (await lookup([id])).get(id);
    if (!found) return issue(field, 'notInHost');
    return found.clientId !== clientId ? issue(field, 'otherClient') : null;
  };
  const clientKnown = async (): Promise<Issue | null> => (
    links.clientId != null && !(await host.clients([links.clientId])).has(links.clientId) ? issue('clientId', 'notInHost') : null);
  const problems = (await Promise.all([
    clientKnown(),
    belongs('serviceId', (ids) => host.services(ids)),
    belongs('contactId', (ids) => host.contacts(ids)),
    belongs('deviceId', (ids) => host.devices(ids)),
    belongs('ticketId', (ids) => host.tickets(ids)),
  ])).filter((p): p is Issue => p !== null);
  if (problems.length > 0) throw new ValidationError(problems);
}

/**
 * `checkLinks` for many entries at once (an import's batch): one look-up per
 * kind of host record for all of them, and each entry's problems, in order.
 */
export async function linkProblemsOf(host: HostDirectory, items: ReadonlyArray<{ clientId: string | null; links: LinkInput }>): Promise<Issue[][]> {
  const ids = (field: keyof LinkInput) => [...new Set(items.map((i) => i.links[field]).filter((id): id is string => id != null))];
  const [clients, services, contacts, devices, tickets] = await Promise.all([
    host.clients(ids('clientId')), host.services(ids('serviceId')), host.contacts(ids('contactId')),
    host.devices(ids('deviceId')), host.tickets(ids('ticketId')),
  ]);
  const found = { serviceId: services, contactId: contacts, deviceId: devices, ticketId: tickets };
  return items.map(({ clientId, links }) => {
    const problems: Issue[] = [];
    if (links.clientId != null && !clients.has(links.clientId)) problems.push(issue('clientId', 'notInHost'));
    for (const field of ['serviceId', 'contactId', 'deviceId', 'ticketId'] as const) {
      const id = links[field];
      if (id == null) continue;
      const record = found[field].get(id);
      if (!record) problems.push(issue(field, 'notInHost'));
      else if (record.clientId !== clientId) problems.push(issue(field, 'otherClient'));
    }
    return problems;
  });
}

/**
 * Who an entry may be shared with: a client shares only with its own contacts
 * (the administration is reached through the "shared with administration"
 * flag); an admin shares with admins and roles that exist, and with the
 * entry's own client and that client's contacts.
 */
export async function checkGrantees(host: HostDirectory, actor: ActorFacts, clientId: string | null, grants: Grant[]): Promise<void> {
  const problems: Issue[] = [];
  const ids = (kind: Grant['kind']) => grants.filter((g) => g.kind === kind).map((g) => g.id);
  const [admins, roles, contacts] = await Promise.all([
    host.admins(ids('admin')),
    ids('admin_role').length > 0 ? host.adminRoles() : Promise.resolve([]),
    host.contacts(ids('contact')),
  ]);
  const roleIds = new Set(roles.map((r) => r.id));
  grants.forEach((grant, index) => {
    const field = `grants.${index}.id`;
    if (actor.kind === 'client' && grant.kind !== 'contact') {
      problems.push(issue(`grants.${index}.kind`, 'clientSharesWithContacts'));
      return;
    }
    switch (grant.kind) {
      case 'admin':
        if (!admins.has(grant.id)) problems.push(issue(field, 'notAnAdmin'));
        break;
      case 'admin_role':
        if (!roleIds.has(grant.id)) problems.push(issue(field, 'notAnAdminRole'));
        break;
      case 'client':
        if (grant.id !== clientId) problems.push(issue(field, 'entryClientOnly'));
        break;
      case 'contact': {
        const contact = contacts.get(grant.id);
        if (!contact || contact.clientId !== clientId) problems.push(issue(field, 'entryClientContactOnly'));
        break;
      }
    }
  });
  if (problems.length > 0) throw new ValidationError(problems);
}

/** Admins file entries into admin categories; a client into its own categories. */
export async function checkCategory(ctx: VaultContext, actor: ActorFacts, categoryId: string): Promise<void> {
  const category = await ctx.knex(ctx.tables.categories).select('owner_kind', 'owner_id').where('id', categoryId).first() as
    { owner_kind: string; owner_id: string } | undefined;
  const fits = category !== undefined && (
    (actor.kind === 'admin' && category.owner_kind === 'admin')
    || (actor.kind === 'client' && category.owner_kind === 'client' && category.owner_id === actor.clientId));
  if (!fits) throw new ValidationError([issue('categoryId', 'notYourCategory')]);
}

