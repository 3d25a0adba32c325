import type { Secret } from '../domain/secret.ts';

export interface HostAdmin {
  id: string;
  name: string;
  email: string;
  /** One of `adminRoles()`; '' when the host gives the admin no role (then no role setting matches the admin). */
  roleId: string;
  /** The host's language tag or name ('fr', 'fr-CA', 'french'); Latchkey picks the nearest it speaks. Never empty. */
  language: string;
  /** A disabled admin is still answered, marked disabled: Latchkey then lets them do nothing. */
  disabled: boolean;
  /** The host lets this admin run the addon: settings, admin categories, audit log. */
  addonManager: boolean;
}

export interface HostClient {
  id: string;
  name: string;
  email: string;
  /** One of `clientGroups()`, or null when the client is in none. */
  groupId: string | null;
  /** As HostAdmin.language. */
  language: string;
  /** The host's word for the account's state ('Active'...); 'Closed' (any case) means the client keeps its data but may no longer sign in. */
  status: string;
}

export interface HostContact {
  id: string;
  clientId: string;
  name: string;
  email: string;
  /** The contact who is the client's account holder and acts as the client itself; a client has at most one. */
  isMain: boolean;
  /** The contact's own language, for hosts that keep one per contact (else the client's applies). */
  language?: string | null;
}

export interface HostProduct {
  id: string;
  name: string;
  /** One of `productGroups()`, or null when the product is in none. */
  groupId: string | null;
}

/** A client's instance of a product; it may carry the host's own login for it. */
export interface HostService {
  id: string;
  clientId: string;
  productId: string;
  label: string;
  /** Null when the service has no username; never ''. */
  username: string | null;
  /** Only ever a Secret, never empty; null when the service has no password or the adapter cannot read it. */
  password: Secret | null;
  /** An absolute http(s) address, or null (Latchkey checks it again before it becomes a link). */
  loginUrl: string | null;
  /** Where the service is in its life; decides whether its client still sees its credentials. */
  status: ServiceStatus;
}

export const SERVICE_STATUSES = ['pending', 'active', 'suspended', 'terminated', 'cancelled', 'fraud'] as const;
export type ServiceStatus = typeof SERVICE_STATUSES[number];

/**
 * A host's word for a service's state ('Active', 'Suspended', WHMCS's
 * domainstatus...) as a ServiceStatus. A word we do not know counts as
 * 'pending': it shows the client nothing until the host says the service runs.
 * WHMCS's 'Completed' (a one-off product delivered) has ended: 'terminated'.
 */
export function toServiceStatus(word: unknown): ServiceStatus {
  const w = typeof word === 'string' ? word.trim().toLowerCase() : '';
  if (w === 'completed') return 'terminated';
  return (SERVICE_STATUSES as readonly string[]).includes(w) ? w as ServiceStatus : 'pending';
}

/**
 * A ticket about one client. A ticket that concerns no client (a guest's) is
 * not a HostTicket: the directory leaves it out.
 */
export interface HostTicket {
  id: string;
  clientId: string;
  /** A contact of the same client, or null. */
  contactId: string | null;
  /** A service of the same client, or null. */
  serviceId: string | null;
  subject: string;
  /** The host's word for the ticket's state; '' when the host cannot tell. */
  status: string;
}

export interface HostDevice {
  id: string;
  clientId: string;
  name: string;
}

export interface Named {
  id: string;
  name: string;
}

/**
 * What Latchkey reads from the host platform. Every look-up takes many ids and
 * answers in one go, so a list never calls the host once per row; ids that do
 * not exist are simply absent from the answer.
 *
 * Ids are strings, written as the host writes them, and matched exactly: each
 * record is answered under its own id, and another spelling of it (' 1',
 * '01', 'C-ACME' for 'c-acme') is an unknown id. So are ids the host could
 * never have (text where it counts in numbers, '', '-1'): absent, not an
 * error. An id asked twice is answered once; no ids, an empty answer.
 * Records that point at others (clientId, groupId, roleId...) use the same
 * ids. A host without devices answers every device id as unknown.
 *
 * test/contract/host-directory-contract.ts checks these rules against every
 * adapter; docs/host-directory-contract.md shows how to run it on a new one.
 */
export interface HostDirectory {
  admins(ids: readonly string[]): Promise<Map<string, HostAdmin>>;
  clients(ids: readonly string[]): Promise<Map<string, HostClient>>;
  /**
   * Clients whose name, company or email contains `text`, case-insensitively,
   * for pickers: the same records `clients()` answers for those ids. `text` is
   * trimmed and taken literally (`%`, `_`, quotes are characters, never
   * wildcards nor errors); an empty or one-character text answers [] without
   * asking the host. At most `limit` clients (clamped to 1..50), ordered by
   * name (case-insensitive), then id (`compareClients`). When more clients
   * match than `limit`, which of them are answered is the directory's choice
   * (the user types more); the same question gets the same answer.
   * `clientSearch()` reads `text` and `limit` as every directory should.
   */
  findClients(text: string, limit: number): Promise<HostClient[]>;
  /**
   * Admins whose name or email contains `text`, for the sharing pickers: the
   * same records `admins()` answers, disabled ones too. `text` and `limit`
   * read as in `findClients` (`clientSearch`), the answer in its order
   * (`compareClients`): hosts with hundreds of staff answer a few by name.
   */
  findAdmins(text: string, limit: number): Promise<HostAdmin[]>;
  contacts(ids: readonly string[]): Promise<Map<string, HostContact>>;
  /**
   * Contacts of any client whose name or email contains `text`, for the
   * settings' contact pickers: the same records `contacts()` answers. `text`
   * and `limit` read as in `findClients` (`clientSearch`), the answer in its
   * order (`compareClients`).
   */
  findContacts(text: string, limit: number): Promise<HostContact[]>;
  /** Those clients' contacts, each once, the same records `contacts()` answers; none of any other client. */
  contactsOfClients(clientIds: readonly string[]): Promise<HostContact[]>;
  products(ids: readonly string[]): Promise<Map<string, HostProduct>>;
  services(ids: readonly string[]): Promise<Map<string, HostService>>;
  /** Those clients' services, each once, the same records `services()` answers; none of any other client. */
  servicesOfClients(clientIds: readonly string[]): Promise<HostService[]>;
  tickets(ids: readonly string[]): Promise<Map<string, HostTicket>>;
  devices(ids: readonly string[]): Promise<Map<string, HostDevice>>;
  /** Those clients' devices, each once, the same records `devices()` answers; none of any other client ([] on a host without devices). */
  devicesOfClients(clientIds: readonly string[]): Promise<HostDevice[]>;
  /**
   * The catalogues below fill the settings and sharing forms; hosts have tens to hundreds of each.
   * allAdmins() lists every admin, disabled ones too, as `admins()` answers them; allProducts() likewise.
   */
  allAdmins(): Promise<HostAdmin[]>;
  allProducts(): Promise<HostProduct[]>;
  adminRoles(): Promise<Named[]>;
  clientGroups(): Promise<Named[]>;
  productGroups(): Promise<Named[]>;
}

/** Most clients `findClients` answers at once. */
export const FIND_CLIENTS_MAX = 50;

/**
 * `findClients`' text and limit as every directory reads them: the text
 * trimmed (null when shorter than two characters: answer [] then), its
 * lower-case form for matching, and the limit clamped to 1..FIND_CLIENTS_MAX.
 */
export function clientSearch(text: string, limit: number): { text: string; lower: string; limit: number } | null {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  if (trimmed.length < 2) return null;
  const whole = Number.isFinite(limit) ? Math.floor(limit) : 1;
  return { text: trimmed, lower: trimmed.toLowerCase(), limit: Math.min(FIND_CLIENTS_MAX, Math.max(1, whole)) };
}

const clientOrder = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** The order of `findClients`' answer: by name (case-insensitive), then by id. */
export function compareClients(a: Pick<HostClient, 'id' | 'name'>, b: Pick<HostClient, 'id' | 'name'>): number {
  return clientOrder.compare(a.name, b.name) || clientOrder.compare(a.id, b.id) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
