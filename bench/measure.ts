// How the bench measures: median milliseconds after a warm-up, requests per
// second over loopback HTTP with a fixed number of keep-alive connections, and
// the databases' own plans of the statements a call sends.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Knex } from 'knex';
import { fullScansOf, plansOf, type QueryPlan } from '../test/support/query-plan.ts';

/**
 * Typical milliseconds of each body: the median of `rounds` runs, after a
 * fifth as many to warm up, the bodies taking turns round by round. The
 * median, not the mean: on a shared machine a few runs stall on another
 * process, and one stall would move a mean of fast calls more than the table
 * size does. In turns: a figure and its baseline then meet the same moments
 * of a shared machine, not one its quiet minute and the other its busy one.
 */
export async function typicalMsInTurns(rounds: number, bodies: ReadonlyArray<(round: number) => Promise<unknown>>): Promise<number[]> {
  for (let i = 0; i < Math.max(3, Math.floor(rounds / 5)); i++) for (const body of bodies) await body(i);
  const times = bodies.map(() => [] as number[]);
  for (let i = 0; i < rounds; i++) {
    for (const [b, body] of bodies.entries()) {
      const start = performance.now();
      await body(i);
      times[b]!.push(performance.now() - start);
    }
  }
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]!);
}

/** GETs `url` from `connections` keep-alive connections for `seconds`: requests per second. */
export async function throughput(url: string, connections: number, seconds: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const get = () => new Promise<void>((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`${url} answered ${res.statusCode}`));
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end();
  });
  for (let i = 0; i < connections * 5; i++) await get();
  let done = 0;
  const until = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(Array.from({ length: connections }, async () => {
    while (performance.now() < until) {
      await get();
      done += 1;
    }
  }));
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  return done / elapsed;
}

/**
 * What the database makes of the SELECTs reading `table` that `call` sends:
 * "index" when no step reads the whole table, "bounded" when the only whole
 * reads stop at a LIMIT (a capped count), else "FULL SCAN" with the step.
 */
export async function planVerdict(knex: Knex, table: string, call: () => Promise<unknown>): Promise<string> {
  const plans = await plansOf(knex, [table], call);
  const scanning = plans.filter((plan) => fullScansOf([plan], table).length > 0);
  if (scanning.length === 0) return 'index';
  // A count cut off by LIMIT, or a page read off an index in list order (no sort) up to its LIMIT, stops early.
  const bounded = (plan: QueryPlan) => /\blimit \?\) as [`"]capped[`"]/i.test(plan.sql) || (!plan.sorts && /\blimit \?$/i.test(plan.sql));
  if (scanning.every(bounded)) return 'bounded (LIMIT)';
  return `FULL SCAN: ${fullScansOf(scanning, table)[0]!.split('\n')[0]}`;
}
