/**
 * Latchkey for a WHMCS installation: `npx tsx examples/whmcs/main.ts`.
 * Configured from the environment (see examples/whmcs/README.md):
 *
 *   WHMCS_URL                    the WHMCS System URL, e.g. https://billing.example.com
 *   WHMCS_API_IDENTIFIER         API credential (Staff Management → Manage API Credentials)
 *   WHMCS_API_SECRET
 *   WHMCS_API_ACCESS_KEY         optional: $api_access_key of WHMCS's configuration.php
 *   WHMCS_DATABASE_URL           optional: mysql://readonly:pass@host/whmcs, for role and product group names
 *   WHMCS_DIRECTORY              "api" (default) or "database" (every look-up from WHMCS_DATABASE_URL)
 *   LATCHKEY_EMBED_SECRET        the module's "Shared secret" (≥ 32 characters)
 *   LATCHKEY_EMBED_ISSUER        the module's "Issuer" (default whmcs)
 *   LATCHKEY_EMBED_AUDIENCE      the module's "Audience" (default latchkey)
 *   LATCHKEY_SESSION_SECRET      ≥ 32 characters, for CSRF tokens and frame sessions
 *   LATCHKEY_DATABASE_URL        Latchkey's own database (default sqlite:./data/latchkey.sqlite)
 *   LATCHKEY_TABLE_PREFIX        its tables' prefix (default latchkey_)
 *   LATCHKEY_KEYS / LATCHKEY_KEYS_FILE   the key-encryption key (npx latchkey keys generate)
 *   LATCHKEY_BASE_PATH           default /latchkey
 *   LATCHKEY_FRAME_ANCESTORS     origins allowed to frame Latchkey (default: WHMCS_URL's origin)
 *   LATCHKEY_TRUST_PROXY         Express "trust proxy" behind an https reverse proxy, e.g. loopback
 *   LATCHKEY_ADDON_ROLE_IDS      admin roles that run the addon when no WHMCS_DATABASE_URL (default 1)
 *   LATCHKEY_DEFAULT_LANGUAGE    for clients and admins with no language in WHMCS (default en)
 *   LATCHKEY_SMTP_URL, LATCHKEY_MAIL_FROM   optional SMTP for mail WHMCS cannot address (admins, contacts)
 *   LATCHKEY_MAIL_EVERY_MINUTES  optional: queue reminders and send mail from this process on its own clock,
 *                                instead of (or besides) the module's daily cron call
 *   PORT, HOST                   default 3100, 127.0.0.1
 */
import type { Server } from 'node:http';
import {
  asUnavailable, createLatchkey, DatabaseUnavailableError, Keyring, LatchkeyError, openDatabase, redactDatabaseUrl, type HostDirectory,
  type Mailer,
} from '../../core/index.ts';
import { SmtpMailer } from '../../adapters/smtp/index.ts';
import { WhmcsApi, WhmcsDatabaseDirectory, WhmcsDatabaseNames, WhmcsDirectory, WhmcsMailer } from '../../adapters/whmcs/index.ts';
import { createWhmcsLatchkeyApp } from './app.ts';

const env = process.env;

function required(name: string, minLength = 1): string {
  const value = env[name]?.trim() ?? '';
  if (value.length < minLength) {
    throw new LatchkeyError('configuration', minLength > 1 ? `${name} must be at least ${minLength} characters` : `${name} is required`);
  }
  return value;
}

async function main(): Promise<void> {
  const whmcsUrl = required('WHMCS_URL');
  const api = new WhmcsApi({
    url: whmcsUrl,
    identifier: required('WHMCS_API_IDENTIFIER'),
    secret: required('WHMCS_API_SECRET'),
    accessKey: env.WHMCS_API_ACCESS_KEY || undefined,
  });
  const whmcsDb = env.WHMCS_DATABASE_URL ? openDatabase({ url: env.WHMCS_DATABASE_URL }).knex : null;
  const defaultLanguage = env.LATCHKEY_DEFAULT_LANGUAGE || 'en';
  let directory: HostDirectory;
  if (env.WHMCS_DIRECTORY === 'database') {
    if (!whmcsDb) throw new LatchkeyError('configuration', 'WHMCS_DIRECTORY=database needs WHMCS_DATABASE_URL');
    directory = new WhmcsDatabaseDirectory(whmcsDb, { defaultLanguage, passwords: api });
  } else {
    directory = new WhmcsDirectory(api, {
      defaultLanguage,
      names: whmcsDb ? new WhmcsDatabaseNames(whmcsDb) : undefined,
      addonManagerRoleIds: (env.LATCHKEY_ADDON_ROLE_IDS || '1').split(',').map((id) => id.trim()).filter(Boolean),
    });
  }

  const check = await new WhmcsDirectory(api).check();
  if (!check.apiAccess) console.warn(`WHMCS: the API credential's admin (${check.name}) lacks the "API Access" permission`);

  const latchkey = await createLatchkey({
    database: { url: env.LATCHKEY_DATABASE_URL || 'sqlite:./data/latchkey.sqlite' },
    keys: Keyring.fromEnv(env),
    host: directory,
    tablePrefix: env.LATCHKEY_TABLE_PREFIX || undefined,
    migrate: true,
  });

  const smtp = env.LATCHKEY_SMTP_URL && env.LATCHKEY_MAIL_FROM ? new SmtpMailer({ url: env.LATCHKEY_SMTP_URL, from: env.LATCHKEY_MAIL_FROM }) : undefined;
  const mailer: Mailer = new WhmcsMailer(api, { fallback: smtp });
  const { app } = createWhmcsLatchkeyApp({
    latchkey,
    basePath: env.LATCHKEY_BASE_PATH || '/latchkey',
    sessionSecret: required('LATCHKEY_SESSION_SECRET', 32),
    embed: {
      secret: required('LATCHKEY_EMBED_SECRET', 32),
      issuer: env.LATCHKEY_EMBED_ISSUER || 'whmcs',
      audience: env.LATCHKEY_EMBED_AUDIENCE || 'latchkey',
    },
    frameAncestors: env.LATCHKEY_FRAME_ANCESTORS
      ? env.LATCHKEY_FRAME_ANCESTORS.split(/[\s,]+/).filter(Boolean)
      : [new URL(whmcsUrl).origin],
    mailer,
    trustProxy: env.LATCHKEY_TRUST_PROXY || undefined,
  });

  const everyMinutes = Number(env.LATCHKEY_MAIL_EVERY_MINUTES || 0);
  const mailWorker = everyMinutes > 0 ? latchkey.startMail(mailer, { everyMs: everyMinutes * 60_000 }) : null;

  const port = Number(env.PORT || 3100);
  const host = env.HOST || '127.0.0.1';
  const server: Server = app.listen(port, host, () => {
    console.log(`Latchkey for WHMCS (${check.whmcsVersion ?? 'WHMCS'}) listening on http://${host}:${port}${env.LATCHKEY_BASE_PATH || '/latchkey'}`);
  });
  const stop = () => {
    server.close(() => {
      void (mailWorker?.stop() ?? Promise.resolve())
        .then(() => {
          smtp?.close();
          return Promise.all([latchkey.close(), whmcsDb?.destroy()]);
        })
        .then(() => process.exit(0));
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  const reason = asUnavailable(err);
  // Latchkey's own database is the one opened at start: name its setting, without the password.
  const check = reason instanceof DatabaseUnavailableError
    ? `. Check LATCHKEY_DATABASE_URL (${redactDatabaseUrl(env.LATCHKEY_DATABASE_URL || 'sqlite:./data/latchkey.sqlite')}).`
    : '';
  console.error(`Cannot start Latchkey for WHMCS: ${reason instanceof Error ? reason.message.split('\n')[0] : String(reason)}${check}`);
  process.exit(1);
});
