import express, { type Request, type Response, type Router } from 'express';
import type { Latchkey } from '../../core/index.ts';
import { EmbedTokenError, type EmbedTokenVerifier } from './embed-token.ts';
import type { RequestScope } from './request-scope.ts';

/**
 * `POST {base}/api/host-events/service`: the host tells Latchkey that one of
 * its services was created, suspended, unsuspended or terminated (WHMCS's
 * AfterModule* hooks). The caller proves itself as the cron does, with a host
 * token (`sub` `system`, `ctx` `{"job":"service-events"}`, its `jti` accepted
 * once), sent as `Authorization: Bearer <jwt>` or the form field `token`. The
 * body (form or JSON) is `{ serviceId, event, adminId? }`. Answers
 * `{ serviceId, event, reminders }`; 401 for a refused token, 400 naming a bad
 * field, 404 for a service the host does not have; nothing is written then.
 */
export function hostEventRoutes(lk: Latchkey, verifier: EmbedTokenVerifier, scope: RequestScope): Router {
  const router = express.Router();
  const body = [express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 10 }), express.json({ limit: '16kb' })];
  router.post('/service', ...body, async (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store');
    // The token may come as a form field; the rest of the body is the event.
    const { token: field, ...event } = req.body && typeof req.body === 'object' ? req.body : {};
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const token = bearer ?? (typeof field === 'string' ? field : '');
    try {
      if (!token) throw new EmbedTokenError('no token');
      await verifier.verifyJob(token, 'service-events');
      const outcome = await lk.serviceLifecycle.record({ kind: 'system', origin: { ip: req.ip, userAgent: req.get('user-agent') } }, event);
      res.json({ serviceId: outcome.serviceId, event: outcome.event, reminders: outcome.reminders });
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
