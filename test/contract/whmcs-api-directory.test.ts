import { describeHostDirectoryContract } from '../../adapters/testing/index.ts';
import { openWhmcsApiDirectory } from './whmcs-api-fixture.ts';

describeHostDirectoryContract('WhmcsDirectory (external API)', () => openWhmcsApiDirectory());
describeHostDirectoryContract('WhmcsDirectory (external API, cache off)', () => openWhmcsApiDirectory({ cacheTtlMs: 0 }));
