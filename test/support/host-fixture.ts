import { MemoryDirectory } from '../../adapters/memory/memory-directory.ts';
import { Secret, type AdminActor, type ClientActor } from '../../core/index.ts';

/**
 * A small hosting company: two admin roles, three admins (one manager), two
 * clients in different groups, contacts, products in groups, services with
 * their own logins, a ticket and a device.
 */
export function hostFixture(): MemoryDirectory {
  return new MemoryDirectory({
    adminRoles: [{ id: 'r-support', name: 'Support' }, { id: 'r-sysadmin', name: 'Sysadmins' }, { id: 'r-full', name: 'Full Administrator' }],
    admins: [
      { id: 'a-owner', name: 'Olivia Owner', email: 'olivia@host.test', roleId: 'r-full', language: 'en', disabled: false, addonManager: true },
      { id: 'a-sam', name: 'Sam Support', email: 'sam@host.test', roleId: 'r-support', language: 'en', disabled: false, addonManager: false },
      { id: 'a-sys', name: 'Sid Sysadmin', email: 'sid@host.test', roleId: 'r-sysadmin', language: 'fr', disabled: false, addonManager: false },
    ],
    clientGroups: [{ id: 'g-retail', name: 'Retail' }, { id: 'g-reseller', name: 'Resellers' }],
    clients: [
      { id: 'c-acme', name: 'Acme Ltd', email: 'it@acme.test', groupId: 'g-retail', language: 'en', status: 'Active' },
      { id: 'c-globex', name: 'Globex', email: 'ops@globex.test', groupId: 'g-reseller', language: 'de', status: 'Active' },
    ],
    contacts: [
      { id: 'k-acme-main', clientId: 'c-acme', name: 'Ann Acme', email: 'ann@acme.test', isMain: true },
      { id: 'k-acme-dev', clientId: 'c-acme', name: 'Dev Acme', email: 'dev@acme.test', isMain: false },
      { id: 'k-globex-ops', clientId: 'c-globex', name: 'Ops Globex', email: 'ops2@globex.test', isMain: false },
    ],
    productGroups: [{ id: 'pg-vps', name: 'VPS' }, { id: 'pg-shared', name: 'Shared hosting' }],
    products: [
      { id: 'p-vps-s', name: 'VPS Small', groupId: 'pg-vps' },
      { id: 'p-cpanel', name: 'cPanel Starter', groupId: 'pg-shared' },
    ],
    services: [
      { id: 's-acme-vps', clientId: 'c-acme', productId: 'p-vps-s', label: 'vps1.acme.test', username: 'root', password: new Secret('acme-vps-root-pw'), loginUrl: 'https://vps1.acme.test:8006', status: 'active' },
      { id: 's-acme-web', clientId: 'c-acme', productId: 'p-cpanel', label: 'acme.test', username: 'acme', password: new Secret('acme-cpanel-pw'), loginUrl: 'https://acme.test:2083', status: 'active' },
      { id: 's-globex-vps', clientId: 'c-globex', productId: 'p-vps-s', label: 'vps.globex.test', username: 'root', password: new Secret('globex-vps-pw'), loginUrl: null, status: 'active' },
    ],
    tickets: [{ id: 't-100', clientId: 'c-acme', contactId: 'k-acme-dev', serviceId: 's-acme-vps', subject: 'Server down', status: 'Open' }],
    devices: [{ id: 'd-fw', clientId: 'c-acme', name: 'Firewall' }],
  });
}

export const owner: AdminActor = { kind: 'admin', adminId: 'a-owner' };
export const sam: AdminActor = { kind: 'admin', adminId: 'a-sam' };
export const sid: AdminActor = { kind: 'admin', adminId: 'a-sys' };
export const acme: ClientActor = { kind: 'client', clientId: 'c-acme' };
export const acmeDev: ClientActor = { kind: 'client', clientId: 'c-acme', contactId: 'k-acme-dev' };
export const globex: ClientActor = { kind: 'client', clientId: 'c-globex' };
