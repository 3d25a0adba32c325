import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Knex } from 'knex';
import { mountLatchkey } from '../../adapters/express/index.ts';
import { SmtpMailer } from '../../adapters/smtp/index.ts';
import { createLatchkey, entryFragment, outageOf, type Actor, type DispatchResult, type EntryLinks, type Latchkey } from '../../core/index.ts';
import { hostCsp } from './csp.ts';
import { openHostDatabase } from './database.ts';
import { DemoDirectory } from './demo-directory.ts';
import { HostData } from './host-data.ts';
import { DemoI18n } from './i18n.ts';
import { DemoMailbox } from './mailbox.ts';
import { adminRoutes } from './routes/admin.ts';
import { clientRoutes } from './routes/client.ts';
import { mailboxRoutes } from './routes/mailbox.ts';
import { publicRoutes } from './routes/public.ts';
import { ensureSchema, readMeta, T, writeMeta } from './schema.ts';
import { HostSecrets, loadKeyring, ServicePasswords, type KeyringSource } from './secrets.ts';
import { seedHost, seedVault } from './seed.ts';
import { DEMO_PASSWORD } from './seed-data.ts';
import { Sessions } from './session.ts';
import { DemoContext } from './routes/context.ts';
import { Views } from './views.ts';

export interface DemoHostOptions {
  /** 0 for any free port. */
  port: number;
  /** Interface to listen on (default 127.0.0.1: the demo logins are public). */
  host?: string;
  /** Where the SQLite file, the key file and the host secret live. */
  dataDir: string;
  /** Another database (default `sqlite:<dataDir>/demo.sqlite`). */
  databaseUrl?: string;
  /** Where LATCHKEY_KEYS / LATCHKEY_KEYS_FILE are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Log lines (default console.log); errors go to `logError`. */
  log?: (line: string) => void;
  logError?: (line: string) => void;
  /** How often Latchkey queues due reminders and sends its outbox to the demo mailbox (default 15 s). */
  mailEveryMs?: number;
}

/** The demo's mail: Latchkey sends through SMTP to the demo's own server, which keeps every message. */
export interface DemoMail {
  mailbox: DemoMailbox;
  /** How often the mail loop runs, in ms. */
  everyMs: number;
  /** What the mailbox page's "send reminders now" does: queue what is due and send the outbox once. */
  runOnce(): Promise<{ queued: number } & DispatchResult>;
}

export interface DemoLogin {
  area: 'admin' | 'client';
  login: string;
  password: string;
  name: string;
  /** What to try with this login: a key in `locales/<lng>/demo.json`. */
  noteKey: string;
}

export interface DemoHost {
  url: string;
  port: number;
  app: Express;
  latchkey: Latchkey;
  knex: Knex;
  /** True when this start created the demo data (the first start on this database). */
  seeded: boolean;
  key: Omit<KeyringSource, 'keyring'>;
  databaseUrl: string;
  logins: DemoLogin[];
  mail: DemoMail;
  close(): Promise<void>;
}

/** The sender of every mail Latchkey sends for the demo host. */
export const DEMO_MAIL_FROM = '"Northwind Hosting" <noreply@northwind.example>';

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));
const LATCHKEY_BASE = '/latchkey';

/**
 * Starts Northwind Hosting, the demo host: opens (and on the first start
 * creates and seeds) its database, starts Latchkey on the same database,
 * mounts it, and listens. `close()` stops the server and the database.
 */
export async function startDemoHost(options: DemoHostOptions): Promise<DemoHost> {
  const log = options.log ?? ((line: string) => console.log(line));
  const logError = options.logError ?? ((line: string) => console.error(line));
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const databaseUrl = options.databaseUrl ?? `sqlite:${join(dataDir, 'demo.sqlite')}`;
  const knex = openHostDatabase(databaseUrl);
  let latchkey: Latchkey | null = null;
  let mailbox: DemoMailbox | null = null;
  let mailer: SmtpMailer | null = null;
  try {
    const hadData = (await knex.schema.hasTable(T.meta)) && (await readMeta(knex, 'host_seeded_at')) !== null;
    const { keyring, ...key } = loadKeyring(options.env ?? process.env, dataDir, hadData);
    const secrets = HostSecrets.load(dataDir);
    const servicePasswords = new ServicePasswords(secrets.derive('service-passwords'));
    const directory = new DemoDirectory(knex, servicePasswords);
    latchkey = await createLatchkey({ database: { knex }, keys: keyring, host: directory, migrate: true, warn: logError });

    await ensureSchema(knex);
    let seeded = false;
    if (!hadData) {
      log('First start: creating the Northwind Hosting demo data…');
      await seedHost(knex, servicePasswords);
      await seedVault({ knex, keys: keyring, host: directory });
      await writeMeta(knex, 'vault_seeded_at', String(Date.now()));
      seeded = true;
    } else if ((await readMeta(knex, 'vault_seeded_at')) === null) {
      logError(`The first start on this database was interrupted before the demo passwords were created; delete ${dataDir} to start afresh.`);
    }

    // A real SMTP server on loopback catches what Latchkey sends; the mailbox page shows it.
    mailbox = await DemoMailbox.start(knex, logError);
    const smtp = new SmtpMailer({ url: mailbox.url, from: DEMO_MAIL_FROM });
    mailer = smtp;
    const lkForMail = latchkey;
    // Reminders link to the page that shows the entry; the address is known once the server listens.
    let siteUrl = '';
    const entryLinks = demoEntryLinks(() => siteUrl);
    const manualRuns = new Set<Promise<unknown>>();
    const mail: DemoMail = {
      mailbox,
      everyMs: options.mailEveryMs ?? 15_000,
      runOnce: () => {
        const run = lkForMail.runMailOnce(smtp, { entryLinks });
        manualRuns.add(run);
        void run.finally(() => manualRuns.delete(run)).catch(() => undefined);
        return run;
      },
    };

    const app = buildApp({
      latchkey, knex, data: new HostData(knex), sessions: new Sessions(knex, secrets.derive('session')),
      views: new Views(new DemoI18n()), mountSecret: secrets.derive('latchkey-mount').toString('base64url'), logError, mail,
    });
    const listenHost = options.host ?? '127.0.0.1';
    const server = app.listen(options.port, listenHost);
    await new Promise<void>((ok, fail) => {
      server.once('listening', ok);
      server.once('error', fail);
    });
    const { port } = server.address() as AddressInfo;
    const shownHost = listenHost === '0.0.0.0' || listenHost === '::' ? 'localhost' : listenHost;
    const lk = latchkey;
    const box = mailbox;
    // Reminders that are due go out at once, then every mailEveryMs.
    siteUrl = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
    const loop = lk.startMail(smtp, { everyMs: mail.everyMs, entryLinks });
    return {
      url: siteUrl,
      port, app, latchkey: lk, knex, seeded, key, databaseUrl, logins: demoLogins(), mail,
      close: async () => {
        await new Promise<void>((ok) => {
          server.close(() => ok());
          server.closeAllConnections();
        });
        // The mail loop finishes its round, a "send now" still running finishes too; then the
        // mailer's pooled connection closes, so the SMTP server has nobody left to wait for.
        await loop.stop();
        await Promise.allSettled([...manualRuns]);
        smtp.close();
        await box.close();
        await lk.close();
        await knex.destroy();
      },
    };
  } catch (err) {
    mailer?.close();
    await mailbox?.close().catch(() => undefined);
    await latchkey?.close().catch(() => undefined);
    await knex.destroy().catch(() => undefined);
    throw err;
  }
}

/** The demo's logins, for the start-up banner, the home page and the README. */
export function demoLogins(): DemoLogin[] {
  const login = (area: DemoLogin['area'], loginName: string, name: string, note: string): DemoLogin =>
    ({ area, login: loginName, password: DEMO_PASSWORD, name, noteKey: `logins.${note}` });
  return [
    login('admin', 'olivia', 'Olivia Bennett', 'olivia'),
    login('admin', 'sam', 'Sam Patel', 'sam'),
    login('admin', 'marc', 'Marc Dubois', 'marc'),
    login('admin', 'lena', 'Lena Hoffmann', 'lena'),
    login('admin', 'carmen', 'Carmen Ruiz', 'carmen'),
    login('client', 'hello@blueharbourcoffee.example', 'Emma Clarke', 'emma'),
    login('client', 'tom@blueharbourcoffee.example', 'Tom Whitaker', 'tom'),
    login('client', 'contact@atelier-lumiere.example', 'Camille Laurent', 'camille'),
    login('client', 'info@bergmann-metallbau.example', 'Jonas Bergmann', 'jonas'),
    login('client', 'hola@casaolivar.example', 'Lucía Fernández', 'lucia'),
    login('client', 'info@trattoriadafranca.example', 'Francesca Bianchi', 'francesca'),
    login('client', 'studio@pixelforge.example', 'Daniel Okafor', 'daniel'),
  ];
}

interface AppParts {
  latchkey: Latchkey;
  knex: Knex;
  data: HostData;
  sessions: Sessions;
  views: Views;
  mountSecret: string;
  logError: (line: string) => void;
  mail: DemoMail;
}

function buildApp(parts: AppParts): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  const identify = async (req: Request): Promise<Actor | null> => {
    const session = await parts.sessions.current(req);
    if (!session) return null;
    const origin = { ip: req.ip, userAgent: req.get('user-agent') };
    if (session.kind === 'admin' && session.admin_id !== null) {
      const admin = await parts.data.admin(session.admin_id);
      return admin && !admin.disabled ? { kind: 'admin', adminId: String(admin.id), origin } : null;
    }
    if (session.kind === 'client' && session.client_id !== null && session.contact_id !== null) {
      const account = await parts.data.clientAccount(session.client_id, session.contact_id);
      if (!account || account.status === 'Closed') return null;
      return account.isMain
        ? { kind: 'client', clientId: String(account.clientId), origin }
        : { kind: 'client', clientId: String(account.clientId), contactId: String(account.contactId), origin };
    }
    return null;
  };

  const mounted = mountLatchkey(app, { latchkey: parts.latchkey, basePath: LATCHKEY_BASE, secret: parts.mountSecret, identify });

  const ctx = new DemoContext(parts.data, parts.sessions, parts.views, mounted, parts.logError, demoLogins(), parts.latchkey.serviceLifecycle, parts.latchkey.languages);

  // The host's own pages: strict headers (Latchkey sets its own on its routes). The pages that
  // show a mail in a sandboxed frame (the mailbox, the addon's template preview) also allow the
  // mail layout's own inline styles, by hash.
  const strictCsp = hostCsp();
  const mailCsp = hostCsp({ mailStyles: true });
  const showsMail = (path: string) => path === '/admin/addons/latchkey' || path === '/admin/mailbox' || path.startsWith('/admin/mailbox/');
  app.use((req, res, next) => {
    if (req.path === LATCHKEY_BASE || req.path.startsWith(`${LATCHKEY_BASE}/`)) return next();
    res.set({
      'Content-Security-Policy': showsMail(req.path) ? mailCsp : strictCsp,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'same-origin',
      'X-Frame-Options': 'DENY',
    });
    next();
  });
  app.use('/assets', express.static(PUBLIC_DIR, { maxAge: '1h', index: false }));
  app.use(publicRoutes(ctx));
  app.use('/admin/mailbox', mailboxRoutes(ctx, parts.mail));
  app.use('/admin', adminRoutes(ctx));
  app.use('/clientarea', clientRoutes(ctx));

  app.use((req: Request, res: Response) => ctx.errorPage(req, res, 404, 'notFound'));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    // The host's own queries (sessions, clients, tickets) meet the same outages as Latchkey's: same 503.
    const outage = outageOf(err);
    if (outage) {
      parts.logError(`demo host: ${req.method} ${req.path}: ${outage.message}`);
      if (res.headersSent) return;
      res.set('Retry-After', String(outage.retryAfterSeconds));
      ctx.errorPage(req, res, 503, 'unavailable');
      return;
    }
    const status = httpStatusOf(err) ?? 500;
    if (status >= 500) parts.logError(`demo host: ${req.method} ${req.path}: ${describeError(err)}`);
    if (res.headersSent) return;
    ctx.errorPage(req, res, status, status < 500 ? 'badRequest' : 'server');
  });
  return app;
}

/** Body-parser errors carry their status (400 for malformed bodies, 413 for large ones). */
function httpStatusOf(err: unknown): number | null {
  const status = (err as { status?: unknown; statusCode?: unknown })?.status ?? (err as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : null;
}

function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}${err.stack ? `\n${err.stack.split('\n').slice(1, 6).join('\n')}` : ''}`;
  return String(err);
}

/**
 * Where the demo shows an entry: staff see one filed under a client in that
 * client's page, any other on the addon's entries page; clients in their
 * password page. The panel opens the entry the fragment names.
 */
function demoEntryLinks(siteUrl: () => string): EntryLinks {
  return {
    staff: (entry) => entry.clientId !== null && /^\d+$/.test(entry.clientId)
      ? `${siteUrl()}/admin/clients/${entry.clientId}${entryFragment(entry.id)}`
      : `${siteUrl()}/admin/addons/latchkey?page=entries${entryFragment(entry.id)}`,
    client: (entry) => `${siteUrl()}/clientarea/passwords${entryFragment(entry.id)}`,
  };
}
