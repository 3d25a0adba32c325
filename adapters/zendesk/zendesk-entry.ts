import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { packageFile, pickLanguage, type HookPlace, type Latchkey } from '../../core/index.ts';
import { staticAssets, type LatchkeyMount } from '../express/index.ts';
import { Handoffs } from './handoff.ts';
import { normaliseZendeskId, type ZendeskLinkKind, type ZendeskMapping } from './mapping.ts';
import { answersZendeskTickets, ZENDESK_TICKET_PREFIX, zendeskTicketId } from './ticket-directory.ts';
import {
  isZendeskLocation, ZendeskTokenError, ZendeskTokenVerifier, type ZendeskClaims, type ZendeskLocation,
} from './zendesk-token.ts';

/** Zendesk's own copy of the ZAF SDK, version 2 (what `frameworkVersion: "2.0"` apps load). */
export const ZAF_SDK_URL = 'https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js';

export interface ZendeskOptions {
  /** What `mountLatchkey` returned: the frame session and message pages are its own. */
  mount: LatchkeyMount;
  latchkey: Latchkey;
  /** Agents → admins, end users / organizations → clients (`KnexZendeskMapping`, `JsonFileZendeskMapping`...). */
  mapping: ZendeskMapping;
  /** The app's public key, PEM (see README: "The app's public key"). */
  publicKeyPem: string;
  /** `<subdomain>.zendesk.com`, as Zendesk puts it in `iss`. */
  issuer: string | string[];
  /** `https://<subdomain>.zendesk.com/api/v2/apps/installations/<installation id>.json`, as Zendesk puts it in `aud`. */
  audience: string;
  /** At least 32 characters: signs the two-minute hand-off between the token check and the frame. */
  secret: string;
  /** Where the Zendesk routes live (default `<Latchkey base>/zendesk`); the app's location URLs point here. */
  basePath?: string;
  /**
   * Origins of the Zendesk pages that frame the app, which the ZAF SDK talks to
   * (default `https://<issuer>`). Also the `frame-ancestors` of the hand-off page;
   * list them in `mountLatchkey({ frameAncestors })` too, for the frame itself
   * (which the hand-off page frames in turn: both frame-ancestors lists are
   * checked against Zendesk's page and the hand-off page).
   */
  zendeskOrigins?: string[];
  /** Where the hand-off page loads the ZAF SDK from (default Zendesk's CDN). */
  zafSdkUrl?: string;
  /**
   * Map an agent without a link to the one enabled host admin with the token's
   * email address (default true), unless that admin runs the addon.
   */
  matchAgentsByEmail?: boolean;
  /**
   * Let email matching reach admins who run the addon (addon managers,
   * extended-permission roles) too (default false). Off, an agent who can set
   * their own Zendesk email cannot become the addon's manager by it: those
   * admins are linked explicitly, on the Zendesk links page.
   */
  matchAddonManagersByEmail?: boolean;
  /** Seconds after `iat` past which a Zendesk token is refused (default 300). */
  maxTokenAgeSeconds?: number;
  /**
   * Height the sidebar first asks Zendesk for (default `600px`). Once Latchkey's
   * panel has loaded, the sidebar follows the panel's own height (120–4000 px).
   */
  frameHeight?: string;
  /** Lines for the installer: who could not be mapped, what a refused token lacked. Default console.warn. */
  log?: (line: string) => void;
}

export interface ZendeskMount {
  /** Where Zendesk's location URLs point: `<basePath>/entry/<location>`. */
  readonly basePath: string;
  entryUrl(location: ZendeskLocation): string;
}

/**
 * Mounts the Zendesk entry next to `mountLatchkey`:
 *
 * 1. `POST <base>/entry/<location>`: Zendesk loads the sidebar here with its
 *    signed-URL token in the form field `token`. The token is verified
 *    (`ZendeskTokenVerifier`: RS256 pinned, account, installation, expiry,
 *    single use) and the agent mapped to a host admin; then 303 to
 * 2. `GET <base>/context/<location>`: a page that asks the ZAF SDK which
 *    ticket, user or organization is open (Zendesk's token does not say), then
 *    loads, in an iframe of its own filling it,
 * 3. `GET <base>/open`: the hand-off is redeemed (once), the requester or
 *    organization mapped to a client, Latchkey's frame session started, and
 *    303 to `ticketSidebar` (tickets) or `clientSummary` (users, organizations).
 *    The context page stays around it and passes the panel's
 *    `latchkey:height` messages on to Zendesk (`client.invoke('resize')`).
 *
 * Anything refused gets Latchkey's message page (401, or 403/404 when the
 * token was good but nobody or nothing is linked) and no cookie.
 */
export function mountZendesk(app: Express, options: ZendeskOptions): ZendeskMount {
  const { mount, latchkey: lk, mapping } = options;
  const base = normaliseBase(options.basePath ?? `${mount.basePath}/zendesk`);
  const log = options.log ?? ((line: string) => console.warn(line));
  const verifier = new ZendeskTokenVerifier({
    publicKeyPem: options.publicKeyPem,
    issuer: options.issuer,
    audience: options.audience,
    maxTokenAgeSeconds: options.maxTokenAgeSeconds,
  }, lk.usedTokens);
  const handoffs = new Handoffs(options.secret, lk.usedTokens);
  const issuers = Array.isArray(options.issuer) ? options.issuer : [options.issuer];
  const origins = options.zendeskOrigins ?? issuers.map((iss) => `https://${iss.replace(/^https:\/\//, '').replace(/\/+$/, '')}`);
  for (const origin of origins) {
    if (!/^https?:\/\/[A-Za-z0-9.-]+(:\d+)?$/.test(origin)) throw new Error(`mountZendesk: "${origin}" is not an origin like https://acme.zendesk.com`);
  }
  const zafSdkUrl = options.zafSdkUrl ?? ZAF_SDK_URL;
  const ticketsInHost = answersZendeskTickets(lk.host);
  if (!ticketsInHost) {
    log('latchkey zendesk: the host directory does not answer Zendesk tickets (wrap it in withZendeskTickets); the ticket sidebar shows the client summary instead');
  }
  const contextHeaders = contextPageHeaders(origins, zafSdkUrl);
  const frameHeight = options.frameHeight ?? '600px';
  if (!/^\d{2,4}px$/.test(frameHeight)) throw new Error('mountZendesk: frameHeight must be like 600px');

  const refuse = (req: Request, res: Response, why: string) => {
    log(`latchkey zendesk: refused (${why})`);
    mount.sendMessage(req, res, 401, 'embedRefused');
  };

  const router = express.Router();

  router.use('/assets', staticAssets(packageFile('adapters', 'zendesk', 'browser')));

  // 1. Zendesk's POST, with the token, on the iframe's first load.
  router.post('/entry/:location', express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 }), async (req, res, next) => {
    try {
      const location = req.params.location;
      const token = typeof req.body?.token === 'string' ? req.body.token : '';
      const origin = typeof req.query.origin === 'string' ? req.query.origin : '';
      const appGuid = typeof req.query.app_guid === 'string' ? req.query.app_guid : '';
      if (!isZendeskLocation(location)) return refuse(req, res, 'unknown location');
      if (!token) return refuse(req, res, 'no token');
      // Zendesk adds origin and app_guid to the iframe URL; the ZAF SDK needs them.
      if (!origins.includes(origin) || !/^[A-Za-z0-9-]{1,64}$/.test(appGuid)) return refuse(req, res, 'origin or app_guid missing or unexpected');
      let claims: ZendeskClaims;
      try {
        claims = await verifier.verify(token);
      } catch (err) {
        if (!(err instanceof ZendeskTokenError)) throw err;
        // Audited like a refused embed token: the reason in a word, never the token.
        await lk.signIns.refused({ token: 'host', reason: err.reason }, { ip: req.ip, userAgent: req.get('user-agent')?.slice(0, 512) })
          .catch((auditErr: unknown) => log(`latchkey zendesk: refusal not audited: ${auditErr instanceof Error ? auditErr.name : typeof auditErr}`));
        return refuse(req, res, err.message);
      }
      if (claims.location && claims.location !== location) return refuse(req, res, `token for ${claims.location}, not ${location}`);
      const adminId = await adminFor(claims);
      if (!adminId) {
        log(`latchkey zendesk: Zendesk user ${claims.userId} is not linked to an enabled host admin`);
        mount.sendMessage(req, res, 403, 'denied');
        return;
      }
      const handoff = await handoffs.issue({ adminId, location });
      // The hand-off page keeps origin and app_guid in its own URL, where the ZAF SDK looks for them.
      const query = new URLSearchParams({ origin, app_guid: appGuid, handoff });
      res.set('Cache-Control', 'no-store').redirect(303, `${base}/context/${location}?${query}`);
    } catch (err) {
      next(err);
    }
  });
  // Zendesk POSTs; a token in a URL (logs, history) is not accepted.
  router.get('/entry/:location', (req, res) => refuse(req, res, 'GET'));

  // 2. The page that reads the open ticket, user or organization through ZAF.
  router.get('/context/:location', (req, res) => {
    const location = req.params.location;
    const handoff = typeof req.query.handoff === 'string' ? req.query.handoff : '';
    if (!isZendeskLocation(location) || !/^[A-Za-z0-9_.-]{20,1024}$/.test(handoff)) return refuse(req, res, 'bad hand-off page request');
    contextHeaders(res);
    const language = pickLanguage(req.acceptsLanguages()[0]);
    res.status(200).set('Content-Type', 'text/html; charset=utf-8').set('Cache-Control', 'no-store').send(contextPage({
      language, location, handoff, zafSdkUrl,
      next: `${base}/open`,
      script: `${base}/assets/zaf-context.js`,
      stylesheet: `${mount.basePath}/assets/latchkey.css`,
      height: frameHeight,
    }));
  });

  // 3. Back from ZAF: choose the client, start Latchkey's frame session.
  router.get('/open', async (req, res, next) => {
    try {
      const q = (name: string) => (typeof req.query[name] === 'string' ? (req.query[name] as string).slice(0, 254) : undefined);
      const handoff = await handoffs.redeem(typeof req.query.handoff === 'string' ? req.query.handoff : '');
      if (!handoff) return refuse(req, res, 'hand-off missing, expired or used');
      const language = q('language')?.match(/^([A-Za-z]{2})(?:[-_][A-Za-z0-9]{1,8})*$/)?.[1]?.toLowerCase();
      const organization = normaliseZendeskId('organization', q('organization'));
      const actor = { kind: 'admin' as const, adminId: handoff.adminId };
      if (handoff.location === 'ticket_sidebar') {
        const ticket = normaliseZendeskId('ticket', q('ticket'));
        const clientId = await clientFor([['user', q('requester')], ['email', q('requesterEmail')], ['organization', organization]]);
        if (!ticket || !clientId) return notLinked(req, res, `ticket ${ticket ?? '?'}: its requester and organization are not linked to a client`);
        if (!ticketsInHost) return mount.enterFrame(req, res, { actor, place: 'clientSummary', clientId, language });
        await mapping.link({ kind: 'ticket', zendeskId: ticket, latchkeyId: clientId, label: q('subject') ?? null });
        return mount.enterFrame(req, res, { actor, place: 'ticketSidebar', ticketId: zendeskTicketId(ticket, ZENDESK_TICKET_PREFIX), language });
      }
      const clientId = handoff.location === 'user_sidebar'
        ? await clientFor([['user', q('user')], ['email', q('userEmail')], ['organization', organization]])
        : await clientFor([['organization', organization]]);
      if (!clientId) return notLinked(req, res, `${handoff.location}: not linked to a client`);
      const place: HookPlace = 'clientSummary';
      return mount.enterFrame(req, res, { actor, place, clientId, language });
    } catch (err) {
      next(err);
    }
  });

  // A form the parser refuses, a path that is not valid URL encoding: a message page, never a stack.
  router.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const status = (err as { status?: unknown })?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) return refuse(req, res, `bad request (${status})`);
    log(`latchkey zendesk: unexpected ${err instanceof Error ? err.name : typeof err} on ${req.method} ${base}${req.path.slice(0, 80)}`);
    mount.sendMessage(req, res, 500, 'denied');
  });

  app.use(base, router);

  /**
   * The host admin this Zendesk agent is: an `agent` link, else (if allowed)
   * the one enabled admin with the token's email, when that admin does not
   * run the addon (or `matchAddonManagersByEmail` says they may be matched too).
   */
  async function adminFor(claims: ZendeskClaims): Promise<string | null> {
    const link = (await mapping.find('agent', [claims.userId])).get(claims.userId);
    const adminId = link?.latchkeyId ?? (claims.email ? await adminByEmail(claims.userId, claims.email) : null);
    if (!adminId) return null;
    const admin = (await lk.host.admins([adminId])).get(adminId);
    return admin && !admin.disabled ? admin.id : null;
  }

  async function adminByEmail(userId: string, email: string): Promise<string | null> {
    if (options.matchAgentsByEmail === false) return null;
    const matches = (await lk.host.allAdmins()).filter((a) => !a.disabled && a.email.trim().toLowerCase() === email);
    if (matches.length !== 1) return null;
    const adminId = matches[0]!.id;
    if (options.matchAddonManagersByEmail !== true && await lk.mayRunAddon({ kind: 'admin', adminId })) {
      log(`latchkey zendesk: Zendesk user ${userId} has the email of admin ${adminId}, who runs the addon; link them on the Zendesk links page`);
      return null;
    }
    return adminId;
  }

  /** The first linked client, in the order given, that the host still knows. */
  async function clientFor(candidates: Array<[ZendeskLinkKind, string | null | undefined]>): Promise<string | null> {
    for (const [kind, raw] of candidates) {
      const id = raw == null ? null : normaliseZendeskId(kind, raw);
      if (!id) continue;
      const link = (await mapping.find(kind, [id])).get(id);
      if (link && (await lk.host.clients([link.latchkeyId])).has(link.latchkeyId)) return link.latchkeyId;
    }
    return null;
  }

  function notLinked(req: Request, res: Response, why: string): void {
    log(`latchkey zendesk: ${why}`);
    mount.sendMessage(req, res, 404, 'denied');
  }

  return {
    basePath: base,
    entryUrl: (location) => `${base}/entry/${location}`,
  };
}

function normaliseBase(path: string): string {
  const trimmed = `/${path.replace(/^\/+|\/+$/g, '')}`;
  if (!/^\/[A-Za-z0-9/_-]*$/.test(trimmed) || trimmed === '/') throw new Error('mountZendesk: basePath must be a plain URL path');
  return trimmed;
}

/**
 * The hand-off page may load only its own script, the ZAF SDK, and Latchkey's
 * stylesheet, inside Zendesk; it may frame only its own origin (Latchkey's
 * `/open` and frame pages).
 */
function contextPageHeaders(origins: readonly string[], zafSdkUrl: string): (res: Response) => void {
  const sdkOrigin = /^https?:\/\//.test(zafSdkUrl) ? new URL(zafSdkUrl).origin : null;
  const csp = [
    "default-src 'none'",
    `script-src 'self'${sdkOrigin ? ` ${sdkOrigin}` : ''}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-src 'self'",
    "form-action 'none'",
    "base-uri 'none'",
    `frame-ancestors 'self' ${origins.join(' ')}`,
  ].join('; ');
  return (res) => {
    res.set('Content-Security-Policy', csp);
    res.set('X-Content-Type-Options', 'nosniff');
    res.set('Referrer-Policy', 'no-referrer');
  };
}

const CONTEXT_TEXT: Record<string, { loading: string; failed: string }> = {
  en: { loading: 'Opening Latchkey…', failed: 'Latchkey opens inside Zendesk only. Reload the page to try again.' },
  fr: { loading: 'Ouverture de Latchkey…', failed: 'Latchkey ne s’ouvre que dans Zendesk. Rechargez la page pour réessayer.' },
  de: { loading: 'Latchkey wird geöffnet…', failed: 'Latchkey öffnet sich nur in Zendesk. Laden Sie die Seite neu, um es erneut zu versuchen.' },
  es: { loading: 'Abriendo Latchkey…', failed: 'Latchkey solo se abre dentro de Zendesk. Recargue la página para intentarlo de nuevo.' },
  it: { loading: 'Apertura di Latchkey…', failed: 'Latchkey si apre solo all’interno di Zendesk. Ricarica la pagina per riprovare.' },
};

function contextPage(page: {
  language: string; location: ZendeskLocation; handoff: string; zafSdkUrl: string;
  next: string; script: string; stylesheet: string; height: string;
}): string {
  const text = CONTEXT_TEXT[page.language] ?? CONTEXT_TEXT.en!;
  return `<!doctype html>
<html lang="${esc(page.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Latchkey</title>
<link rel="stylesheet" href="${esc(page.stylesheet)}">
<script src="${esc(page.zafSdkUrl)}"></script>
<script src="${esc(page.script)}" defer></script>
</head>
<body class="lk-frame">
<main class="lk lk-message" id="lk-zendesk" data-location="${esc(page.location)}" data-next="${esc(page.next)}" data-handoff="${esc(page.handoff)}" data-height="${esc(page.height)}">
<p id="lk-zendesk-loading">${esc(text.loading)}</p>
<p id="lk-zendesk-failed" hidden>${esc(text.failed)}</p>
</main>
</body>
</html>`;
}

function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
