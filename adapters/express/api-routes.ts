import { createHash } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import QRCode from 'qrcode';
import { z } from 'zod';
import {
  AccessReportService, auditCsv, describeActor, ForbiddenError, ImportFormatError, issue, previewMail, runAddonAction, totpCode, validate, ValidationError,
  type Actor, type AddonSection, type PanelPlace, type RelyingParty, type DeleteEntryInput, type Renderer, type Latchkey, type RevealedSecrets,
} from '../../core/index.ts';
import { API_ROUTES, ENTRIES_COUNT_UP_TO, languageSchema, PATH_PARAMS, watchSchema, type ApiOperation, type ApiRoute, type HostJobOperation } from './api-contract.ts';
import type { Reach } from './frame-scope.ts';
import { jsonBody, refuseUnreadableJson } from './body-limits.ts';
import { openApiDocument } from './openapi-document.ts';
import { readCookie } from './cookies.ts';
import { CSRF_COOKIE } from './csrf.ts';
import { countAttempt, type RateLimitOptions } from './rate-limits.ts';
import type { ApiSession, RequestScope } from './request-scope.ts';

/**
 * The JSON API behind the panels' buttons. Each handler only reads the
 * request, names the actor, and calls one core service: the service decides.
 * A frame session's `reach` first keeps the request to the place and context
 * its token named (frame-scope.ts). Which routes exist, and what they take and
 * answer, is declared once in API_ROUTES (api-contract.ts): here each gets its
 * handler, and nothing else is registered. `hostJobs` are the host's calls
 * the mount registered beside these (HOST_JOB_ROUTES), for the document.
 */
export function apiRoutes(
  lk: Latchkey, scope: RequestScope, renderer: Renderer, sections: readonly AddonSection[], limits: RateLimitOptions,
  hostJobs: readonly HostJobOperation[] = [],
): Router {
  const api = express.Router();
  // The routes that take a file read a larger body; every other route keeps the usual limit.
  for (const route of Object.values(API_ROUTES) as ApiRoute[]) {
    if (route.body?.limitBytes) api[route.method](route.path, jsonBody(route.body.limitBytes));
  }
  api.use(jsonBody(), refuseUnreadableJson((req) => scope.translator(req)));

  const handle = (body: (req: Request, res: Response, actor: Actor, reach: Reach) => Promise<unknown>) =>
    async (req: Request, res: Response) => {
      const t = scope.translator(req);
      try {
        const session = await scope.apiSessionFor(req);
        if (!session) {
          res.status(401).set('Cache-Control', 'no-store').json({ error: 'unauthenticated', message: t('errors.unauthenticated') });
          return;
        }
        const { actor, reach, token } = session;
        const route: ApiRoute = API_ROUTES[operationOf(res)];
        // A client whose area is closed (globally, by group, by client or as a restricted contact) reaches nothing here.
        if (actor.kind === 'client' && !await lk.settings.clientAreaOpenFor(actor)) {
          res.status(403).set('Cache-Control', 'no-store').json({ error: 'client_area_unavailable', message: t('clientArea.unavailable') });
          return;
        }
        if (token) {
          // A token reaches no further than its scopes, whatever its admin may do; CSRF guards cookies only.
          const needed = route.tokenScope;
          if (!needed || !token.scopes.includes(needed)) {
            await lk.apiTokens.recordOutOfScope(actor, `${route.method.toUpperCase()} ${route.path}`, needed);
            res.status(403).set('Cache-Control', 'no-store').json({ error: 'insufficient_scope', field: 'authorization', message: t('errors.insufficient_scope') });
            return;
          }
        } else if (req.method !== 'GET' && req.method !== 'HEAD' && !scope.csrf.verify(req, actor)) {
          res.status(403).set('Cache-Control', 'no-store').json({ error: 'csrf', message: t('errors.csrf') });
          return;
        }
        // Routes that hand out secrets are rate-limited per actor and per address, whoever calls.
        if (route.tokenScope === 'reveal') {
          await countAttempt(lk, 'revealPerActor', describeActor(actor).id ?? 'system', limits.revealPerActor);
          await countAttempt(lk, 'revealPerAddress', req.ip ?? 'unknown', limits.revealPerAddress);
        }
        // A script's API token is no panel: only a panel's session says where it is.
        const acting = withOrigin(session, req, token ? null : panelPlace(req, reach));
        for (const action of route.stepUp ?? []) await lk.stepUp.requireFresh(acting, sessionKeyOf(req), action);
        // Set first: a handler that sends a file itself (an export) sends it not to be stored either.
        res.set('Cache-Control', 'no-store');
        const result = await body(req, res, acting, reach);
        if (result === SENT) return;
        if (result === undefined) res.status(204).end();
        else res.json(result);
      } catch (err) {
        scope.fail(req, res, err);
      }
    };

  // Every route on one entry first checks that the entry is within the session's reach.
  const reachableEntry = async (req: Request, actor: Actor, reach: Reach) => {
    const id = param(req, 'id');
    return { id, entry: await reach.requireEntry(lk, actor, id) };
  };

  // The client picker, categories, settings, mail previews, the audit log and addon sections belong
  // to the addon pages: a session confined to one client's panel reaches none of them.
  const addonOnly = async (req: Request, res: Response, next: express.NextFunction) => {
    try {
      (await scope.apiSessionFor(req))?.reach.requireUnconfined('use the addon pages here');
      next();
    } catch (err) {
      res.set('Cache-Control', 'no-store');
      scope.fail(req, res, err);
    }
  };

  // Built on the first request for it, then kept: the same for every caller, and free of secrets.
  let document: string | undefined;

  const handlers: Record<ApiOperation, RequestHandler> = {
    listEntries: handle((req, _res, actor, reach) => lk.entries.list(actor, reach.listQuery(queryObject(req, ['offset', 'limit'])), { countUpTo: ENTRIES_COUNT_UP_TO })),
    createEntry: handle(async (req, res, actor, reach) => {
      await reach.requireNewEntry(lk, req.body);
      res.status(201);
      return lk.entries.create(actor, req.body);
    }),
    getEntry: handle(async (req, _res, actor, reach) => lk.entries.get(actor, (await reachableEntry(req, actor, reach)).id)),
    updateEntry: handle(async (req, _res, actor, reach) => {
      const { id, entry } = await reachableEntry(req, actor, reach);
      reach.requireEdit(req.body, entry);
      return lk.entries.update(actor, id, req.body);
    }),
    shareEntry: handle(async (req, _res, actor, reach) => {
      const { id, entry } = await reachableEntry(req, actor, reach);
      await reach.requireGrants(lk, (req.body as { grants?: unknown } | undefined)?.grants, entry?.clientId);
      return lk.entries.share(actor, id, req.body);
    }),
    deleteEntry: handle(async (req, _res, actor, reach) => {
      const { id } = await reachableEntry(req, actor, reach);
      // `?version=<n>`: the version the user decided on; missing is a 400, stale a 409.
      await lk.entries.delete(actor, id, queryObject(req, ['version']) as DeleteEntryInput);
      return undefined;
    }),
    revealEntry: handle(async (req, _res, actor, reach) => revealBody(await lk.entries.reveal(actor, (await reachableEntry(req, actor, reach)).id), lk.clock.now())),
    copyEntryField: handle(async (req, _res, actor, reach) => {
      const copied = await lk.entries.copy(actor, (await reachableEntry(req, actor, reach)).id, req.body);
      return { field: copied.field, value: copied.value.expose(), secondsLeft: copied.secondsLeft };
    }),
    revealTotp: handle(async (req, _res, actor, reach) => {
      const totp = await lk.entries.currentTotp(actor, (await reachableEntry(req, actor, reach)).id);
      return { code: totp.code.expose(), secondsLeft: totp.secondsLeft };
    }),
    listHistory: handle(async (req, _res, actor, reach) => lk.entries.history(actor, (await reachableEntry(req, actor, reach)).id)),
    revealHistory: handle(async (req, _res, actor, reach) => {
      const secret = await lk.entries.revealHistory(actor, (await reachableEntry(req, actor, reach)).id, param(req, 'historyId'));
      return { password: secret.expose() };
    }),
    restoreHistory: handle(async (req, _res, actor, reach) => {
      const { id } = await reachableEntry(req, actor, reach);
      return lk.entries.restore(actor, id, param(req, 'historyId'), req.body);
    }),
    // Anyone who sees an entry may ask to hear when its password changes (owners use the entry's notifyOnChange).
    watchEntry: handle(async (req, _res, actor, reach) => {
      const { watch } = validate(watchSchema, req.body);
      await lk.entries.watch(actor, (await reachableEntry(req, actor, reach)).id, watch);
      return { watching: watch };
    }),
    listServiceCredentials: handle((req, _res, actor, reach) => {
      const clientId = param(req, 'clientId');
      reach.requireClient(clientId);
      return lk.serviceCredentials.list(actor, clientId);
    }),

    // Pickers: `?search=<text>` → `[{ id, name }]` of the host's clients, admins only.
    findClients: handle((req, _res, actor) => lk.directory.findClients(actor, queryObject(req, []))),
    // The settings' restricted contacts: `?search=<text>` → `{ id, name, detail }` of any client's contacts.
    findContacts: handle((req, _res, actor) => lk.directory.findContacts(actor, queryObject(req, []))),
    // The entry dialog's link fields: `?search=<text>&offset=&limit=` → a page of the client's `{ id, name, detail }`.
    findClientContacts: handle((req, _res, actor, reach) => {
      const clientId = param(req, 'clientId');
      reach.requireClient(clientId);
      return lk.linkTargets.find(actor, clientId, 'contact', queryObject(req, ['offset', 'limit']));
    }),
    findClientDevices: handle((req, _res, actor, reach) => {
      const clientId = param(req, 'clientId');
      reach.requireClient(clientId);
      return lk.linkTargets.find(actor, clientId, 'device', queryObject(req, ['offset', 'limit']));
    }),
    // The sharing pickers: `?search=<text>&offset=&limit=` → a page of `{ kind, id, name, detail }`.
    findShareTargets: handle(async (req, _res, actor, reach) =>
      lk.shareTargets.forEntry(actor, (await reachableEntry(req, actor, reach)).id, queryObject(req, ['offset', 'limit']))),
    // Staff fill admin categories on the addon pages only: a panel confined to one client finds no other clients here.
    findCategoryMembers: handle(async (req, _res, actor, reach) => {
      if (actor.kind !== 'client') reach.requireUnconfined('use the addon pages here');
      return lk.shareTargets.forCategory(actor, queryObject(req, ['offset', 'limit']));
    }),

    listCategories: handle((_req, _res, actor) => lk.categories.list(actor)),
    createCategory: handle(async (req, res, actor) => {
      res.status(201);
      return lk.categories.create(actor, req.body);
    }),
    updateCategory: handle((req, _res, actor) => lk.categories.update(actor, param(req, 'categoryId'), req.body)),
    deleteCategory: handle(async (req, _res, actor) => {
      await lk.categories.delete(actor, param(req, 'categoryId'));
      return undefined;
    }),

    getSettings: handle((_req, _res, actor) => lk.settings.get(actor)),
    updateSettings: handle((req, _res, actor) => lk.settings.update(actor, req.body)),
    // The settings page's live preview: the admin's unsaved text, composed as the dispatcher would.
    previewMail: handle(async (req, _res, actor) => {
      if (actor.kind !== 'admin' || !(await lk.mayRunAddon(actor))) throw new ForbiddenError('preview mail');
      const [settings, admins] = await Promise.all([lk.settings.get(actor), lk.host.admins([actor.adminId])]);
      const mail = previewMail(renderer, settings, req.body ?? {}, admins.get(actor.adminId)?.name ?? '');
      return { subject: mail.subject, text: mail.text, html: mail.html };
    }),
    listAudit: handle((req, _res, actor) => lk.audit.list(actor, queryObject(req, ['beforeSeq', 'limit']))),
    exportAuditCsv: handle(async (req, res, actor) => {
      const csv = await auditCsv(lk, actor, queryObject(req, []), scope.translator(req));
      res.set('Content-Disposition', 'attachment; filename="latchkey-audit.csv"').type('text/csv; charset=utf-8').send(csv);
      return SENT;
    }),
    // The audit page's pickers: people keyed as the filter takes them, entries by name; a word tells like-named ones apart.
    findAuditActors: handle(async (req, _res, actor) => {
      const t = scope.translator(req);
      return (await lk.audit.findActors(actor, queryObject(req, []))).map((p) => ({ id: p.id, name: p.name, detail: t(`audit.actorKinds.${p.kind}`) }));
    }),
    findAuditEntries: handle(async (req, _res, actor) => {
      const entries = await lk.audit.findEntries(actor, queryObject(req, []));
      const clients = await lk.host.clients([...new Set(entries.map((e) => e.clientId).filter((id): id is string => id !== null))]);
      return entries.map((e) => ({ id: e.id, name: e.name, detail: e.clientId ? clients.get(e.clientId)?.name ?? '' : '' }));
    }),
    getClientAccess: handle((req, _res, actor) => lk.accessReport.forClient(actor, param(req, 'clientId'))),
    getClientAccessCsv: handle(async (req, _res, actor) => {
      const clientId = param(req, 'clientId');
      const lines = await lk.accessReport.forClient(actor, clientId);
      const t = scope.translator(req);
      const header = ['entry', 'kind', 'person', 'id', 'reasons', 'canEdit'].map((c) => t(`accessReport.csv.${c}`)) as [string, string, string, string, string, string];
      return { filename: `access-${clientId}.csv`, csv: AccessReportService.csv(lines, header) };
    }),
    getStaffAccess: handle((req, _res, actor) => lk.accessReport.forStaff(actor, param(req, 'adminId'))),
    getAccessReview: handle((_req, _res, actor) => lk.accessReviews.state(actor)),
    markAccessReviewed: handle(async (_req, _res, actor) => {
      await lk.accessReviews.markReviewed(actor);
      return undefined;
    }),
    listAlerts: handle((_req, _res, actor) => lk.alerts.recent(actor)),

    // The forms of the sections adapters add to the addon pages: admins who may run the addon only.
    runAddonAction: handle(async (req, _res, actor) => {
      // Names, not ids: a name no section has is a 404 from runAddonAction.
      await runAddonAction(lk, sections, actor, String(req.params.section), String(req.params.action), req.body ?? {});
      return undefined;
    }),

    // API tokens: each admin's own (`?all=true`: everyone's, for addon managers). Panel sessions only: a token makes no tokens.
    listApiTokens: handle((req, _res, actor) => {
      const { all } = queryObject(req, []);
      return lk.apiTokens.list(actor, { all: all === 'true' ? true : all === 'false' ? false : all as boolean | undefined });
    }),
    createApiToken: handle(async (req, res, actor) => {
      const { token, info } = await lk.apiTokens.create(actor, req.body);
      res.status(201);
      // The only response that ever carries the token.
      return { ...info, token: token.expose() };
    }),
    revokeApiToken: handle(async (req, _res, actor) => {
      await lk.apiTokens.revoke(actor, param(req, 'tokenId'));
      return undefined;
    }),

    // Import and export: the addon pages' and, when an admin allows it, the client area's.
    previewImport: handle(async (req, _res, actor) => {
      const t = scope.translator(req);
      const preview = await readable(req, () => lk.imports.preview(actor, req.body));
      return {
        counts: preview.counts,
        rows: preview.rows.map((row) => ({
          ...row, problems: row.problems.map((p) => ({ field: p.field, rule: p.rule, message: t(`validation.${p.rule}`, p.params ?? {}) })),
        })),
      };
    }),
    startImport: handle(async (req, res, actor) => {
      const job = await readable(req, () => lk.imports.start(actor, req.body));
      res.status(201);
      return job;
    }),
    getImportJob: handle((req, _res, actor) => lk.imports.job(actor, param(req, 'jobId'))),
    exportEntries: handle(async (req, res, actor) => {
      const file = await lk.exports.export(actor, req.body);
      res.set('Content-Disposition', `attachment; filename="${file.fileName}"`).type(file.contentType).send(file.body);
      return SENT;
    }),

    // Second factors: each person their own, from any panel; panel sessions only (a token cannot answer a prompt).
    getStepUp: handle(async (req, _res, actor) => {
      const status = await lk.stepUp.status(actor, sessionKeyOf(req));
      return { ...status, verifiedUntil: status.verifiedUntil?.toISOString() ?? null };
    }),
    beginTotp: handle(async (_req, _res, actor) => {
      const { seed, uri } = await lk.stepUp.beginTotp(actor);
      // A data URL: the CSP's img-src takes `data:`, and no script draws it.
      return { secret: seed.expose(), otpauthUri: uri.expose(), qrCode: await QRCode.toDataURL(uri.expose(), { margin: 1, width: 220 }) };
    }),
    confirmTotp: handle(async (req, _res, actor) => {
      await countAttempt(lk, 'stepUpPerActor', describeActor(actor).id ?? 'system', limits.stepUpPerActor);
      const { recoveryCodes, verifiedUntil } = await lk.stepUp.confirmTotp(actor, sessionKeyOf(req), req.body);
      return { recoveryCodes: recoveryCodes.map((c) => c.expose()), verifiedUntil: verifiedUntil?.toISOString() ?? null };
    }),
    passkeyOptions: handle(async (req, _res, actor) => lk.stepUp.passkeyOptions(actor, requireSessionKey(req), req.body, relyingParty(req))),
    registerPasskey: handle(async (req, _res, actor) => {
      await countAttempt(lk, 'stepUpPerActor', describeActor(actor).id ?? 'system', limits.stepUpPerActor);
      return { verifiedUntil: (await lk.stepUp.registerPasskey(actor, requireSessionKey(req), req.body, relyingParty(req))).verifiedUntil.toISOString() };
    }),
    verifyStepUp: handle(async (req, _res, actor) => {
      await countAttempt(lk, 'stepUpPerActor', describeActor(actor).id ?? 'system', limits.stepUpPerActor);
      return { verifiedUntil: (await lk.stepUp.verify(actor, requireSessionKey(req), req.body, relyingParty(req))).verifiedUntil.toISOString() };
    }),
    resetStepUp: handle(async (req, _res, actor) => {
      await lk.stepUp.reset(actor, req.body);
      return undefined;
    }),

    generatePassword: handle(async (req) => ({ password: lk.generatePassword(req.body ?? {}).expose() })),
    chooseLanguage: handle(async (req, res, actor) => {
      const { language } = validate(languageSchema, req.body);
      // A client-area person's choice is theirs wherever they sign in; others keep it in this browser.
      if (actor.kind === 'client') await lk.languages.choose(actor, language);
      else scope.rememberLanguage(req, res, language);
      return { language };
    }),

    openApiDocument: (_req, res) => {
      document ??= JSON.stringify(openApiDocument(scope.path, hostJobs));
      res.set('Cache-Control', 'public, max-age=300').type('json').send(document);
    },
  };

  for (const [operation, route] of Object.entries(API_ROUTES) as Array<[ApiOperation, (typeof API_ROUTES)[ApiOperation]]>) {
    const guards = route.access === 'unconfined' ? [addonOnly] : [];
    api[route.method](route.path, naming(operation), ...guards, handlers[operation]);
  }

  api.use((req, res) => {
    res.status(404).set('Cache-Control', 'no-store').json({ error: 'not_found', message: scope.translator(req)('errors.not_found') });
  });
  api.use((err: unknown, req: Request, res: Response, _next: express.NextFunction) => scope.fail(req, res, err));
  return api;
}

/** What a handler returns when it has sent its answer itself (a file). */
const SENT = Symbol('sent');

/** A file the format chosen cannot read is bad input naming `content`, not a server failure. */
async function readable<T>(req: Request, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    if (!(err instanceof ImportFormatError)) throw err;
    const format = String((req.body as { format?: unknown } | undefined)?.format ?? '');
    throw new ValidationError([issue('content', 'unreadableFile', { format, reason: err.message.slice(0, 200) })]);
  }
}

/** Tells the handler which declared route it serves: its token scope and whether it reveals come from API_ROUTES. */
function naming(operation: ApiOperation): RequestHandler {
  return (_req, res, next) => {
    res.locals.operation = operation;
    next();
  };
}

function operationOf(res: Response): ApiOperation {
  return res.locals.operation as ApiOperation;
}

function withOrigin({ actor, token }: ApiSession, req: Request, place: PanelPlace | null): Actor {
  const via = token ? { tokenId: token.tokenId, tokenName: token.tokenName } : undefined;
  return { ...actor, origin: { ip: req.ip, userAgent: req.get('user-agent')?.slice(0, 512), ...via ? { via } : {}, ...place ? { place } : {} } };
}

/** The panel names its place in these headers (latchkey.js sends them), for the audit trail's "from the ticket sidebar of #1042". */
const PANEL_PLACE_HEADER = 'x-latchkey-place';
const PANEL_TICKET_HEADER = 'x-latchkey-ticket';

const PANEL_PLACES: Record<string, PanelPlace['name']> = { summary: 'clientSummary', ticket: 'ticketSidebar', clientarea: 'clientArea' };

/**
 * Where the panel that sent the request says it is, when the session could
 * be there: a framed session only in a ticket its tokens opened. A name the
 * panels never send is no place at all.
 */
function panelPlace(req: Request, reach: Reach): PanelPlace | null {
  const said = req.get(PANEL_PLACE_HEADER) ?? '';
  const name = said.startsWith('admin-') ? 'adminPages' : PANEL_PLACES[said];
  if (!name) return null;
  if (name !== 'ticketSidebar') return { name };
  const ticketId = req.get(PANEL_TICKET_HEADER) ?? '';
  if (!/^[A-Za-z0-9_.:@-]{1,64}$/.test(ticketId)) return { name };
  return reach.mayOpen('ticketSidebar', { ticketId }) ? { name, ticketId } : { name };
}

/**
 * The session a verification is bound to: the hash of the browser's own
 * random CSRF cookie, which every panel session (framed or the host's) has
 * and no other browser or API token holds. Null without one.
 */
function sessionKeyOf(req: Request): string | null {
  const seed = readCookie(req, CSRF_COOKIE);
  return seed && /^[A-Za-z0-9_-]{43}$/.test(seed) ? createHash('sha256').update(`step-up|${seed}`).digest('hex') : null;
}

/** A verification belongs to a session's own cookie; a caller without one has nothing to verify. */
function requireSessionKey(req: Request): string {
  const key = sessionKeyOf(req);
  if (!key) throw new ForbiddenError('verify without a session cookie');
  return key;
}

/** Passkeys are bound to the site the browser shows: its host name and origin, as this request reached it. */
function relyingParty(req: Request): RelyingParty {
  return { id: req.hostname, origin: `${req.protocol}://${req.get('host') ?? req.hostname}` };
}

/** A route parameter that passed its id rule; a 400 naming the parameter otherwise. */
function param(req: Request, name: keyof typeof PATH_PARAMS): string {
  const { [name]: value } = validate(z.strictObject({ [name]: PATH_PARAMS[name] }), { [name]: req.params[name] });
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
function revealBody(secrets: RevealedSecrets, now: Date): Record<string, unknown> {
  const body: Record<string, unknown> = {
    password: secrets.password?.expose() ?? null,
    notes: secrets.notes?.expose() ?? null,
    totpCode: null,
    totpSecondsLeft: null,
  };
  if (secrets.totpSecret) {
    const { code, secondsLeft } = totpCode(secrets.totpSecret.expose(), now);
    body.totpCode = code;
    body.totpSecondsLeft = secondsLeft;
  }
  return body;
}

