import type { Knex } from 'knex';
import {
  clientSearch, compareClients, toServiceStatus,
  type HostAdmin, type HostClient, type HostContact, type HostDevice, type HostDirectory, type HostProduct, type HostService,
  type HostTicket, type Named,
} from '../../core/index.ts';
import {
  bool, T, type AdminRoleRow, type AdminRow, type ClientRow, type ContactRow, type DeviceRow, type ProductRow, type ServiceRow,
  type TicketRow,
} from './schema.ts';
import type { ServicePasswords } from './secrets.ts';

/** Ids per query: well under the bound-variable limits of SQLite and MySQL. */
const CHUNK = 500;

type AdminJoinRow = Pick<AdminRow, 'id' | 'name' | 'email' | 'role_id' | 'language' | 'disabled'> & { addon_access: AdminRoleRow['addon_access'] };

/**
 * Latchkey's view of the demo host: every look-up is one query over the ids it
 * is given (`whereIn`, split only past 500 ids), never one query per id. The
 * host's ids are integers; Latchkey sees them as strings, and ids that are not
 * integers simply match nothing.
 */
export class DemoDirectory implements HostDirectory {
  constructor(private readonly knex: Knex, private readonly passwords: ServicePasswords) {}

  async admins(ids: readonly string[]): Promise<Map<string, HostAdmin>> {
    const rows = await this.#byIds<AdminJoinRow>(ids, 'a.id', () => this.#adminQuery());
    return mapById(rows.map(toAdmin));
  }

  async clients(ids: readonly string[]): Promise<Map<string, HostClient>> {
    const rows = await this.#byIds<ClientRow>(ids, 'id', () => this.knex(T.clients).select('*'));
    return mapById(rows.map(toClient));
  }

  /** One query: `company` or `email` contains the text (LIKE, its `%` and `_` escaped), the first `limit` by company. */
  async findClients(text: string, limit: number): Promise<HostClient[]> {
    const search = clientSearch(text, limit);
    if (!search) return [];
    const pattern = `%${escapeLike(search.lower)}%`;
    const rows = await this.knex(T.clients).select('*')
      .where((q) => q.whereRaw("lower(company) like ? escape '!'", [pattern]).orWhereRaw("lower(email) like ? escape '!'", [pattern]))
      .orderBy([{ column: 'company' }, { column: 'id' }])
      .limit(search.limit) as ClientRow[];
    return rows.map(toClient).sort(compareClients);
  }

  /** One query: the admin's name or email contains the text (LIKE, escaped as in findClients), the first `limit` by name. */
  async findAdmins(text: string, limit: number): Promise<HostAdmin[]> {
    const search = clientSearch(text, limit);
    if (!search) return [];
    const pattern = `%${escapeLike(search.lower)}%`;
    const rows = await this.#adminQuery()
      .where((q) => q.whereRaw("lower(a.name) like ? escape '!'", [pattern]).orWhereRaw("lower(a.email) like ? escape '!'", [pattern]))
      .orderBy([{ column: 'a.name' }, { column: 'a.id' }])
      .limit(search.limit) as AdminJoinRow[];
    return rows.map(toAdmin).sort(compareClients);
  }

  async contacts(ids: readonly string[]): Promise<Map<string, HostContact>> {
    const rows = await this.#byIds<ContactRow>(ids, 'id', () => this.knex(T.contacts).select('id', 'client_id', 'name', 'email', 'is_main'));
    return mapById(rows.map(toContact));
  }

  /** One query: the contact's name or email contains the text (LIKE, escaped as in findClients), the first `limit` by name. */
  async findContacts(text: string, limit: number): Promise<HostContact[]> {
    const search = clientSearch(text, limit);
    if (!search) return [];
    const pattern = `%${escapeLike(search.lower)}%`;
    const rows = await this.knex(T.contacts).select('id', 'client_id', 'name', 'email', 'is_main')
      .where((q) => q.whereRaw("lower(name) like ? escape '!'", [pattern]).orWhereRaw("lower(email) like ? escape '!'", [pattern]))
      .orderBy([{ column: 'name' }, { column: 'id' }])
      .limit(search.limit) as ContactRow[];
    return rows.map(toContact).sort(compareClients);
  }

  async contactsOfClients(clientIds: readonly string[]): Promise<HostContact[]> {
    const rows = await this.#byIds<ContactRow>(clientIds, 'client_id', () =>
      this.knex(T.contacts).select('id', 'client_id', 'name', 'email', 'is_main').orderBy([{ column: 'is_main', order: 'desc' }, 'id']));
    return rows.map(toContact);
  }

  async products(ids: readonly string[]): Promise<Map<string, HostProduct>> {
    const rows = await this.#byIds<ProductRow>(ids, 'id', () => this.knex(T.products).select('id', 'name', 'group_id'));
    return mapById(rows.map(toProduct));
  }

  async services(ids: readonly string[]): Promise<Map<string, HostService>> {
    const rows = await this.#byIds<ServiceRow>(ids, 'id', () => this.#serviceQuery());
    return mapById(rows.map((row) => this.#toService(row)));
  }

  async servicesOfClients(clientIds: readonly string[]): Promise<HostService[]> {
    const rows = await this.#byIds<ServiceRow>(clientIds, 'client_id', () => this.#serviceQuery().orderBy('id'));
    return rows.map((row) => this.#toService(row));
  }

  async tickets(ids: readonly string[]): Promise<Map<string, HostTicket>> {
    const rows = await this.#byIds<TicketRow>(ids, 'id', () =>
      this.knex(T.tickets).select('id', 'client_id', 'contact_id', 'service_id', 'subject', 'status'));
    return mapById(rows.map(toTicket));
  }

  async devices(ids: readonly string[]): Promise<Map<string, HostDevice>> {
    const rows = await this.#byIds<DeviceRow>(ids, 'id', () => this.knex(T.devices).select('id', 'client_id', 'name'));
    return mapById(rows.map(toDevice));
  }

  async devicesOfClients(clientIds: readonly string[]): Promise<HostDevice[]> {
    const rows = await this.#byIds<DeviceRow>(clientIds, 'client_id', () => this.knex(T.devices).select('id', 'client_id', 'name').orderBy('id'));
    return rows.map(toDevice);
  }

  async allAdmins(): Promise<HostAdmin[]> {
    return (await this.#adminQuery().orderBy('a.name') as AdminJoinRow[]).map(toAdmin);
  }

  async allProducts(): Promise<HostProduct[]> {
    return (await this.knex(T.products).select('id', 'name', 'group_id').orderBy('name') as ProductRow[]).map(toProduct);
  }

  async adminRoles(): Promise<Named[]> {
    return named(await this.knex(T.adminRoles).select('id', 'name').orderBy('name'));
  }

  async clientGroups(): Promise<Named[]> {
    return named(await this.knex(T.clientGroups).select('id', 'name').orderBy('name'));
  }

  async productGroups(): Promise<Named[]> {
    return named(await this.knex(T.productGroups).select('id', 'name').orderBy('name'));
  }

  #adminQuery(): Knex.QueryBuilder {
    return this.knex(`${T.admins} as a`)
      .join(`${T.adminRoles} as r`, 'r.id', 'a.role_id')
      .select('a.id', 'a.name', 'a.email', 'a.role_id', 'a.language', 'a.disabled', 'r.addon_access');
  }

  #serviceQuery(): Knex.QueryBuilder {
    return this.knex(T.services).select('id', 'client_id', 'product_id', 'label', 'username', 'password_enc', 'login_url', 'status');
  }

  #toService(row: ServiceRow): HostService {
    return {
      id: String(row.id),
      clientId: String(row.client_id),
      productId: String(row.product_id),
      label: row.label,
      username: row.username,
      password: this.passwords.open(row.id, row.password_enc),
      loginUrl: row.login_url,
      status: toServiceStatus(row.status),
    };
  }

  /** One query for the ids (one per 500 past that); no query at all for none. */
  async #byIds<R>(ids: readonly string[], column: string, query: () => Knex.QueryBuilder): Promise<R[]> {
    const numeric = [...new Set(ids.filter((id) => /^[1-9][0-9]{0,9}$/.test(id)).map(Number))];
    const rows: R[] = [];
    for (let i = 0; i < numeric.length; i += CHUNK) {
      rows.push(...(await query().whereIn(column, numeric.slice(i, i + CHUNK)) as R[]));
    }
    return rows;
  }
}

/** LIKE's wildcards (and the escape character itself), escaped with `!`: the text matches literally. */
function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, (c) => `!${c}`);
}

function mapById<V extends { id: string }>(values: V[]): Map<string, V> {
  return new Map(values.map((v) => [v.id, v]));
}

function named(rows: Array<{ id: number; name: string }>): Named[] {
  return rows.map((r) => ({ id: String(r.id), name: r.name }));
}

function toAdmin(row: AdminJoinRow): HostAdmin {
  return {
    id: String(row.id),
    name: row.name,
    email: row.email,
    roleId: String(row.role_id),
    language: row.language,
    disabled: bool(row.disabled),
    addonManager: bool(row.addon_access),
  };
}

function toClient(row: ClientRow): HostClient {
  return {
    id: String(row.id),
    name: row.company,
    email: row.email,
    groupId: row.group_id === null ? null : String(row.group_id),
    language: row.language,
    status: row.status,
  };
}

function toContact(row: Pick<ContactRow, 'id' | 'client_id' | 'name' | 'email' | 'is_main'>): HostContact {
  return { id: String(row.id), clientId: String(row.client_id), name: row.name, email: row.email, isMain: bool(row.is_main) };
}

function toProduct(row: Pick<ProductRow, 'id' | 'name' | 'group_id'>): HostProduct {
  return { id: String(row.id), name: row.name, groupId: row.group_id === null ? null : String(row.group_id) };
}

function toTicket(row: Pick<TicketRow, 'id' | 'client_id' | 'contact_id' | 'service_id' | 'subject' | 'status'>): HostTicket {
  return {
    id: String(row.id),
    clientId: String(row.client_id),
    contactId: row.contact_id === null ? null : String(row.contact_id),
    serviceId: row.service_id === null ? null : String(row.service_id),
    subject: row.subject,
    status: row.status,
  };
}

function toDevice(row: Pick<DeviceRow, 'id' | 'client_id' | 'name'>): HostDevice {
  return { id: String(row.id), clientId: String(row.client_id), name: row.name };
}
