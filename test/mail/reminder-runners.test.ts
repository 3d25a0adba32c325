import { expect } from 'chai';
import type { Latchkey } from '../../core/index.ts';
import { DAY_MS } from '../../core/services/reminder-schedule.ts';
import { forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { openSibling } from '../support/shared-vault.ts';
import { bulkHost, bulkKeys, outboxStatuses, seedDueEntries } from './support/bulk-reminders.ts';

/**
 * The daily run on several instances at once (each host's cron, an in-process
 * interval): every due entry is reminded once, its watchers too, and moves on
 * one period, however the runners interleave.
 */
forEachDatabase('several reminder runs at once', (db) => {
  const entries = 300;
  const clients = 10;
  let vault: Vault;
  let siblings: Latchkey[];

  beforeEach(async () => {
    const host = bulkHost(clients);
    vault = await openVault(db, host, { keys: bulkKeys() });
    siblings = [];
    for (let i = 0; i < 3; i += 1) siblings.push(await openSibling(db, vault, host, bulkKeys()));
  });
  afterEach(async () => {
    for (const lk of siblings) await lk.close();
    await vault.close();
  });

  it('remind each due entry once, watchers included, and move each on one period', async () => {
    const now = Date.now();
    await seedDueEntries(vault, entries, clients, now);
    // Client 1 watches the first 20 entries (of other clients' too: watching needs no access to be queued).
    const ids = (await vault.raw(vault.tables.entries).select('id').orderBy('id') as Array<{ id: string }>).map((r) => r.id);
    await vault.raw(vault.tables.watchers).insert(ids.slice(0, 20).map((id) => ({
      entry_id: id, principal_kind: 'client', principal_id: 'c-1', created_at: now,
    })));
    const before = new Map((await vault.raw(vault.tables.entries).select('id', 'next_reminder_at') as Array<{ id: string; next_reminder_at: number | string }>)
      .map((r) => [r.id, Number(r.next_reminder_at)]));

    const queued = await Promise.all([vault.lk, ...siblings].map((lk) => lk.reminders.enqueueDue(40)));
    // c-1 owns every tenth entry, so 2 of the first 20 are its own: those are not doubled.
    const expected = entries + 20 - 2;
    expect(queued.reduce((a, b) => a + b, 0)).to.equal(expected);
    expect(await outboxStatuses(vault)).to.deep.equal({ pending: expected });
    const keys = await vault.raw(vault.tables.outbox).select('dedupe_key') as Array<{ dedupe_key: string }>;
    expect(new Set(keys.map((k) => k.dedupe_key)).size).to.equal(expected);

    const after = await vault.raw(vault.tables.entries).select('id', 'next_reminder_at') as Array<{ id: string; next_reminder_at: number | string }>;
    for (const row of after) expect(Number(row.next_reminder_at) - before.get(row.id)!, row.id).to.equal(90 * DAY_MS);

    // A second round finds nothing due.
    expect(await vault.lk.reminders.enqueueDue()).to.equal(0);
  });
});
