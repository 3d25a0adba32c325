/**
 * `latchkey serve` and `latchkey doctor` as an installer runs them: child
 * processes of `node --import tsx adapters/cli/main.ts`, configured by the
 * environment, beside a fake WHMCS API on loopback, on a database of their
 * own: a SQLite file in a scratch folder, or MariaDB reached through a TCP
 * relay the test can cut, under a table prefix of this run.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLatchkey, Keyring, tableNames, type Latchkey, type Migration } from '../../core/index.ts';
import { zendeskMigrations } from '../../adapters/zendesk/index.ts';
import { hostFixture } from '../support/host-fixture.ts';
import type { TestDatabase } from '../support/databases.ts';
import { API_IDENTIFIER, API_SECRET } from '../whmcs/fake-whmcs.ts';

export const EMBED_SECRET = `embed-${randomBytes(24).toString('hex')}`;
export const SESSION_SECRET = `session-${randomBytes(24).toString('hex')}`;
export const KEY = randomBytes(32).toString('base64');
export const KEYS = `k1:${KEY}`;
export const WHMCS_ORIGIN = 'https://billing.example.com';

/** Values that must never appear in a log line or a doctor report. */
export const SECRETS = [EMBED_SECRET, SESSION_SECRET, KEY, API_SECRET];

/**
 * A TCP relay in front of MariaDB that can be cut (`stop`: the port refuses,
 * open connections drop, as when the server goes away) and restored on the
 * same port (`start`).
 */
export class Relay {
  #server: Server | null = null;
  readonly #sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly host: string, private readonly targetPort: number) {}

  async start(): Promise<number> {
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, this.host);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => { client.destroy(); upstream.destroy(); });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
    return this.port;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Latchkey's database for one run: where serve finds it, and a way in for the test. */
export class ServeDatabase {
  private constructor(
    readonly name: TestDatabase['name'],
    /** What LATCHKEY_DATABASE_URL says (through the relay on MariaDB). */
    readonly url: string,
    /** The database itself, bypassing the relay. */
    readonly directUrl: string,
    readonly tablePrefix: string,
    readonly relay: Relay | null,
    private readonly scratch: string | null,
  ) {}

  static async open(db: TestDatabase, tablePrefix = `s${randomBytes(4).toString('hex')}_`): Promise<ServeDatabase> {
    if (db.name === 'sqlite') {
      const scratch = mkdtempSync(join(tmpdir(), 'latchkey-serve-'));
      const url = `sqlite:${join(scratch, 'latchkey.sqlite')}`;
      return new ServeDatabase('sqlite', url, url, tablePrefix, null, scratch);
    }
    const direct = new URL(db.url);
    const relay = new Relay(direct.hostname, Number(direct.port || 3306));
    const proxied = new URL(db.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(await relay.start());
    return new ServeDatabase('mariadb', proxied.toString(), db.url, tablePrefix, relay, null);
  }

  /** The same database under another table prefix (nothing migrated there); dropping it leaves this one alone. */
  withPrefix(tablePrefix: string): ServeDatabase {
    return new ServeDatabase(this.name, this.url, this.directUrl, tablePrefix, null, null);
  }

  /** The vault as serve sees it, opened by the test with the same keys (host: the memory fixture). */
  vault(options: { migrate?: boolean; adapterMigrations?: readonly Migration[] } = {}): Promise<Latchkey> {
    return createLatchkey({
      database: { url: this.directUrl }, keys: Keyring.parse(KEYS, 'test keys'), host: hostFixture(),
      tablePrefix: this.tablePrefix, migrate: options.migrate ?? false, adapterMigrations: options.adapterMigrations,
    });
  }

  /** Drops what the run created (MariaDB) or the scratch folder (SQLite). */
  async drop(): Promise<void> {
    await this.relay?.stop();
    if (this.name === 'sqlite') {
      if (this.scratch) rmSync(this.scratch, { recursive: true, force: true });
      return;
    }
    // Whatever host serve ran for: the Zendesk adapter's table is rolled back with the rest when a run made it.
    const lk = await this.vault({ adapterMigrations: zendeskMigrations });
    try {
      await lk.migrator.rollback(true);
    } finally {
      await lk.close();
    }
    const { default: knexFactory } = await import('knex');
    const knex = knexFactory({ client: 'mysql2', connection: this.directUrl });
    try {
      const tables = tableNames(this.tablePrefix);
      await knex.schema.dropTableIfExists(tables.migrations);
      await knex.schema.dropTableIfExists(tables.migrationsLock);
    } finally {
      await knex.destroy();
    }
  }
}

/** The environment of a WHMCS install, as /etc/latchkey.env would hold it. */
export function whmcsEnv(db: ServeDatabase, whmcsUrl: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    LATCHKEY_HOST: 'whmcs',
    WHMCS_URL: whmcsUrl,
    WHMCS_API_IDENTIFIER: API_IDENTIFIER,
    WHMCS_API_SECRET: API_SECRET,
    LATCHKEY_EMBED_SECRET: EMBED_SECRET,
    LATCHKEY_SESSION_SECRET: SESSION_SECRET,
    LATCHKEY_KEYS: KEYS,
    LATCHKEY_DATABASE_URL: db.url,
    LATCHKEY_TABLE_PREFIX: db.tablePrefix,
    LATCHKEY_BASE_PATH: '/latchkey',
    LATCHKEY_FRAME_ANCESTORS: WHMCS_ORIGIN,
    LATCHKEY_TRUST_PROXY: 'loopback',
    PORT: '0',
    HOST: '127.0.0.1',
    ...overrides,
  };
}

/** Only what the child needs: not the test runner's own variables. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NODE_OPTIONS: '', ...env };
}

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A running `latchkey serve`. */
export class ServeProcess {
  readonly stdout: string[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #waiters: Array<{ test: (line: LogLine) => boolean; resolve: (line: LogLine) => void }> = [];

  private constructor(readonly child: ChildProcess) {
    let pending = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        this.stdout.push(line);
        let parsed: LogLine | null = null;
        try {
          parsed = JSON.parse(line) as LogLine;
        } catch {
          continue;
        }
        for (const waiter of [...this.#waiters]) {
          if (waiter.test(parsed)) {
            this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
            waiter.resolve(parsed);
          }
        }
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { this.stderr += chunk; });
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  static async start(env: Record<string, string>): Promise<{ process: ServeProcess; url: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'adapters/cli/main.ts', 'serve'], {
      env: childEnv(env), cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'],
    });
    const serve = new ServeProcess(child);
    const listening = await Promise.race([
      serve.waitFor((line) => line.msg === 'listening'),
      serve.exited.then(({ code }) => { throw new Error(`serve exited (${code}) before listening: ${serve.stderr}`); }),
    ]);
    return { process: serve, url: String(listening.url) };
  }

  /** The JSON lines logged so far (every stdout line must be one). */
  get lines(): LogLine[] {
    return this.stdout.map((line) => JSON.parse(line) as LogLine);
  }

  /** The first log line from now on (or already logged) that passes `test`. */
  waitFor(test: (line: LogLine) => boolean, timeoutMs = 15_000): Promise<LogLine> {
    const seen = this.stdout.map((l) => { try { return JSON.parse(l) as LogLine; } catch { return null; } }).find((l) => l && test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no such log line within ${timeoutMs} ms; stdout: ${this.stdout.slice(-5).join('\n')}`)), timeoutMs);
      this.#waiters.push({ test, resolve: (line) => { clearTimeout(timer); resolve(line); } });
    });
  }

  /** Ends the process whatever it is doing (after a test that failed half-way). */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** Runs `latchkey doctor` once: its report and exit code. */
export function doctor(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'adapters/cli/main.ts', 'doctor'], {
      env: childEnv(env), cwd: process.cwd(), timeout: 60_000,
    }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
    });
  });
}

/** Whether a new TCP connection to `url` is refused. */
export function refusesConnections(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => { socket.destroy(); resolve(false); });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}
