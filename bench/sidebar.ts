// The ticket sidebar over HTTP against a bare Express handler that sends the
// same indexed SELECT of the ticket's client's entries as JSON: requests per
// second of each from the same number of connections, in the same process.
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createHooks, Renderer, type HookSurface } from '../core/index.ts';
import { LISTED_COLUMNS } from '../core/store/entry-rows.ts';
import { throughput, type Throughput } from './measure.ts';
import { actors, MEASURED_CLIENT, TICKET, type BenchVault } from './world.ts';

const SURFACE: HookSurface = { apiBase: '/lk/api', assetBase: '/lk/assets', pageUrl: '/ticket', csrfToken: 'bench', clipboardClearSeconds: 30 };
const CONNECTIONS = 10;
const SLICES = 5;

function combined(slices: readonly Throughput[]): Throughput {
  return { rps: slices.reduce((sum, t) => sum + t.rps, 0) / slices.length, peakRssMiB: Math.max(...slices.map((t) => t.peakRssMiB)) };
}

export interface SidebarFigures {
  sidebar: Throughput;
  bare: Throughput;
}

export async function sidebarThroughput(vault: BenchVault, seconds: number): Promise<SidebarFigures> {
  await vault.lk.settings.update({ kind: 'system' }, { adminAccessMode: 'full' });
  const hooks = createHooks(vault.lk, new Renderer());
  const app = express();
  app.get('/sidebar', async (_req, res, next) => {
    try {
      res.type('html').send(await hooks.ticketSidebar(actors.support, { ticketId: TICKET }, SURFACE));
    } catch (err) { next(err); }
  });
  app.get('/bare', async (_req, res, next) => {
    try {
      res.json(await vault.knex(vault.tables.entries).select(LISTED_COLUMNS).where('client_id', MEASURED_CLIENT)
        .orderBy([{ column: 'name' }, { column: 'id' }]).limit(500));
    } catch (err) { next(err); }
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const html = await hooks.ticketSidebar(actors.support, { ticketId: TICKET }, SURFACE);
    if (!html?.includes(`${MEASURED_CLIENT}.test`)) throw new Error('the sidebar lists none of the client\'s entries: nothing to measure');
    // Taken in turns, a slice at a time: on a shared machine the load of other work changes over
    // a run, and each side then meets the same share of it.
    const bare: Throughput[] = [];
    const sidebar: Throughput[] = [];
    for (let slice = 0; slice < SLICES; slice++) {
      bare.push(await throughput(`${base}/bare`, CONNECTIONS, seconds / SLICES));
      sidebar.push(await throughput(`${base}/sidebar`, CONNECTIONS, seconds / SLICES));
    }
    return { sidebar: combined(sidebar), bare: combined(bare) };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}
