/**
 * `npm start`: Northwind Hosting, a demo billing and helpdesk host with
 * Latchkey mounted into it.
 *
 *   PORT                   port to listen on (default 3000)
 *   HOST                   interface (default 127.0.0.1; 0.0.0.0 to expose it)
 *   LATCHKEY_DATA_DIR      where the database, key and secrets live (default ./data)
 *   LATCHKEY_DATABASE_URL  another database (default sqlite:<data dir>/demo.sqlite)
 *   LATCHKEY_KEYS / LATCHKEY_KEYS_FILE  the key-encryption key (default: created in the data dir)
 */
import { asUnavailable, DatabaseUnavailableError, LatchkeyError, redactDatabaseUrl } from '../../core/index.ts';
import { startDemoHost, type DemoHost } from './app.ts';
import { DemoI18n } from './i18n.ts';

const env = process.env;
const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number (0-65535), not "${env.PORT}"`);
  process.exit(2);
}

let demo: DemoHost;
try {
  demo = await startDemoHost({
    port,
    host: env.HOST || '127.0.0.1',
    dataDir: env.LATCHKEY_DATA_DIR || './data',
    databaseUrl: env.LATCHKEY_DATABASE_URL || undefined,
  });
} catch (err) {
  const reason = asUnavailable(err);
  if (reason instanceof DatabaseUnavailableError) {
    // One line: what failed and where to look, the URL without its password.
    const where = env.LATCHKEY_DATABASE_URL ? `LATCHKEY_DATABASE_URL (${redactDatabaseUrl(env.LATCHKEY_DATABASE_URL)})` : `the data directory ${env.LATCHKEY_DATA_DIR || './data'}`;
    console.error(`Cannot start the demo host: ${reason.message}. Check ${where}.`);
  } else if (reason instanceof LatchkeyError) console.error(`Cannot start the demo host: ${reason.message}`);
  else if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') console.error(`Port ${port} is already in use: set PORT to another one.`);
  else console.error('Cannot start the demo host:', err);
  process.exit(1);
}

const t = new DemoI18n().t('en');
const width = Math.max(...demo.logins.map((l) => l.login.length));
const lines = [
  '',
  `  Northwind Hosting — the Latchkey demo host — is running at ${demo.url}`,
  '',
  `  Database: ${redactDatabaseUrl(demo.databaseUrl)}${demo.seeded ? ' (created and seeded just now)' : ''}`,
];
if (demo.key.origin === 'created') {
  lines.push(`  Encryption key: none was configured, so a new one was created in ${demo.key.path}`);
  lines.push('    (keep it with the database: without it the stored passwords cannot be read;');
  lines.push('     production installs set LATCHKEY_KEYS or LATCHKEY_KEYS_FILE instead).');
} else {
  lines.push(`  Encryption key: ${demo.key.origin === 'data-dir' ? demo.key.path : demo.key.origin}`);
}
lines.push('', `  Staff area:  ${demo.url}/admin/login`);
for (const l of demo.logins.filter((x) => x.area === 'admin')) lines.push(`    ${l.login.padEnd(width)}  ${l.name} — ${t(l.noteKey)}`);
lines.push('', `  Client area: ${demo.url}/login`);
for (const l of demo.logins.filter((x) => x.area === 'client')) lines.push(`    ${l.login.padEnd(width)}  ${l.name} — ${t(l.noteKey)}`);
lines.push('', `  Every demo login uses the password: ${demo.logins[0]!.password}`, '', '  Press Ctrl+C to stop.', '');
console.log(lines.join('\n'));

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the demo host…`);
  demo.close().then(() => process.exit(0), (err) => {
    console.error(err);
    process.exit(1);
  });
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
