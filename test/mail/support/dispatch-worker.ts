/**
 * One dispatcher in a process of its own, as another app instance would run
 * it (and so a test can SIGKILL it mid-send). Started by
 * concurrent-dispatch.test.ts with `node --import tsx` (fork, for its IPC
 * channel) and configured through the environment:
 *
 *   LK_DB_URL, LK_TABLE_PREFIX, LK_KEYS (id:base64), LK_CLIENTS (bulkHost size),
 *   LK_SMTP_URL, LK_FROM, LK_WORKER, LK_BATCH, LK_LEASE_MS
 *
 * It says `ready` once its vault answers. On `drain` it drains the outbox once
 * (a cron run); on `keep draining` it drains again whenever it ran dry, as an
 * app instance's interval would, until it is told `stop`. Then it says
 * `{ done: <its totals> }` and exits.
 */
import { createLatchkey, Keyring, type DispatchResult } from '../../../core/index.ts';
import { SmtpMailer } from '../../../adapters/smtp/smtp-mailer.ts';
import { bulkHost, sleep } from './bulk-reminders.ts';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`dispatch-worker: ${name} is not set`);
  return value;
}

const send = (message: unknown) => process.send?.(message);

const lk = await createLatchkey({
  database: { url: env('LK_DB_URL') },
  keys: Keyring.parse(env('LK_KEYS'), 'LK_KEYS'),
  host: bulkHost(Number(env('LK_CLIENTS'))),
  tablePrefix: env('LK_TABLE_PREFIX'),
});
const mailer = new SmtpMailer({ url: env('LK_SMTP_URL'), from: env('LK_FROM') });
const dispatcher = lk.dispatcher(mailer, {
  workerId: env('LK_WORKER'),
  batchSize: Number(env('LK_BATCH')),
  leaseMs: Number(env('LK_LEASE_MS')),
});

let stopping = false;

async function run(): Promise<DispatchResult> {
  const total: DispatchResult = { sent: 0, failed: 0, dropped: 0 };
  do {
    const result = await dispatcher.drain();
    total.sent += result.sent;
    total.failed += result.failed;
    total.dropped += result.dropped;
    if (result.sent + result.failed + result.dropped === 0 && !stopping) await sleep(50);
  } while (!stopping);
  return total;
}

process.on('message', (message) => {
  if (message === 'stop' || message === 'drain') stopping = true;
  if (message !== 'drain' && message !== 'keep draining') return;
  run().then(async (total) => {
    send({ done: total });
    mailer.close();
    await lk.close();
    process.disconnect?.();
  }, (err: unknown) => {
    send({ error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
    process.exitCode = 1;
    process.disconnect?.();
  });
});
send('ready');
