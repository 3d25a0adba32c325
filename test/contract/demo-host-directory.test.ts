import { describeHostDirectoryContract } from '../../adapters/testing/index.ts';
import { openDemoDirectory } from './demo-host-fixture.ts';

// The demo's tables have fixed names, so it runs on SQLite only (as test/demo-host does).
describe('[sqlite] demo host', () => {
  describeHostDirectoryContract('DemoDirectory', openDemoDirectory);
});
