// `npm run bench`: Latchkey at a hosting company's scale, each figure against
// raw code doing the same work in the same run (issue 13). It runs compiled
// (bench/tsconfig.json into dist-bench/), as the package is installed: both
// Latchkey and the raw code it is measured against. On MariaDB when
// LATCHKEY_BENCH_MYSQL_URL is set (tables under a prefix of their own, dropped
// at the end), else on a SQLite file. LATCHKEY_BENCH_ROWS sets the large size
// (default 50,000); lists are also timed at LATCHKEY_BENCH_SMALL_ROWS (10,000).
// Prints a table of ratios with the goals and the plans' verdicts, and writes
// it as JSON to bench/results/. LATCHKEY_BENCH_WHMCS=1 adds the panel over
// WHMCS's API (bench/whmcs-panel.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { LIST_CASES, listVerdicts, timeListsInTurns } from './lists.ts';
import { sidebarThroughput } from './sidebar.ts';
import { timeImport } from './imports.ts';
import { timeRotation } from './rotation.ts';
import { timeWrites } from './writes.ts';
import { whmcsPanel } from './whmcs-panel.ts';
import { analyzeVault, benchConfig, openBenchVault, seedEntries } from './world.ts';

interface Row {
  figure: string;
  value: string;
  ratio: number | null;
  goal: string;
  meets: boolean | null;
  plan?: string;
}

const config = benchConfig();
/** The import figure's size (issue 14). */
const IMPORT_ENTRIES = 10_000;
const rows: Row[] = [];
const log = (line: string) => console.log(line);
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

log(`latchkey bench on ${config.database}: ${config.smallRows.toLocaleString('en')} and ${config.rows.toLocaleString('en')} entries`);
const vault = await openBenchVault(config);
// The lists at the small size, in a vault of their own kept beside the large one: both sizes are timed
// in turns, round by round, so a quiet or a busy minute of the machine falls on both alike.
const smallVault = await openBenchVault(config);
try {
  const seedStart = performance.now();
  const progress = (done: number) => { if (done % 100_000 === 0) log(`  seeded ${done.toLocaleString('en')} entries (${((performance.now() - seedStart) / 1000).toFixed(0)} s)`); };
  await seedEntries(smallVault, 0, config.smallRows);
  await seedEntries(vault, 0, config.rows, progress);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  log(`  seeded in ${seedSeconds.toFixed(0)} s; ANALYZE`);
  await analyzeVault(smallVault);
  await analyzeVault(vault);
  const { small, large } = await timeListsInTurns(smallVault, vault, 100);
  const verdicts = await listVerdicts(vault);
  for (const c of LIST_CASES) {
    const r = ratio(large.get(c.name)!, small.get(c.name)!);
    rows.push({
      figure: `list: ${c.name}`, value: `${small.get(c.name)!.toFixed(2)} → ${large.get(c.name)!.toFixed(2)} ms`,
      ratio: r, goal: '≤ 1.3 (large / small)', meets: r <= 1.3, plan: verdicts.get(c.name),
    });
  }

  const sidebar = await sidebarThroughput(vault, config.loadSeconds);
  for (const [where, rates] of [['served by the process loading it', sidebar.inProcess], ['served by a service process of its own', sidebar.service]] as const) {
    const sidebarRatio = ratio(rates.sidebarRps, rates.bareRps);
    rows.push({
      figure: `ticket sidebar vs bare Express SELECT (rps, 10 connections, ${where})`, value: `${rates.sidebarRps.toFixed(0)} vs ${rates.bareRps.toFixed(0)}`,
      ratio: sidebarRatio, goal: '≥ 0.3', meets: sidebarRatio >= 0.3,
    });
  }
  rows.push({ figure: 'RSS of the service process under sidebar load (MiB)', value: String(sidebar.service.peakRssMiB), ratio: null, goal: '< 300', meets: sidebar.service.peakRssMiB < 300 });

  const writes = await timeWrites(vault, 200);
  const revealRatio = ratio(writes.revealMs, writes.rawRevealMs);
  const createRatio = ratio(writes.rawCreateMs, writes.createMs);
  rows.push({ figure: 'reveal vs raw with the same hash-chain transaction (ms)', value: `${writes.revealMs.toFixed(2)} vs ${writes.rawRevealMs.toFixed(2)}`, ratio: revealRatio, goal: '≤ 1.5 (time)', meets: revealRatio <= 1.5 });
  rows.push({ figure: 'create vs raw entry + audit insert (rate)', value: `${writes.createMs.toFixed(2)} vs ${writes.rawCreateMs.toFixed(2)} ms`, ratio: createRatio, goal: '≥ 0.5 (rate)', meets: createRatio >= 0.5 });

  const rotation = await timeRotation(vault);
  const rotationRatio = ratio(rotation.latchkey.rowsPerSecond, rotation.raw.rowsPerSecond);
  const steady = ratio(rotation.latchkey.lastTenthRowsPerSecond, rotation.latchkey.firstTenthRowsPerSecond);
  rows.push({ figure: 'key rotation vs raw batched UPDATE (rows/s)', value: `${rotation.latchkey.rowsPerSecond.toFixed(0)} vs ${rotation.raw.rowsPerSecond.toFixed(0)}`, ratio: rotationRatio, goal: '≥ 0.5', meets: rotationRatio >= 0.5 });
  rows.push({
    figure: 'key rotation, last tenth vs first tenth (rows/s)',
    value: `${rotation.latchkey.lastTenthRowsPerSecond.toFixed(0)} vs ${rotation.latchkey.firstTenthRowsPerSecond.toFixed(0)} (raw: ${rotation.raw.lastTenthRowsPerSecond.toFixed(0)} vs ${rotation.raw.firstTenthRowsPerSecond.toFixed(0)})`,
    ratio: steady, goal: '≈ 1 (≥ 0.8)', meets: steady >= 0.8,
  });

  const imported = await timeImport(vault, IMPORT_ENTRIES);
  const importRatio = ratio(imported.importRowsPerSecond, imported.rawRowsPerSecond);
  rows.push({
    figure: `import of ${IMPORT_ENTRIES.toLocaleString('en')} entries vs raw batched INSERT of the same sealed rows (rows/s)`,
    value: `${imported.importRowsPerSecond.toFixed(0)} vs ${imported.rawRowsPerSecond.toFixed(0)}`, ratio: importRatio, goal: '≥ 0.3', meets: importRatio >= 0.3,
  });

  log('');
  log('figure | value | ratio | goal | meets | plan');
  for (const r of rows) log(`${r.figure} | ${r.value} | ${r.ratio ?? '-'} | ${r.goal} | ${r.meets === null ? '-' : r.meets ? 'yes' : 'NO'} | ${r.plan ?? ''}`);

  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`;
  // bench/results/ in the repository, whether this runs from bench/ or compiled from dist-bench/bench/.
  const results = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './results/' : '../../bench/results/', import.meta.url));
  mkdirSync(results, { recursive: true });
  const file = `${results}${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}-${config.database}-${config.rows}.json`;
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine, config: { ...config, url: config.url ? 'set' : null }, seedSeconds, rows }, null, 2)}\n`);
  log(`\nwritten to ${file}`);
} finally {
  await smallVault.close();
  await vault.close();
}

if (process.env.LATCHKEY_BENCH_WHMCS === '1') await whmcsPanel();
