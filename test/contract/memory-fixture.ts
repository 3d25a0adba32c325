import type { MemoryDirectory } from '../../adapters/memory/memory-directory.ts';
import { Secret } from '../../core/index.ts';
import { hostFixture } from '../support/host-fixture.ts';
import type { DirectoryFixture, KnownRecords } from '../../adapters/testing/index.ts';

/** The records of test/support/host-fixture.ts (plus a former admin) that the contract looks up. */
export const memoryKnown: KnownRecords = {
  manager: 'a-owner',
  staff: 'a-sam',
  disabledAdmin: 'a-former',
  clients: ['c-acme', 'c-globex'],
  clientGroup: 'g-retail',
  contact: 'k-acme-dev',
  mainContact: 'k-acme-main',
  product: 'p-vps-s',
  productGroup: 'pg-vps',
  service: 's-acme-web',
  serviceWithPassword: 's-acme-vps',
  serviceStatuses: { 's-acme-web': 'active', 's-globex-old': 'terminated', 's-globex-late': 'suspended' },
  ticket: { id: 't-100', clientId: 'c-acme', contactId: 'k-acme-dev', serviceId: 's-acme-vps' },
  device: 'd-fw',
};

/** The shared host fixture, plus an admin who has left and two services that are no longer active (it has none of its own). */
export function memoryHost(): MemoryDirectory {
  const directory = hostFixture();
  directory.data.admins.push({
    id: 'a-former', name: 'Fran Former', email: 'fran@host.test', roleId: 'r-support', language: 'en', disabled: true, addonManager: false,
  });
  directory.data.services.push(
    { id: 's-globex-old', clientId: 'c-globex', productId: 'p-cpanel', label: 'old.globex.test', username: 'globex', password: new Secret('globex-old-pw'), loginUrl: null, status: 'terminated' },
    { id: 's-globex-late', clientId: 'c-globex', productId: 'p-cpanel', label: 'late.globex.test', username: 'late', password: null, loginUrl: null, status: 'suspended' },
  );
  return directory;
}

export async function openMemoryDirectory(): Promise<DirectoryFixture> {
  return { directory: memoryHost(), known: memoryKnown, close: async () => {} };
}
