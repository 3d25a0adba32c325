import express, { Router, type Request, type Response } from 'express';
import { verifyPassword } from '../passwords.ts';
import { safeNext, type DemoContext } from './context.ts';

const WINDOW_MS = 15 * 60_000;
const MAX_FAILURES = 5;

/**
 * Failed logins per (area, address, login): after five in fifteen minutes the
 * form refuses further tries for that login from that address until the
 * window passes. In memory: a real host would keep it in its database.
 */
class LoginThrottle {
  readonly #failures = new Map<string, number[]>();

  blocked(key: string): boolean {
    return this.#recent(key).length >= MAX_FAILURES;
  }

  fail(key: string): void {
    const recent = this.#recent(key);
    recent.push(Date.now());
    this.#failures.set(key, recent);
    if (this.#failures.size > 10_000) this.#failures.delete(this.#failures.keys().next().value!);
  }

  clear(key: string): void {
    this.#failures.delete(key);
  }

  #recent(key: string): number[] {
    const since = Date.now() - WINDOW_MS;
    return (this.#failures.get(key) ?? []).filter((at) => at > since);
  }
}

type Area = 'admin' | 'client';

/** The home page, the two login forms and logout. */
export function publicRoutes(ctx: DemoContext): Router {
  const router = Router();
  const throttle = new LoginThrottle();
  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });

  router.get('/', async (req, res) => {
    const session = await ctx.sessions.current(req);
    ctx.send(res, 'home', ctx.language(req, res), {
      signedIn: session?.kind ?? null,
      adminLogins: ctx.demoLogins.filter((l) => l.area === 'admin'),
      clientLogins: ctx.demoLogins.filter((l) => l.area === 'client'),
      password: ctx.demoLogins[0]?.password,
    });
  });

  const showLogin = (area: Area) => (req: Request, res: Response) => {
    renderLogin(ctx, req, res, area, { login: typeof req.query.login === 'string' ? req.query.login.slice(0, 190) : '' });
  };
  router.get('/admin/login', showLogin('admin'));
  router.get('/login', showLogin('client'));

  const doLogin = (area: Area) => async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const login = typeof body.login === 'string' ? body.login.trim().slice(0, 190) : '';
    const password = typeof body.password === 'string' ? body.password.slice(0, 1024) : '';
    if (!ctx.sessions.checkLoginToken(req, body.csrf)) {
      renderLogin(ctx, req, res, area, { login, errorKey: 'login.expired' }, 403);
      return;
    }
    if (!login || !password) {
      renderLogin(ctx, req, res, area, { login, errorKey: 'login.missing' }, 400);
      return;
    }
    const key = `${area}|${req.ip}|${login.toLowerCase()}`;
    if (throttle.blocked(key)) {
      renderLogin(ctx, req, res, area, { login, errorKey: 'login.throttled' }, 429);
      return;
    }
    if (area === 'admin') {
      const admin = await ctx.data.adminByUsername(login);
      const ok = await verifyPassword(admin?.passwordHash, password);
      if (!admin || !ok || admin.disabled) {
        throttle.fail(key);
        renderLogin(ctx, req, res, area, { login, errorKey: 'login.failed' }, 401);
        return;
      }
      throttle.clear(key);
      await ctx.sessions.start(req, res, { kind: 'admin', adminId: admin.id });
      res.redirect(303, safeNext(req.query.next, '/admin', '/admin'));
      return;
    }
    const contact = await ctx.data.contactByEmail(login);
    const ok = await verifyPassword(contact?.passwordHash, password);
    const account = contact && ok ? await ctx.data.clientAccount(contact.clientId, contact.id) : null;
    if (!account || account.status === 'Closed') {
      throttle.fail(key);
      renderLogin(ctx, req, res, area, { login, errorKey: 'login.failed' }, 401);
      return;
    }
    throttle.clear(key);
    await ctx.sessions.start(req, res, { kind: 'client', clientId: account.clientId, contactId: account.contactId });
    res.redirect(303, safeNext(req.query.next, '/clientarea', '/clientarea'));
  };
  router.post('/admin/login', form, doLogin('admin'));
  router.post('/login', form, doLogin('client'));

  const logout = (to: string) => async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    // A forged logout is harmless but still refused: every state change carries the session's token.
    if (await ctx.sessions.current(req) && !(await ctx.sessions.checkCsrf(req, body.csrf))) {
      ctx.errorPage(req, res, 403, 'forbidden');
      return;
    }
    await ctx.sessions.end(req, res);
    res.redirect(303, to);
  };
  router.post('/admin/logout', form, logout('/admin/login?bye=1'));
  router.post('/logout', form, logout('/login?bye=1'));

  return router;
}

function renderLogin(
  ctx: DemoContext, req: Request, res: Response, area: Area,
  state: { login: string; errorKey?: string }, status = 200,
): void {
  const language = ctx.language(req, res);
  const next = typeof req.query.next === 'string' ? safeNext(req.query.next, '', area === 'admin' ? '/admin' : '/clientarea') : '';
  res.set('Cache-Control', 'no-store');
  ctx.send(res, 'login', language, {
    area,
    isAdmin: area === 'admin',
    action: `${area === 'admin' ? '/admin/login' : '/login'}${next ? `?next=${encodeURIComponent(next)}` : ''}`,
    csrf: ctx.sessions.loginToken(req, res),
    login: state.login,
    errorKey: state.errorKey ?? null,
    bye: req.query.bye === '1',
    switchBase: area === 'admin' ? '/admin/login' : '/login',
  }, status);
}
