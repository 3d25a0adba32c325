// Lists at two sizes: the same list, returning the same rows, at the small
// size and at the large one. A list bounded by an index costs about the same
// at both (the goal: at most 1.3x).
import type { SettingsPatch } from '../core/index.ts';
import { typicalMsInTurns, planVerdict } from './measure.ts';
import { actors, MEASURED_CLIENT, type BenchVault } from './world.ts';

export interface ListCase {
  name: string;
  settings: SettingsPatch;
  call(vault: BenchVault): Promise<unknown>;
}

const restricted: SettingsPatch = { adminAccessMode: 'restricted', allowedAdminIds: [], allowedAdminRoleIds: [], extendedAdminRoleIds: [] };
const summary = { clientId: MEASURED_CLIENT, limit: 500 };

export const LIST_CASES: ListCase[] = [
  { name: 'admin, full mode: a client summary', settings: { ...restricted, adminAccessMode: 'full' }, call: (v) => v.lk.entries.list(actors.support, summary) },
  { name: 'admin, shared mode: a client summary', settings: { ...restricted, adminAccessMode: 'shared' }, call: (v) => v.lk.entries.list(actors.support, summary) },
  { name: 'admin, restricted, allowed: a client summary', settings: { ...restricted, allowedAdminIds: ['a-allowed'] }, call: (v) => v.lk.entries.list(actors.allowed, summary) },
  { name: 'admin, restricted, not allowed: a client summary', settings: restricted, call: (v) => v.lk.entries.list(actors.support, summary) },
  { name: 'extended admin: a client summary', settings: { ...restricted, extendedAdminRoleIds: ['r-ext'] }, call: (v) => v.lk.entries.list(actors.extended, summary) },
  { name: 'client: its own list', settings: restricted, call: (v) => v.lk.entries.list(actors.client, { limit: 500 }) },
  { name: 'main contact: its list', settings: restricted, call: (v) => v.lk.entries.list(actors.mainContact, { limit: 500 }) },
  { name: 'other contact: its list', settings: restricted, call: (v) => v.lk.entries.list(actors.otherContact, { limit: 500 }) },
  {
    name: 'extended manager: all access details page (capped count)', settings: { ...restricted, extendedAdminRoleIds: ['r-ext'] },
    call: (v) => v.lk.entries.list(actors.manager, { limit: 50 }, { countUpTo: 1_000 }),
  },
];

/** Typical ms of each list case in the small vault and in the large one, the two taking turns round by round. */
export async function timeListsInTurns(small: BenchVault, large: BenchVault, rounds: number): Promise<{ small: Map<string, number>; large: Map<string, number> }> {
  const times = { small: new Map<string, number>(), large: new Map<string, number>() };
  for (const c of LIST_CASES) {
    for (const vault of [small, large]) await vault.lk.settings.update({ kind: 'system' }, c.settings);
    const [smallMs, largeMs] = await typicalMsInTurns(rounds, [() => c.call(small), () => c.call(large)]);
    times.small.set(c.name, smallMs!);
    times.large.set(c.name, largeMs!);
  }
  return times;
}

/** The plan verdict of each list case at the vault's present size. */
export async function listVerdicts(vault: BenchVault): Promise<Map<string, string>> {
  const verdicts = new Map<string, string>();
  for (const c of LIST_CASES) {
    await vault.lk.settings.update({ kind: 'system' }, c.settings);
    verdicts.set(c.name, await planVerdict(vault.knex, vault.tables.entries, () => c.call(vault)));
  }
  return verdicts;
}
