// What a host adapter's own tests build on: `latchkey/testing` in the package.
// The suite runs under mocha (its describe/it globals) and asserts with chai,
// which the adapter's project brings as dev dependencies.
export { describeHostDirectoryContract, type DirectoryFixture, type KnownRecords } from './host-directory-contract.ts';
