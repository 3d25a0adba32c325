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
  const problems: Issue[] = [];
  const belongs = async (
    field: keyof LinkInput,
    lookup: (ids: string[]) => Promise<Map<string, { clientId: string }>>,
  ) => {
    const id = links[field];
    if (id == null) return;
    const found = (await lookup([id])).get(id);
    if (!found) problems.push(issue(field, 'notInHost'));
    else if (found.clientId !== clientId) problems.push(issue(field, 'otherClient'));
  };
  if (links.clientId != null && !(await host.clients([links.clientId])).has(links.clientId)) {
    problems.push(issue('clientId', 'notInHost'));
  }
  await belongs('serviceId', (ids) => host.services(ids));
  await belongs('contactId', (ids) => host.contacts(ids));
  await belongs('deviceId', (ids) => host.devices(ids));
  await belongs('ticketId', (ids) => host.tickets(ids));
  if (problems.length > 0) throw new ValidationError(problems);
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

