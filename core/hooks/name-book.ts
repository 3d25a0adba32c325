import type { Grant } from '../domain/entry.ts';
import type { HostDirectory } from '../ports/host-directory.ts';

type Kind = Grant['kind'];

interface Named {
  id: string;
  name: string;
}

/** Ids whose names a page needs; roles come all at once, so only whether any is needed. */
export interface NameRequest {
  admins?: readonly string[];
  clients?: readonly string[];
  contacts?: readonly string[];
  roles?: boolean;
}

/**
 * The display names of the host's people a panel shows (owners, clients,
 * grantees). Names the panel already holds (its share targets) are taught
 * first and cost nothing; the rest come in one round of parallel bulk
 * look-ups per `lookUp`.
 */
export class NameBook {
  readonly #names: Record<Kind, Map<string, string>> = {
    admin: new Map(), admin_role: new Map(), client: new Map(), contact: new Map(),
  };
  #rolesLoaded = false;

  constructor(private readonly host: HostDirectory) {}

  learn(kind: Kind, people: readonly Named[]): this {
    for (const { id, name } of people) this.#names[kind].set(id, name);
    if (kind === 'admin_role' && people.length > 0) this.#rolesLoaded = true;
    return this;
  }

  async lookUp(request: NameRequest): Promise<void> {
    const missing = (kind: Kind, ids: readonly string[] = []) => [...new Set(ids)].filter((id) => !this.#names[kind].has(id));
    const admins = missing('admin', request.admins);
    const clients = missing('client', request.clients);
    const contacts = missing('contact', request.contacts);
    const roles = request.roles === true && !this.#rolesLoaded;
    const [foundAdmins, foundClients, foundContacts, foundRoles] = await Promise.all([
      admins.length > 0 ? this.host.admins(admins) : null,
      clients.length > 0 ? this.host.clients(clients) : null,
      contacts.length > 0 ? this.host.contacts(contacts) : null,
      roles ? this.host.adminRoles() : null,
    ]);
    if (foundAdmins) this.learn('admin', [...foundAdmins.values()]);
    if (foundClients) this.learn('client', [...foundClients.values()]);
    if (foundContacts) this.learn('contact', [...foundContacts.values()]);
    if (foundRoles) this.learn('admin_role', foundRoles);
    if (roles) this.#rolesLoaded = true;
  }

  /** The name, or the id itself when the host does not know it (any more). */
  name(kind: Kind, id: string): string {
    return this.#names[kind].get(id) ?? id;
  }

  has(kind: Kind, id: string): boolean {
    return this.#names[kind].has(id);
  }
}
