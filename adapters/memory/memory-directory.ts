import {
  clientSearch, compareClients,
  type HostAdmin, type HostClient, type HostContact, type HostDevice, type HostDirectory, type HostProduct, type HostService,
  type HostTicket, type Named,
} from '../../core/index.ts';

/** Everything an in-memory host knows; tests and examples fill it and may change it at any time. */
export interface MemoryHostData {
  admins: HostAdmin[];
  adminRoles: Named[];
  clients: HostClient[];
  clientGroups: Named[];
  contacts: HostContact[];
  products: HostProduct[];
  productGroups: Named[];
  services: HostService[];
  tickets: HostTicket[];
  devices: HostDevice[];
}

export function emptyHostData(): MemoryHostData {
  return {
    admins: [], adminRoles: [], clients: [], clientGroups: [], contacts: [], products: [], productGroups: [],
    services: [], tickets: [], devices: [],
  };
}

/**
 * A HostDirectory over plain arrays: for tests, examples, and hosts that keep
 * their directory in memory. Reads the arrays on every call, so changes show
 * at once.
 */
export class MemoryDirectory implements HostDirectory {
  readonly data: MemoryHostData;

  constructor(data: Partial<MemoryHostData> = {}) {
    this.data = { ...emptyHostData(), ...data };
  }

  async admins(ids: readonly string[]) { return byId(this.data.admins, ids); }
  async clients(ids: readonly string[]) { return byId(this.data.clients, ids); }
  async findClients(text: string, limit: number) {
    const search = clientSearch(text, limit);
    if (!search) return [];
    return this.data.clients
      .filter((c) => c.name.toLowerCase().includes(search.lower) || c.email.toLowerCase().includes(search.lower))
      .sort(compareClients)
      .slice(0, search.limit);
  }
  async findAdmins(text: string, limit: number) {
    const search = clientSearch(text, limit);
    if (!search) return [];
    return this.data.admins
      .filter((a) => a.name.toLowerCase().includes(search.lower) || a.email.toLowerCase().includes(search.lower))
      .sort(compareClients)
      .slice(0, search.limit);
  }
  async contacts(ids: readonly string[]) { return byId(this.data.contacts, ids); }
  async findContacts(text: string, limit: number) {
    const search = clientSearch(text, limit);
    if (!search) return [];
    return this.data.contacts
      .filter((c) => c.name.toLowerCase().includes(search.lower) || c.email.toLowerCase().includes(search.lower))
      .sort(compareClients)
      .slice(0, search.limit);
  }
  async contactsOfClients(clientIds: readonly string[]) { return this.data.contacts.filter((c) => clientIds.includes(c.clientId)); }
  async products(ids: readonly string[]) { return byId(this.data.products, ids); }
  async services(ids: readonly string[]) { return byId(this.data.services, ids); }
  async servicesOfClients(clientIds: readonly string[]) { return this.data.services.filter((s) => clientIds.includes(s.clientId)); }
  async tickets(ids: readonly string[]) { return byId(this.data.tickets, ids); }
  async devices(ids: readonly string[]) { return byId(this.data.devices, ids); }
  async devicesOfClients(clientIds: readonly string[]) { return this.data.devices.filter((d) => clientIds.includes(d.clientId)); }
  async allAdmins() { return [...this.data.admins]; }
  async allProducts() { return [...this.data.products]; }
  async adminRoles() { return [...this.data.adminRoles]; }
  async clientGroups() { return [...this.data.clientGroups]; }
  async productGroups() { return [...this.data.productGroups]; }
}

function byId<T extends { id: string }>(items: readonly T[], ids: readonly string[]): Map<string, T> {
  const wanted = new Set(ids);
  return new Map(items.filter((item) => wanted.has(item.id)).map((item) => [item.id, item]));
}
