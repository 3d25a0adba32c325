import { WhmcsApi, WhmcsDirectory, type WhmcsDirectoryOptions } from '../../adapters/whmcs/index.ts';
import { API_IDENTIFIER, API_SECRET, FakeWhmcs } from '../whmcs/fake-whmcs.ts';
import type { DirectoryFixture, KnownRecords } from '../../adapters/testing/index.ts';

/**
 * The records of the fake WHMCS API (test/whmcs/fake-whmcs.ts): the API
 * reference's own examples. WHMCS contacts are never the main one (the
 * account holder is the client record) and WHMCS keeps no devices.
 */
export const whmcsApiKnown: KnownRecords = {
  manager: '1',
  staff: '2',
  disabledAdmin: '3',
  clients: ['2', '1'],
  clientGroup: '1',
  contact: '3',
  product: '1',
  productGroup: '1',
  service: '4',
  serviceWithPassword: '1',
  // GetClientsProducts' `status`: 'Terminated', 'Active'.
  serviceStatuses: { '1': 'terminated', '2': 'active' },
  ticket: { id: '2', clientId: '2', contactId: '3', serviceId: '3' },
  guestTicket: '3',
};

/**
 * GetClientsDetails, GetTicket and GetClientsProducts answer one id per
 * request, so a thousand ids would be three thousand requests per run.
 */
export const WHMCS_API_MANY_IDS = 150;

/** A WhmcsDirectory over a fake WHMCS on loopback, which the fixture starts and stops. */
export async function openWhmcsApiDirectory(options: WhmcsDirectoryOptions = {}): Promise<DirectoryFixture> {
  const whmcs = await FakeWhmcs.start();
  const api = new WhmcsApi({ url: whmcs.url, identifier: API_IDENTIFIER, secret: API_SECRET });
  return {
    directory: new WhmcsDirectory(api, options), known: whmcsApiKnown, manyIds: WHMCS_API_MANY_IDS, close: () => whmcs.close(),
  };
}
