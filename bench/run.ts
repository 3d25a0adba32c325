// `npm run bench`: every benchmark, each printing ratios against a baseline
// measured in the same run (set LATCHKEY_TEST_MYSQL_URL to include MySQL/MariaDB).
import { listScaling } from './list-scaling.ts';
import { whmcsPanel } from './whmcs-panel.ts';

await listScaling();
await whmcsPanel();
