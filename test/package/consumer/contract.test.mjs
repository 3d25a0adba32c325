// Run by test/package/pack.test.ts with mocha inside the fresh project: a
// third party's own HostDirectory proved with `latchkey/testing`, here the
// shipped MemoryDirectory over a small host.
import { Secret } from 'latchkey';
import { MemoryDirectory } from 'latchkey/memory';
import { describeHostDirectoryContract } from 'latchkey/testing';

const directory = new MemoryDirectory({
  adminRoles: [{ id: 'r-full', name: 'Full Administrator' }, { id: 'r-support', name: 'Support' }],
  admins: [
    { id: 'a-owner', name: 'Olivia Owner', email: 'olivia@host.test', roleId: 'r-full', language: 'en', disabled: false, addonManager: true },
    { id: 'a-sam', name: 'Sam Support', email: 'sam@host.test', roleId: 'r-support', language: 'en', disabled: false, addonManager: false },
  ],
  clients: [
    { id: 'c-acme', name: 'Acme Ltd', email: 'it@acme.test', groupId: null, language: 'en', status: 'Active' },
    { id: 'c-globex', name: 'Globex', email: 'ops@globex.test', groupId: null, language: 'de', status: 'Active' },
  ],
  contacts: [
    { id: 'k-acme', clientId: 'c-acme', name: 'Ann Acme', email: 'ann@acme.test', isMain: false },
    { id: 'k-globex', clientId: 'c-globex', name: 'Ops Globex', email: 'ops2@globex.test', isMain: false },
  ],
  products: [{ id: 'p-vps', name: 'VPS Small', groupId: null }],
  services: [
    { id: 's-acme', clientId: 'c-acme', productId: 'p-vps', label: 'vps1.acme.test', username: 'root', password: new Secret('acme-pw'), loginUrl: null, status: 'active' },
    { id: 's-globex', clientId: 'c-globex', productId: 'p-vps', label: 'vps.globex.test', username: 'root', password: null, loginUrl: null, status: 'suspended' },
  ],
  tickets: [{ id: 't-1', clientId: 'c-acme', contactId: 'k-acme', serviceId: 's-acme', subject: 'Server down', status: 'Open' }],
});

describeHostDirectoryContract('MemoryDirectory from the package', async () => ({
  directory,
  known: {
    manager: 'a-owner', staff: 'a-sam', clients: ['c-acme', 'c-globex'], contact: 'k-acme', product: 'p-vps', service: 's-acme',
    serviceWithPassword: 's-acme', serviceStatuses: { 's-acme': 'active', 's-globex': 'suspended' },
    ticket: { id: 't-1', clientId: 'c-acme', contactId: 'k-acme', serviceId: 's-acme' },
  },
  close: async () => {},
}));
