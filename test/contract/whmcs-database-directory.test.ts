import { forEachDatabase } from '../support/databases.ts';
import { describeHostDirectoryContract } from '../../adapters/testing/index.ts';
import { openWhmcsApiWithDatabaseNames, openWhmcsDatabaseDirectory } from './whmcs-database-fixture.ts';

forEachDatabase("WHMCS's database", (db) => {
  describeHostDirectoryContract('WhmcsDatabaseDirectory', () => openWhmcsDatabaseDirectory(db));
  describeHostDirectoryContract('WhmcsDirectory with WhmcsDatabaseNames', () => openWhmcsApiWithDatabaseNames(db));
});
