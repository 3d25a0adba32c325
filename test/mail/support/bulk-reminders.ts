import { MemoryDirectory } from '../../../adapters/memory/memory-directory.ts';
import { Keyring } from '../../../core/index.ts';
import { newId } from '../../../core/store/ids.ts';
import { DAY_MS } from '../../../core/services/reminder-schedule.ts';
import type { Vault } from '../../support/databases.ts';

/** The test keyring as an env-safe string, so a child process opens the same vault. */
export function keySpec(): string {
  return `mailtest:${Buffer.alloc(32, 7).toString('base64')}`;
}

export function bulkKeys(): Keyring {
  return Keyring.parse(keySpec(), 'the mail test keys');
}

/** A host with `clients` active clients (`c-0`, `c-1`, ...), each with an address of its own. */
export function bulkHost(clients: number): MemoryDirectory {
  return new MemoryDirectory({
    clients: Array.from({ length: clients }, (_, i) => ({
      id: `c-${i}`, name: `Client ${i}`, email: `client${i}@clients.test`, groupId: null, language: 'en', status: 'Active',
    })),
  });
}

/**
 * Makes `count` entries whose reminder is due now, owned round-robin by the
 * host's clients. One entry is made through the service (for a real wrapped
 * key and ciphertext); the rest are copies of its row with their own ids,
 * inserted in batches, as setup for tests about sending, not about creating.
 */
export async function seedDueEntries(vault: Vault, count: number, clients: number, now: number): Promise<void> {
  const template = await vault.lk.entries.create({ kind: 'client', clientId: 'c-0' }, { name: 'Template', password: 'pw', reminderDays: 0 });
  const row = await vault.raw(vault.tables.entries).where('id', template.id).first() as Record<string, unknown>;
  await vault.raw(vault.tables.entries).where('id', template.id).delete();
  const changedAt = now - 91 * DAY_MS;
  const rows = Array.from({ length: count }, (_, i) => ({
    ...row,
    id: newId(changedAt + i),
    name: `Server ${i}`,
    owner_id: `c-${i % clients}`,
    client_id: `c-${i % clients}`,
    reminder_days: 90,
    password_changed_at: changedAt,
    next_reminder_at: changedAt + 90 * DAY_MS,
  }));
  await vault.raw.batchInsert(vault.tables.entries, rows, 500);
}

/** Outbox rows by status, read through the raw connection. */
export async function outboxStatuses(vault: Vault): Promise<Record<string, number>> {
  const rows = await vault.raw(vault.tables.outbox).select('status').count({ n: '*' }).groupBy('status') as Array<{ status: string; n: number | string }>;
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
