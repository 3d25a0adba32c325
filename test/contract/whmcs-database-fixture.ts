import { WhmcsApi, WhmcsDatabaseDirectory, WhmcsDatabaseNames, WhmcsDirectory } from '../../adapters/whmcs/index.ts';
import type { TestDatabase } from '../support/databases.ts';
import { API_IDENTIFIER, API_SECRET, FakeWhmcs } from '../whmcs/fake-whmcs.ts';
import type { DirectoryFixture, KnownRecords } from '../../adapters/testing/index.ts';
import { WHMCS_API_MANY_IDS, whmcsApiKnown } from './whmcs-api-fixture.ts';
import { openWhmcsTables } from './whmcs-tables.ts';

/**
 * The records of test/contract/whmcs-tables.ts. The addon's Access Control
 * lets roles 1 and 2 in; Sofia (4) and the disabled Pierre (3) have role 3.
 */
export const whmcsDatabaseKnown: KnownRecords = {
  manager: '1',
  staff: '4',
  disabledAdmin: '3',
  clients: ['2', '1'],
  clientGroup: '1',
  contact: '3',
  product: '1',
  productGroup: '1',
  service: '3',
  serviceWithPassword: '1',
  // tblhosting.domainstatus: 'Active', 'Suspended'.
  serviceStatuses: { '1': 'active', '2': 'suspended' },
  ticket: { id: '2', clientId: '2', contactId: '3', serviceId: '3' },
  guestTicket: '3',
};

/**
 * WhmcsDatabaseDirectory over WHMCS's tables, reading service passwords
 * through the (fake) API, as an installation that wants them would.
 */
export async function openWhmcsDatabaseDirectory(db: TestDatabase): Promise<DirectoryFixture> {
  const [knex, whmcs] = await Promise.all([openWhmcsTables(db), FakeWhmcs.start()]);
  const passwords = new WhmcsApi({ url: whmcs.url, identifier: API_IDENTIFIER, secret: API_SECRET });
  return {
    directory: new WhmcsDatabaseDirectory(knex, { passwords }),
    known: whmcsDatabaseKnown,
    close: async () => { await Promise.all([knex.destroy(), whmcs.close()]); },
  };
}

/** WhmcsDirectory over the API, with role and product group names and addon access from the database: the usual installation. */
export async function openWhmcsApiWithDatabaseNames(db: TestDatabase): Promise<DirectoryFixture> {
  const [knex, whmcs] = await Promise.all([openWhmcsTables(db), FakeWhmcs.start()]);
  const api = new WhmcsApi({ url: whmcs.url, identifier: API_IDENTIFIER, secret: API_SECRET });
  return {
    directory: new WhmcsDirectory(api, { names: new WhmcsDatabaseNames(knex) }),
    // The API has the database's people (but Sofia, whom the reference's examples do not have), and the
    // database's Access Control decides who runs the addon: the staff it shuts out is the disabled Pierre.
    // Services come from the API, with the API's statuses.
    known: { ...whmcsDatabaseKnown, staff: '3', serviceStatuses: whmcsApiKnown.serviceStatuses },
    manyIds: WHMCS_API_MANY_IDS,
    close: async () => { await Promise.all([knex.destroy(), whmcs.close()]); },
  };
}
