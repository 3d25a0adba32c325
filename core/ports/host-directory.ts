import type { Secret } from '../domain/secret.ts';

export interface HostAdmin {
  id: string;
  name: string;
  email: string;
  roleId: string;
  language: string;
  disabled: boolean;
  /** The host lets this admin run the addon: settings, admin categories, audit log. */
  addonManager: boolean;
}

export interface HostClient {
  id: string;
  name: string;
  email: string;
  groupId: string | null;
  language: string;
  status: string;
}

export interface HostContact {
  id: string;
  clientId: string;
  name: string;
  email: string;
  isMain: boolean;
}

export interface HostProduct {
  id: string;
  name: string;
  groupId: string | null;
}

/** A client's instance of a product; it may carry the host's own login for it. */
export interface HostService {
  id: string;
  clientId: string;
  productId: string;
  label: string;
  username: string | null;
  password: Secret | null;
  loginUrl: string | null;
}

export interface HostTicket {
  id: string;
  clientId: string;
  contactId: string | null;
  serviceId: string | null;
  subject: string;
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
 */
export interface HostDirectory {
  admins(ids: readonly string[]): Promise<Map<string, HostAdmin>>;
  clients(ids: readonly string[]): Promise<Map<string, HostClient>>;
  contacts(ids: readonly string[]): Promise<Map<string, HostContact>>;
  contactsOfClients(clientIds: readonly string[]): Promise<HostContact[]>;
  products(ids: readonly string[]): Promise<Map<string, HostProduct>>;
  services(ids: readonly string[]): Promise<Map<string, HostService>>;
  servicesOfClients(clientIds: readonly string[]): Promise<HostService[]>;
  tickets(ids: readonly string[]): Promise<Map<string, HostTicket>>;
  devices(ids: readonly string[]): Promise<Map<string, HostDevice>>;
  /** The catalogues below fill the settings and sharing forms; hosts have tens to hundreds of each. */
  allAdmins(): Promise<HostAdmin[]>;
  allProducts(): Promise<HostProduct[]>;
  adminRoles(): Promise<Named[]>;
  clientGroups(): Promise<Named[]>;
  productGroups(): Promise<Named[]>;
}
