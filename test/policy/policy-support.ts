import { expect } from 'chai';
import type { MemoryDirectory, MemoryHostData } from '../../adapters/memory/memory-directory.ts';
import { ForbiddenError, NotFoundError, type Actor, type Latchkey } from '../../core/index.ts';
import type { Vault } from '../support/databases.ts';
import { hostFixture } from '../support/host-fixture.ts';

/** The scenarios' host: the fixture, plus Sue (a second support admin) and Eve (in a role of her own, the auditors). */
export function scenarioHostData(): MemoryHostData {
  const fresh = hostFixture();
  fresh.data.adminRoles.push({ id: 'r-auditor', name: 'Auditors' });
  fresh.data.admins.push(
    { id: 'a-sue', name: 'Sue Support', email: 'sue@host.test', roleId: 'r-support', language: 'en', disabled: false, addonManager: false },
    { id: 'a-eve', name: 'Eve Auditor', email: 'eve@host.test', roleId: 'r-auditor', language: 'en', disabled: false, addonManager: false },
  );
  return fresh.data;
}

/** The system actor: settings changes without going through an addon manager. */
export const system: Actor = { kind: 'system' };

/**
 * Empties every table Latchkey owns (not the migration bookkeeping), so one
 * migrated vault serves many tests or generated worlds.
 */
export async function clearVault(vault: Vault): Promise<void> {
  const t = vault.tables;
  for (const table of [t.grants, t.categoryMembers, t.categories, t.history, t.entries, t.audit, t.settings, t.outbox, t.leases, t.usedTokens]) {
    await vault.raw(table).delete();
  }
}

/** Replaces everything the in-memory host knows, in place (Latchkey keeps the same directory object). */
export function resetHost(host: MemoryDirectory, data: MemoryHostData): void {
  Object.assign(host.data, data);
}

/** 'ok' or the error class name: what a call came to. */
export async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (err) {
    return err instanceof Error ? err.name : String(err);
  }
}

export async function rejection(call: Promise<unknown>): Promise<Error> {
  try {
    await call;
  } catch (err) {
    if (err instanceof Error) return err;
    throw new Error(`rejected with a non-error: ${String(err)}`);
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export async function expectNotFound(call: Promise<unknown>): Promise<void> {
  expect(await rejection(call)).to.be.instanceOf(NotFoundError);
}

export async function expectForbidden(call: Promise<unknown>): Promise<void> {
  expect(await rejection(call)).to.be.instanceOf(ForbiddenError);
}

/** Ids an actor's list returns (vault entries; `clientId` narrows it like the client summary does). */
export async function listedIds(lk: Latchkey, actor: Actor, clientId?: string): Promise<string[]> {
  const page = await lk.entries.list(actor, clientId === undefined ? { limit: 500 } : { clientId, limit: 500 });
  expect(page.total).to.equal(page.items.length);
  return page.items.map((e) => e.id).sort();
}

/** Ids of the service credentials an actor sees for one client. */
export async function serviceIds(lk: Latchkey, actor: Actor, clientId: string): Promise<string[]> {
  return (await lk.serviceCredentials.list(actor, clientId)).map((e) => e.id).sort();
}

/** Every row of the tables a write could touch, in a stable order: to prove nothing changed. */
export async function snapshot(vault: Vault): Promise<Record<string, unknown[]>> {
  const t = vault.tables;
  const tables: Array<[string, string[]]> = [
    [t.entries, ['id']],
    [t.grants, ['entry_id', 'principal_kind', 'principal_id']],
    [t.categories, ['id']],
    [t.categoryMembers, ['category_id', 'member_kind', 'member_id']],
    [t.history, ['id']],
    [t.audit, ['seq']],
    [t.settings, ['key']],
  ];
  const result: Record<string, unknown[]> = {};
  for (const [table, order] of tables) {
    const rows = await vault.raw(table).select('*').orderBy(order) as Array<Record<string, unknown>>;
    result[table] = rows.map((row) => normaliseRow(row));
  }
  return result;
}

function normaliseRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key] = typeof value === 'bigint' ? Number(value) : value;
  return out;
}
