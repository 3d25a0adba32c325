import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONSUMER = fileURLToPath(new URL('./consumer/', import.meta.url));
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const MOCHA = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');
const DEV_DEPENDENCIES = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies;
/** Installed beside the tarball in the same `npm install`: chai for `latchkey/testing`, types for a TypeScript host. */
const CONSUMER_EXTRAS = ['chai', '@types/node', '@types/express'].map((name) => `${name}@${DEV_DEPENDENCIES[name]}`);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}): Promise<Run> {
  // `npm test` exports its own settings to children; the local prefix among them would point a
  // nested `npm install` back at this repository instead of the fresh project.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_(config_local_prefix|package_|lifecycle_)/i.test(name)));
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: { ...env, ...extraEnv }, maxBuffer: 64 * 1024 * 1024, timeout: 600_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function succeeded(result: Run, what: string): Run {
  if (result.code !== 0) throw new Error(`${what} failed (${result.code}):\n${result.stderr.slice(-3000)}\n${result.stdout.slice(-2000)}`);
  return result;
}

/**
 * Latchkey as a host project gets it: built, packed, installed from the
 * tarball into a fresh project, and used there with plain `node`: no tsx and
 * no file of this repository. One install serves every rule below.
 */
describe('the npm package', function () {
  this.timeout(600_000);
  let scratch: string;
  let app: string;
  let shipped: string[];

  before(async function () {
    if (!process.env.CI && (await run('npm', ['ping', '--fetch-retries=0', '--fetch-timeout=15000'], ROOT)).code !== 0) {
      console.log('    (skipped: the npm registry does not answer and this is not CI; the package test needs one install)');
      this.skip();
    }
    scratch = mkdtempSync(join(tmpdir(), 'latchkey-pack-'));
    succeeded(await run(process.execPath, [TSC, '-p', 'tsconfig.build.json'], ROOT), 'the build');
    // The build just ran; prepack would only run it again.
    const pack = succeeded(await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], ROOT), 'npm pack');
    const [packed] = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    shipped = packed!.files.map((f) => f.path);

    app = join(scratch, 'host-app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'host-app', private: true, type: 'module' }));
    for (const file of ['smoke.mjs', 'typed.ts', 'contract.test.mjs']) copyFileSync(join(CONSUMER, file), join(app, file));
    succeeded(await run('npm', ['install', '--no-audit', '--no-fund', join(scratch, packed!.filename), ...CONSUMER_EXTRAS], app), 'npm install of the tarball');
  });

  after(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('ships the build with its types, the templates, locales and host modules, and no tests, benches, examples or TypeScript sources', () => {
    for (const file of [
      'package.json', 'README.md', 'LICENSE', 'dist/core/index.js', 'dist/core/index.d.ts', 'dist/adapters/testing/index.d.ts', 'dist/adapters/cli/main.js',
      'templates/assets/latchkey.js', 'locales/it/latchkey.json', 'adapters/whmcs/module/modules/addons/latchkey/latchkey.php',
      'adapters/zendesk/templates/links-section.hbs', 'adapters/zendesk/browser/zaf-context.js', 'adapters/whmcs/latchkey.service',
    ]) expect(shipped, file).to.include(file);
    const strays = shipped.filter((f) => /^(test|bench|examples|docs|node_modules)\//.test(f) || (/\.(ts|mts|cts)$/.test(f) && !/\.d\.ts$/.test(f)));
    expect(strays).to.deep.equal([]);
  });

  it('imports every entry with plain node, keeps and reveals an entry on SQLite, and serves a panel and its assets through Express', async () => {
    const seen = JSON.parse(succeeded(await run(process.execPath, ['smoke.mjs'], app), 'the smoke script').stdout) as {
      entries: Record<string, string>; revealed: string; panel: { status: number; html: string }; asset: { status: number; bytes: number };
    };
    expect(seen.entries).to.deep.equal({
      express: 'function', whmcs: 'function', zendesk: 'function', memory: 'function', smtp: 'function', testing: 'function',
    });
    expect(seen.revealed).to.equal('correct horse');
    expect(seen.panel.status).to.equal(200);
    expect(seen.panel.html).to.contain('vps1 root').and.contain('Acme Ltd').and.not.contain('correct horse');
    expect(seen.asset.status).to.equal(200);
    expect(seen.asset.bytes).to.be.greaterThan(0);
  });

  it('gives TypeScript the types of every entry: a wrongly typed line is caught and nothing else is', async () => {
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] },
      files: ['typed.ts'],
    }));
    const result = await run(process.execPath, [TSC, '-p', 'tsconfig.json'], app);
    const errors = result.stdout.split('\n').filter((line) => /error TS\d+/.test(line));
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(/^typed\.ts\(\d+,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
  });

  it("proves a host's own directory with latchkey/testing: the contract suite runs from the package under mocha", async () => {
    const result = await run(process.execPath, [MOCHA, '--reporter', 'json', 'contract.test.mjs'], app);
    const { stats } = JSON.parse(result.stdout) as { stats: { passes: number; failures: number } };
    expect(stats.failures, result.stdout.slice(-3000)).to.equal(0);
    expect(stats.passes).to.be.greaterThan(20);
  });

  it('runs latchkey serve and latchkey doctor from the build: each names a missing variable in one line', async () => {
    const bin = join(app, 'node_modules', '.bin', 'latchkey');
    const env = { LATCHKEY_HOST: 'whmcs', WHMCS_URL: '' };
    const serve = await run(bin, ['serve'], app, env);
    expect(serve.stderr.trim()).to.equal('latchkey: WHMCS_URL is required');
    const doctor = await run(bin, ['doctor'], app, env);
    expect(doctor.stdout.trim()).to.equal('FAIL  configuration: WHMCS_URL is required');
  });

  it('installs the latchkey command, which runs the build and prints the package version', async () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const result = succeeded(await run(join(app, 'node_modules', '.bin', 'latchkey'), ['--version'], app), 'latchkey --version');
    expect(result.stdout.trim()).to.equal(version);
  });
});
