import {
  clientSearch, compareClients, pickLanguage, Secret, toServiceStatus,
  type HostAdmin, type HostClient, type HostContact, type HostDevice, type HostDirectory, type HostProduct, type HostService,
  type HostTicket, type Named,
} from '../../core/index.ts';
import { mapLimit, TtlCache } from './ttl-cache.ts';
import {
  isWhmcsId, listOf, toFlag, toId, toText, WhmcsApi, WhmcsApiError, WhmcsUnavailableError, type WhmcsApiOptions, type WhmcsParams,
  type WhmcsResponse,
} from './whmcs-api.ts';

/**
 * Names the external API does not give: WHMCS has no API action for admin
 * roles or product groups (nor for which roles may open an addon module).
 * WhmcsDatabaseNames reads them from WHMCS's tables.
 */
export interface WhmcsNameSource {
  adminRoles(): Promise<Named[]>;
  productGroups(): Promise<Named[]>;
  /** Admin role ids WHMCS lets open the addon (Addon Modules → Access Control), or null when unknown. */
  addonManagerRoleIds?(): Promise<string[] | null>;
}

export interface WhmcsDirectoryOptions {
  /** How long look-ups are remembered, in ms (default 30 000; 0 turns the cache off). */
  cacheTtlMs?: number;
  /** Language of clients and admins who have none set in WHMCS (default `en`). */
  defaultLanguage?: string;
  /**
   * Admin roles that run the addon (settings, categories, audit log) when no
   * name source knows WHMCS's Access Control. Default: `['1']`, WHMCS's
   * built-in "Full Administrator" role.
   */
  addonManagerRoleIds?: readonly string[];
  /** Names for admin role ids, when no name source reads them, e.g. `{ '2': 'Support' }`. */
  adminRoleNames?: Readonly<Record<string, string>>;
  /** Names for product group ids, when no name source reads them. */
  productGroupNames?: Readonly<Record<string, string>>;
  /** Reads role and product group names (and addon access) from WHMCS's database. */
  names?: WhmcsNameSource;
  /** At most this many API calls at once for per-id look-ups (default 4). */
  concurrency?: number;
  /** `limitnum` of paged actions (default 100). */
  pageSize?: number;
  /**
   * A login link for a client's service, from GetClientsProducts' fields
   * (`serverhostname`, `domain`, `pid`...; never the password). Default: none.
   */
  serviceLoginUrl?: (service: Readonly<Record<string, unknown>>) => string | null;
  /** The clock the cache uses (tests). */
  now?: () => number;
}

/** What GetAdminDetails says about the API credential's own admin: for set-up checks. */
export interface WhmcsCredentialCheck {
  adminId: string | null;
  name: string;
  whmcsVersion: string | null;
  /** Whether the admin's role grants the "API Access" permission. */
  apiAccess: boolean;
}

const ALL = 'all';

/**
 * A HostDirectory over WHMCS's external API.
 *
 * Look-ups are remembered for `cacheTtlMs` (30 s) and go in bulk where the
 * API allows: every admin in one GetAdminUsers call, many products in one
 * GetProducts call (`pid` takes a comma-separated list), a client's services
 * and contacts in paged GetClientsProducts / GetContacts calls. Where the API
 * only answers one id at a time (GetClientsDetails, GetTicket,
 * GetClientsProducts by `serviceid`) the calls run a few at a time. GetClients
 * pages are not used for clients by id: they cannot be filtered by id (a
 * look-up would page through every client) and they lack the client's
 * language.
 *
 * Admin roles and product groups: the API has ids but no names. Without a
 * name source the installer sees "Admin role #2" and "Product group #3"
 * (or the names given in `adminRoleNames` / `productGroupNames`), and only
 * roles that have at least one admin, only groups that have at least one
 * product. WhmcsDatabaseNames reads the real names from WHMCS's tables.
 *
 * Service passwords arrive in clear from GetClientsProducts and are wrapped
 * in Secret at once. Contacts are never a client's main contact in WHMCS
 * (the account holder is the client record itself). WHMCS has no devices.
 */
export class WhmcsDirectory implements HostDirectory {
  readonly api: WhmcsApi;
  readonly #options: WhmcsDirectoryOptions;
  readonly #concurrency: number;
  readonly #pageSize: number;
  readonly #admins: TtlCache<HostAdmin[]>;
  readonly #clients: TtlCache<HostClient | null>;
  readonly #found: TtlCache<string[]>;
  readonly #contacts: TtlCache<HostContact | null>;
  readonly #contactsOf: TtlCache<HostContact[]>;
  readonly #products: TtlCache<HostProduct | null>;
  readonly #allProducts: TtlCache<HostProduct[]>;
  readonly #services: TtlCache<HostService | null>;
  readonly #servicesOf: TtlCache<HostService[]>;
  readonly #tickets: TtlCache<HostTicket | null>;
  readonly #clientGroups: TtlCache<Named[]>;
  readonly #named: TtlCache<Named[]>;
  readonly #addonRoles: TtlCache<string[] | null>;

  constructor(api: WhmcsApi | WhmcsApiOptions, options: WhmcsDirectoryOptions = {}) {
    this.api = api instanceof WhmcsApi ? api : new WhmcsApi(api);
    this.#options = options;
    this.#concurrency = Math.max(1, options.concurrency ?? 4);
    this.#pageSize = Math.max(1, Math.min(1000, options.pageSize ?? 100));
    const ttl = options.cacheTtlMs ?? 30_000;
    const cache = <V>() => new TtlCache<V>(ttl, options.now);
    this.#admins = cache();
    this.#clients = cache();
    this.#found = cache();
    this.#contacts = cache();
    this.#contactsOf = cache();
    this.#products = cache();
    this.#allProducts = cache();
    this.#services = cache();
    this.#servicesOf = cache();
    this.#tickets = cache();
    this.#clientGroups = cache();
    this.#named = cache();
    this.#addonRoles = cache();
  }

  /** Forgets every remembered look-up. */
  clearCache(): void {
    for (const c of [this.#admins, this.#clients, this.#found, this.#contacts, this.#contactsOf, this.#products, this.#allProducts,
      this.#services, this.#servicesOf, this.#tickets, this.#clientGroups, this.#named, this.#addonRoles]) c.clear();
  }

  /** Checks the credentials: GetAdminDetails answers for the admin the API credential belongs to. */
  async check(): Promise<WhmcsCredentialCheck> {
    const r = await this.api.call('GetAdminDetails');
    const whmcs = r.whmcs as Record<string, unknown> | undefined;
    const permissions = toText(r.allowedpermissions).split(',').map((p) => p.trim());
    return {
      adminId: toId(r.adminid),
      name: toText(r.name),
      whmcsVersion: whmcs && typeof whmcs === 'object' ? toText(whmcs.version) || null : null,
      apiAccess: permissions.includes('API Access'),
    };
  }

  // Admins: GetAdminUsers answers them all in one call.

  async admins(ids: readonly string[]): Promise<Map<string, HostAdmin>> {
    const wanted = new Set(ids);
    return new Map((await this.#allAdmins()).filter((a) => wanted.has(a.id)).map((a) => [a.id, a]));
  }

  async allAdmins(): Promise<HostAdmin[]> {
    return [...await this.#allAdmins()];
  }

  /** GetAdminUsers has no search: the one remembered list of every admin, filtered by name, username or email. */
  async findAdmins(text: string, limit: number): Promise<HostAdmin[]> {
    const search = clientSearch(text, limit);
    if (!search) return [];
    return (await this.#allAdmins())
      .filter((a) => a.name.toLowerCase().includes(search.lower) || a.email.toLowerCase().includes(search.lower))
      .sort(compareClients)
      .slice(0, search.limit);
  }

  async adminRoles(): Promise<Named[]> {
    const names = this.#options.names;
    if (names) return [...await this.#named.load('adminRoles', () => names.adminRoles())];
    const ids = [...new Set((await this.#allAdmins()).map((a) => a.roleId).filter((id) => id !== ''))];
    return ids.sort(byNumber).map((id) => ({ id, name: this.#options.adminRoleNames?.[id] ?? `Admin role #${id}` }));
  }

  #allAdmins(): Promise<HostAdmin[]> {
    return this.#admins.load(ALL, async () => {
      const [response, managers] = await Promise.all([
        this.#call('GetAdminUsers', { include_disabled: true }),
        this.#addonManagerRoles(),
      ]);
      const admins: HostAdmin[] = [];
      for (const a of listOf(response.admin_users, 'admin_user')) {
        const id = toId(a.id);
        if (!id) continue;
        const roleId = toId(a.roleId ?? a.roleid) ?? '';
        admins.push({
          id,
          name: toText(a.fullName).trim() || fullName(a) || toText(a.username),
          email: toText(a.email),
          roleId,
          language: this.#language(a.language),
          disabled: toFlag(a.isDisabled ?? a.disabled),
          addonManager: managers.has(roleId),
        });
      }
      return admins;
    });
  }

  async #addonManagerRoles(): Promise<Set<string>> {
    const names = this.#options.names;
    const fromNames = names?.addonManagerRoleIds
      ? await this.#addonRoles.load(ALL, () => names.addonManagerRoleIds!())
      : null;
    return new Set(fromNames ?? this.#options.addonManagerRoleIds ?? ['1']);
  }

  // Clients: GetClientsDetails, one id per call, remembered.

  async clients(ids: readonly string[]): Promise<Map<string, HostClient>> {
    return this.#perId(ids, this.#clients, async (id) => {
      const r = await this.#unlessNotFound(() => this.#call('GetClientsDetails', { clientid: id }));
      return r ? this.#client(r, id) : null;
    });
  }

  /**
   * GetClients with `search` (WHMCS matches it against names, company and
   * email) and `limitnum`: one call per text and limit, remembered. Its rows
   * lack the client's language, so each client is then answered as
   * `clients()` answers it (GetClientsDetails, remembered too).
   */
  async findClients(text: string, limit: number): Promise<HostClient[]> {
    const search = clientSearch(text, limit);
    if (!search) return [];
    const ids = await this.#found.load(`${search.limit}:${search.lower}`, async () => {
      const r = await this.#call('GetClients', { search: search.text, limitstart: 0, limitnum: search.limit });
      return uniqueIds(listOf(r.clients, 'client').flatMap((c) => toId(c.id) ?? [])).slice(0, search.limit);
    });
    const clients = await this.clients(ids);
    return ids.flatMap((id) => clients.get(id) ?? []).sort(compareClients);
  }

  async clientGroups(): Promise<Named[]> {
    return [...await this.#clientGroups.load(ALL, async () => {
      const r = await this.#call('GetClientGroups');
      return listOf(r.groups, 'group').flatMap((g) => {
        const id = toId(g.id);
        return id ? [{ id, name: toText(g.groupname) || `Client group #${id}` }] : [];
      });
    })];
  }

  #client(r: WhmcsResponse, id: string): HostClient | null {
    // WHMCS 8 nests the client under `client`; older versions (and the deprecated copy) put it at the top level.
    const c = (r.client && typeof r.client === 'object' && !Array.isArray(r.client) ? r.client : r) as Record<string, unknown>;
    const clientId = toId(c.id ?? c.client_id ?? c.userid);
    if (clientId !== id) return null;
    return {
      id,
      name: toText(c.companyname).trim() || toText(c.fullname).trim() || fullName(c) || toText(c.email),
      email: toText(c.email),
      groupId: toId(c.groupid),
      language: this.#language(c.language),
      status: toText(c.status) || 'Active',
    };
  }

  // Contacts: GetContacts by client (paged); by contact id there is no filter, so pages are read until every id is found.

  async contactsOfClients(clientIds: readonly string[]): Promise<HostContact[]> {
    const wanted = uniqueIds(clientIds);
    const lists = await mapLimit(wanted, this.#concurrency, (clientId) => this.#contactsOf.load(clientId, async () => {
      const contacts: HostContact[] = [];
      for await (const page of this.#pages('GetContacts', { userid: clientId }, 'contacts', 'contact')) {
        for (const raw of page) {
          const contact = toContact(raw);
          if (!contact || contact.clientId !== clientId) continue;
          contacts.push(contact);
          this.#contacts.set(contact.id, contact);
        }
      }
      return contacts;
    }));
    return lists.flat();
  }

  /**
   * GetContacts has no search: its pages are read until `limit` contacts
   * whose name or email holds the text are found (remembered a while, as
   * findClients' answers are).
   */
  async findContacts(text: string, limit: number): Promise<HostContact[]> {
    const search = clientSearch(text, limit);
    if (!search) return [];
    const ids = await this.#found.load(`contacts:${search.limit}:${search.lower}`, async () => {
      const matching: string[] = [];
      scan: for await (const page of this.#pages('GetContacts', {}, 'contacts', 'contact')) {
        for (const raw of page) {
          const contact = toContact(raw);
          if (!contact) continue;
          this.#contacts.set(contact.id, contact);
          if (contact.name.toLowerCase().includes(search.lower) || contact.email.toLowerCase().includes(search.lower)) matching.push(contact.id);
          if (matching.length >= search.limit) break scan;
        }
      }
      return uniqueIds(matching);
    });
    const contacts = await this.contacts(ids);
    return ids.flatMap((id) => contacts.get(id) ?? []).sort(compareClients);
  }

  async contacts(ids: readonly string[]): Promise<Map<string, HostContact>> {
    const wanted = uniqueIds(ids);
    const found = new Map<string, HostContact>();
    const missing = new Set<string>();
    for (const id of wanted) {
      const cached = this.#contacts.get(id);
      if (cached) found.set(id, cached);
      else if (cached === undefined) missing.add(id);
    }
    if (missing.size > 0) {
      scan: for await (const page of this.#pages('GetContacts', {}, 'contacts', 'contact')) {
        for (const raw of page) {
          const contact = toContact(raw);
          if (!contact) continue;
          this.#contacts.set(contact.id, contact);
          if (missing.delete(contact.id)) found.set(contact.id, contact);
        }
        if (missing.size === 0) break scan;
      }
      for (const id of missing) this.#contacts.set(id, null);
    }
    return found;
  }

  // Products: GetProducts takes a comma-separated list of ids.

  async products(ids: readonly string[]): Promise<Map<string, HostProduct>> {
    const wanted = uniqueIds(ids);
    const found = new Map<string, HostProduct>();
    const missing: string[] = [];
    for (const id of wanted) {
      const cached = this.#products.get(id);
      if (cached) found.set(id, cached);
      else if (cached === undefined) missing.push(id);
    }
    for (let i = 0; i < missing.length; i += 50) {
      const chunk = missing.slice(i, i + 50);
      const r = await this.#call('GetProducts', { pid: chunk.join(',') });
      const answered = new Map(listOf(r.products, 'product').flatMap((p) => {
        const product = toProduct(p);
        return product ? [[product.id, product] as const] : [];
      }));
      for (const id of chunk) {
        const product = answered.get(id) ?? null;
        this.#products.set(id, product);
        if (product) found.set(id, product);
      }
    }
    return found;
  }

  async allProducts(): Promise<HostProduct[]> {
    return [...await this.#allProducts.load(ALL, async () => {
      const r = await this.#call('GetProducts');
      const products = listOf(r.products, 'product').flatMap((p) => toProduct(p) ?? []);
      for (const product of products) this.#products.set(product.id, product);
      return products;
    })];
  }

  async productGroups(): Promise<Named[]> {
    const names = this.#options.names;
    if (names) return [...await this.#named.load('productGroups', () => names.productGroups())];
    const ids = [...new Set((await this.allProducts()).map((p) => p.groupId).filter((id): id is string => id !== null))];
    return ids.sort(byNumber).map((id) => ({ id, name: this.#options.productGroupNames?.[id] ?? `Product group #${id}` }));
  }

  // Services: GetClientsProducts, by client (paged) or by service id.

  async servicesOfClients(clientIds: readonly string[]): Promise<HostService[]> {
    const wanted = uniqueIds(clientIds);
    const lists = await mapLimit(wanted, this.#concurrency, (clientId) => this.#servicesOf.load(clientId, async () => {
      const services: HostService[] = [];
      for await (const page of this.#pages('GetClientsProducts', { clientid: clientId }, 'products', 'product')) {
        for (const raw of page) {
          const service = this.#service(raw);
          if (!service || service.clientId !== clientId) continue;
          services.push(service);
          this.#services.set(service.id, service);
        }
      }
      return services;
    }));
    return lists.flat();
  }

  async services(ids: readonly string[]): Promise<Map<string, HostService>> {
    return this.#perId(ids, this.#services, async (id) => {
      const r = await this.#call('GetClientsProducts', { serviceid: id });
      for (const raw of listOf(r.products, 'product')) {
        const service = this.#service(raw);
        if (service?.id === id) return service;
      }
      return null;
    });
  }

  #service(raw: Record<string, unknown>): HostService | null {
    // The password leaves the API's answer as a Secret and nowhere else.
    const { password: clear, ...fields } = raw;
    const password = toText(clear) ? new Secret(toText(clear)) : null;
    const id = toId(fields.id);
    const clientId = toId(fields.clientid ?? fields.userid);
    const productId = toId(fields.pid ?? fields.packageid);
    if (!id || !clientId || !productId) return null;
    const name = toText(fields.translated_name) || toText(fields.name) || `Service #${id}`;
    const domain = toText(fields.domain).trim();
    return {
      id,
      clientId,
      productId,
      label: domain ? `${name} (${domain})` : name,
      username: toText(fields.username).trim() || null,
      password,
      loginUrl: this.#options.serviceLoginUrl?.(fields) ?? null,
      status: toServiceStatus(fields.status),
    };
  }

  // Tickets: GetTicket, one id per call.

  async tickets(ids: readonly string[]): Promise<Map<string, HostTicket>> {
    return this.#perId(ids, this.#tickets, async (id) => {
      const r = await this.#unlessNotFound(() => this.#call('GetTicket', { ticketid: id }));
      if (!r || toId(r.ticketid ?? r.id) !== id) return null;
      // A ticket opened by a guest (no client account, userid 0) concerns no client Latchkey knows.
      const clientId = toId(r.userid);
      if (!clientId) return null;
      const service = /^S(\d+)$/i.exec(toText(r.service).trim());
      return {
        id,
        clientId,
        contactId: toId(r.contactid),
        serviceId: service ? toId(service[1]) : null,
        subject: toText(r.subject),
        status: toText(r.status),
      };
    });
  }

  async devices(_ids: readonly string[]): Promise<Map<string, HostDevice>> {
    return new Map();
  }

  /** WHMCS keeps no devices. */
  async devicesOfClients(_clientIds: readonly string[]): Promise<HostDevice[]> {
    return [];
  }

  /** Per-id look-ups, a few at a time, each remembered (misses too). */
  async #perId<V>(ids: readonly string[], cache: TtlCache<V | null>, fetchOne: (id: string) => Promise<V | null>): Promise<Map<string, V>> {
    const wanted = uniqueIds(ids);
    const values = await mapLimit(wanted, this.#concurrency, (id) => cache.load(id, () => fetchOne(id)));
    const found = new Map<string, V>();
    wanted.forEach((id, i) => {
      const value = values[i];
      if (value !== null && value !== undefined) found.set(id, value);
    });
    return found;
  }

  /** One call of a look-up: WHMCS refusing it (but for "not found") is WHMCS not answering it (see `unanswered`). */
  async #call(action: string, params: WhmcsParams = {}): Promise<WhmcsResponse> {
    try {
      return await this.api.call(action, params);
    } catch (err) {
      throw unanswered(err);
    }
  }

  /** Every page of a look-up's list action, as `#call` reads a refusal. */
  async *#pages(action: string, params: WhmcsParams, listKey: string, itemKey: string): AsyncGenerator<Record<string, unknown>[]> {
    try {
      yield* this.api.pages(action, params, listKey, itemKey, this.#pageSize);
    } catch (err) {
      throw unanswered(err);
    }
  }

  /** The answer, or null when WHMCS says the thing does not exist. Every other error stands. */
  async #unlessNotFound(call: () => Promise<WhmcsResponse>): Promise<WhmcsResponse | null> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof WhmcsApiError && err.notFound) return null;
      throw err;
    }
  }

  #language(raw: unknown): string {
    return pickLanguage(toText(raw), this.#options.defaultLanguage);
  }
}

/**
 * WHMCS answering a look-up with an error other than "not found" (a credential
 * or an IP refused, a permission the API role lacks, its own database down)
 * leaves the look-up unanswered: WhmcsUnavailableError, which edges show as
 * the platform not answering (a 503) and log with WHMCS's own words (the
 * credentials scrubbed from them), instead of an unexplained internal error.
 */
function unanswered(err: unknown): unknown {
  return err instanceof WhmcsApiError && !err.notFound ? new WhmcsUnavailableError(err.action, `answered "${err.apiMessage}"`, err.httpStatus) : err;
}

function toContact(raw: Record<string, unknown>): HostContact | null {
  const id = toId(raw.id);
  const clientId = toId(raw.userid ?? raw.clientid);
  if (!id || !clientId) return null;
  return { id, clientId, name: fullName(raw) || toText(raw.email), email: toText(raw.email), isMain: false };
}

function toProduct(raw: Record<string, unknown>): HostProduct | null {
  const id = toId(raw.pid ?? raw.id);
  if (!id) return null;
  return { id, name: toText(raw.name) || `Product #${id}`, groupId: toId(raw.gid) };
}

function fullName(raw: Record<string, unknown>): string {
  return `${toText(raw.firstname).trim()} ${toText(raw.lastname).trim()}`.trim();
}

function uniqueIds(ids: readonly string[]): string[] {
  return [...new Set(ids)].filter(isWhmcsId);
}

function byNumber(a: string, b: string): number {
  return Number(a) - Number(b);
}
