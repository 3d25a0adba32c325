import { describeHostDirectoryContract } from '../../testing/index.ts';
import { openMemoryDirectory } from './memory-fixture.ts';

describeHostDirectoryContract('MemoryDirectory', openMemoryDirectory);
