import { adapterMigrationsOf } from './adapter-migrations.ts';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import type { Logger as Pino } from 'pino';
import { ConfigurationError, createLatchkey, openDatabase, type Latchkey, type Logger } from '../../core/index.ts';
import { databaseReadiness, healthRoutes, mountLatchkey } from '../express/index.ts';
import { jsonLog, loggerOver, requestLog } from './request-log.ts';
import { openServedHost, type ServedHost } from './served-host.ts';
import { configProblems, readServerConfig, type ServerConfig } from './server-config.ts';

export interface RunningServer {
  /** `http://host:port`, the address it listens on. */
  readonly url: string;
  readonly latchkey: Latchkey;
  /**
   * Stops taking connections, lets running requests and the running mail
   * round finish, then closes the host and the database. Resolves once all
   * of that is done.
   */
  stop(): Promise<void>;
}

/**
 * Latchkey as a service beside its host platform: `/healthz`, `/readyz`, the
 * framed pages and the API under the base path, the host's own routes
 * (Zendesk's entry), mail on its own clock when asked, one JSON log line per
 * request. Migrates the database at start.
 */
export async function startServer(config: ServerConfig, log: Pino): Promise<RunningServer> {
  const problems = configProblems(config);
  if (problems.length > 0) throw new ConfigurationError(problems.join('; '));
  const logger = loggerOver(log);
  const { knex } = openDatabase({ url: config.databaseUrl }, logger);
  let host: ServedHost | undefined;
  let latchkey: Latchkey;
  try {
    host = await openServedHost(config, knex, logger);
    latchkey = await createLatchkey({
      database: { knex },
      keys: config.keys,
      host: host.directory,
      tablePrefix: config.tablePrefix,
      migrate: true,
      logger,
      adapterMigrations: adapterMigrationsOf(config.host),
    });
  } catch (err) {
    await host?.close();
    await knex.destroy();
    throw err;
  }

  const app = express();
  app.disable('x-powered-by');
  // Behind a proxy doing https, req.secure (and so the frame cookie's Secure flag) comes from its X-Forwarded-Proto.
  if (config.trustProxy !== undefined) app.set('trust proxy', config.trustProxy);
  app.use(requestLog(log));
  const connections = closingConnections();
  app.use(connections.middleware);
  app.use(healthRoutes({ checks: [databaseReadiness(latchkey), host.readiness], logger }));
  const mount = mountLatchkey(app, {
    latchkey,
    basePath: config.basePath,
    secret: config.sessionSecret,
    // Nobody is logged in to this server itself: every user arrives with a token the platform signed.
    identify: () => null,
    embed: host.embed,
    cron: host.embed && host.mailer ? { mailer: host.mailer, dispatch: { entryLinks: host.entryLinks } } : undefined,
    frameAncestors: config.frameAncestors,
    logger,
  });
  host.mountRoutes(app, mount, latchkey);
  app.use(lastErrorHandler(logger));

  if (config.mailEveryMinutes > 0 && !host.mailer) log.warn('LATCHKEY_MAIL_EVERY_MINUTES is set but no mail can leave: set LATCHKEY_SMTP_URL and LATCHKEY_MAIL_FROM');
  const mail = config.mailEveryMinutes > 0 && host.mailer
    ? latchkey.startMail(host.mailer, {
      everyMs: config.mailEveryMinutes * 60_000,
      entryLinks: host.entryLinks,
      onRound: (outcome) => {
        if (!(outcome instanceof Error)) log.info({ queued: outcome.queued, sent: outcome.sent, failed: outcome.failed }, 'mail round');
      },
    })
    : null;
  const indexing = indexOlderNotes(latchkey, log);

  let server: Server;
  try {
    server = await listen(app, config.listen.port, config.listen.host);
  } catch (err) {
    await Promise.all([mail?.stop(), indexing.stop()]);
    await host.close();
    await latchkey.close();
    await knex.destroy();
    throw err;
  }
  const address = server.address() as AddressInfo;
  const url = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
  log.info({ host: config.host, url, basePath: mount.basePath }, 'listening');

  let stopped: Promise<void> | null = null;
  const served = host;
  return {
    url,
    latchkey,
    stop: () => stopped ??= (async () => {
      connections.closeFromNowOn();
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.all([drained, mail?.stop(), indexing.stop()]);
      await served.close();
      await latchkey.close();
      await knex.destroy();
    })(),
  };
}

/**
 * Entries saved before the notes' search index get their terms in the
 * background, a batch at a time, so an upgraded vault finds them without
 * anyone running a command; a stop waits for the batch under way only.
 * A run that fails is logged and tried again at the next start.
 */
function indexOlderNotes(latchkey: Latchkey, log: Pino): { stop(): Promise<void> } {
  const stopping = new AbortController();
  const run = latchkey.noteIndex.backfill({ signal: stopping.signal }).then(
    (done) => { if (done > 0) log.info({ entries: done }, 'notes indexed for search'); },
    (err: unknown) => { log.error({ err: err instanceof Error ? err.message : String(err) }, 'indexing notes for search stopped'); },
  );
  return {
    stop: async () => {
      stopping.abort();
      await run;
    },
  };
}

/**
 * Once told to, every answer not yet sent (running requests included) closes
 * its connection, so keep-alive clients reconnect to another instance instead
 * of holding this one open while it stops.
 */
function closingConnections(): { middleware: RequestHandler; closeFromNowOn(): void } {
  let closing = false;
  const running = new Set<Response>();
  return {
    middleware: (_req, res, next) => {
      if (closing) res.set('Connection', 'close');
      running.add(res);
      res.once('close', () => running.delete(res));
      next();
    },
    closeFromNowOn: () => {
      closing = true;
      for (const res of running) if (!res.headersSent) res.set('Connection', 'close');
    },
  };
}

/**
 * What no route handled ends here: a bare status, the kind of error in the
 * log, and never Express's default page, which shows the stack trace.
 */
function lastErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const given = (err as { status?: unknown })?.status;
    const status = typeof given === 'number' && given >= 400 && given < 500 ? given : 500;
    if (status === 500) logger.error(`latchkey: unexpected ${err instanceof Error ? err.name : typeof err} on ${req.method} ${req.path.slice(0, 80)}`);
    res.status(status).set('Cache-Control', 'no-store').end();
  };
}

function listen(app: express.Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => resolve(server));
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(new ConfigurationError(`cannot listen on ${host}:${port} (${err.code ?? 'error'}): check PORT and HOST`));
    });
  });
}

/**
 * `latchkey serve`: runs until SIGTERM or SIGINT, then stops gracefully and
 * resolves. A second signal, or a stop that outlasts
 * LATCHKEY_SHUTDOWN_TIMEOUT_SECONDS, exits at once with status 1.
 */
export async function serve(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = readServerConfig(env);
  const log = jsonLog(config.logLevel);
  const running = await startServer(config, log);
  await new Promise<void>((resolve, reject) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) {
        log.warn({ signal }, 'second signal: exiting without waiting');
        process.exit(1);
      }
      signalled = true;
      log.info({ signal }, 'stopping: no new connections; finishing running requests and the mail round');
      const force = setTimeout(() => {
        log.error({ timeoutMs: config.shutdownTimeoutMs }, 'stop took too long: exiting without waiting');
        process.exit(1);
      }, config.shutdownTimeoutMs);
      force.unref();
      running.stop().then(() => {
        log.info('stopped');
        resolve();
      }, reject);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
