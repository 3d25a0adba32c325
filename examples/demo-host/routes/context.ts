import type { NextFunction, Request, Response } from 'express';
import type { LatchkeyMount } from '../../../adapters/express/index.ts';
import type { Latchkey } from '../../../core/index.ts';
import type { AdminAccount, ClientAccount, HostData } from '../host-data.ts';
import { fromAcceptLanguage, normaliseLanguage, type DemoLanguage } from '../i18n.ts';
import { readCookie, setCookie, type Sessions } from '../session.ts';
import type { Views } from '../views.ts';
import type { DemoLogin } from '../app.ts';

type PanelPlace = Parameters<LatchkeyMount['render']>[0];
type PanelContext = NonNullable<Parameters<LatchkeyMount['render']>[3]>;

export type ErrorKind = 'notFound' | 'forbidden' | 'badRequest' | 'server' | 'unavailable';

const LANG_COOKIE = 'nwh_lang';

/** A Latchkey panel for a page: its HTML, nothing (hidden), or unavailable (an error, logged). */
export interface Panel {
  html: string | null;
  failed: boolean;
}

/** What every route needs: the host's data, sessions, views, and the mounted Latchkey. */
export class DemoContext {
  constructor(
    readonly data: HostData,
    readonly sessions: Sessions,
    readonly views: Views,
    readonly latchkey: LatchkeyMount,
    readonly logError: (line: string) => void,
    readonly demoLogins: DemoLogin[],
    /** What Latchkey does when a service's life changes: the demo tells it in-process, as WHMCS's hooks do over HTTP. */
    readonly serviceLifecycle: Latchkey['serviceLifecycle'],
    /** The language each client-area person chose in Latchkey's switcher: the page around the panel follows it too. */
    readonly languages: Latchkey['languages'],
  ) {}

  /**
   * The language of a page: the signed-in user's (set by requireAdmin /
   * requireClient), else one picked on the login pages (`?lang=`, then kept in
   * a cookie), else the browser's, else English.
   */
  language(req: Request, res?: Response): DemoLanguage {
    const chosen = (res?.locals.language ?? null) as DemoLanguage | null;
    if (chosen) return chosen;
    const asked = normaliseLanguage(req.query.lang);
    if (asked) {
      if (res && !res.headersSent) setCookie(req, res, LANG_COOKIE, asked, 365 * 86_400);
      return asked;
    }
    return normaliseLanguage(readCookie(req, LANG_COOKIE)) ?? fromAcceptLanguage(req.get('accept-language')) ?? 'en';
  }

  /** Sends a page; signed-in pages are never cached. */
  send(res: Response, view: string, language: DemoLanguage, model: Record<string, unknown>, status = 200): void {
    if (res.locals.admin || res.locals.client) res.set('Cache-Control', 'no-store');
    res.status(status).type('html').send(this.views.render(view, language, model));
  }

  /** A translated error page; no stack trace, no detail from the failure. */
  errorPage(req: Request, res: Response, status: number, kind: ErrorKind): void {
    const homeUrl = res.locals.admin ? '/admin' : res.locals.client ? '/clientarea' : '/';
    res.set('Cache-Control', 'no-store');
    res.status(status).type('html').send(this.views.render('error', this.language(req, res), {
      status, titleKey: `error.${kind}Title`, messageKey: `error.${kind}`, homeUrl,
    }));
  }

  /**
   * Latchkey's fragment for one place on a page. A failure there (say the
   * vault's database is briefly away) must not take the host's page down:
   * the page shows a notice instead, and the error goes to the log.
   */
  async panel(place: PanelPlace, req: Request, res: Response, context: PanelContext): Promise<Panel> {
    try {
      // The panels' list forms (search, sort, filters, pages) name their parameters `lk…`: they pass through.
      const params: Record<string, string> = {};
      for (const [key, value] of Object.entries(req.query)) if (/^lk[A-Z]/.test(key) && typeof value === 'string') params[key] = value.slice(0, 255);
      return { html: await this.latchkey.render(place, req, res, { ...context, params: { ...params, ...context.params } }), failed: false };
    } catch (err) {
      this.logError(`demo host: Latchkey panel "${place}" failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
      return { html: null, failed: true };
    }
  }

  /** Staff pages: a signed-in, enabled admin, in the admin's language. */
  requireAdmin = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const session = await this.sessions.current(req);
    const admin = session?.kind === 'admin' && session.admin_id !== null ? await this.data.admin(session.admin_id) : null;
    if (!admin || admin.disabled) {
      res.redirect(303, `/admin/login?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    res.locals.admin = admin;
    res.locals.language = normaliseLanguage(admin.language) ?? 'en';
    next();
  };

  /** Client-area pages: a signed-in contact of a client that is not closed, in the client's language. */
  requireClient = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const session = await this.sessions.current(req);
    const account = session?.kind === 'client' && session.client_id !== null && session.contact_id !== null
      ? await this.data.clientAccount(session.client_id, session.contact_id)
      : null;
    if (!account || account.status === 'Closed') {
      res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    res.locals.client = account;
    // The language this person picked in Latchkey's own switcher (Latchkey keeps
    // it per contact) wins over the preference stored with the client.
    const person = account.isMain ? { clientId: String(account.clientId) } : { clientId: String(account.clientId), contactId: String(account.contactId) };
    res.locals.language = normaliseLanguage(await this.languages.of(person)) ?? normaliseLanguage(account.language) ?? 'en';
    next();
  };

  admin(res: Response): AdminAccount {
    return res.locals.admin as AdminAccount;
  }

  client(res: Response): ClientAccount {
    return res.locals.client as ClientAccount;
  }
}

/** Where to go after signing in: only a path on this site, never another origin. */
export function safeNext(value: unknown, fallback: string, area: '/admin' | '/clientarea'): string {
  if (typeof value !== 'string' || !value.startsWith(area) || value.startsWith('//') || /[\\\s]/.test(value)) return fallback;
  return value;
}

/** A positive integer id from a route parameter, else null (→ 404). */
export function idParam(value: unknown): number | null {
  return typeof value === 'string' && /^[1-9][0-9]{0,9}$/.test(value) ? Number(value) : null;
}
