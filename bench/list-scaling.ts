// Benchmarks: is a list's cost set by the rows it returns, not by the table?
//
// For each table size, times `entries.list` for one client (always 20 rows)
// as a restricted-mode admin and as the client, against a baseline measured
// in the same run on the same table: one primary-key look-up. Prints ratios,
// so the figures compare across machines. Part of `npm run bench` (bench/run.ts).
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { MemoryDirectory } from '../adapters/memory/memory-directory.ts';
import type { Actor, HostClient } from '../core/index.ts';
import { newId } from '../core/store/ids.ts';
import { openVault, testDatabases, type Vault } from '../test/support/databases.ts';

const SIZES = [2_000, 20_000, 100_000];
const CLIENTS = 500;
/** The measured client owns exactly this many entries at every table size: the rows returned stay fixed. */
const MEASURED_ROWS = 20;
const ROUNDS = 200;

function host(): MemoryDirectory {
  const clients: HostClient[] = Array.from({ length: CLIENTS + 1 }, (_, i) => ({
    id: i === CLIENTS ? 'measured' : `c${i}`, name: `Client ${i}`, email: `c${i}@example.test`, groupId: 'g1', language: 'en', status: 'Active',
  }));
  return new MemoryDirectory({
    adminRoles: [{ id: 'support', name: 'Support' }],
    admins: [{ id: 'a1', name: 'Agent', email: 'a@example.test', roleId: 'support', language: 'en', disabled: false, addonManager: false }],
    clientGroups: [{ id: 'g1', name: 'Retail' }],
    clients,
  });
}

/** Bulk rows: lists never decrypt, so one real envelope is reused to keep set-up fast. */
async function fill(vault: Vault, target: number, have: number): Promise<void> {
  const sample = await vault.raw(vault.tables.entries).first();
  const now = Date.now();
  const rows = [];
  for (let i = have; i < target; i++) {
    const client = `c${i % CLIENTS}`;
    rows.push({
      ...sample, id: newId(now + i), name: `server-${i}-${randomBytes(3).toString('hex')}`, owner_kind: 'client', owner_id: client,
      client_id: client, shared_with_admin: i % 2 === 0, created_at: now, updated_at: now,
    });
  }
  for (let i = 0; i < rows.length; i += 500) await vault.raw.batchInsert(vault.tables.entries, rows.slice(i, i + 500), 500);
}

async function time(rounds: number, body: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 20; i++) await body();
  const start = performance.now();
  for (let i = 0; i < rounds; i++) await body();
  return (performance.now() - start) / rounds;
}

export async function listScaling(): Promise<void> {
  for (const db of testDatabases()) {
    const vault = await openVault(db, host());
    try {
      await vault.lk.settings.update({ kind: 'system' }, { adminAccessMode: 'restricted', allowedAdminRoleIds: ['support'] });
      const client: Actor = { kind: 'client', clientId: 'measured' };
      for (let i = 0; i < MEASURED_ROWS; i++) await vault.lk.entries.create(client, { name: `measured ${i}`, password: 'x', sharedWithAdmin: true });
      const admin: Actor = { kind: 'admin', adminId: 'a1' };
      const anyId = (await vault.raw(vault.tables.entries).select('id').first()).id as string;
      console.log(`\n${db.name}: list of one client's entries vs one primary-key look-up (ratio = list / look-up)`);
      console.log('rows in table | look-up ms | admin list ms | ratio | client list ms | ratio');
      let have = MEASURED_ROWS;
      for (const size of SIZES) {
        await fill(vault, size, have);
        have = size;
        const baseline = await time(ROUNDS, () => vault.raw(vault.tables.entries).where('id', anyId).first());
        const adminList = await time(ROUNDS, () => vault.lk.entries.list(admin, { clientId: 'measured', limit: 50 }));
        const clientList = await time(ROUNDS, () => vault.lk.entries.list(client, { limit: 50 }));
        console.log(`${String(size).padStart(13)} | ${baseline.toFixed(3).padStart(10)} | ${adminList.toFixed(3).padStart(13)} | ${(adminList / baseline).toFixed(1).padStart(5)} | ${clientList.toFixed(3).padStart(14)} | ${(clientList / baseline).toFixed(1).padStart(5)}`);
      }
    } finally {
      await vault.close();
    }
  }
}
