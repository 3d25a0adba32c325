import { adapterMigrationsOf } from './adapter-migrations.ts';
import { createPublicKey } from 'node:crypto';
import type { Knex } from 'knex';
import {
  asUnavailable, createLatchkey, DEFAULT_TABLE_PREFIX, Migrator, openDatabase, redactDatabaseUrl, tableNames, type AuditVerdict,
  type HostDirectory, type KeyCheck,
} from '../../core/index.ts';
import { MemoryDirectory } from '../memory/index.ts';
import { WhmcsApiError, WhmcsDatabaseNames, WhmcsDirectory } from '../whmcs/index.ts';
import { zendeskInstallation } from '../zendesk/index.ts';
import { loadHostModule } from './host-module.ts';
import { whmcsApi } from './served-host.ts';
import { configProblems, readServerConfig, type ServerConfig } from './server-config.ts';

/** One finding: what was checked, whether it holds, and what to do when it does not. */
export interface DoctorCheck {
  name: string;
  ok: boolean;
  /** What was found; when not ok, what to fix. Never a secret. */
  detail: string;
}

/**
 * `latchkey doctor`: checks the configuration `latchkey serve` would run with,
 * end to end, changing nothing: the variables, the frame ancestors and base
 * path, the database (reachable, migrated), the keys against what the
 * database holds (a data key per key id unwraps, the audit trail's MACs
 * hold), and the host platform's credentials.
 */
export async function runDoctor(env: NodeJS.ProcessEnv = process.env): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  let config: ServerConfig;
  try {
    config = readServerConfig(env);
  } catch (err) {
    add('configuration', false, messageOf(err));
    return checks;
  }
  add('configuration', true, `LATCHKEY_HOST=${config.host}, keys ${config.keys.activeKeyId} (active)`);

  const problems = configProblems(config);
  const ancestors = problems.filter((p) => p.startsWith('LATCHKEY_FRAME_ANCESTORS'));
  add('frame ancestors', ancestors.length === 0, ancestors.length === 0 ? config.frameAncestors.join(' ') : ancestors.join('; '));
  const base = problems.find((p) => p.startsWith('LATCHKEY_BASE_PATH'));
  add('base path', base === undefined, base ?? config.basePath);

  await checkDatabase(config, add);
  if (config.whmcs) await checkWhmcs(config, add);
  if (config.zendesk) await checkZendesk(config, add);
  return checks;
}

type Add = (name: string, ok: boolean, detail: string) => void;

async function checkDatabase(config: ServerConfig, add: Add): Promise<void> {
  const where = redactDatabaseUrl(config.databaseUrl);
  let knex: Knex;
  try {
    knex = openDatabase({ url: config.databaseUrl, timeoutMs: 5000 }).knex;
  } catch (err) {
    add('database reachable', false, `${messageOf(err)}: check LATCHKEY_DATABASE_URL (${where})`);
    return;
  }
  try {
    let pending: string[];
    try {
      await knex.raw('select 1');
      ({ pending } = await new Migrator(knex, tableNames(config.tablePrefix ?? DEFAULT_TABLE_PREFIX), adapterMigrationsOf(config.host)).status());
    } catch (err) {
      add('database reachable', false, `${messageOf(asUnavailable(err))}: check LATCHKEY_DATABASE_URL (${where})`);
      return;
    }
    add('database reachable', true, where);
    if (pending.length > 0) {
      add('database migrated', false, `pending: ${pending.join(', ')}: run "npx latchkey migrate latest" (latchkey serve also migrates at start)`);
      add('keys match the database', false, 'not checked until the database is migrated');
      return;
    }
    add('database migrated', true, 'no pending migration');
    await checkKeys(config, knex, add);
  } finally {
    await knex.destroy();
  }
}

/**
 * Opens the vault read-only in effect (no migration; the audit head is
 * resealed at start only when its MAC already holds under the keys given).
 */
async function checkKeys(config: ServerConfig, knex: Knex, add: Add): Promise<void> {
  const warnings: string[] = [];
  const lk = await createLatchkey({
    database: { knex }, keys: config.keys, host: new MemoryDirectory() as HostDirectory, tablePrefix: config.tablePrefix,
    logger: { info: () => {}, warn: (line) => { warnings.push(line); }, error: () => {} },
  });
  const readOnly = warnings.find((w) => w.startsWith('latchkey: warning:'));
  add('database writable', readOnly === undefined, readOnly ? `${readOnly.replace(/^latchkey: warning: /, '')}` : 'takes writes');
  try {
    let data: KeyCheck;
    let audit: AuditVerdict;
    try {
      data = await lk.keyRotation.check();
      audit = await lk.audit.verify();
    } catch (err) {
      add('keys match the database', false, `${messageOf(err)}: check LATCHKEY_KEYS against the keys the database was written with`);
      return;
    }
    const fix = 'LATCHKEY_KEYS must hold every key the database was written with (the active one first): restore the key from your backup';
    if (data.failing.length > 0) {
      add('keys match the database', false, `${data.failing.map((f) => `data keys under "${f.keyId}": ${f.reason}`).join('; ')}. ${fix}`);
    } else if (!audit.ok) {
      add('keys match the database', false, `audit trail at event ${audit.seq}: ${audit.reason}. ${fix}, or run "npx latchkey audit verify" if the keys are right`);
    } else {
      const ids = data.keyIds.length === 0 ? 'no entry yet' : `data keys under ${data.keyIds.map((id) => `"${id}"`).join(', ')} unwrap`;
      add('keys match the database', true, `${ids}; audit trail of ${audit.events} events verifies`);
    }
  } finally {
    await lk.close();
  }
}

async function checkWhmcs(config: ServerConfig, add: Add): Promise<void> {
  const whmcs = config.whmcs!;
  try {
    const check = await new WhmcsDirectory(whmcsApi(whmcs)).check();
    if (!check.apiAccess) {
      add('WHMCS API credentials', false, `accepted, but the credential's admin (${check.name}) lacks the "API Access" permission: give their administrator role that permission`);
      return;
    }
    add('WHMCS API credentials', true, `GetAdminDetails answered as ${check.name} (WHMCS ${check.whmcsVersion ?? 'version unknown'})`);
  } catch (err) {
    const fix = err instanceof WhmcsApiError && err.refused
      ? 'check WHMCS_API_IDENTIFIER and WHMCS_API_SECRET, the API role, and that WHMCS allows this server\'s IP (or set WHMCS_API_ACCESS_KEY)'
      : 'check WHMCS_URL (the System URL WHMCS answers on) and that this server reaches it';
    add('WHMCS API credentials', false, `${messageOf(err)}: ${fix}`);
  }
  if (!whmcs.databaseUrl) return;
  const where = redactDatabaseUrl(whmcs.databaseUrl);
  let knex: Knex | undefined;
  try {
    knex = openDatabase({ url: whmcs.databaseUrl, timeoutMs: 5000 }).knex;
    const roles = await new WhmcsDatabaseNames(knex).adminRoles();
    add('WHMCS database', true, `${where}: ${roles.length} admin roles readable`);
  } catch (err) {
    // The adapter's message starts with the name this line already has.
    add('WHMCS database', false, `${messageOf(asUnavailable(err)).replace(/^WHMCS database: /, '')}: check WHMCS_DATABASE_URL (${where}) and the SELECT grants of step 4`);
  } finally {
    await knex?.destroy();
  }
}

async function checkZendesk(config: ServerConfig, add: Add): Promise<void> {
  const zendesk = config.zendesk!;
  try {
    zendeskInstallation(zendesk.subdomain, zendesk.installationId);
    const key = createPublicKey(zendesk.publicKeyPem);
    if (key.asymmetricKeyType !== 'rsa') throw new Error('the public key is not an RSA key');
    add('Zendesk app', true, `${zendesk.subdomain}.zendesk.com, installation ${zendesk.installationId}, RSA public key`);
  } catch (err) {
    add('Zendesk app', false, `${messageOf(err)}: check ZENDESK_SUBDOMAIN, ZENDESK_INSTALLATION_ID and ZENDESK_PUBLIC_KEY (the app's public key, PEM)`);
  }
  try {
    const directory = await loadHostModule(zendesk.hostModule);
    const admins = await directory.allAdmins();
    add('host directory', true, `${zendesk.hostModule} answers (${admins.length} admins)`);
  } catch (err) {
    add('host directory', false, `${messageOf(err)}: check LATCHKEY_HOST_MODULE and the platform it reads`);
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0]!.slice(0, 300) : String(err);
}

/** The report as the terminal shows it: one line per check, `ok` or `FAIL`, with what to fix. */
export function formatDoctor(checks: readonly DoctorCheck[]): string {
  return checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'}  ${c.name}: ${c.detail}`).join('\n');
}
