import type { Knex } from 'knex';
import {
  asUnavailable, checkDateFormat, clientSearch, compareClients, DatabaseUnavailableError, pickLanguage, Secret, toServiceStatus,
  type DateFormat, type HostAdmin, type HostClient, type HostContact, type HostDevice, type HostDirectory, type HostProduct, type HostService,
  type HostTicket, type Named,
} from '../../core/index.ts';
import { isWhmcsId, listOf, toId, toText, WhmcsUnavailableError, type WhmcsApi } from './whmcs-api.ts';
import type { WhmcsNameSource } from './whmcs-directory.ts';

/**
 * WHMCS's own tables, read through knex with a read-only database user. The
 * names are WHMCS's, without prefix: tbladmins, tbladminroles, tblclients,
 * tblclientgroups, tblcontacts, tblproducts, tblproductgroups, tblhosting,
 * tbltickets, tbladdonmodules, tblconfiguration.
 */
export interface WhmcsDatabaseOptions {
  /** The module's name in tbladdonmodules, for its Access Control (default `latchkey`). */
  addonModule?: string;
  /** Language for clients and admins with none set, when tblconfiguration has no `Language` either. */
  defaultLanguage?: string;
}

/**
 * The names WHMCS's API leaves out, read from its database: admin roles
 * (tbladminroles), product groups (tblproductgroups), and the admin roles
 * allowed to open the Latchkey addon (tbladdonmodules, setting `access`).
 * Plug into WhmcsDirectory as `names`.
 */
export class WhmcsDatabaseNames implements WhmcsNameSource {
  constructor(protected readonly knex: Knex, protected readonly options: WhmcsDatabaseOptions = {}) {}

  async adminRoles(): Promise<Named[]> {
    return fromWhmcsDatabase(async () => {
      const rows = await this.knex('tbladminroles').select('id', 'name').orderBy('id') as Array<{ id: unknown; name: unknown }>;
      return named(rows, (r) => toText(r.name));
    });
  }

  async productGroups(): Promise<Named[]> {
    return fromWhmcsDatabase(async () => {
      const rows = await this.knex('tblproductgroups').select('id', 'name').orderBy('id') as Array<{ id: unknown; name: unknown }>;
      return named(rows, (r) => toText(r.name));
    });
  }

  async clientGroups(): Promise<Named[]> {
    return fromWhmcsDatabase(async () => {
      const rows = await this.knex('tblclientgroups').select('id', 'groupname').orderBy('id') as Array<{ id: unknown; groupname: unknown }>;
      return named(rows, (r) => toText(r.groupname));
    });
  }

  /** Role ids ticked under Addon Modules → Latchkey → Access Control; null when the module is not active. */
  async addonManagerRoleIds(): Promise<string[] | null> {
    return fromWhmcsDatabase(async () => {
      const row = await this.knex('tbladdonmodules').select('value')
        .where({ module: this.options.addonModule ?? 'latchkey', setting: 'access' }).first() as { value: unknown } | undefined;
      if (!row) return null;
      return toText(row.value).split(',').map((id) => toId(id.trim())).filter((id): id is string => id !== null);
    });
  }

  /**
   * WHMCS's date format (General Settings → Localisation → Date Format, such
   * as `DD/MM/YYYY`), for mountLatchkey's `dateFormat`: Latchkey's pages then
   * write dates as WHMCS's own pages do. `{}` (each language's own way) when
   * the setting is missing or not one Latchkey knows.
   */
  async dateFormat(): Promise<DateFormat> {
    return fromWhmcsDatabase(async () => {
      const row = await this.knex('tblconfiguration').select('value').where('setting', 'DateFormat').first() as { value: unknown } | undefined;
      const pattern = toText(row?.value).trim().toUpperCase();
      try {
        return checkDateFormat({ pattern });
      } catch {
        return {};
      }
    });
  }
}

/**
 * A HostDirectory over WHMCS's database: every look-up is one indexed query,
 * whatever the number of ids, and names come with it.
 *
 * Service passwords are the exception: tblhosting keeps them encrypted with
 * WHMCS's own key (cc_encryption_hash in configuration.php), which Latchkey
 * does not hold. Give `passwords` (a WhmcsApi) and they are read through
 * GetClientsProducts, which returns them decrypted; without it services carry
 * their usernames and no password.
 */
export class WhmcsDatabaseDirectory extends WhmcsDatabaseNames implements HostDirectory {
  readonly #passwords: WhmcsApi | null;
  #defaultLanguage: Promise<string> | null = null;

  constructor(knex: Knex, options: WhmcsDatabaseOptions & { passwords?: WhmcsApi } = {}) {
    super(knex, options);
    this.#passwords = options.passwords ?? null;
  }

  async admins(ids: readonly string[]): Promise<Map<string, HostAdmin>> {
    return fromWhmcsDatabase(async () => {
      const wanted = numericIds(ids);
      if (wanted.length === 0) return new Map();
      return byId(await this.#adminRows((q) => q.whereIn('id', wanted)));
    });
  }

  async allAdmins(): Promise<HostAdmin[]> {
    return fromWhmcsDatabase(async () => {
      return this.#adminRows((q) => q);
    });
  }

  /**
   * One query: firstname, lastname, "firstname lastname" or email contains
   * the text (the username when the admin has no name, as `name` falls back
   * to it); the first `limit` matches by id, answered by name.
   */
  async findAdmins(text: string, limit: number): Promise<HostAdmin[]> {
    const search = clientSearch(text, limit);
    if (!search) return [];
    return fromWhmcsDatabase(async () => {
      const pattern = `%${escapeLike(search.lower)}%`;
      const admins = await this.#adminRows((q) => q.where((w) => {
        for (const column of ['firstname', 'lastname', this.#fullName(), 'email']) {
          w.orWhereRaw(`lower(${column}) like ? escape '!'`, [pattern]);
        }
        w.orWhere((nameless) => nameless.where('firstname', '').where('lastname', '')
          .whereRaw("lower(username) like ? escape '!'", [pattern]));
      }).limit(search.limit));
      return admins.sort(compareClients);
    });
  }

  async clients(ids: readonly string[]): Promise<Map<string, HostClient>> {
    return fromWhmcsDatabase(async () => {
      const wanted = numericIds(ids);
      if (wanted.length === 0) return new Map();
      return byId(await this.#clientRows((q) => q.whereIn('id', wanted)));
    });
  }

  /**
   * One query: firstname, lastname, "firstname lastname", companyname or
   * email contains the text (LIKE over lower-case, `%` and `_` escaped); the
   * first `limit` matches by id, answered by name.
   */
  async findClients(text: string, limit: number): Promise<HostClient[]> {
    const search = clientSearch(text, limit);
    if (!search) return [];
    return fromWhmcsDatabase(async () => {
      const pattern = `%${escapeLike(search.lower)}%`;
      const clients = await this.#clientRows((q) => q.where((w) => {
        for (const column of ['firstname', 'lastname', this.#fullName(), 'companyname', 'email']) {
          w.orWhereRaw(`lower(${column}) like ? escape '!'`, [pattern]);
        }
      }).orderBy('id').limit(search.limit));
      return clients.sort(compareClients);
    });
  }

  async contacts(ids: readonly string[]): Promise<Map<string, HostContact>> {
    return fromWhmcsDatabase(async () => {
      const wanted = numericIds(ids);
      if (wanted.length === 0) return new Map();
      return byId(await this.#contactRows((q) => q.whereIn('id', wanted)));
    });
  }

  /**
   * One query: firstname, lastname, "firstname lastname" or email contains
   * the text (LIKE as in findClients); the first `limit` matches by id,
   * answered by name.
   */
  async findContacts(text: string, limit: number): Promise<HostContact[]> {
    const search = clientSearch(text, limit);
    if (!search) return [];
    return fromWhmcsDatabase(async () => {
      const pattern = `%${escapeLike(search.lower)}%`;
      const contacts = await this.#contactRows((q) => q.where((w) => {
        for (const column of ['firstname', 'lastname', this.#fullName(), 'email']) {
          w.orWhereRaw(`lower(${column}) like ? escape '!'`, [pattern]);
        }
      }).limit(search.limit));
      return contacts.sort(compareClients);
    });
  }

  async contactsOfClients(clientIds: readonly string[]): Promise<HostContact[]> {
    return fromWhmcsDatabase(async () => {
      const wanted = numericIds(clientIds);
      if (wanted.length === 0) return [];
      return this.#contactRows((q) => q.whereIn('userid', wanted));
    });
  }

  async products(ids: readonly string[]): Promise<Map<string, HostProduct>> {
    return fromWhmcsDatabase(async () => {
      const wanted = numericIds(ids);
      if (wanted.length === 0) return new Map();
      return byId(await this.#productRows((q) => q.whereIn('id', wanted)));
    });
  }

  async allProducts(): Promise<HostProduct[]> {
    return fromWhmcsDatabase(async () => {
      return this.#productRows((q) => q);
    });
  }

  async services(ids: readonly string[]): Promise<Map<string, HostService>> {
    return fromWhmcsDatabase(async () => {
      const wanted = numericIds(ids);
      if (wanted.length === 0) return new Map();
      const services = await this.#serviceRows((q) => q.whereIn('h.id', wanted));
      if (this.#passwords && services.length > 0) {
        await Promise.all(services.map(async (service) => {
          const r = await this.#passwords!.call('GetClientsProducts', { serviceid: service.id });
          fillPasswords([service], listOf(r.products, 'product'));
        }));
      }
      return byId(services);
    });
  }

  async servicesOfClients(clientIds: readonly string[]): Promise<HostService[]> {
    return fromWhmcsDatabase(async () => {
      const wanted = numericIds(clientIds);
      if (wanted.length === 0) return [];
      const services = await this.#serviceRows((q) => q.whereIn('h.userid', wanted));
      if (this.#passwords && services.length > 0) {
        const clients = [...new Set(services.map((s) => s.clientId))];
        await Promise.all(clients.map(async (clientId) => {
          for await (const page of this.#passwords!.pages('GetClientsProducts', { clientid: clientId }, 'products', 'product', 100)) {
            fillPasswords(services, page);
          }
        }));
      }
      return services;
    });
  }

  async tickets(ids: readonly string[]): Promise<Map<string, HostTicket>> {
    return fromWhmcsDatabase(async () => {
      const wanted = numericIds(ids);
      if (wanted.length === 0) return new Map();
      const rows = await this.knex('tbltickets').select('id', 'userid', 'contactid', 'title', 'status', 'service')
        .whereIn('id', wanted) as Array<Record<string, unknown>>;
      return byId(rows.flatMap((r) => {
        const id = toId(r.id);
        const clientId = toId(r.userid);
        if (!id || !clientId) return [];
        const service = /^S(\d+)$/i.exec(toText(r.service).trim());
        return [{
          id, clientId, contactId: toId(r.contactid), serviceId: service ? toId(service[1]) : null,
          subject: toText(r.title), status: toText(r.status),
        }];
      }));
    });
  }

  async devices(_ids: readonly string[]): Promise<Map<string, HostDevice>> {
    return fromWhmcsDatabase(async () => {
      return new Map();
    });
  }

  async devicesOfClients(_clientIds: readonly string[]): Promise<HostDevice[]> {
    return [];
  }

  /** "firstname lastname" in the database's own SQL. */
  #fullName(): string {
    return /sqlite/i.test(String(this.knex.client.dialect ?? '')) ? "firstname || ' ' || lastname" : "concat(firstname, ' ', lastname)";
  }

  async #adminRows(filter: (q: Knex.QueryBuilder) => Knex.QueryBuilder): Promise<HostAdmin[]> {
    const [rows, managers, language] = await Promise.all([
      filter(this.knex('tbladmins').select('id', 'roleid', 'username', 'firstname', 'lastname', 'email', 'language', 'disabled'))
        .orderBy('id') as Promise<Array<Record<string, unknown>>>,
      this.addonManagerRoleIds(),
      this.#systemLanguage(),
    ]);
    const managerRoles = new Set(managers ?? ['1']);
    return rows.flatMap((r) => {
      const id = toId(r.id);
      if (!id) return [];
      const roleId = toId(r.roleid) ?? '';
      return [{
        id,
        name: fullName(r) || toText(r.username),
        email: toText(r.email),
        roleId,
        language: pickLanguage(toText(r.language), language),
        disabled: Number(r.disabled) === 1,
        addonManager: managerRoles.has(roleId),
      }];
    });
  }

  async #clientRows(filter: (q: Knex.QueryBuilder) => Knex.QueryBuilder): Promise<HostClient[]> {
    const [rows, language] = await Promise.all([
      filter(this.knex('tblclients').select('id', 'firstname', 'lastname', 'companyname', 'email', 'groupid', 'language', 'status')) as Promise<Array<Record<string, unknown>>>,
      this.#systemLanguage(),
    ]);
    return rows.flatMap((r) => {
      const id = toId(r.id);
      if (!id) return [];
      return [{
        id,
        name: toText(r.companyname).trim() || fullName(r) || toText(r.email),
        email: toText(r.email),
        groupId: toId(r.groupid),
        language: pickLanguage(toText(r.language), language),
        status: toText(r.status) || 'Active',
      }];
    });
  }

  async #contactRows(filter: (q: Knex.QueryBuilder) => Knex.QueryBuilder): Promise<HostContact[]> {
    const rows = await filter(this.knex('tblcontacts').select('id', 'userid', 'firstname', 'lastname', 'email')).orderBy('id') as Array<Record<string, unknown>>;
    return rows.flatMap((r) => {
      const id = toId(r.id);
      const clientId = toId(r.userid);
      return id && clientId ? [{ id, clientId, name: fullName(r) || toText(r.email), email: toText(r.email), isMain: false }] : [];
    });
  }

  async #productRows(filter: (q: Knex.QueryBuilder) => Knex.QueryBuilder): Promise<HostProduct[]> {
    const rows = await filter(this.knex('tblproducts').select('id', 'gid', 'name')).orderBy('id') as Array<Record<string, unknown>>;
    return rows.flatMap((r) => {
      const id = toId(r.id);
      return id ? [{ id, name: toText(r.name) || `Product #${id}`, groupId: toId(r.gid) }] : [];
    });
  }

  async #serviceRows(filter: (q: Knex.QueryBuilder) => Knex.QueryBuilder): Promise<HostService[]> {
    const rows = await filter(this.knex({ h: 'tblhosting' }).leftJoin({ p: 'tblproducts' }, 'p.id', 'h.packageid')
      .select('h.id', 'h.userid', 'h.packageid', 'h.domain', 'h.username', 'h.domainstatus', { productName: 'p.name' })).orderBy('h.id') as Array<Record<string, unknown>>;
    return rows.flatMap((r) => {
      const id = toId(r.id);
      const clientId = toId(r.userid);
      const productId = toId(r.packageid);
      if (!id || !clientId || !productId) return [];
      const name = toText(r.productName) || `Service #${id}`;
      const domain = toText(r.domain).trim();
      return [{
        id, clientId, productId,
        label: domain ? `${name} (${domain})` : name,
        username: toText(r.username).trim() || null,
        password: null,
        loginUrl: null,
        status: toServiceStatus(r.domainstatus),
      }];
    });
  }

  /** WHMCS's default language (General Settings → Localisation), read once. */
  #systemLanguage(): Promise<string> {
    this.#defaultLanguage ??= (this.knex('tblconfiguration').select('value').where('setting', 'Language').first() as Promise<{ value: unknown } | undefined>)
      .then((row) => pickLanguage(toText(row?.value), this.options.defaultLanguage))
      .catch(() => pickLanguage(this.options.defaultLanguage));
    return this.#defaultLanguage;
  }
}

/** Puts the passwords GetClientsProducts returned on the matching services, as Secrets. */
function fillPasswords(services: HostService[], products: Array<Record<string, unknown>>): void {
  const byService = new Map(services.map((s) => [s.id, s]));
  for (const product of products) {
    const service = byService.get(toId(product.id) ?? '');
    const clear = toText(product.password);
    if (service && clear) service.password = new Secret(clear);
  }
}

function named<R extends { id: unknown }>(rows: R[], name: (row: R) => string): Named[] {
  return rows.flatMap((r) => {
    const id = toId(r.id);
    return id ? [{ id, name: name(r) || `#${id}` }] : [];
  });
}

function fullName(r: Record<string, unknown>): string {
  return `${toText(r.firstname).trim()} ${toText(r.lastname).trim()}`.trim();
}

/** LIKE's wildcards (and the escape character itself), escaped with `!`: the text matches literally. */
function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, (c) => `!${c}`);
}

function numericIds(ids: readonly string[]): number[] {
  return [...new Set(ids)].filter(isWhmcsId).map(Number);
}

function byId<T extends { id: string }>(items: T[]): Map<string, T> {
  return new Map(items.map((item) => [item.id, item]));
}

/**
 * WHMCS's database failing is the host failing, not Latchkey's vault: it
 * becomes WhmcsUnavailableError (a HostUnavailableError), so edges answer
 * "the platform is not answering" and never point at Latchkey's own tables.
 */
async function fromWhmcsDatabase<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    const mapped = asUnavailable(err);
    if (!(mapped instanceof DatabaseUnavailableError)) throw err;
    const missingTable = /no such table|doesn't exist/i.test((err as Error).message) || (err as { code?: string }).code === 'ER_NO_SUCH_TABLE';
    throw new WhmcsUnavailableError('database', missingTable ? "a WHMCS table is missing: is this WHMCS's database?" : mapped.message);
  }
}
