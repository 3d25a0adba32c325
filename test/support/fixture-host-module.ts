// LATCHKEY_HOST_MODULE for command-line tests: the host fixture's people.
import type { HostDirectory } from '../../core/index.ts';
import { hostFixture } from './host-fixture.ts';

export function createHostDirectory(): HostDirectory {
  return hostFixture();
}
