import express, { type Router } from 'express';
import type { Latchkey } from '../../core/index.ts';
import { HOST_JOB_ROUTES } from './api-contract.ts';
import type { EmbedTokenVerifier } from './embed-token.ts';
import { hostJobRoute } from './host-job.ts';
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
  const { method, path } = HOST_JOB_ROUTES.runReminders;
  router[method](path, ...hostJobRoute(verifier, scope, 'reminders', async () => {
    const result = await lk.runMailOnce(cron.mailer, cron.dispatch);
    return { queued: result.queued, sent: result.sent, failed: result.failed, dropped: result.dropped };
  }));
  return router;
}
