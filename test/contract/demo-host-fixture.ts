import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { DemoDirectory } from '../../examples/demo-host/demo-directory.ts';
import { ensureSchema, T } from '../../examples/demo-host/schema.ts';
import { ServicePasswords } from '../../examples/demo-host/secrets.ts';
import { seedHost } from '../../examples/demo-host/seed.ts';
import type { DirectoryFixture, KnownRecords } from '../../adapters/testing/index.ts';

/** Records of the demo's Northwind Hosting (examples/demo-host/seed-data.ts). */
export const demoHostKnown: KnownRecords = {
  manager: '1',
  staff: '2',
  disabledAdmin: '5',
  clients: ['1', '6'],
  clientGroup: '1',
  contact: '2',
  mainContact: '1',
  product: '4',
  productGroup: '2',
  service: '3',
  serviceWithPassword: '1',
  serviceStatuses: { '1': 'active', '9': 'suspended', '15': 'cancelled', '16': 'terminated' },
  ticket: { id: '1', clientId: '1', contactId: '2', serviceId: '2' },
  device: '1',
};

/** The demo host's directory over its own seeded tables, in memory. */
export async function openDemoDirectory(): Promise<DirectoryFixture> {
  const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
  await ensureSchema(knex);
  const passwords = new ServicePasswords(randomBytes(32));
  await seedHost(knex, passwords);
  // The seed disables nobody; Carmen has left.
  await knex(T.admins).where('id', 5).update({ disabled: true });
  return { directory: new DemoDirectory(knex, passwords), known: demoHostKnown, close: () => knex.destroy() };
}
