// The two handlers the sidebar figure compares, as a host would mount them:
// the ticket sidebar, and a bare Express handler sending the same indexed
// SELECT of the ticket's client's entries as JSON.
import express from 'express';
import type { Knex } from 'knex';
import { createHooks, Renderer, type HookSurface, type Latchkey } from '../core/index.ts';
import { LISTED_COLUMNS } from '../core/store/entry-rows.ts';
import type { TableNames } from '../core/store/table-names.ts';
import { actors, MEASURED_CLIENT, TICKET } from './world.ts';

const SURFACE: HookSurface = { apiBase: '/lk/api', assetBase: '/lk/assets', pageUrl: '/ticket', csrfToken: 'bench', clipboardClearSeconds: 30 };

export function sidebarApp(lk: Latchkey, knex: Knex, tables: TableNames): express.Express {
  const hooks = createHooks(lk, new Renderer());
  const app = express();
  app.get('/sidebar', async (_req, res, next) => {
    try {
      res.type('html').send(await hooks.ticketSidebar(actors.support, { ticketId: TICKET }, SURFACE));
    } catch (err) { next(err); }
  });
  app.get('/bare', async (_req, res, next) => {
    try {
      res.json(await knex(tables.entries).select(LISTED_COLUMNS).where('client_id', MEASURED_CLIENT)
        .orderBy([{ column: 'name' }, { column: 'id' }]).limit(500));
    } catch (err) { next(err); }
  });
  return app;
}
