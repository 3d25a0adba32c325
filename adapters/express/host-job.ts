import express, { type Request, type RequestHandler, type Response } from 'express';
import { formBody, FORM_BODY_LIMIT_BYTES, refuseUnreadableJson } from './body-limits.ts';
import { EmbedTokenError, type EmbedTokenVerifier, type HostJob } from './embed-token.ts';
import type { RequestScope } from './request-scope.ts';

/**
 * A call from the host's own server for one job (the daily reminders, a
 * service's life). The caller proves itself with a host token (`sub`
 * `system`, `ctx` `{"job": <job>}`, its `jti` accepted once), sent as
 * `Authorization: Bearer <jwt>` or the form field `token`; the rest of the
 * body, a form or JSON of at most 16 KiB, is the job's input. A refused token
 * is a 401 and nothing runs; what `run` answers is sent as JSON.
 */
export function hostJobRoute(
  verifier: EmbedTokenVerifier, scope: RequestScope, job: HostJob,
  run: (req: Request, input: Record<string, unknown>) => Promise<object>,
): RequestHandler[] {
  const handler = async (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store');
    const { token: field, ...input } = req.body && typeof req.body === 'object' ? req.body as Record<string, unknown> : {};
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const token = bearer ?? (typeof field === 'string' ? field : '');
    try {
      if (!token) throw new EmbedTokenError('no token');
      await verifier.verifyJob(token, job);
      res.json(await run(req, input));
    } catch (err) {
      if (err instanceof EmbedTokenError) {
        res.status(401).json({ error: 'unauthenticated', message: scope.translator(req)('errors.unauthenticated') });
      } else {
        scope.fail(req, res, err);
      }
    }
  };
  return [
    formBody(), express.json({ limit: FORM_BODY_LIMIT_BYTES }),
    refuseUnreadableJson((r) => scope.translator(r)) as unknown as RequestHandler, handler,
  ];
}
