// Benchmark: what does showing a panel cost when the host is WHMCS's API?
//
// Renders the client summary panel (an admin looking at one client) over
// three directories holding the same people: the in-memory one (the
// baseline, measured in the same run), WhmcsDirectory with its cache, and
// WhmcsDirectory with the cache off, each over the fake WHMCS API on loopback
// (test/whmcs/fake-whmcs.ts). Prints time ratios against the baseline and the
// API calls one render makes, at 5 and at 50 entries: bulk look-ups keep the
// calls flat as the panel grows. Loopback answers in well under a
// millisecond, where a real WHMCS takes tens: the call counts are the figure
// that carries over. Part of `npm run bench` (bench/run.ts).
import { performance } from 'node:perf_hooks';
import { MemoryDirectory } from '../adapters/memory/memory-directory.ts';
import { WhmcsApi, WhmcsDirectory } from '../adapters/whmcs/index.ts';
import { createHooks, Renderer, type AdminActor, type HostDirectory, type HookSurface } from '../core/index.ts';
import { openVault, type Vault } from '../test/support/databases.ts';
import { API_IDENTIFIER, API_SECRET, FakeWhmcs } from '../test/whmcs/fake-whmcs.ts';

const ADMIN: AdminActor = { kind: 'admin', adminId: '1' };
const CLIENT_ID = '2';
const ROUNDS = 100;
const SURFACE: HookSurface = { apiBase: '/latchkey/api', assetBase: '/latchkey/assets', pageUrl: '/admin/clientssummary.php?userid=2', csrfToken: 'bench', clipboardClearSeconds: 30 };

/** Everything the panel reads, copied out of WHMCS once, as an in-memory directory. */
async function snapshot(whmcs: HostDirectory): Promise<MemoryDirectory> {
  const [admins, adminRoles, clientGroups, productGroups, products] = await Promise.all([
    whmcs.allAdmins(), whmcs.adminRoles(), whmcs.clientGroups(), whmcs.productGroups(), whmcs.allProducts(),
  ]);
  const clientIds = ['1', '2', '3'];
  return new MemoryDirectory({
    admins, adminRoles, clientGroups, productGroups, products,
    clients: [...(await whmcs.clients(clientIds)).values()],
    contacts: await whmcs.contactsOfClients(clientIds),
    services: await whmcs.servicesOfClients(clientIds),
  });
}

async function time(rounds: number, body: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 10; i++) await body();
  const start = performance.now();
  for (let i = 0; i < rounds; i++) await body();
  return (performance.now() - start) / rounds;
}

interface Measured {
  vault: Vault;
  render(): Promise<string | null>;
}

async function panelOver(directory: HostDirectory, entries: number): Promise<Measured> {
  const vault = await openVault({ name: 'sqlite', url: 'sqlite::memory:' }, directory);
  await vault.lk.settings.update({ kind: 'system' }, { adminAccessMode: 'full' });
  for (let i = 0; i < entries; i++) {
    await vault.lk.entries.create(ADMIN, { name: `server ${i}`, clientId: CLIENT_ID, username: 'root', password: 'x' });
  }
  const hooks = createHooks(vault.lk, new Renderer());
  return { vault, render: () => hooks.clientSummary(ADMIN, { clientId: CLIENT_ID }, SURFACE) };
}

export async function whmcsPanel(): Promise<void> {
  const whmcs = await FakeWhmcs.start();
  const api = () => new WhmcsApi({ url: whmcs.url, identifier: API_IDENTIFIER, secret: API_SECRET });
  try {
    const memory = await snapshot(new WhmcsDirectory(api(), { cacheTtlMs: 0 }));
    console.log('\nclient summary panel over WHMCS\'s API (loopback) vs the same people in memory (ratio = WHMCS / memory)');
    console.log('entries | memory ms | cached ms | ratio | uncached ms | ratio | API calls per uncached render');
    for (const entries of [5, 50]) {
      const baseline = await panelOver(memory, entries);
      const cached = await panelOver(new WhmcsDirectory(api()), entries);
      const uncached = await panelOver(new WhmcsDirectory(api(), { cacheTtlMs: 0 }), entries);
      try {
        const html = await uncached.render();
        if (!html?.includes(`server ${entries - 1}`)) throw new Error('the panel over WHMCS does not list the entries: nothing to measure');
        whmcs.reset();
        await uncached.render();
        const calls = whmcs.requests.length;
        const memoryMs = await time(ROUNDS, baseline.render);
        const cachedMs = await time(ROUNDS, cached.render);
        const uncachedMs = await time(ROUNDS, uncached.render);
        console.log(`${String(entries).padStart(7)} | ${memoryMs.toFixed(3).padStart(9)} | ${cachedMs.toFixed(3).padStart(9)} | ${(cachedMs / memoryMs).toFixed(1).padStart(5)} | ${uncachedMs.toFixed(3).padStart(11)} | ${(uncachedMs / memoryMs).toFixed(1).padStart(5)} | ${calls}`);
      } finally {
        for (const m of [baseline, cached, uncached]) await m.vault.close();
      }
    }
  } finally {
    await whmcs.close();
  }
}
