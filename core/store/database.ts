import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { ConfigurationError, DatabaseUnavailableError } from '../errors.ts';

/**
 * Where the vault lives: a database URL (`sqlite:<path>`, `sqlite::memory:`,
 * `mysql://user:pass@host:3306/db`) or a knex instance the host already has.
 */
export type DatabaseConfig = { url: string } | { knex: Knex };

export type Dialect = 'sqlite' | 'mysql';

/**
 * Knex logs failed connection attempts with a stack trace; we report them as
 * DatabaseUnavailableError instead, so its warnings are cut to their first line.
 */
const quietLog = {
  warn(message: string) {
    if (!message.startsWith('Acquire connection error')) console.warn(`knex: ${String(message).split('\n')[0]}`);
  },
};

export function openDatabase(config: DatabaseConfig): { knex: Knex; dialect: Dialect; owned: boolean } {
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
      log: quietLog,
      // One connection: SQLite has one writer, and `:memory:` is one database per connection.
      pool: {
        min: 1,
        max: 1,
        afterCreate: (conn: { pragma(sql: string): unknown }, done: (err: Error | null, conn: unknown) => void) => {
          conn.pragma('journal_mode = WAL');
          conn.pragma('busy_timeout = 5000');
          conn.pragma('foreign_keys = ON');
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
        connectTimeout: 5000,
        supportBigNumbers: true,
      },
      pool: { min: 0, max: 10 },
      log: quietLog,
      acquireConnectionTimeout: 10000,
    });
    return { knex, dialect: 'mysql', owned: true };
  }
  throw new ConfigurationError('database URL must start with sqlite: or mysql://');
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

export function dialectOf(knex: Knex): Dialect {
  const client = String(knex.client.config.client);
  if (client === 'mysql2' || client === 'mysql') return 'mysql';
  if (client === 'better-sqlite3' || client === 'sqlite3') return 'sqlite';
  throw new ConfigurationError(`unsupported knex client "${client}": use better-sqlite3 or mysql2`);
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'EPIPE', 'PROTOCOL_CONNECTION_LOST',
  'ER_ACCESS_DENIED_ERROR', 'ER_BAD_DB_ERROR', 'ER_DBACCESS_DENIED_ERROR', 'SQLITE_CANTOPEN', 'SQLITE_BUSY',
]);

/**
 * Turns driver failures that mean "no database here" into one typed error with
 * a readable cause; anything else passes through untouched.
 */
export function asUnavailable(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const code = (err as { code?: string }).code;
  if (code && UNAVAILABLE_CODES.has(code)) return new DatabaseUnavailableError(describe(code));
  if (err.name === 'KnexTimeoutError') return new DatabaseUnavailableError('no connection could be made in time');
  if (/Unable to acquire a connection/i.test(err.message)) return new DatabaseUnavailableError('the connection pool is closed');
  if (/no such table/i.test(err.message) || code === 'ER_NO_SUCH_TABLE') {
    return new DatabaseUnavailableError('the Latchkey tables are missing: run "npx latchkey migrate latest"');
  }
  return err;
}

function describe(code: string): string {
  switch (code) {
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_DBACCESS_DENIED_ERROR': return 'access denied (check the user and password in the database URL)';
    case 'ER_BAD_DB_ERROR': return 'the database named in the URL does not exist';
    case 'SQLITE_CANTOPEN': return 'cannot open the SQLite file';
    case 'SQLITE_BUSY': return 'the SQLite file is locked by another process';
    default: return `cannot reach the database server (${code})`;
  }
}
