import { Router, type Request, type Response } from 'express';
import { OPEN_TICKET_STATUSES } from '../host-data.ts';
import type { DemoContext } from './context.ts';

const PASSWORD_SECTIONS = ['owned', 'shared', 'services', 'categories'];

/** The client area: the dashboard with the client's services, and Passwords (Latchkey). */
export function clientRoutes(ctx: DemoContext): Router {
  const router = Router();
  router.use(ctx.requireClient);

  const chrome = async (req: Request, res: Response, nav: string) => ({
    account: ctx.client(res), nav, csrf: await ctx.sessions.csrfToken(req),
  });

  router.get('/', async (req, res) => {
    const account = ctx.client(res);
    const [services, tickets] = await Promise.all([ctx.data.servicesOf(account.clientId), ctx.data.tickets({ clientId: account.clientId })]);
    const openTickets = tickets.filter((t) => OPEN_TICKET_STATUSES.includes(String(t.status)));
    ctx.send(res, 'client/dashboard', ctx.language(req, res), {
      ...(await chrome(req, res, 'dashboard')),
      services, tickets: tickets.slice(0, 6),
      counts: { services: services.filter((s) => s.status === 'Active').length, tickets: openTickets.length },
    });
  });

  router.get('/passwords', async (req, res) => {
    // Latchkey's language switcher keeps its choice itself; without one the
    // panel speaks the client's language, as the rest of the client area does.
    const page = typeof req.query.page === 'string' && PASSWORD_SECTIONS.includes(req.query.page) ? req.query.page : undefined;
    const panel = await ctx.panel('clientArea', req, res, page ? { page } : {});
    ctx.send(res, 'client/passwords', ctx.language(req, res), { ...(await chrome(req, res, 'passwords')), panel });
  });

  return router;
}
