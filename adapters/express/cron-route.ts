import express, { type Request, type Response, type Router } from 'express';
import type { Latchkey } from '../../core/index.ts';
import { formBody, refuseUnreadableJson } from './body-limits.ts';
import { EmbedTokenError, type EmbedTokenVerifier } from './embed-token.ts';
import type { CronOptions } from './options.ts';
import type { RequestScope } from './request-scope.ts';

/**
 * `POST {base}/api/cron/reminders`: for hosts that cannot run Latchkey's
 * reminder job themselves (a PHP billing platform's daily cron). The caller
 * proves itself with a host token (`EmbedTokenVerifier.verifyJob`: `sub`
 * `system`, `ctx` `{"job":"reminders"}`), sent as `Authorization: Bearer
 * <jwt>` or the form field `token`. Answers `{ queued, sent, failed, dropped }`,
 * as `npx latchkey reminders run` prints them.
 */
export function cronRoutes(lk: Latchkey, verifier: EmbedTokenVerifier, scope: RequestScope, cron: CronOptions): Router {
  const router = express.Router();
  router.post('/reminders', formBody(), refuseUnreadableJson((r) => scope.translator(r)), async (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store');
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const token = bearer ?? (typeof req.body?.token === 'string' ? req.body.token : '');
    try {
      if (!token) throw new EmbedTokenError('no token');
      await verifier.verifyJob(token, 'reminders');
      const result = await lk.runMailOnce(cron.mailer, cron.dispatch);
      res.json({ queued: result.queued, sent: result.sent, failed: result.failed, dropped: result.dropped });
    } catch (err) {
      if (err instanceof EmbedTokenError) {
        res.status(401).json({ error: 'unauthenticated', message: scope.translator(req)('errors.unauthenticated') });
      } else {
        scope.fail(req, res, err);
      }
    }
  });
  return router;
}
