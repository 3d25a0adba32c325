/**
 * Counts passed and failed tests per database (from the `[sqlite]` / `[mariadb]`
 * title prefix) and prints one line per database at the end, which .ci/run
 * reads to prove the MariaDB suites really ran.
 */
const tally = new Map<string, { passed: number; failed: number }>();

function databaseOf(test: Mocha.Runnable): string {
  const match = /^\[(sqlite|mariadb)\]/.exec(test.titlePath()[0] ?? '');
  return match?.[1] ?? 'none';
}

export const mochaHooks = {
  afterEach(this: Mocha.Context) {
    const test = this.currentTest;
    if (!test || test.state === undefined) return;
    const counts = tally.get(databaseOf(test)) ?? { passed: 0, failed: 0 };
    if (test.state === 'passed') counts.passed += 1;
    else if (test.state === 'failed') counts.failed += 1;
    tally.set(databaseOf(test), counts);
  },
  afterAll() {
    for (const [db, counts] of [...tally].sort()) {
      console.log(`tests on ${db}: ${counts.passed} passed, ${counts.failed} failed`);
    }
  },
};
