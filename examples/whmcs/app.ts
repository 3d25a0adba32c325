import express, { type Express } from 'express';
import type { DateFormat, EntryLinks, Latchkey, Mailer } from '../../core/index.ts';
import { databaseReadiness, healthRoutes, mountLatchkey, type LatchkeyMount } from '../../adapters/express/index.ts';

export interface WhmcsLatchkeyAppOptions {
  latchkey: Latchkey;
  /** Where Latchkey lives on this server, e.g. `/latchkey`: the module's "Latchkey URL" ends with it. */
  basePath: string;
  /** ≥ 32 characters: signs Latchkey's CSRF tokens and frame sessions. Not the shared secret. */
  sessionSecret: string;
  /** The module's "Shared secret", "Issuer" and "Audience". */
  embed: { secret: string; issuer: string; audience: string };
  /** WHMCS's origin(s), e.g. `https://billing.example.com`: the only pages allowed to frame Latchkey. */
  frameAncestors: string[];
  /** How reminders leave when WHMCS's daily cron calls in. */
  mailer: Mailer;
  /** Where each reminder links to: `whmcsEntryLinks({ url: 'https://billing.example.com' })` (adapters/whmcs). */
  entryLinks?: EntryLinks;
  /** Express's `trust proxy`, when a reverse proxy terminates https in front of this server. */
  trustProxy?: string | boolean | number;
  /** How WHMCS writes dates: `await new WhmcsDatabaseNames(knex).dateFormat()` reads its Localisation setting. */
  dateFormat?: DateFormat;
}

export interface WhmcsLatchkeyApp {
  app: Express;
  mount: LatchkeyMount;
}

/**
 * Latchkey as WHMCS needs it, built from the library (`latchkey serve` is the
 * same, configured by the environment): the framed pages entered with the module's
 * signed tokens (`{base}/embed`), the JSON API behind them, and the endpoint
 * the module's DailyCronJob hook calls (`{base}/api/cron/reminders`).
 */
export function createWhmcsLatchkeyApp(options: WhmcsLatchkeyAppOptions): WhmcsLatchkeyApp {
  const app = express();
  app.disable('x-powered-by');
  // Behind nginx/Apache doing https, req.secure (and so the frame cookie's
  // SameSite=None; Secure; Partitioned) depends on trusting its X-Forwarded-Proto.
  if (options.trustProxy !== undefined) app.set('trust proxy', options.trustProxy);
  const base = `/${options.basePath.replace(/^\/+|\/+$/g, '')}`.replace(/^\/$/, '');

  const mount = mountLatchkey(app, {
    latchkey: options.latchkey,
    basePath: base || '/',
    secret: options.sessionSecret,
    // No in-process host here: every user arrives with a token WHMCS signed.
    identify: () => null,
    embed: options.embed,
    cron: { mailer: options.mailer, dispatch: { entryLinks: options.entryLinks } },
    frameAncestors: options.frameAncestors,
    dateFormat: options.dateFormat,
  });
  // `/healthz` (the process) and `/readyz` (the database answers, migrated); `latchkey serve` also checks WHMCS.
  app.use(healthRoutes({ checks: [databaseReadiness(options.latchkey)] }));
  return { app, mount };
}
