import { describeHostDirectoryContract } from './host-directory-contract.ts';
import { openMemoryDirectory } from './memory-fixture.ts';

describeHostDirectoryContract('MemoryDirectory', openMemoryDirectory);
