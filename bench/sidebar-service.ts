// The service the sidebar figure loads, in a process of its own (started by
// bench/sidebar.ts): Latchkey on the bench's tables, mounted in Express. Its
// requests per second and its resident memory are the service's alone, not
// the load generator's or the seeding's. Tells its parent its port; answers
// each `rss` message with its largest RSS since the one before.
import type { AddressInfo } from 'node:net';
import { createLatchkey, Keyring } from '../core/index.ts';
import { tableNames } from '../core/store/table-names.ts';
import { sidebarApp } from './sidebar-app.ts';
import { benchHost, openBenchKnex, type BenchStore } from './world.ts';

export interface ServiceSetup {
  store: BenchStore;
  prefix: string;
  key: { id: string; key: string };
}

const setup = JSON.parse(process.env.LATCHKEY_BENCH_SERVICE ?? 'null') as ServiceSetup | null;
if (!setup || !process.send) throw new Error('bench/sidebar-service.ts is started by bench/sidebar.ts');
const knex = await openBenchKnex(setup.store);
const lk = await createLatchkey({
  database: { knex }, keys: new Keyring([{ id: setup.key.id, key: Buffer.from(setup.key.key, 'base64') }]), host: benchHost(), tablePrefix: setup.prefix,
});
const server = sidebarApp(lk, knex, tableNames(setup.prefix)).listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));

let peak = process.memoryUsage().rss;
setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 100).unref();
process.on('message', (message) => {
  if (message !== 'rss') return;
  process.send!({ peakRssMiB: Math.round(Math.max(peak, process.memoryUsage().rss) / 1024 / 1024) });
  peak = process.memoryUsage().rss;
});
process.on('disconnect', () => {
  server.close();
  void lk.close().then(() => knex.destroy()).then(() => process.exit(0));
});
process.send({ port: (server.address() as AddressInfo).port });
