import express, { type Request, type Response, type Router } from 'express';
import { errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import { DatabaseUnavailableError, type DispatchOptions, type Latchkey, type Mailer } from '../../core/index.ts';

const MAX_LIFETIME_SECONDS = 300;
const cronContext = z.strictObject({ job: z.literal('reminders') });

export interface CronRouteOptions {
  latchkey: Latchkey;
  /** How the reminders leave (WhmcsMailer, SmtpMailer...). */
  mailer: Mailer;
  /** The same issuer, audience and shared secret as the embed tokens (`mountLatchkey({ embed })`). */
  issuer: string;
  audience: string;
  secret: string;
  dispatch?: DispatchOptions;
}

class CronTokenError extends Error {}

/**
 * `POST {base}/api/cron/reminders`: what the WHMCS module's DailyCronJob hook
 * calls, since a PHP host cannot run Latchkey's reminder job itself. The
 * caller proves itself with a token like the embed tokens (HS256, same
 * secret, issuer and audience, at most five minutes, `jti` accepted once)
 * whose `sub` is `system` and whose `ctx` is `{"job":"reminders"}`, sent as
 * `Authorization: Bearer <jwt>` or the form field `token`. The embed endpoint
 * refuses such a token (it names no user), and this one refuses user tokens.
 *
 * Answers `{ queued, sent, failed, dropped }`, as `npx latchkey reminders run`
 * prints them.
 *
 *   app.use('/latchkey/api/cron/reminders', whmcsCronRoute({ latchkey, mailer, ...embed }));
 */
export function whmcsCronRoute(options: CronRouteOptions): Router {
  if (options.secret.length < 32) throw new Error('whmcsCronRoute: the shared secret must be at least 32 characters');
  const key = new TextEncoder().encode(options.secret);
  const router = express.Router();

  const verify = async (token: string): Promise<void> => {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: ['HS256'],
        issuer: options.issuer,
        audience: options.audience,
        requiredClaims: ['sub', 'exp', 'iat', 'jti'],
        maxTokenAge: MAX_LIFETIME_SECONDS,
        clockTolerance: 30,
      }));
    } catch (err) {
      throw new CronTokenError(err instanceof joseErrors.JOSEError ? err.code : 'invalid token');
    }
    const { exp, iat, jti, sub } = payload as { exp: number; iat: number; jti: unknown; sub: unknown };
    if (sub !== 'system') throw new CronTokenError('not a system token');
    if (exp - iat > MAX_LIFETIME_SECONDS) throw new CronTokenError('token lives too long');
    if (typeof jti !== 'string' || jti.length < 16 || jti.length > 128) throw new CronTokenError('bad jti');
    if (!cronContext.safeParse(payload.ctx).success) throw new CronTokenError('bad context');
    if (!(await options.latchkey.usedTokens.consume(`${options.issuer}|cron|${jti}`, new Date(exp * 1000)))) {
      throw new CronTokenError('token already used');
    }
  };

  router.post('/', express.urlencoded({ extended: false, limit: '16kb' }), async (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store');
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const token = bearer ?? (typeof req.body?.token === 'string' ? req.body.token : '');
    try {
      if (!token) throw new CronTokenError('no token');
      await verify(token);
      const result = await options.latchkey.runMailOnce(options.mailer, options.dispatch);
      res.json({ queued: result.queued, sent: result.sent, failed: result.failed, dropped: result.dropped });
    } catch (err) {
      if (err instanceof CronTokenError) {
        res.status(401).json({ error: 'unauthenticated', message: 'a valid system token is required' });
      } else if (err instanceof DatabaseUnavailableError) {
        res.status(503).set('Retry-After', '60').json({ error: err.code, message: 'the database is unavailable; try again later' });
      } else {
        console.error(`latchkey cron: ${err instanceof Error ? err.name : typeof err}`);
        res.status(500).json({ error: 'internal', message: 'the reminder run failed' });
      }
    }
  });
  return router;
}
