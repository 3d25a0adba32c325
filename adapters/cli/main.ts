#!/usr/bin/env node
import { Command } from 'commander';
import { MemoryDirectory } from '../memory/index.ts';
import { appendFileSync, readFileSync } from 'node:fs';
import {
  asUnavailable, AuditTrailBrokenError, ConfigurationError, createLatchkey, DatabaseUnavailableError, DEFAULT_TABLE_PREFIX, formatAuditCheckpoint,
  Keyring, LatchkeyError, Migrator, openDatabase, packageFile, parseAuditCheckpoints, redactDatabaseUrl, tableNames,
  type AuditCheckpoint, type EntryLinks, type HostDirectory, type Latchkey,
} from '../../core/index.ts';
import { describeDatabase, keyringFor, readEnvironment, requireExistingDatabase, type CliEnvironment } from './environment.ts';
import { loadHostModule } from './host-module.ts';
import { adapterMigrationsOf } from './adapter-migrations.ts';
import { addTransferCommands } from './transfer-commands.ts';
import { SmtpMailer } from '../smtp/index.ts';

const program = new Command('latchkey')
  .description('Latchkey vault administration. Reads LATCHKEY_DATABASE_URL, LATCHKEY_TABLE_PREFIX, LATCHKEY_HOST and LATCHKEY_KEYS / LATCHKEY_KEYS_FILE.')
  .version(packageVersion())
  .showHelpAfterError();

program.command('serve')
  .description('run Latchkey as a service beside WHMCS or Zendesk (LATCHKEY_HOST), configured by the environment; stops gracefully on SIGTERM')
  // Loaded on demand: the other commands need neither Express nor the host adapters.
  .action(async () => (await import('./serve.ts')).serve());

program.command('doctor')
  .description('check the configuration "serve" would run with: keys, database, host credentials, frame ancestors, base path; exits 1 on any failure')
  .action(async () => {
    const { formatDoctor, runDoctor } = await import('./doctor.ts');
    const checks = await runDoctor();
    console.log(formatDoctor(checks));
    if (checks.some((c) => !c.ok)) process.exitCode = 1;
  });

const migrate = program.command('migrate').description('create or update the Latchkey tables');
for (const [name, description] of [
  ['latest', 'apply every pending migration, then (keys set) index the notes of older entries for search'],
  ['rollback', 'undo the last batch of migrations'],
  ['status', 'list applied and pending migrations'],
] as const) {
  // Only "latest" may create a SQLite file; asked about a vault, the others refuse one that is not there.
  // "status" names its database in its report.
  const options = { mayCreate: name === 'latest', announce: name !== 'status' };
  migrate.command(name).description(description).action(() => withMigrator(options, async (migrator, env) => {
    if (name === 'status') {
      const { applied, pending } = await migrator.status();
      console.log(describeDatabase(env));
      for (const m of applied) console.log(`applied  ${m}`);
      for (const m of pending) console.log(`pending  ${m}`);
      if (applied.length + pending.length === 0) console.log('no migrations');
      return;
    }
    const names = name === 'latest' ? await migrator.latest() : await migrator.rollback();
    console.log(names.length === 0 ? 'nothing to do' : `${name === 'latest' ? 'applied' : 'rolled back'}: ${names.join(', ')}`);
  }).then((env) => (name === 'latest' ? indexNotes(env) : undefined)));
}

/**
 * After "migrate latest": the notes of entries saved before their search
 * index get their terms, when the keys are at hand (they must be decrypted).
 * Without keys, `latchkey serve` does it when it starts.
 */
async function indexNotes(env: CliEnvironment): Promise<void> {
  let keys: Keyring;
  try {
    keys = keyringFor(env);
  } catch (err) {
    if (err instanceof ConfigurationError) return;
    throw err;
  }
  const lk = await createLatchkey({
    database: { url: env.databaseUrl }, keys, host: new MemoryDirectory(), tablePrefix: env.tablePrefix, adapterMigrations: adapterMigrationsOf(env.hostKind),
  });
  try {
    if (await lk.noteIndex.pending() === 0) return;
    const done = await lk.noteIndex.backfill({ onBatch: (n) => console.log(`notes indexed for search: ${n}`) });
    console.log(`done: ${done} entries' notes indexed for search`);
  } finally {
    await lk.close();
  }
}

const keys = program.command('keys').description('key-encryption keys');
keys.command('generate')
  .description('print a new key line (id:base64) for LATCHKEY_KEYS; put the newest first to make it active')
  .option('--id <id>', 'key id (letters, digits, _ and -)')
  .action((options: { id?: string }) => {
    console.log(Keyring.generate(options.id));
  });
keys.command('rotate')
  .description('re-wrap every data key under the active (first) key; safe to interrupt and run again')
  .option('--batch <n>', 'entries per transaction', '500')
  .action((options: { batch: string }) => withVault(async (lk) => {
    const batch = Number(options.batch);
    if (!Number.isInteger(batch) || batch < 1) throw new LatchkeyError('invalid_input', '--batch must be a positive whole number');
    console.log(`${await lk.keyRotation.pending()} data keys to re-wrap`);
    const done = await lk.keyRotation.rewrapAll(batch, (n) => console.log(`re-wrapped ${n}`));
    console.log(`done: ${done} data keys re-wrapped`);
  }));

program.command('reminders').description('rotation reminders and change notifications')
  .command('run')
  .description("queue due reminders and send the mail outbox once (for the host's daily cron); reads LATCHKEY_SMTP_URL, LATCHKEY_MAIL_FROM and LATCHKEY_HOST_MODULE, and WHMCS_URL (WHMCS_ADMIN_PATH) for the link to the entry in each reminder")
  .action(() => withVault(async (lk) => {
    const url = process.env.LATCHKEY_SMTP_URL;
    const from = process.env.LATCHKEY_MAIL_FROM;
    if (!url || !from) throw new LatchkeyError('configuration', 'set LATCHKEY_SMTP_URL (smtp://user:pass@host:587) and LATCHKEY_MAIL_FROM to send mail');
    const entryLinks = await reminderEntryLinks(readEnvironment().hostKind);
    const mailer = new SmtpMailer({ url, from });
    try {
      const result = await lk.runMailOnce(mailer, { entryLinks });
      console.log(`reminders queued: ${result.queued}; mail sent: ${result.sent}, failed: ${result.failed} (retried later unless refused for good; see the addon dashboard), dropped: ${result.dropped}`);
      if (result.failed > 0) process.exitCode = 1;
    } finally {
      mailer.close();
    }
  }, true));

const audit = program.command('audit').description('the audit trail');
audit.command('verify')
  .description('check the MAC chain (and that it still holds each checkpoint given); exits 1 at the first broken link')
  .option('--checkpoint <file>', 'a file of checkpoints from "audit checkpoint" (repeatable)', (file: string, files: string[]) => [...files, file], [] as string[])
  .action((options: { checkpoint: string[] }) => withVault(async (lk) => {
    const checkpoints = options.checkpoint.flatMap((file) => parseAuditCheckpoints(readText(file, 'checkpoint file'), file));
    const verdict = await lk.audit.verify({ checkpoints });
    const against = options.checkpoint.length === 0 ? '' : `, holds ${checkpoints.length} checkpoint${checkpoints.length === 1 ? '' : 's'}`;
    if (verdict.ok) {
      console.log(`audit trail intact: ${verdict.events} events${against}`);
    } else {
      console.log(`audit trail broken at event ${verdict.seq}: ${verdict.reason}`);
      process.exitCode = 1;
    }
  }));
audit.command('checkpoint')
  .description('verify the chain, then print a checkpoint (one line, MACed with the active key) to keep outside the database')
  .option('--out <file>', 'append the checkpoint to this file instead of printing it')
  .action((options: { out?: string }) => withVault(async (lk) => {
    let checkpoint: AuditCheckpoint;
    try {
      checkpoint = await lk.audit.checkpoint();
    } catch (err) {
      if (!(err instanceof AuditTrailBrokenError)) throw err;
      console.log(`no checkpoint: ${err.message}`);
      process.exitCode = 1;
      return;
    }
    const line = formatAuditCheckpoint(checkpoint);
    if (!options.out) {
      console.log(line);
      return;
    }
    try {
      appendFileSync(options.out, `${line}\n`, { mode: 0o600 });
    } catch (err) {
      throw new ConfigurationError(`cannot append to ${options.out} (${(err as { code?: string }).code ?? 'unknown error'})`);
    }
    console.log(`checkpoint at event ${checkpoint.seq} appended to ${options.out}`);
  }));

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigurationError(`cannot read the ${what} ${path} (${(err as { code?: string }).code ?? 'unknown error'})`);
  }
}

/** Runs `body` on the migrator of the configured database; answers that environment. */
async function withMigrator(
  options: { mayCreate: boolean; announce: boolean }, body: (migrator: Migrator, env: CliEnvironment) => Promise<void>,
): Promise<CliEnvironment> {
  const env = databaseEnvironment(options);
  const { knex } = openDatabase({ url: env.databaseUrl });
  try {
    await body(new Migrator(knex, tableNames(env.tablePrefix ?? DEFAULT_TABLE_PREFIX), adapterMigrationsOf(env.hostKind)), env);
    return env;
  } catch (err) {
    throw asUnavailable(err);
  } finally {
    await knex.destroy();
  }
}

/**
 * Mail needs the host's people (addresses, languages): a module named by
 * LATCHKEY_HOST_MODULE whose `createHostDirectory()` returns the host's
 * HostDirectory. Other commands act as the system and need nobody.
 */
async function hostDirectory(required: boolean): Promise<HostDirectory> {
  const modulePath = process.env.LATCHKEY_HOST_MODULE;
  if (!modulePath) {
    if (!required) return new MemoryDirectory();
    throw new ConfigurationError('this command needs the host\'s directory: set LATCHKEY_HOST_MODULE to a module exporting createHostDirectory()');
  }
  return loadHostModule(modulePath);
}

/**
 * Where reminders link to, as `serve` would: WHMCS's pages when WHMCS_URL is
 * set (WHMCS being serve's default host); none for Zendesk, which has no page
 * of one entry, nor for a host that names no pages.
 */
async function reminderEntryLinks(hostKind: string | undefined): Promise<EntryLinks | undefined> {
  if (hostKind !== undefined && hostKind !== 'whmcs') return undefined;
  const { readWhmcsPages } = await import('./server-config.ts');
  const pages = readWhmcsPages();
  if (!pages) return undefined;
  const { whmcsEntryLinks } = await import('../whmcs/index.ts');
  return whmcsEntryLinks(pages);
}

/** The version of the installed package, which `latchkey --version` prints. */
function packageVersion(): string {
  return (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The environment of a command that opens the database. A database picked
 * without LATCHKEY_DATABASE_URL (the default, or the demo's) is named on
 * stderr, so that stdout stays the command's answer.
 */
function databaseEnvironment({ mayCreate = false, announce = true } = {}): CliEnvironment {
  const env = readEnvironment();
  if (!mayCreate) requireExistingDatabase(env);
  if (announce && env.databaseSource !== 'LATCHKEY_DATABASE_URL') console.error(describeDatabase(env));
  return env;
}

async function withVault(body: (lk: Latchkey) => Promise<void>, needsHost = false): Promise<void> {
  const env = databaseEnvironment();
  const lk = await createLatchkey({
    database: { url: env.databaseUrl },
    keys: keyringFor(env),
    host: await hostDirectory(needsHost),
    tablePrefix: env.tablePrefix,
    adapterMigrations: adapterMigrationsOf(env.hostKind),
  });
  try {
    await body(lk);
  } finally {
    await lk.close();
  }
}

addTransferCommands(program, withVault);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const reason = asUnavailable(err);
  if (reason instanceof DatabaseUnavailableError) {
    // One line, no stack: what failed, and the setting to check without its password.
    console.error(`latchkey: ${reason.message}. Check LATCHKEY_DATABASE_URL (${redactDatabaseUrl(readEnvironment().databaseUrl)}).`);
    process.exitCode = 1;
  } else if (reason instanceof LatchkeyError) {
    console.error(`latchkey: ${reason.message}`);
    process.exitCode = 2;
  } else {
    throw err;
  }
}
// Every command has finished its work here; pooled SMTP sockets or a host's
// database pool must not keep the cron job alive.
process.exit(process.exitCode ?? 0);
