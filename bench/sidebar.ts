// The ticket sidebar over HTTP against a bare Express handler that sends the
// same indexed SELECT of the ticket's client's entries as JSON
// (bench/sidebar-app.ts): requests per second of each from the same number of
// connections, measured twice. Once served by this process while it also
// generates the load (as every earlier run measured it). Once served by a
// service process of its own (bench/sidebar-service.ts) loaded from this one:
// that process's resident memory under the sidebar's load is the service's
// RSS, without the seeding or the load generator.
import { fork } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { throughput } from './measure.ts';
import { sidebarApp } from './sidebar-app.ts';
import type { ServiceSetup } from './sidebar-service.ts';
import { keyA, MEASURED_CLIENT, type BenchVault } from './world.ts';

const CONNECTIONS = 10;
const SLICES = 5;

export interface SidebarRates {
  sidebarRps: number;
  bareRps: number;
}

export interface SidebarFigures {
  /** Served by the process that also generates the load. */
  inProcess: SidebarRates;
  /** Served by a service process of its own. */
  service: SidebarRates & {
    /** Its largest resident set while the sidebar was loaded (MiB). */
    peakRssMiB: number;
  };
}

export async function sidebarThroughput(vault: BenchVault, seconds: number): Promise<SidebarFigures> {
  await vault.lk.settings.update({ kind: 'system' }, { adminAccessMode: 'full' });
  const server = sidebarApp(vault.lk, vault.knex, vault.tables).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  let inProcess: SidebarRates;
  try {
    inProcess = await inTurns(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, seconds);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  const service = await startService({ store: vault.store, prefix: vault.prefix, key: { id: keyA.id, key: keyA.key.toString('base64') } });
  try {
    let peakRssMiB = 0;
    const rates = await inTurns(service.url, seconds, async (side) => {
      const peak = await service.peakRssMiB();
      if (side === 'sidebar') peakRssMiB = Math.max(peakRssMiB, peak);
    });
    return { inProcess, service: { ...rates, peakRssMiB } };
  } finally {
    await service.stop();
  }
}

/**
 * Each side a slice at a time, in turns: on a shared machine the load of other work changes over a run, and
 * each side then meets the same share of it. `after` runs when a side's slice ends. Both sides are first
 * loaded unmeasured for a slice's time: a fresh process compiles the sidebar's templates and optimizes its
 * code during its first seconds (the first slice of a fresh service served about a fifth fewer sidebars
 * than the next ones), and the figure is the throughput of a service that has been running.
 */
async function inTurns(base: string, seconds: number, after?: (side: 'bare' | 'sidebar') => Promise<void>): Promise<SidebarRates> {
  const html = await (await fetch(`${base}/sidebar`)).text();
  if (!html.includes(`${MEASURED_CLIENT}.test`)) throw new Error('the sidebar lists none of the client\'s entries: nothing to measure');
  for (const side of ['bare', 'sidebar']) await throughput(`${base}/${side}`, CONNECTIONS, seconds / SLICES);
  const bare: number[] = [];
  const sidebar: number[] = [];
  for (let slice = 0; slice < SLICES; slice++) {
    bare.push(await throughput(`${base}/bare`, CONNECTIONS, seconds / SLICES));
    await after?.('bare');
    sidebar.push(await throughput(`${base}/sidebar`, CONNECTIONS, seconds / SLICES));
    await after?.('sidebar');
  }
  const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
  return { sidebarRps: mean(sidebar), bareRps: mean(bare) };
}

interface Service {
  url: string;
  /** The largest RSS since the last ask. */
  peakRssMiB(): Promise<number>;
  stop(): Promise<void>;
}

async function startService(setup: ServiceSetup): Promise<Service> {
  // The bench runs compiled (bench/tsconfig.json): the service is the built code, as installed.
  const script = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './sidebar-service.ts' : './sidebar-service.js', import.meta.url));
  const child = fork(script, { env: { ...process.env, LATCHKEY_BENCH_SERVICE: JSON.stringify(setup) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T>(pick: (message: unknown) => T | undefined) => new Promise<T>((resolve, reject) => {
    const onMessage = (message: unknown) => {
      const value = pick(message);
      if (value === undefined) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(value);
    };
    const onExit = (code: number | null) => reject(new Error(`the bench's sidebar service exited (${code})`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
  const port = await next((m) => (m as { port?: number }).port);
  return {
    url: `http://127.0.0.1:${port}`,
    peakRssMiB: () => {
      const answer = next((m) => (m as { peakRssMiB?: number }).peakRssMiB);
      child.send('rss');
      return answer;
    },
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.disconnect();
      await exited;
    },
  };
}
