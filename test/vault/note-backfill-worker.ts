import { createLatchkey, Keyring } from '../../core/index.ts';
import { hostFixture } from '../support/host-fixture.ts';

// The notes' backfill in a process of its own, for the test that kills it
// with SIGKILL: after each batch it tells the parent how far it got and then
// waits, so the parent kills it between two batches it knows of.
const keys = new Keyring([{ id: process.env.LK_KEY_ID!, key: Buffer.from(process.env.LK_KEY!, 'base64') }]);
const lk = await createLatchkey({ database: { url: process.env.LK_DB_URL! }, keys, host: hostFixture(), tablePrefix: process.env.LK_TABLE_PREFIX });
const pause = new Int32Array(new SharedArrayBuffer(4));
await lk.noteIndex.backfill({
  batchSize: Number(process.env.LK_BATCH),
  onBatch: (done) => {
    process.send!({ done });
    Atomics.wait(pause, 0, 0, 30_000);
  },
});
await lk.close();
