import type { Request } from 'express';
import type { Actor, AddonSection, DateFormat, DispatchOptions, Latchkey, Logger, Mailer } from '../../core/index.ts';
import type { RateLimitOptions } from './rate-limits.ts';

/** How a non-Node host proves who the user is: a short-lived JWT it signs. */
export interface EmbedOptions {
  /** `iss` the host puts in its tokens. */
  issuer: string;
  /** `aud` the host puts in its tokens (this Latchkey installation). */
  audience: string;
  /** Shared secret for HS256 (WHMCS bridge) ... */
  secret?: string;
  /** ...or a PEM public key for RS256 (Zendesk signed URLs). */
  publicKeyPem?: string;
}

/** Reminders run on the host's schedule: see `cron` below. */
export interface CronOptions {
  /** How the reminders leave (SmtpMailer, WhmcsMailer...). */
  mailer: Mailer;
  dispatch?: DispatchOptions;
}

export interface MountOptions {
  latchkey: Latchkey;
  /** Where Latchkey's routes live in the host app, e.g. `/latchkey`. */
  basePath: string;
  /**
   * In-process hosts: who is making this request (from the host's own session),
   * or null when nobody is logged in.
   */
  identify?: (req: Request) => Actor | null | Promise<Actor | null>;
  /** At least 32 characters; signs CSRF tokens and frame sessions. */
  secret: string;
  /** Non-Node hosts that frame Latchkey pages. */
  embed?: EmbedOptions;
  /**
   * Hosts that cannot run Latchkey's reminder job (PHP platforms) call
   * `POST {base}/api/cron/reminders` from their own cron, with a `system`
   * token signed like the embed tokens. Needs `embed`.
   */
  cron?: CronOptions;
  /**
   * Pages adapters add to the addon's own pages, such as
   * `zendeskLinksSection(mapping, …)`: shown to admins who may run the addon,
   * their forms posting to `{base}/api/addon/<section>/<action>`.
   */
  addonSections?: AddonSection[];
  /** Origins allowed to frame Latchkey's pages (CSP frame-ancestors). Default: same origin only. */
  frameAncestors?: string[];
  /** Seconds before a copied password is cleared from the clipboard (default 30). */
  clipboardClearSeconds?: number;
  /**
   * How the host writes dates, so Latchkey's pages and panels match the page
   * around them: `{ pattern: 'DD/MM/YYYY', timeZone: 'Europe/London' }`
   * (WhmcsDatabaseDirectory.dateFormat() reads WHMCS's own). Default: each
   * language's own medium style, in UTC.
   */
  dateFormat?: DateFormat;
  /** Minutes a frame session lasts after the embed token is exchanged (default 30). */
  frameSessionMinutes?: number;
  /**
   * Milliseconds a panel may take, every host and database look-up included
   * (default 5 000). Past it the panel shows its "unavailable" state (framed
   * pages answer 503) instead of waiting on a slow host.
   */
  renderDeadlineMs?: number;
  /**
   * Limits on reveals, frame sign-ins and refused API tokens, per actor and
   * per address, counted in the database so they hold across instances.
   * Each one given replaces its default (see DEFAULT_RATE_LIMITS).
   */
  rateLimits?: Partial<RateLimitOptions>;
  /** Where outages and unexpected errors are logged (default the Latchkey instance's logger). */
  logger?: Logger;
}
