/** LATCHKEY_HOST_MODULE of the Zendesk service under test: the platform behind Zendesk is the memory fixture. */
import type { HostDirectory } from '../../core/index.ts';
import { hostFixture } from '../support/host-fixture.ts';

export function createHostDirectory(): HostDirectory {
  return hostFixture();
}
