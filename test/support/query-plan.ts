import type { Knex } from 'knex';
import { executePrepared } from '../../core/store/prepared-read.ts';

// Query plans for plan tests: what the database itself would do with the SQL a
// service really sends, read after ANALYZE (stale statistics give plans no
// production sees). `plansOf` listens to a knex while a service call runs and
// explains each SELECT it sent with its own values; `explain` takes a query
// builder or its `.toSQL()`. Plans come back normalised to table accesses, so
// one assertion ("no full scan of entries") holds on SQLite and on MariaDB.

/** One statement as knex sent it: SQL with `?` placeholders and its values. */
export interface Statement {
  sql: string;
  bindings: readonly Knex.Value[];
  /**
   * Sent as a prepared statement (store/prepared-read.ts): its values travel typed (a number as a
   * double), not written into the SQL, so MariaDB explains it the same way, as a prepared statement.
   */
  prepared?: boolean;
}

/** How one step of a plan reads one table. */
export interface TableAccess {
  /** The table's real name (the SQL's alias resolved). */
  table: string;
  /** The name the SQL gives it (`e`, `g`, ...). */
  alias: string;
  /**
   * Reads the whole table, or the whole of one of its indexes: SQLite's
   * `SCAN` (with or without `USING INDEX`), MariaDB's `type=ALL` or `type=index`,
   * and a MariaDB range or look-up it expects to cover more than half the
   * table (`service_id IS NULL OR service_id NOT IN (...)` is a "range" too).
   * Such a read costs what the table holds, not what the query returns.
   */
  fullScan: boolean;
  /** The index the step reads through, if any. */
  index: string | null;
  /** Reads the index alone, never the table's rows. */
  indexOnly: boolean;
  /** The database's own words for the step, for failure messages. */
  detail: string;
}

export interface QueryPlan {
  sql: string;
  /** Every access to a real table (derived tables, subquery results and temp b-trees left out). */
  accesses: TableAccess[];
  /** The plan as the database printed it, one line a step. */
  lines: string[];
  /**
   * Some step sorts rows after reading them (SQLite's temp b-tree, MariaDB's
   * filesort): a page then costs every matching row, however short it is.
   * Sorts inside subqueries count too (SQLite sorts each UNION member).
   */
  sorts: boolean;
}

type Dialect = 'sqlite' | 'mysql';

function dialectOf(knex: Knex): Dialect {
  return knex.client.config.client === 'mysql2' ? 'mysql' : 'sqlite';
}

/**
 * Real tables the SQL reads, by the names a plan may give them: `from "t" as "e"`
 * maps `e` and `t` to `t`. A derived table (`from (select ...) as u`) names no
 * real table, so it is not listed.
 */
export function tablesBySqlName(sql: string): Map<string, string> {
  const names = new Map<string, string>();
  const reads = /\b(?:from|join)\s+([`"])([^`"]+)\1(?:\s+as\s+([`"])([^`"]+)\3)?/gi;
  for (const match of sql.matchAll(reads)) {
    // Plans name a table by its alias, but SQLite's whole-table count names the table itself.
    names.set(match[2]!, match[2]!);
    if (match[4] !== undefined) names.set(match[4], match[2]!);
  }
  return names;
}

/**
 * Refreshes the optimizer's statistics of the tables: a plan read from stale
 * statistics says nothing about the plan production will get.
 */
export async function analyze(knex: Knex, tables: readonly string[]): Promise<void> {
  if (dialectOf(knex) === 'sqlite') {
    await knex.raw('ANALYZE');
    return;
  }
  if (tables.length === 0) return;
  await knex.raw(`ANALYZE TABLE ${tables.map(() => '??').join(', ')}`, [...tables]);
}

/** ANALYZE on the tables the statement reads, then the statement's plan. */
export async function explain(knex: Knex, query: Knex.QueryBuilder | Knex.Sql | Statement): Promise<QueryPlan> {
  const statement = 'toSQL' in query ? query.toSQL() : query;
  const { sql } = statement;
  const bindings = [...statement.bindings];
  const tables = tablesBySqlName(sql);
  await analyze(knex, [...new Set(tables.values())]);
  if (dialectOf(knex) === 'sqlite') {
    const rows = await knex.raw(`EXPLAIN QUERY PLAN ${sql}`, bindings) as Array<{ detail: string }>;
    return {
      sql, lines: rows.map((r) => r.detail), accesses: rows.flatMap((r) => sqliteAccess(r.detail, tables)),
      sorts: rows.some((r) => /^USE TEMP B-TREE FOR (?:RIGHT PART OF |LAST \d+ TERMS OF )?ORDER BY/.test(r.detail)),
    };
  }
  const rows = await onMariaDb<MariaDbPlanRow>(knex, `EXPLAIN ${sql}`, bindings, 'prepared' in statement && statement.prepared === true);
  const sizes = new Map<string, number>();
  for (const table of new Set(tables.values())) sizes.set(table, await rowCount(knex, table));
  return {
    sql, lines: rows.map(describeMariaDbRow), accesses: rows.flatMap((r) => mariaDbAccess(r, tables, sizes)),
    sorts: rows.some((r) => /\bUsing filesort\b/.test(r.Extra ?? '')),
  };
}

/**
 * `SCAN e`, `SCAN e USING COVERING INDEX i`, `SEARCH g USING INDEX i (k=?)`,
 * `SEARCH e USING PRIMARY KEY (rowid=?)`; also the older `SCAN TABLE t AS e`.
 */
function sqliteAccess(detail: string, tables: Map<string, string>): TableAccess[] {
  const step = /^(SCAN|SEARCH) (?:TABLE )?(\S+)(?: AS (\S+))?(?: USING (COVERING |AUTOMATIC (?:PARTIAL )?COVERING )?(?:INDEX (\S+)|(INTEGER PRIMARY KEY|PRIMARY KEY)))?/.exec(detail);
  if (!step) return [];
  const alias = step[3] ?? step[2]!;
  const table = tables.get(alias);
  if (table === undefined) return [];
  return [{
    table, alias, fullScan: step[1] === 'SCAN', index: step[5] ?? step[6] ?? null, indexOnly: step[4] !== undefined, detail,
  }];
}

interface MariaDbPlanRow {
  id: number | null;
  select_type: string;
  table: string | null;
  type: string | null;
  possible_keys: string | null;
  key: string | null;
  rows: number | string | null;
  Extra: string | null;
}

/** A MariaDB statement's rows, sent as the service sent it: prepared, or with its values written in. */
async function onMariaDb<Row>(knex: Knex, sql: string, bindings: readonly Knex.Value[], prepared: boolean): Promise<Row[]> {
  if (prepared) return executePrepared<Row>(knex, sql, bindings);
  const [rows] = await knex.raw(sql, [...bindings]) as [Row[]];
  return rows;
}

async function rowCount(knex: Knex, table: string): Promise<number> {
  const [row] = await knex(table).count({ n: '*' }) as Array<{ n: number | string }>;
  return Number(row?.n ?? 0);
}

function mariaDbAccess(row: MariaDbPlanRow, tables: Map<string, string>, sizes: Map<string, number>): TableAccess[] {
  const table = row.table === null ? undefined : tables.get(row.table);
  if (table === undefined || row.type === null) return [];
  // `ref|filter`: a look-up narrowed further by a rowid filter from a second index.
  const [type] = row.type.split('|');
  const [index] = (row.key ?? '').split('|');
  const size = sizes.get(table) ?? 0;
  const mostOfTable = size >= 100 && Number(row.rows ?? 0) > size / 2;
  return [{
    table, alias: row.table!, fullScan: type === 'ALL' || type === 'index' || mostOfTable, index: index || null,
    indexOnly: /\bUsing index\b/.test(row.Extra ?? ''), detail: describeMariaDbRow(row),
  }];
}

function describeMariaDbRow(row: MariaDbPlanRow): string {
  return `${row.select_type} ${row.table ?? '-'} type=${row.type ?? '-'} key=${row.key ?? '-'} rows=${row.rows ?? '-'} ${row.Extra ?? ''}`.trim();
}

/** Every statement knex runs while `action` runs, in order. */
export async function recordStatements(knex: Knex, action: () => Promise<unknown>): Promise<Statement[]> {
  const seen: Statement[] = [];
  const listener = (data: { sql: string; bindings?: readonly Knex.Value[]; prepared?: boolean }) => {
    seen.push({ sql: data.sql, bindings: data.bindings ?? [], prepared: data.prepared === true });
  };
  knex.on('query', listener);
  try {
    await action();
  } finally {
    knex.removeListener('query', listener);
  }
  return seen;
}

/**
 * The plans of the SELECTs that read any of `tables` while `action` runs:
 * what a service really sends, explained with the values it sent.
 */
export async function plansOf(knex: Knex, tables: readonly string[], action: () => Promise<unknown>): Promise<QueryPlan[]> {
  const statements = await recordStatements(knex, action);
  const reading = statements.filter((s) => /^\s*select\b/i.test(s.sql)
    && [...tablesBySqlName(s.sql).values()].some((t) => tables.includes(t)));
  const plans: QueryPlan[] = [];
  for (const statement of reading) plans.push(await explain(knex, statement));
  return plans;
}

/** The steps of the plans that read the whole of `table`, described for a failure message. */
export function fullScansOf(plans: readonly QueryPlan[], table: string): string[] {
  return plans.flatMap((plan) => plan.accesses
    .filter((a) => a.table === table && a.fullScan)
    .map((a) => `${a.detail}\n    in: ${plan.sql}\n    plan:\n      ${plan.lines.join('\n      ')}`));
}

/**
 * MariaDB only: runs the statement under `ANALYZE` and answers how many rows
 * each step really read of `table` (`r_rows`, summed over the steps that read
 * it). What a plan only estimates, this counts.
 */
export async function rowsReadOnMariaDb(knex: Knex, statement: Statement, table: string): Promise<number> {
  const tables = tablesBySqlName(statement.sql);
  const rows = await onMariaDb<MariaDbPlanRow & { r_rows: number | string | null }>(knex, `ANALYZE ${statement.sql}`, [...statement.bindings], statement.prepared === true);
  return rows.filter((r) => r.table !== null && tables.get(r.table) === table).reduce((sum, r) => sum + Number(r.r_rows ?? 0), 0);
}
