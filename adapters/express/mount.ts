import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import {
  createHooks, describeActor, HOOK_PLACES, hostId, outageOf, packageFile, pickLanguage, Renderer, renderUnavailablePanel, type Language, type Outage,
  type Actor, type HookContext, type Latchkey, type HookPlace, type HookSurface, type Hooks, type RequestOrigin,
} from '../../core/index.ts';
import type { HostJobOperation } from './api-contract.ts';
import { apiRoutes } from './api-routes.ts';
import { BearerAuth } from './bearer-auth.ts';
import { formBody, refuseTooLarge } from './body-limits.ts';
import { cronRoutes } from './cron-route.ts';
import { hostEventRoutes } from './host-events-route.ts';
import { setCookie } from './cookies.ts';
import { CsrfGuard } from './csrf.ts';
import { EmbedTokenError, EmbedTokenVerifier, type EmbedGrant } from './embed-token.ts';
import { scopeOfGrant } from './frame-scope.ts';
import { FrameSessions } from './frame-session.ts';
import type { MountOptions } from './options.ts';
import { RequestScope } from './request-scope.ts';
import { rateLimitsWith } from './rate-limits.ts';
import { pageSecurityHeaders } from './security-headers.ts';
import { staticAssets } from './static-assets.ts';

/** The host ids a frame page's address may carry. */
const FRAME_IDS = ['clientId', 'ticketId', 'contactId', 'deviceId'] as const;

export interface LatchkeyMount {
  readonly hooks: Hooks;
  readonly renderer: Renderer;
  /**
   * Renders a hook place for an in-process host's page: identifies the actor,
   * issues the CSRF token, and returns the HTML fragment, or null to hide it.
   * While the database or the host platform is away (or the render passes its
   * deadline) it returns the panel's "unavailable" notice instead of throwing,
   * so the host's page still shows; only a bug rejects.
   */
  render(place: HookPlace, req: Request, res: Response, context?: HookContext): Promise<string | null>;
  /** Where Latchkey's routes live, normalised: `/latchkey`, or `` at the root. */
  readonly basePath: string;
  /**
   * For adapters that check their host's own sign-in (Zendesk signed URLs):
   * starts Latchkey's frame session for the actor and answers 303 to the frame
   * page of the place, exactly as an accepted embed token does.
   */
  enterFrame(req: Request, res: Response, grant: EmbedGrant): Promise<void>;
  /** Answers with Latchkey's whole-page message (a refused sign-in, or no access), with the framed-page headers. */
  sendMessage(req: Request, res: Response, status: number, kind: 'embedRefused' | 'denied', language?: Language): void;
}

/**
 * Mounts Latchkey into an Express 5 app under `basePath`: the JSON API, the
 * framed pages for non-Node hosts (entered with an embed token), and the
 * assets. Returns `render` for hosts that include fragments in their own pages.
 */
export function mountLatchkey(app: Express, options: MountOptions): LatchkeyMount {
  if (options.secret.length < 32) throw new Error('mountLatchkey: secret must be at least 32 characters');
  const base = normaliseBase(options.basePath);
  const lk = options.latchkey;
  const logger = options.logger ?? lk.logger;
  const renderer = new Renderer({ dateFormat: options.dateFormat });
  const addonSections = options.addonSections ?? [];
  const hooks = createHooks(lk, renderer, { sections: addonSections, renderDeadlineMs: options.renderDeadlineMs });
  // Path=/ because in-process hosts render panels on their own pages, outside
  // the base path: a cookie scoped to the base would not come back with those
  // page requests, so every page view would mint a new seed and invalidate the
  // token of every other page open in the same browser.
  const csrf = new CsrfGuard(options.secret, '/');
  const frames = new FrameSessions(options.secret, options.frameSessionMinutes ?? 30);
  const limits = rateLimitsWith(options.rateLimits);
  const scope = new RequestScope(csrf, frames, renderer, base, options.identify, logger, new BearerAuth(lk, limits));
  const verifier = options.embed ? new EmbedTokenVerifier(options.embed, lk) : null;
  const clipboardClearSeconds = options.clipboardClearSeconds ?? 30;
  const securityHeaders = pageSecurityHeaders(options.frameAncestors ?? []);

  const surfaceFor = (req: Request, res: Response, actor: Actor, framed: boolean, pageUrl: string): HookSurface => ({
    apiBase: `${base}/api`,
    assetBase: `${base}/assets`,
    pageUrl,
    csrfToken: csrf.issue(req, res, actor, framed),
    clipboardClearSeconds,
    dateFormat: options.dateFormat,
  });

  /**
   * A whole page saying why there is nothing to show (refused sign-in link, no
   * access, a form over its size limit, an id in the address that is not one).
   */
  const sendMessage = (
    req: Request, res: Response, status: number, kind: 'embedRefused' | 'denied' | 'switchedOff' | 'tooLarge' | 'badAddress' | 'tooMany', language?: Language,
    details: { kib?: number; field?: string } = {},
  ) => {
    sendPage(res, status, renderer.render('layouts/message', {
      assetBase: `${base}/assets`, title: `page.${kind}Title`, message: `page.${kind}Message`, details,
    }, { language: language ?? pickLanguage(req.acceptsLanguages()[0]) }));
  };

  /** The panel's "unavailable" notice, in the language the request asks for; the cause goes to the log only. */
  const unavailablePanel = (req: Request, outage: Outage, language?: string) => {
    logger.error(`latchkey: panel unavailable: ${outage.message.slice(0, 200)}`);
    return renderUnavailablePanel(renderer, outage, pickLanguage(language, scope.chosenLanguage(req), req.acceptsLanguages()[0]), `${base}/assets`);
  };

  const router = express.Router();
  router.use('/assets', staticAssets(packageFile('templates', 'assets')));

  // The host jobs registered here are those the API's OpenAPI document lists.
  const hostJobs: HostJobOperation[] = [];
  if (options.cron) {
    if (!verifier) throw new Error('mountLatchkey: cron needs embed (the host signs its cron tokens like its embed tokens)');
    router.use('/api', cronRoutes(lk, verifier, scope, options.cron));
    hostJobs.push('runReminders');
  }
  // Hosts that sign tokens also report their services' life (WHMCS's module hooks).
  if (verifier) {
    router.use('/api', hostEventRoutes(lk, verifier, scope));
    hostJobs.push('recordServiceEvent');
  }
  router.use('/api', apiRoutes(lk, scope, renderer, addonSections, limits, hostJobs));

  /** A sign-in over its limit: the message page, with when to come back. */
  const tooMany = (req: Request, res: Response, retryAfterSeconds: number) => {
    securityHeaders(res);
    res.set('Retry-After', String(retryAfterSeconds));
    sendMessage(req, res, 429, 'tooMany');
  };

  // A vault that cannot write (read-only, briefly unreachable) still lets people in, or says why not: the lost line is logged.
  const auditSignIn = async (write: () => Promise<void>) => {
    try {
      await write();
    } catch (err) {
      logger.warn(`latchkey: sign-in not audited: ${err instanceof Error ? err.name : typeof err}`);
    }
  };

  const enterFrame = async (req: Request, res: Response, grant: EmbedGrant) => {
    const opened = await lk.rateLimits.hit('signInPerActor', describeActor(grant.actor).id ?? 'system', limits.signInPerActor);
    if (!opened.allowed) {
      tooMany(req, res, opened.retryAfterSeconds);
      return;
    }
    const scope = await scopeOfGrant(lk, grant);
    // Once per session: the token is exchanged once, then the cookie carries the session.
    await auditSignIn(() => lk.signIns.opened({ ...grant.actor, origin: originOf(req) }, { place: grant.place, clientId: grant.clientId, ticketId: grant.ticketId }));
    const cookie = frames.cookieName(scope);
    setCookie(req, res, cookie, await frames.start(grant.actor, scope), { path: base, maxAgeSeconds: frames.maxAgeSeconds, framed: true });
    for (const closed of await frames.closing(req, grant.actor, cookie)) {
      setCookie(req, res, closed, '', { path: base, maxAgeSeconds: 0, framed: true });
    }
    const query = new URLSearchParams();
    for (const key of ['clientId', 'ticketId', 'contactId', 'deviceId', 'page', 'language'] as const) if (grant[key]) query.set(key, grant[key]!);
    res.redirect(303, `${base}/frame/${grant.place}${query.size ? `?${query}` : ''}`);
  };

  // A non-Node host sends the user here with a token it signed (form POST or link).
  const enter = async (req: Request, res: Response) => {
    securityHeaders(res);
    const token = typeof req.body?.token === 'string' ? req.body.token : typeof req.query.token === 'string' ? req.query.token : '';
    if (!verifier || !token) {
      sendMessage(req, res, 401, 'embedRefused');
      return;
    }
    try {
      // Counted before the token is checked: guessing or replaying tokens costs the same as using them.
      const attempt = await lk.rateLimits.hit('signInPerAddress', req.ip ?? 'unknown', limits.signInPerAddress);
      if (!attempt.allowed) {
        tooMany(req, res, attempt.retryAfterSeconds);
        return;
      }
      await enterFrame(req, res, await verifier.verify(token));
    } catch (err) {
      if (!(err instanceof EmbedTokenError)) {
        scope.fail(req, res, err);
        return;
      }
      await auditSignIn(() => lk.signIns.refused({ token: 'embed', reason: err.reason }, originOf(req)));
      sendMessage(req, res, 401, 'embedRefused');
    }
  };
  router.get('/embed', enter);
  router.post('/embed', formBody(), refuseTooLarge((req, res, limitKib) => {
    securityHeaders(res);
    sendMessage(req, res, 413, 'tooLarge', undefined, { kib: limitKib });
  }), enter);

  // A framed page: one hook place, full HTML document.
  router.get('/frame/:place', async (req, res) => {
    securityHeaders(res);
    try {
      const place = req.params.place as HookPlace;
      const session = await scope.sessionFor(req);
      const context = contextFromQuery(req, place === 'clientArea' ? scope.chosenLanguage(req) : undefined);
      const language = pickLanguage(context.language, req.acceptsLanguages()[0]);
      // The ids a frame's address carries follow the rule of ids everywhere else.
      const badId = session ? FRAME_IDS.find((key) => req.query[key] !== undefined && !hostId.safeParse(req.query[key]).success) : undefined;
      if (badId) {
        sendMessage(req, res, 400, 'badAddress', language, { field: badId });
        return;
      }
      // A frame session opens only the places and contexts its tokens named.
      const fragment = session && (HOOK_PLACES as readonly string[]).includes(place) && session.reach.mayOpen(place, context)
        ? await hooks[place](session.actor, context, surfaceFor(req, res, session.actor, await scope.isFramed(req), `${base}/frame/${place}${queryOf(req, FRAME_IDS)}`))
        : null;
      if (fragment === null) {
        // A host that frames a staff panel the installer switched off (WHMCS cannot ask first) gets a plain word, not "denied".
        if (session && STAFF_PLACES.includes(place) && !(await placeSwitchedOn(lk, place))) {
          sendMessage(req, res, 200, 'switchedOff', language);
          return;
        }
        sendMessage(req, res, session ? 404 : 401, 'denied', language);
        return;
      }
      sendPage(res, 200, renderer.render('layouts/frame', { assetBase: `${base}/assets`, title: 'page.frameTitle', fragment }, { language }));
    } catch (err) {
      const outage = outageOf(err);
      if (!outage) {
        scope.fail(req, res, err);
        return;
      }
      const language = pickLanguage(typeof req.query.language === 'string' ? req.query.language : undefined, scope.chosenLanguage(req), req.acceptsLanguages()[0]);
      res.set('Retry-After', String(outage.retryAfterSeconds));
      sendPage(res, 503, renderer.render('layouts/frame', {
        assetBase: `${base}/assets`, title: 'page.frameTitle', fragment: unavailablePanel(req, outage, language),
      }, { language }));
    }
  });

  // Whatever a route lets through (a form body the parser refuses, a path that
  // is not valid URL encoding) gets a message page with the same headers, never
  // Express's default error page, which shows the stack trace outside production.
  router.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const status = clientErrorStatus(err);
    if (status === 500) logger.error(`latchkey: unexpected ${err instanceof Error ? err.name : typeof err} on ${req.method} ${base}${req.path.slice(0, 80)}`);
    securityHeaders(res);
    sendMessage(req, res, status, req.path === '/embed' ? 'embedRefused' : 'denied');
  });

  app.use(base, router);

  return {
    hooks,
    renderer,
    basePath: base,
    enterFrame,
    sendMessage(req, res, status, kind, language) {
      securityHeaders(res);
      sendMessage(req, res, status, kind, language);
    },
    async render(place, req, res, context = {}) {
      try {
        const actor = await scope.actorFor(req);
        if (!actor) return null;
        res.set('Cache-Control', 'no-store');
        // The client area reads its person's choice itself (lk.languages); staff panels follow the host's language for the admin.
        return await hooks[place](actor, context, surfaceFor(req, res, actor, false, req.originalUrl));
      } catch (err) {
        const outage = outageOf(err);
        if (!outage) throw err;
        res.set('Cache-Control', 'no-store');
        return unavailablePanel(req, outage, context.language);
      }
    },
  };
}

function normaliseBase(path: string): string {
  const trimmed = `/${path.replace(/^\/+|\/+$/g, '')}`;
  if (!/^\/[A-Za-z0-9/_-]*$/.test(trimmed)) throw new Error('mountLatchkey: basePath must be a plain URL path');
  return trimmed === '/' ? '' : trimmed;
}

function contextFromQuery(req: Request, chosenLanguage: Language | undefined): HookContext {
  const text = (key: string) => (typeof req.query[key] === 'string' ? (req.query[key] as string).slice(0, 255) : undefined);
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.query)) if (typeof value === 'string') params[key] = value.slice(0, 255);
  return {
    clientId: text('clientId'),
    ticketId: text('ticketId'),
    contactId: text('contactId'),
    deviceId: text('deviceId'),
    page: text('page'),
    params,
    language: chosenLanguage ?? text('language'),
  };
}

function queryOf(req: Request, keys: readonly string[]): string {
  const query = new URLSearchParams();
  for (const key of keys) if (typeof req.query[key] === 'string') query.set(key, req.query[key] as string);
  return query.size ? `?${query}` : '';
}

/** The 4xx status an Express middleware gave its error (body too large, bad URL encoding), else 500. */
function clientErrorStatus(err: unknown): number {
  const e = err as { status?: unknown; statusCode?: unknown } | null;
  const status = e?.status ?? e?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
}

function sendPage(res: Response, status: number, html: string): void {
  res.status(status).set('Content-Type', 'text/html; charset=utf-8').set('Cache-Control', 'no-store').send(html);
}

const STAFF_PLACES: readonly string[] = ['clientSummary', 'ticketSidebar'];

async function placeSwitchedOn(lk: Latchkey, place: string): Promise<boolean> {
  const { staffPanels } = await lk.settings.get({ kind: 'system' });
  return place === 'clientSummary' ? staffPanels.clientSummary : staffPanels.ticketSidebar;
}

/** Where a request came from, as the audit trail keeps it. */
function originOf(req: Request): RequestOrigin {
  return { ip: req.ip, userAgent: req.get('user-agent')?.slice(0, 512) };
}
