import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDatabases, type TestDatabase } from '../support/databases.ts';

export const PHP = process.env.LATCHKEY_TEST_PHP ?? 'php';
export const MODULE_DIR = fileURLToPath(new URL('../../adapters/whmcs/module/modules/addons/latchkey/', import.meta.url));

let available: boolean | undefined;

export function phpAvailable(): boolean {
  available ??= spawnSync(PHP, ['-v'], { stdio: 'ignore' }).status === 0;
  return available;
}

/**
 * The WHMCS module's tests need Debian's php-cli (`apt-get install php-cli`,
 * which .ci/run does). Without it a developer's run skips them with the
 * reason; under CI a missing php fails instead.
 */
export function requirePhp(context: Mocha.Context): void {
  if (phpAvailable()) return;
  if (process.env.CI) throw new Error(`php-cli is missing ("${PHP}" does not run): .ci/run installs it with apt-get install php-cli`);
  console.warn(`  (PHP tests skipped: "${PHP}" does not run; apt-get install php-cli)`);
  context.skip();
}

export interface PhpResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a PHP script (without `<?php`) as WHMCS would load the module: WHMCS
 * defined, the module's folder in `$module`, `$input` decoded from JSON.
 * Asynchronous, so a server in this process can answer the script's requests.
 */
export async function runPhp(body: string, input: unknown = null): Promise<PhpResult> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-php-'));
  const file = join(dir, 'script.php');
  writeFileSync(file, [
    '<?php',
    "define('WHMCS', true);",
    'error_reporting(E_ALL);',
    `$module = ${JSON.stringify(MODULE_DIR)};`,
    '$input = json_decode($argv[1], true);',
    body,
  ].join('\n'));
  try {
    return await new Promise<PhpResult>((resolve) => {
      execFile(PHP, ['-d', 'display_errors=stderr', '-d', 'log_errors=0', file, JSON.stringify(input)], { timeout: 30_000 },
        (err, stdout, stderr) => resolve({ status: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a script that prints JSON; fails with PHP's own output when it does not. */
export async function phpJson<T>(body: string, input: unknown = null): Promise<T> {
  const result = await runPhp(body, input);
  if (result.status !== 0 || result.stderr.trim() !== '') {
    throw new Error(`php exited ${result.status}\n${result.stderr}\n${result.stdout}`);
  }
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`php printed no JSON:\n${result.stdout}`);
  }
}

/** Every .php file of the module, relative to its folder. */
export function modulePhpFiles(dir = MODULE_DIR, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return modulePhpFiles(join(dir, entry.name), `${prefix}${entry.name}/`);
    return entry.name.endsWith('.php') ? [`${prefix}${entry.name}`] : [];
  }).sort();
}

/**
 * Just enough of WHMCS for the module to run outside it: Capsule over
 * in-memory tables (`$tables`), add_hook collecting the hooks in `$hooks`,
 * logActivity collecting into `$activity`, and, when `$currentUser` is set,
 * WHMCS 8's CurrentUser answering from it.
 */
export const WHMCS_RUNTIME = String.raw`
$tables = isset($input['tables']) ? $input['tables'] : array();
$hooks = array();
$activity = array();
$currentUser = isset($input['currentUser']) ? $input['currentUser'] : null;
$_SESSION = isset($input['session']) ? $input['session'] : array();
eval('namespace WHMCS\Database;
class Capsule { public static function table($name) { return new FakeQuery(isset($GLOBALS["tables"][$name]) ? $GLOBALS["tables"][$name] : array()); } }
class FakeQuery {
  private $rows;
  public function __construct($rows) { $this->rows = $rows; }
  public function where($column, $value) { return new FakeQuery(array_values(array_filter($this->rows, function ($r) use ($column, $value) { return isset($r[$column]) && (string) $r[$column] === (string) $value; }))); }
  public function get($columns = array()) { return array_map(function ($r) { return (object) $r; }, $this->rows); }
  public function value($column) { return isset($this->rows[0][$column]) ? $this->rows[0][$column] : null; }
}');
if ($currentUser !== null) {
  eval('namespace WHMCS\Authentication;
  class CurrentUser {
    public function isMasqueradingAdmin() { return !empty($GLOBALS["currentUser"]["masquerading"]); }
    public function client() { $u = $GLOBALS["currentUser"]; if (empty($u["clientId"])) return null; return new FakeClient($u["clientId"], $u["ownerId"]); }
    public function user() { $u = $GLOBALS["currentUser"]; if (empty($u["userId"])) return null; $o = new \stdClass; $o->id = $u["userId"]; return $o; }
  }
  class FakeClient {
    public $id; private $ownerId;
    public function __construct($id, $ownerId) { $this->id = $id; $this->ownerId = $ownerId; }
    public function owner() { $o = new \stdClass; $o->id = $this->ownerId; return $o; }
  }');
}
function add_hook($name, $priority, $fn) { $GLOBALS['hooks'][$name][] = $fn; }
function logActivity($message) { $GLOBALS['activity'][] = $message; }
function run_hook($name, $vars) { $out = array(); foreach ($GLOBALS['hooks'][$name] as $fn) { $out[] = $fn($vars); } return $out; }
`;

/**
 * forEachDatabase (same `[sqlite]` / `[mariadb]` titles, which the tally
 * counts) for suites that start php in their tests: slower machines need
 * more than mocha's default 2 s.
 */
export function forEachDatabaseWithPhp(title: string, body: (db: TestDatabase) => void): void {
  for (const db of testDatabases()) {
    describe(`[${db.name}] ${title}`, function () {
      this.timeout(30_000);
      body(db);
    });
  }
}
