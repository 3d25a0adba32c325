import express, { Router, type Request, type Response } from 'express';
import type { DemoMail } from '../app.ts';
import { idParam, type DemoContext } from './context.ts';

/**
 * Staff → Mailbox: what Latchkey sent, as the demo's own SMTP server caught
 * it. Only for admins who run the addon (the mail holds every recipient's
 * reminders). A message's HTML part is shown only inside a sandboxed frame.
 */
export function mailboxRoutes(ctx: DemoContext, mail: DemoMail): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 5 });
  router.use(ctx.requireAdmin);
  router.use((req, res, next) => {
    if (!ctx.admin(res).addonAccess) return ctx.errorPage(req, res, 403, 'forbidden');
    next();
  });

  const chrome = async (req: Request, res: Response) => {
    const admin = ctx.admin(res);
    return { admin, nav: 'mailbox', csrf: await ctx.sessions.csrfToken(req), addonAccess: admin.addonAccess };
  };

  router.get('/', async (req, res) => {
    const { total, mails } = await mail.mailbox.list();
    const count = (name: string) => (typeof req.query[name] === 'string' && /^\d{1,6}$/.test(req.query[name] as string) ? Number(req.query[name]) : 0);
    ctx.send(res, 'admin/mailbox', ctx.language(req, res), {
      ...(await chrome(req, res)), total, mails, everySeconds: Math.round(mail.everyMs / 1000),
      ran: req.query.ran === '1' ? { queued: count('queued'), sent: count('sent'), failed: count('failed') } : null,
    });
  });

  router.post('/send-now', form, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!(await ctx.sessions.checkCsrf(req, body.csrf))) return ctx.errorPage(req, res, 403, 'forbidden');
    const result = await mail.runOnce();
    res.redirect(303, `/admin/mailbox?ran=1&queued=${result.queued}&sent=${result.sent}&failed=${result.failed}`);
  });

  router.get('/:id', async (req, res) => {
    const id = idParam(req.params.id);
    const message = id === null ? null : await mail.mailbox.get(id);
    if (!message) return ctx.errorPage(req, res, 404, 'notFound');
    ctx.send(res, 'admin/mail', ctx.language(req, res), { ...(await chrome(req, res)), message });
  });

  return router;
}
