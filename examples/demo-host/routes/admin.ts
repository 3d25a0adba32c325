import express, { Router, type Request, type Response } from 'express';
import { OPEN_TICKET_STATUSES } from '../host-data.ts';
import { actionsFor, isServiceAction, SERVICE_ACTIONS } from '../service-actions.ts';
import { idParam, type DemoContext } from './context.ts';

const ADDON_PAGES = ['dashboard', 'entries', 'categories', 'settings', 'audit', 'tokens', 'transfer', 'access', 'review'];
const REPLY_STATUSES = ['Answered', 'In Progress', 'Closed'];

/** The staff area: dashboard, clients, tickets, and Addons → Latchkey. */
export function adminRoutes(ctx: DemoContext): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 20 });
  router.use(ctx.requireAdmin);

  /** What every staff page shows around its content. */
  const chrome = async (req: Request, res: Response, nav: string) => {
    const admin = ctx.admin(res);
    return { admin, nav, csrf: await ctx.sessions.csrfToken(req), addonAccess: admin.addonAccess };
  };

  router.get('/', async (req, res) => {
    const [counts, tickets] = await Promise.all([ctx.data.dashboardCounts(), ctx.data.tickets({ open: true })]);
    ctx.send(res, 'admin/dashboard', ctx.language(req, res), {
      ...(await chrome(req, res, 'dashboard')), counts, tickets: tickets.slice(0, 8),
    });
  });

  router.get('/clients', async (req, res) => {
    ctx.send(res, 'admin/clients', ctx.language(req, res), { ...(await chrome(req, res, 'clients')), clients: await ctx.data.clients() });
  });

  router.get('/clients/:id', async (req, res) => {
    const id = idParam(req.params.id);
    const client = id === null ? null : await ctx.data.client(id);
    if (id === null || !client) return ctx.errorPage(req, res, 404, 'notFound');
    const [contacts, services, tickets, devices, panel] = await Promise.all([
      ctx.data.contactsOf(id), ctx.data.servicesOf(id), ctx.data.tickets({ clientId: id }), ctx.data.devicesOf(id),
      ctx.panel('clientSummary', req, res, { clientId: String(id) }),
    ]);
    const changed = typeof req.query.changed === 'string' ? services.find((s) => String(s.id) === req.query.changed) ?? null : null;
    ctx.send(res, 'admin/client', ctx.language(req, res), {
      ...(await chrome(req, res, 'clients')), client, contacts, tickets, devices, panel, changed,
      services: services.map((s) => ({ ...s, actions: actionsFor(s.status) })),
      mainContact: contacts.find((c) => c.is_main) ?? null,
    });
  });

  // A contact's and a device's own page, each with the access details linked to it.
  router.get('/contacts/:id', async (req, res) => {
    const id = idParam(req.params.id);
    const contact = id === null ? null : await ctx.data.contact(id);
    if (id === null || !contact) return ctx.errorPage(req, res, 404, 'notFound');
    const panel = await ctx.panel('contactPanel', req, res, { contactId: String(id) });
    ctx.send(res, 'admin/contact', ctx.language(req, res), { ...(await chrome(req, res, 'clients')), contact, panel });
  });

  router.get('/devices/:id', async (req, res) => {
    const id = idParam(req.params.id);
    const device = id === null ? null : await ctx.data.device(id);
    if (id === null || !device) return ctx.errorPage(req, res, 404, 'notFound');
    const panel = await ctx.panel('devicePanel', req, res, { deviceId: String(id) });
    ctx.send(res, 'admin/device', ctx.language(req, res), { ...(await chrome(req, res, 'clients')), device, panel });
  });

  /**
   * Suspend, unsuspend or terminate a service, as WHMCS's module commands do;
   * then Latchkey is told, as WHMCS's AfterModule* hooks tell it. The host's
   * change stands even if Latchkey cannot be told (it is logged).
   */
  router.post('/services/:id/:action', form, async (req, res) => {
    const id = idParam(req.params.id);
    const action = req.params.action;
    if (id === null || !isServiceAction(action)) return ctx.errorPage(req, res, 404, 'notFound');
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!(await ctx.sessions.checkCsrf(req, body.csrf))) return ctx.errorPage(req, res, 403, 'forbidden');
    const service = await ctx.data.changeServiceStatus(id, action);
    if (service === 'unknown') return ctx.errorPage(req, res, 404, 'notFound');
    // Not in a status this action starts from (already suspended, terminated...).
    if (service === 'refused') return ctx.errorPage(req, res, 409, 'badRequest');
    const admin = ctx.admin(res);
    try {
      await ctx.serviceLifecycle.record({ kind: 'system', origin: { ip: req.ip, userAgent: req.get('user-agent') } },
        { serviceId: String(id), event: SERVICE_ACTIONS[action].event, adminId: String(admin.id) });
    } catch (err) {
      ctx.logError(`demo host: Latchkey was not told that service ${id} was ${SERVICE_ACTIONS[action].event}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    }
    res.redirect(303, `/admin/clients/${service.clientId}?changed=${id}#services-title`);
  });

  router.get('/tickets', async (req, res) => {
    const all = req.query.status === 'all';
    ctx.send(res, 'admin/tickets', ctx.language(req, res), {
      ...(await chrome(req, res, 'tickets')), all, tickets: await ctx.data.tickets({ open: !all }),
    });
  });

  router.get('/tickets/:id', async (req, res) => {
    const id = idParam(req.params.id);
    const ticket = id === null ? null : await ctx.data.ticket(id);
    if (id === null || !ticket) return ctx.errorPage(req, res, 404, 'notFound');
    const [thread, panel] = await Promise.all([ctx.data.thread(id), ctx.panel('ticketSidebar', req, res, { ticketId: String(id) })]);
    ctx.send(res, 'admin/ticket', ctx.language(req, res), {
      ...(await chrome(req, res, 'tickets')), ticket, thread, panel,
      open: OPEN_TICKET_STATUSES.includes(String(ticket.status)),
      replyStatuses: REPLY_STATUSES.map((s) => ({ value: s, selected: s === 'Answered' })),
      replied: req.query.replied === '1',
    });
  });

  router.post('/tickets/:id/reply', form, async (req, res) => {
    const id = idParam(req.params.id);
    const ticket = id === null ? null : await ctx.data.ticket(id);
    if (id === null || !ticket) return ctx.errorPage(req, res, 404, 'notFound');
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!(await ctx.sessions.checkCsrf(req, body.csrf))) return ctx.errorPage(req, res, 403, 'forbidden');
    const message = typeof body.message === 'string' ? body.message.replace(/\r\n/g, '\n').trim() : '';
    const status = typeof body.status === 'string' && REPLY_STATUSES.includes(body.status) ? body.status : null;
    if (!message || message.length > 20_000 || !status) return ctx.errorPage(req, res, 400, 'badRequest');
    await ctx.data.reply(id, ctx.admin(res).id, message, status);
    res.redirect(303, `/admin/tickets/${id}?replied=1#reply`);
  });

  router.get('/addons/latchkey', async (req, res) => {
    const page = typeof req.query.page === 'string' && ADDON_PAGES.includes(req.query.page) ? req.query.page : 'dashboard';
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.query)) {
      if (key !== 'page' && typeof value === 'string') params[key] = value.slice(0, 200);
    }
    const panel = await ctx.panel('adminPages', req, res, { page, params });
    // Latchkey decides who may run it (the host's addon roles and its extended roles).
    if (!panel.html && !panel.failed) return ctx.errorPage(req, res, 403, 'forbidden');
    ctx.send(res, 'admin/addon', ctx.language(req, res), { ...(await chrome(req, res, 'addon')), panel });
  });

  return router;
}
