import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import {
  ForbiddenError, LANGUAGES, runAddonAction, totpCode, ValidationError,
  type Actor, type AddonSection, type DeleteEntryInput, type Renderer, type Latchkey, type RevealedSecrets,
} from '../../core/index.ts';
import { previewMail } from '../../core/hooks/mail-preview.ts';
import { entryId, hostId, ownId } from '../../core/validation/schemas.ts';
import { validate } from '../../core/validation/validate.ts';
import { issue } from '../../core/validation/rules.ts';
import { jsonBody, refuseUnreadableJson } from './body-limits.ts';
import type { RequestScope } from './request-scope.ts';

const languageSchema = z.strictObject({ language: z.enum(LANGUAGES) });
const watchSchema = z.strictObject({ watch: z.boolean() });

/** The id rule of each route parameter: the same rules the schemas apply to ids in bodies. */
const PARAMS = {
  id: entryId,
  categoryId: ownId,
  historyId: ownId,
  clientId: hostId,
} satisfies Record<string, z.ZodType>;

/**
 * The JSON API behind the panels' buttons. Each handler only reads the
 * request, names the actor, and calls one core service: the service decides.
 */
export function apiRoutes(lk: Latchkey, scope: RequestScope, renderer: Renderer, sections: readonly AddonSection[]): Router {
  const api = express.Router();
  api.use(jsonBody(), refuseUnreadableJson((req) => scope.translator(req)));

  const handle = (body: (req: Request, res: Response, actor: Actor) => Promise<unknown>) =>
    async (req: Request, res: Response) => {
      const t = scope.translator(req);
      try {
        const actor = await scope.actorFor(req);
        if (!actor) {
          res.status(401).set('Cache-Control', 'no-store').json({ error: 'unauthenticated', message: t('errors.unauthenticated') });
          return;
        }
        if (req.method !== 'GET' && req.method !== 'HEAD' && !scope.csrf.verify(req, actor)) {
          res.status(403).set('Cache-Control', 'no-store').json({ error: 'csrf', message: t('errors.csrf') });
          return;
        }
        const result = await body(req, res, withOrigin(actor, req));
        res.set('Cache-Control', 'no-store');
        if (result === undefined) res.status(204).end();
        else res.json(result);
      } catch (err) {
        scope.fail(req, res, err);
      }
    };

  api.get('/entries', handle((req, _res, actor) => lk.entries.list(actor, queryObject(req, ['offset', 'limit']))));
  api.post('/entries', handle(async (req, res, actor) => {
    res.status(201);
    return lk.entries.create(actor, req.body);
  }));
  api.get('/entries/:id', handle((req, _res, actor) => lk.entries.get(actor, param(req, 'id'))));
  api.patch('/entries/:id', handle((req, _res, actor) => lk.entries.update(actor, param(req, 'id'), req.body)));
  api.put('/entries/:id/grants', handle((req, _res, actor) => lk.entries.share(actor, param(req, 'id'), req.body)));
  // `?version=<n>`: the version the user decided on; missing is a 400, stale a 409.
  api.delete('/entries/:id', handle(async (req, _res, actor) => {
    await lk.entries.delete(actor, param(req, 'id'), queryObject(req, ['version']) as DeleteEntryInput);
    return undefined;
  }));
  api.post('/entries/:id/reveal', handle(async (req, _res, actor) => revealBody(await lk.entries.reveal(actor, param(req, 'id')))));
  api.get('/entries/:id/history', handle((req, _res, actor) => lk.entries.history(actor, param(req, 'id'))));
  api.post('/entries/:id/history/:historyId/reveal', handle(async (req, _res, actor) => {
    const secret = await lk.entries.revealHistory(actor, param(req, 'id'), param(req, 'historyId'));
    return { password: secret.expose() };
  }));
  // Anyone who sees an entry may ask to hear when its password changes (owners use the entry's notifyOnChange).
  api.put('/entries/:id/watch', handle(async (req, _res, actor) => {
    const { watch } = validate(watchSchema, req.body);
    await lk.entries.watch(actor, param(req, 'id'), watch);
    return { watching: watch };
  }));
  api.get('/services/:clientId', handle((req, _res, actor) => lk.serviceCredentials.list(actor, param(req, 'clientId'))));
  // Pickers: `?search=<text>` → `[{ id, name }]` of the host's clients, admins only.
  api.get('/clients', handle((req, _res, actor) => lk.directory.findClients(actor, queryObject(req, []))));

  api.get('/categories', handle((_req, _res, actor) => lk.categories.list(actor)));
  api.post('/categories', handle(async (req, res, actor) => {
    res.status(201);
    return lk.categories.create(actor, req.body);
  }));
  api.patch('/categories/:categoryId', handle((req, _res, actor) => lk.categories.update(actor, param(req, 'categoryId'), req.body)));
  api.delete('/categories/:categoryId', handle(async (req, _res, actor) => {
    await lk.categories.delete(actor, param(req, 'categoryId'));
    return undefined;
  }));

  api.get('/settings', handle((_req, _res, actor) => lk.settings.get(actor)));
  api.patch('/settings', handle((req, _res, actor) => lk.settings.update(actor, req.body)));
  // The settings page's live preview: the admin's unsaved text, composed as the dispatcher would.
  api.post('/mail/preview', handle(async (req, _res, actor) => {
    if (actor.kind !== 'admin' || !(await lk.mayRunAddon(actor))) throw new ForbiddenError('preview mail');
    const [settings, admins] = await Promise.all([lk.settings.get(actor), lk.host.admins([actor.adminId])]);
    const mail = previewMail(renderer, settings, req.body ?? {}, admins.get(actor.adminId)?.name ?? '');
    return { subject: mail.subject, text: mail.text, html: mail.html };
  }));
  api.get('/audit', handle((req, _res, actor) => lk.audit.list(actor, queryObject(req, ['beforeSeq', 'limit']))));

  // The forms of the sections adapters add to the addon pages: admins who may run the addon only.
  api.post('/addon/:section/:action', handle(async (req, _res, actor) => {
    // Names, not ids: a name no section has is a 404 from runAddonAction.
    await runAddonAction(lk, sections, actor, String(req.params.section), String(req.params.action), req.body ?? {});
    return undefined;
  }));

  api.post('/password', handle(async (req) => ({ password: lk.generatePassword(req.body ?? {}).expose() })));
  api.post('/language', handle(async (req, res) => {
    const { language } = validate(languageSchema, req.body);
    scope.rememberLanguage(req, res, language);
    return { language };
  }));

  api.use((req, res) => {
    res.status(404).set('Cache-Control', 'no-store').json({ error: 'not_found', message: scope.translator(req)('errors.not_found') });
  });
  api.use((err: unknown, req: Request, res: Response, _next: express.NextFunction) => scope.fail(req, res, err));
  return api;
}

function withOrigin(actor: Actor, req: Request): Actor {
  return { ...actor, origin: { ip: req.ip, userAgent: req.get('user-agent')?.slice(0, 512) } };
}

/** A route parameter that passed its id rule; a 400 naming the parameter otherwise. */
function param(req: Request, name: keyof typeof PARAMS): string {
  const { [name]: value } = validate(z.strictObject({ [name]: PARAMS[name] }), { [name]: req.params[name] });
  return String(value);
}

/** Query strings are text; the schemas want numbers for paging, so those keys are converted. */
function queryObject(req: Request, numericKeys: readonly string[]): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(req.query)) {
    if (typeof value !== 'string') throw new ValidationError([issue(key, 'givenOnce')]);
    query[key] = numericKeys.includes(key) ? toNumber(key, value) : value;
  }
  return query;
}

function toNumber(field: string, value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new ValidationError([issue(field, 'mustBeWholeNumber')]);
  return Number(value);
}

/** The only response that carries secrets. */
function revealBody(secrets: RevealedSecrets): Record<string, unknown> {
  const body: Record<string, unknown> = {
    password: secrets.password?.expose() ?? null,
    notes: secrets.notes?.expose() ?? null,
    totpCode: null,
    totpSecondsLeft: null,
  };
  if (secrets.totpSecret) {
    const { code, secondsLeft } = totpCode(secrets.totpSecret.expose(), new Date());
    body.totpCode = code;
    body.totpSecondsLeft = secondsLeft;
  }
  return body;
}

