import { describeHostDirectoryContract } from '../../adapters/testing/index.ts';
import { openMemoryDirectory } from './memory-fixture.ts';

describeHostDirectoryContract('MemoryDirectory', openMemoryDirectory);
