import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';

const SERVER = '/usr/sbin/mariadbd';

/**
 * A MariaDB server of the test's own (its own port and data directory under
 * /tmp), which a test may kill and start again: an outage the shared test
 * server must never suffer. The data directory survives a kill, as a real
 * server's disk does.
 */
export class OwnMariaDb {
  readonly url: string;
  readonly #dir: string;
  #process: ChildProcess | null = null;

  constructor(readonly port: number) {
    this.#dir = `/tmp/latchkey-faults-mariadb-${port}`;
    this.url = `mysql://latchkey:faults-pw@127.0.0.1:${port}/latchkey_faults`;
  }

  /** Why this machine cannot run one, or null. Under CI the suite must run: never a reason there. */
  static missing(): string | null {
    if (process.env.CI === 'true') return null;
    if (!existsSync(SERVER)) return `${SERVER} is not installed (apt-get install mariadb-server)`;
    if (spawnSync('mariadb-install-db', ['--help'], { stdio: 'ignore' }).error) return 'mariadb-install-db is not on the PATH';
    return null;
  }

  get #socket(): string {
    return `${this.#dir}/mysqld.sock`;
  }

  /** A fresh data directory, the server started, the database and its user made. */
  async install(): Promise<void> {
    this.#killLeftover();
    rmSync(this.#dir, { recursive: true, force: true });
    mkdirSync(this.#dir, { recursive: true });
    const asRoot = process.getuid?.() === 0;
    if (asRoot) spawnSync('chown', ['-R', 'mysql:mysql', this.#dir]);
    const installed = spawnSync('mariadb-install-db', [
      ...(asRoot ? ['--user=mysql'] : []), `--datadir=${this.#dir}/db`, '--auth-root-authentication-method=socket', '--skip-test-db',
    ], { encoding: 'utf8' });
    if (installed.status !== 0) throw new Error(`mariadb-install-db failed: ${installed.stderr.slice(0, 500)}`);
    await this.start();
    const sql = `CREATE DATABASE latchkey_faults CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
      CREATE USER 'latchkey'@'127.0.0.1' IDENTIFIED BY 'faults-pw';
      GRANT ALL PRIVILEGES ON latchkey_faults.* TO 'latchkey'@'127.0.0.1';`;
    this.rootSql(sql);
  }

  /** Runs SQL as the server's root over its socket (read_only, lock timeouts: what an operator changes). */
  rootSql(sql: string): void {
    const run = spawnSync('mariadb', [`--socket=${this.#socket}`, '-uroot', '-e', sql], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`mariadb: ${run.stderr.slice(0, 500)}`);
  }

  async start(): Promise<void> {
    if (this.#process) return;
    const asRoot = process.getuid?.() === 0;
    const child = spawn(SERVER, [
      ...(asRoot ? ['--user=mysql'] : []), `--datadir=${this.#dir}/db`, `--socket=${this.#socket}`, `--port=${this.port}`,
      '--bind-address=127.0.0.1', `--pid-file=${this.#dir}/mysqld.pid`, `--log-error=${this.#dir}/error.log`, '--skip-name-resolve',
      '--innodb-buffer-pool-size=32M', '--innodb-log-file-size=8M', '--innodb-flush-log-at-trx-commit=2', '--max-connections=100',
    ], { stdio: 'ignore' });
    this.#process = child;
    child.once('exit', () => { if (this.#process === child) this.#process = null; });
    for (let waited = 0; waited < 30_000; waited += 200) {
      if (await accepts(this.port)) return;
      if (!this.#process) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`mariadbd did not start on port ${this.port}: see ${this.#dir}/error.log`);
  }

  /** Kills the server at once (SIGKILL): connections drop, the port refuses. */
  async kill(): Promise<void> {
    const child = this.#process;
    if (!child) return;
    this.#process = null;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** A server a crashed earlier run left on this data directory would answer on the port in our place. */
  #killLeftover(): void {
    const pidFile = `${this.#dir}/mysqld.pid`;
    if (!existsSync(pidFile)) return;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 1) return;
    // Only that server: a pid file outlives its process, and the number may now be someone else's.
    const commandLine = existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : '';
    if (!commandLine.includes('mariadbd') || !commandLine.includes(this.#dir)) return;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }

  async remove(): Promise<void> {
    await this.kill();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}
