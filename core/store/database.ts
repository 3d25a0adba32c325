import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { ConfigurationError, DatabaseUnavailableError } from '../errors.ts';
import { consoleLogger, type Logger } from '../ports/logger.ts';

/**
 * Where the vault lives: a database URL (`sqlite:<path>`, `sqlite::memory:`,
 * `mysql://user:pass@host:3306/db`) or a knex instance the host already has.
 */
export type DatabaseConfig = {
  url: string;
  /**
   * Milliseconds a MySQL/MariaDB connection or query (schema changes excepted) may take before the
   * database counts as unavailable (503), rather than holding the request
   * (default 10 000). A server that accepts connections and never answers
   * is caught by it.
   */
  timeoutMs?: number;
} | { knex: Knex };

export const DEFAULT_DATABASE_TIMEOUT_MS = 10_000;

export type Dialect = 'sqlite' | 'mysql';

/**
 * Knex logs failed connection attempts with a stack trace; we report them as
 * DatabaseUnavailableError instead, so its warnings are cut to their first line.
 */
function quietLog(logger: Logger) {
  return {
    warn(message: string) {
      if (!String(message).startsWith('Acquire connection error')) logger.warn(`knex: ${String(message).split('\n')[0]}`);
    },
  };
}

/** Opens the database; `logger` hears the driver's warnings (default the console). */
export function openDatabase(config: DatabaseConfig, logger: Logger = consoleLogger): { knex: Knex; dialect: Dialect; owned: boolean } {
  if ('knex' in config) return { knex: config.knex, dialect: dialectOf(config.knex), owned: false };
  const url = config.url.trim();
  if (url.startsWith('sqlite:')) {
    const filename = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!filename) throw new ConfigurationError('database URL "sqlite:" needs a file path, or ":memory:"');
    if (filename !== ':memory:') ensureFolder(dirname(filename));
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename },
      useNullAsDefault: true,
      log: quietLog(logger),
      // One connection: SQLite has one writer, and `:memory:` is one database per connection.
      pool: {
        min: 1,
        max: 1,
        afterCreate: (conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void) => {
          conn.pragma('journal_mode = WAL');
          conn.pragma('busy_timeout = 5000');
          conn.pragma('foreign_keys = ON');
          keepAutoRollbackCause(conn);
          done(null, conn);
        },
      },
    });
    return { knex, dialect: 'sqlite', owned: true };
  }
  if (url.startsWith('mysql:') || url.startsWith('mariadb:')) {
    let parsed: URL;
    try {
      parsed = new URL(url.replace(/^mariadb:/, 'mysql:'));
    } catch {
      throw new ConfigurationError('database URL is not a valid mysql:// URL');
    }
    const timeoutMs = config.timeoutMs ?? DEFAULT_DATABASE_TIMEOUT_MS;
    const knex = knexFactory({
      client: 'mysql2',
      connection: {
        host: parsed.hostname || '127.0.0.1',
        port: parsed.port ? Number(parsed.port) : 3306,
        user: decodeURIComponent(parsed.username),
        password: decodeURIComponent(parsed.password),
        database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
        charset: 'utf8mb4',
        timezone: 'Z',
        connectTimeout: Math.min(5000, timeoutMs),
        supportBigNumbers: true,
      },
      pool: { min: 0, max: 10, afterCreate: withQueryTimeout(timeoutMs) },
      log: quietLog(logger),
      acquireConnectionTimeout: timeoutMs,
    });
    return { knex, dialect: 'mysql', owned: true };
  }
  throw new ConfigurationError('database URL must start with sqlite: or mysql://');
}

interface SqliteStatement {
  reader: boolean;
  run(...args: unknown[]): unknown;
  all(...args: unknown[]): unknown;
  get(...args: unknown[]): unknown;
}

interface SqliteConnection {
  readonly inTransaction: boolean;
  pragma(sql: string): unknown;
  prepare(sql: string): SqliteStatement;
}

/**
 * SQLite rolls a transaction back by itself when a write fails for want of
 * space or I/O (SQLITE_FULL, SQLITE_IOERR...). Knex then sends its own
 * ROLLBACK, which fails with "no transaction is active" and takes the place of
 * the cause, a full disk becoming an unexplained error. That ROLLBACK
 * re-raises the failure that ended the transaction instead.
 */
function keepAutoRollbackCause(conn: SqliteConnection): void {
  const prepare = conn.prepare.bind(conn);
  let lastFailure: unknown = null;
  conn.prepare = (sql: string) => {
    if (lastFailure !== null && !conn.inTransaction && /^\s*ROLLBACK\s*$/i.test(sql)) {
      const failure = lastFailure;
      lastFailure = null;
      const fail = () => { throw failure; };
      return { reader: false, run: fail, all: fail, get: fail };
    }
    const statement = prepare(sql);
    for (const method of ['run', 'all', 'get'] as const) {
      const original = statement[method].bind(statement);
      statement[method] = (...args: unknown[]) => {
        try {
          const result = original(...args);
          lastFailure = null;
          return result;
        } catch (err) {
          lastFailure = err;
          throw err;
        }
      };
    }
    return statement;
  };
}

interface Mysql2Connection {
  query(options: unknown, values: unknown, callback: unknown): unknown;
  execute(sql: unknown, values: unknown, callback: unknown): unknown;
  destroy(): void;
}

/** Schema changes (migrations) may rightly take minutes on a big table: they keep no time limit. */
const SCHEMA_CHANGE = /^\s*(ALTER|CREATE|DROP|RENAME|TRUNCATE)\b/i;

/**
 * mysql2 waits for a query's answer forever; this gives every query knex sends,
 * and every prepared statement Latchkey executes (store/prepared-read.ts), a
 * time limit. A connection whose query timed out is closed, so the pool never
 * hands out a connection still waiting on a silent server.
 */
function withQueryTimeout(timeoutMs: number) {
  return (conn: Mysql2Connection, done: (err: Error | null, conn: unknown) => void) => {
    // A prepared statement is prepared, then executed: one limit for both, which mysql2's own option cannot give.
    const execute = conn.execute.bind(conn);
    conn.execute = (sql, values, callback) => {
      if (typeof callback !== 'function') return execute(sql, values, callback);
      let answered = false;
      const answer = (...args: unknown[]) => {
        if (answered) return;
        answered = true;
        clearTimeout(timer);
        (callback as (...args: unknown[]) => void)(...args);
      };
      const timer = setTimeout(() => {
        answer(Object.assign(new Error('the prepared statement got no answer in time'), { code: 'PROTOCOL_SEQUENCE_TIMEOUT', fatal: true }));
        conn.destroy();
      }, timeoutMs);
      try {
        return execute(sql, values, answer);
      } catch (err) {
        answered = true;
        clearTimeout(timer);
        throw err;
      }
    };
    const query = conn.query.bind(conn);
    conn.query = (options, values, callback) => {
      if (typeof callback !== 'function' || options === null || typeof options !== 'object' || 'timeout' in options
        || SCHEMA_CHANGE.test(String((options as { sql?: unknown }).sql ?? ''))) {
        return query(options, values, callback);
      }
      return query({ ...options, timeout: timeoutMs }, values, (err: { code?: string } | null, ...rest: unknown[]) => {
        if (err?.code === 'PROTOCOL_SEQUENCE_TIMEOUT') conn.destroy();
        (callback as (...args: unknown[]) => void)(err, ...rest);
      });
    };
    done(null, conn);
  };
}

/**
 * Whether the database takes writes, found by writing something that changes
 * nothing: SQLite's user_version set to itself (a read-only file, file system
 * or immutable file refuses it), MySQL's `@@read_only` flag. Start-up uses it
 * to warn at once instead of at the first save.
 */
export async function refusesWrites(knex: Knex, dialect: Dialect): Promise<string | null> {
  if (dialect === 'sqlite') {
    try {
      const version = Number((await knex.raw('PRAGMA user_version') as Array<{ user_version: number }>)[0]?.user_version ?? 0);
      await knex.raw(`PRAGMA user_version = ${Number.isInteger(version) ? version : 0}`);
      return null;
    } catch (err) {
      const mapped = asUnavailable(err);
      if (mapped instanceof DatabaseUnavailableError) return mapped.detail;
      throw err;
    }
  }
  const [rows] = await knex.raw('SELECT @@global.read_only AS ro') as [Array<{ ro: unknown }>];
  return Number(rows[0]?.ro) === 1
    ? 'the database server refuses writes (read_only is on: check whether this is a replica)'
    : null;
}

/**
 * Creates the folder of a SQLite file, one level at a time. A folder that
 * cannot be made (read-only place, a file in the way) is the database being
 * unavailable, said without a stack. Not `mkdirSync(..., { recursive: true })`:
 * on Node 20 that never returns for a path under /proc.
 */
function ensureFolder(folder: string): void {
  const missing: string[] = [];
  for (let at = folder; !existsSync(at); at = dirname(at)) {
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'EEXIST') continue;
      throw new DatabaseUnavailableError(`cannot create the folder "${level}" for the SQLite file (${code ?? 'unknown error'})`);
    }
  }
}

/** The database URL as logs may show it: the password replaced by `***`, anything unparsable cut to its scheme. */
export function redactDatabaseUrl(url: string): string {
  const trimmed = url.trim();
  if (trimmed.startsWith('sqlite:')) return trimmed;
  try {
    const parsed = new URL(trimmed);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return `${trimmed.split(':')[0]}:…`;
  }
}

export function dialectOf(knex: Knex): Dialect {
  const client = String(knex.client.config.client);
  if (client === 'mysql2' || client === 'mysql') return 'mysql';
  if (client === 'better-sqlite3' || client === 'sqlite3') return 'sqlite';
  throw new ConfigurationError(`unsupported knex client "${client}": use better-sqlite3 or mysql2`);
}

/** What a driver failure means for the caller, when it means the database cannot serve now. */
interface Outage {
  detail: string;
  retryAfterSeconds: number;
}

const DOWN = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE',
  'PROTOCOL_CONNECTION_LOST', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN',
]);
/** MySQL/MariaDB refusing writes: `--read-only`, `read_only=1`, or a read-only transaction. */
const MYSQL_READ_ONLY = new Set(['ER_OPTION_PREVENTS_STATEMENT', 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION', 'ER_READ_ONLY_MODE']);
const MYSQL_LOCKED = new Set(['ER_LOCK_WAIT_TIMEOUT', 'ER_LOCK_DEADLOCK']);
const MYSQL_FULL = new Set(['ER_RECORD_FILE_FULL', 'ER_DISK_FULL']);

/** Knex and mysql2 say some of these only in words. */
const DOWN_MESSAGES = /Timeout acquiring a connection|Can't add new command when connection is in closed state|Connection lost: The server closed the connection|Pool is closed/i;

/**
 * Turns driver failures that mean "the database cannot serve now" (down,
 * unreachable, not answering, full, read-only, locked, not migrated) into one
 * typed error with a readable cause and a Retry-After; anything else passes
 * through untouched. Looks through `cause` chains, since hosts and libraries
 * wrap driver errors.
 */
export function asUnavailable(err: unknown): unknown {
  if (err instanceof DatabaseUnavailableError) return err;
  for (let at: unknown = err, depth = 0; at instanceof Error && depth < 4; at = (at as { cause?: unknown }).cause, depth += 1) {
    const outage = outageOf(at);
    if (outage) return new DatabaseUnavailableError(outage.detail, { retryAfterSeconds: outage.retryAfterSeconds });
  }
  return err;
}

function outageOf(err: Error): Outage | null {
  const code = (err as { code?: unknown }).code;
  const c = typeof code === 'string' ? code : '';
  const soon = (detail: string): Outage => ({ detail, retryAfterSeconds: 5 });
  // Full or read-only storage needs someone to act: retrying every few seconds helps nobody.
  const later = (detail: string): Outage => ({ detail, retryAfterSeconds: 60 });
  if (DOWN.has(c)) return soon(`cannot reach the database server (${c})`);
  if (c === 'PROTOCOL_SEQUENCE_TIMEOUT') return soon('the database server accepted the query but did not answer in time');
  if (c === 'ER_ACCESS_DENIED_ERROR' || c === 'ER_DBACCESS_DENIED_ERROR') return later('access denied (check the user and password in the database URL)');
  if (c === 'ER_BAD_DB_ERROR') return later('the database named in the URL does not exist');
  if (c === 'ER_NO_SUCH_TABLE' || /no such table/i.test(err.message)) return later('the Latchkey tables are missing: run "npx latchkey migrate latest"');
  if (MYSQL_READ_ONLY.has(c)) return later(`the database server refuses writes (${c}: check read_only and whether this is a replica)`);
  if (MYSQL_LOCKED.has(c)) return soon(`a row stayed locked too long (${c})`);
  if (MYSQL_FULL.has(c)) return later(`the database server is out of space (${c})`);
  if (c.startsWith('SQLITE_FULL')) return later('the SQLite file is full (check the free disk space and max_page_count)');
  if (c.startsWith('SQLITE_READONLY')) return later('the SQLite file is read-only (check its permissions and those of its folder, and the file system)');
  if (c.startsWith('SQLITE_CANTOPEN')) return later('cannot open the SQLite file (check that its folder exists and is writable)');
  if (c.startsWith('SQLITE_BUSY') || c.startsWith('SQLITE_LOCKED')) return soon('the SQLite file is locked by another process');
  if (c.startsWith('SQLITE_IOERR')) return soon(`the SQLite file cannot be read or written (${c}: check the disk)`);
  if (/Unable to acquire a connection/i.test(err.message)) return soon('the connection pool is closed');
  if (err.name === 'KnexTimeoutError' || DOWN_MESSAGES.test(err.message)) return soon('no connection could be made in time');
  return null;
}
