import express, { type Router } from 'express';
import type { Latchkey, ServiceEventInput } from '../../core/index.ts';
import { HOST_JOB_ROUTES } from './api-contract.ts';
import type { EmbedTokenVerifier } from './embed-token.ts';
import { hostJobRoute } from './host-job.ts';
import type { RequestScope } from './request-scope.ts';

/**
 * `POST {base}/api/host-events/service`: the host tells Latchkey that one of
 * its services was created, suspended, unsuspended or terminated (WHMCS's
 * AfterModule* hooks). The caller proves itself as the cron does, with a host
 * token (`sub` `system`, `ctx` `{"job":"service-events"}`, its `jti` accepted
 * once), sent as `Authorization: Bearer <jwt>` or the form field `token`
 * (`hostJobRoute`). The body (form or JSON) is `{ serviceId, event, adminId? }`,
 * validated by the service. Answers
 * `{ serviceId, event, reminders }`; 401 for a refused token, 400 naming a bad
 * field, 404 for a service the host does not have; nothing is written then.
 */
export function hostEventRoutes(lk: Latchkey, verifier: EmbedTokenVerifier, scope: RequestScope): Router {
  const router = express.Router();
  const { method, path } = HOST_JOB_ROUTES.recordServiceEvent;
  router[method](path, ...hostJobRoute(verifier, scope, 'service-events', async (req, event) => {
    const outcome = await lk.serviceLifecycle.record({ kind: 'system', origin: { ip: req.ip, userAgent: req.get('user-agent') } }, event as ServiceEventInput);
    return { serviceId: outcome.serviceId, event: outcome.event, reminders: outcome.reminders };
  }));
  return router;
}
