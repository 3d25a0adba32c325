import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError, Keyring, redactDatabaseUrl } from '../../core/index.ts';

/** Where the command line finds the database, from the same variables the hosts use. */
export interface CliEnvironment {
  databaseUrl: string;
  /** Why this database: the variable, or the file found in the data directory. */
  databaseSource: 'LATCHKEY_DATABASE_URL' | 'default' | 'demo';
  /** The SQLite file the URL names; null for MySQL/MariaDB and for `:memory:`. */
  sqliteFile: string | null;
  /** The key file found in the data directory, used when neither LATCHKEY_KEYS nor LATCHKEY_KEYS_FILE is set. */
  dataDirKeysFile: string | null;
  tablePrefix: string | undefined;
  /** LATCHKEY_HOST: which host's adapter runs beside core (`zendesk` brings its own table). */
  hostKind: string | undefined;
}

/** LATCHKEY_DATA_DIR's default: the demo host (`npm start`) keeps its files there too. */
export const DEFAULT_DATA_DIR = './data';
/** The service's database when LATCHKEY_DATABASE_URL is not set (`latchkey serve`). */
export const DEFAULT_DATABASE_URL = 'sqlite:./data/latchkey.sqlite';
/**
 * The names `npm start` gives its database and key in the data directory
 * (examples/demo-host): a command run beside the demo works on the demo's
 * vault without any variable.
 */
export const DEMO_DATABASE_FILE = 'demo.sqlite';
export const DATA_DIR_KEYS_FILE = 'latchkey.keys';

/**
 * The database is LATCHKEY_DATABASE_URL; without it, `<data dir>/latchkey.sqlite`
 * unless only the demo's database is there, then the demo's.
 */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): CliEnvironment {
  const dataDir = env.LATCHKEY_DATA_DIR || DEFAULT_DATA_DIR;
  const keysFile = join(dataDir, DATA_DIR_KEYS_FILE);
  const common = {
    dataDirKeysFile: existsSync(keysFile) ? keysFile : null,
    tablePrefix: env.LATCHKEY_TABLE_PREFIX || undefined,
    hostKind: env.LATCHKEY_HOST?.trim().toLowerCase() || undefined,
  };
  if (env.LATCHKEY_DATABASE_URL) {
    return { ...common, databaseUrl: env.LATCHKEY_DATABASE_URL, databaseSource: 'LATCHKEY_DATABASE_URL', sqliteFile: sqliteFileOf(env.LATCHKEY_DATABASE_URL) };
  }
  const own = join(dataDir, 'latchkey.sqlite');
  const demo = join(dataDir, DEMO_DATABASE_FILE);
  const file = !existsSync(own) && existsSync(demo) ? demo : own;
  return { ...common, databaseUrl: `sqlite:${file}`, databaseSource: file === demo ? 'demo' : 'default', sqliteFile: file };
}

/** The line a command prints (on stderr) to say which database it used, without a password. */
export function describeDatabase(env: CliEnvironment): string {
  const because = env.databaseSource === 'LATCHKEY_DATABASE_URL' ? 'from LATCHKEY_DATABASE_URL'
    : env.databaseSource === 'demo' ? 'the demo host\'s, as LATCHKEY_DATABASE_URL is not set' : 'the default, as LATCHKEY_DATABASE_URL is not set';
  return `database: ${redactDatabaseUrl(env.databaseUrl)} (${because})`;
}

/**
 * Refuses a SQLite file that does not exist: opening it would create an empty
 * database, and a command asked about a vault must not answer about a new
 * one. Only `migrate latest` creates the file.
 */
export function requireExistingDatabase(env: CliEnvironment): void {
  if (env.sqliteFile === null || existsSync(env.sqliteFile)) return;
  throw new ConfigurationError(
    `no database at ${env.sqliteFile}: set LATCHKEY_DATABASE_URL to the vault's database, `
    + 'or run "npx latchkey migrate latest" to create this one',
  );
}

/** LATCHKEY_KEYS or LATCHKEY_KEYS_FILE, else the key file in the data directory (the demo's), else the usual error. */
export function keyringFor(env: CliEnvironment, vars: NodeJS.ProcessEnv = process.env): Keyring {
  if (!vars.LATCHKEY_KEYS && !vars.LATCHKEY_KEYS_FILE && env.dataDirKeysFile !== null) return Keyring.fromFile(env.dataDirKeysFile);
  return Keyring.fromEnv(vars);
}

function sqliteFileOf(url: string): string | null {
  const trimmed = url.trim();
  if (!trimmed.startsWith('sqlite:')) return null;
  const file = trimmed.slice('sqlite:'.length).replace(/^\/\//, '');
  return file === '' || file === ':memory:' ? null : file;
}
