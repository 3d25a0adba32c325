import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { pino, type Logger as Pino } from 'pino';
import type { Logger } from '../../core/index.ts';

/** Health and readiness probes, logged only when they fail (or at debug level). */
const PROBES = new Set(['/healthz', '/readyz']);

/** An incoming X-Request-Id worth keeping (a proxy's or a load balancer's); anything else is replaced. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Field names pino blanks wherever they appear in a line: the service logs no
 * headers, bodies or query strings, and this keeps it so should one slip in.
 */
const REDACTED = [
  'authorization', 'cookie', 'set-cookie', 'token', 'password', 'secret', 'query',
  '*.authorization', '*.cookie', '*["set-cookie"]', '*.token', '*.password', '*.secret', '*.query',
  '*.headers.authorization', '*.headers.cookie',
];

/** JSON lines on stdout, written synchronously so that the last lines before an exit are not lost. */
export function jsonLog(level: string): Pino {
  return pino({
    level,
    base: { service: 'latchkey' },
    redact: { paths: REDACTED, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  }, pino.destination({ dest: 1, sync: true }));
}

/** Core's Logger port over pino: fields first, as pino takes them. */
export function loggerOver(log: Pino): Logger {
  return {
    info: (message, fields) => log.info(fields ?? {}, message),
    warn: (message, fields) => log.warn(fields ?? {}, message),
    error: (message, fields) => log.error(fields ?? {}, message),
  };
}

/**
 * One line per request once it ends: its id (the caller's X-Request-Id when
 * well formed, else a new one, returned in X-Request-Id), method, route
 * (the path without its query, which may carry an embed token), status and
 * duration. No header, cookie or body is logged. Passing probes are logged
 * at debug level only.
 */
export function requestLog(log: Pino): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.set('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    const route = req.originalUrl.split('?')[0]!.slice(0, 200);
    res.once('close', () => {
      // A load balancer asks every few seconds: a passing probe is noise at info level.
      const level = PROBES.has(route) && res.statusCode === 200 ? 'debug' : 'info';
      log[level]({
        requestId,
        method: req.method,
        route,
        status: res.statusCode,
        durationMs: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
        ...(res.writableFinished ? {} : { aborted: true }),
      }, 'request');
    });
    next();
  };
}
