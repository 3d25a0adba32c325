import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Dialect } from './database.ts';

/**
 * How many statements one connection keeps prepared, the least recently used
 * closed first: a pool of 10 connections then holds at most 320 on the
 * server, far below its max_prepared_stmt_count (16,382 by default), however
 * many list shapes (sorts, filters, actor kinds) the panels send.
 */
export const PREPARED_PER_CONNECTION = 32;

interface PreparingConnection {
  execute(sql: string, values: unknown[], callback: (err: Error | null, rows: unknown) => void): unknown;
  unprepare(sql: string): unknown;
  __knexUid?: string;
}

interface PooledClient {
  acquireConnection(): Promise<PreparingConnection>;
  releaseConnection(connection: PreparingConnection): Promise<unknown>;
  emit(event: 'query', data: object): boolean;
}

/** The statements each connection holds prepared, the most recently used last. */
const preparedOn = new WeakMap<PreparingConnection, string[]>();

/**
 * Runs a SELECT that a page sends on every render (a panel's list, with the
 * visibility rule and what each row brings along: a long statement) as a
 * server-side prepared statement on MySQL and MariaDB. The server then parses
 * and prepares it once per connection and afterwards only executes it: a
 * fifth of its time for the ticket sidebar's page. Where the database and the
 * service share a machine's cores, that time is taken from the service too.
 *
 * The connection comes from knex's own pool and goes back to it, and the
 * statement is announced on knex's `query` event (with `prepared: true`) like
 * any other. A database Latchkey opened itself bounds the call with its time
 * limit (see `openDatabase`). On SQLite, and through the older mysql driver,
 * the builder runs as it is.
 */
export async function readPrepared<Row>(knex: Knex, dialect: Dialect, query: Knex.QueryBuilder): Promise<Row[]> {
  // The older mysql driver, which knex also speaks, has no prepared statements.
  if (dialect !== 'mysql' || (knex.client as { driverName?: string }).driverName !== 'mysql2') return await query as Row[];
  const { sql, bindings } = query.toSQL().toNative();
  return executePrepared<Row>(knex, sql, bindings);
}

/** `sql` with `?` placeholders as a prepared statement on a pooled mysql2 connection, announced and kept as `readPrepared` says. */
export async function executePrepared<Row>(knex: Knex, sql: string, bindings: readonly unknown[]): Promise<Row[]> {
  const client = knex.client as unknown as PooledClient;
  const connection = await client.acquireConnection();
  try {
    client.emit('query', { method: 'select', sql, bindings, options: {}, prepared: true, __knexUid: connection.__knexUid, __knexQueryUid: randomUUID() });
    try {
      return await new Promise<Row[]>((resolve, reject) => {
        connection.execute(sql, [...bindings], (err, result) => (err ? reject(err) : resolve(result as Row[])));
      });
    } finally {
      // Counted even when the execution failed: the statement may be prepared on the server all the same.
      keepPrepared(connection, sql);
    }
  } finally {
    await client.releaseConnection(connection);
  }
}

function keepPrepared(connection: PreparingConnection, sql: string): void {
  let kept = preparedOn.get(connection);
  if (!kept) {
    kept = [];
    preparedOn.set(connection, kept);
  }
  const at = kept.indexOf(sql);
  if (at >= 0) kept.splice(at, 1);
  kept.push(sql);
  if (kept.length > PREPARED_PER_CONNECTION) connection.unprepare(kept.shift()!);
}
