import type { Request, Response } from 'express';
import type { TFunction } from 'i18next';
import { pickLanguage, type Actor, type Language, type Logger, type Renderer } from '../../core/index.ts';
import { readCookie, setCookie } from './cookies.ts';
import type { BearerAuth, BearerSession } from './bearer-auth.ts';
import type { CsrfGuard } from './csrf.ts';
import { Reach } from './frame-scope.ts';
import type { FrameSessions } from './frame-session.ts';
import { sendError } from './http-errors.ts';

export const LANGUAGE_COOKIE = 'lk_lang';
/**
 * The language of the panel a request comes from (latchkey.js sends it): an
 * error answers in the language the panel shows, whatever the browser or an
 * earlier choice elsewhere says. It only picks the words of a message.
 */
export const PANEL_LANGUAGE_HEADER = 'x-latchkey-language';

/** Who a JSON API request acts as; `token` when it came with an API token instead of a cookie session. */
export interface ApiSession {
  actor: Actor;
  reach: Reach;
  token?: BearerSession['token'];
}

/** Who is asking and in which language: the edge's half of every request. */
export class RequestScope {
  constructor(
    readonly csrf: CsrfGuard,
    readonly frames: FrameSessions,
    private readonly renderer: Renderer,
    private readonly cookiePath: string,
    private readonly identify: ((req: Request) => Actor | null | Promise<Actor | null>) | undefined,
    private readonly logger: Logger,
    private readonly bearer?: BearerAuth,
  ) {}

  readonly #apiSessions = new WeakMap<Request, Promise<ApiSession | null>>();

  /**
   * Who a JSON API request acts as: an API token when the request carries
   * one (never falling back to cookies), else the panel's session. Decided
   * once per request, however many routes ask.
   */
  apiSessionFor(req: Request): Promise<ApiSession | null> {
    let session = this.#apiSessions.get(req);
    if (!session) {
      session = this.bearer?.carriesToken(req)
        ? this.bearer.authenticate(req).then(({ actor, token }) => ({ actor, reach: Reach.whole, token }))
        : this.sessionFor(req);
      this.#apiSessions.set(req, session);
    }
    return session;
  }

  /**
   * Who is asking and how far the session reaches: a frame session (non-Node
   * hosts) wins, confined to the places and contexts its tokens opened;
   * otherwise the host says who is logged in.
   */
  async sessionFor(req: Request): Promise<{ actor: Actor; reach: Reach } | null> {
    const framed = await this.frames.session(req);
    if (framed) return { actor: framed.actor, reach: Reach.of(framed.scopes, framed.actor) };
    const actor = this.identify ? await this.identify(req) : null;
    return actor ? { actor, reach: Reach.whole } : null;
  }

  async actorFor(req: Request): Promise<Actor | null> {
    return (await this.sessionFor(req))?.actor ?? null;
  }

  async isFramed(req: Request): Promise<boolean> {
    return (await this.frames.session(req)) !== null;
  }

  /** The language the user chose in a Latchkey switcher, if any. */
  chosenLanguage(req: Request): Language | undefined {
    const chosen = readCookie(req, LANGUAGE_COOKIE);
    return chosen ? pickLanguage(chosen) : undefined;
  }

  rememberLanguage(req: Request, res: Response, language: Language): void {
    setCookie(req, res, LANGUAGE_COOKIE, language, { path: '/', maxAgeSeconds: 365 * 86400, framed: false });
  }

  translator(req: Request): TFunction {
    return this.renderer.translator(pickLanguage(req.get(PANEL_LANGUAGE_HEADER), this.chosenLanguage(req), req.acceptsLanguages()[0]));
  }

  fail(req: Request, res: Response, err: unknown): void {
    sendError(res, err, this.translator(req), this.logger);
  }

  get path(): string {
    return this.cookiePath;
  }
}
