import { hkdfSync } from 'node:crypto';
import type { Express } from 'express';
import type { Knex } from 'knex';
import { openDatabase, type EntryLinks, type HostDirectory, type Latchkey, type Logger, type Mailer } from '../../core/index.ts';
import { hostReadiness, type EmbedOptions, type LatchkeyMount, type ReadinessCheck } from '../express/index.ts';
import { SmtpMailer } from '../smtp/index.ts';
import {
  WhmcsApi, WhmcsApiError, WhmcsDatabaseDirectory, WhmcsDatabaseNames, WhmcsDirectory, WhmcsMailer, whmcsEntryLinks,
} from '../whmcs/index.ts';
import { KnexZendeskMapping, mountZendesk, withZendeskTickets, zendeskInstallation } from '../zendesk/index.ts';
import { loadHostModule } from './host-module.ts';
import type { ServerConfig, WhmcsServerConfig, ZendeskServerConfig } from './server-config.ts';

/** The platform `latchkey serve` stands beside: its directory, how mail leaves, how its users arrive. */
export interface ServedHost {
  readonly directory: HostDirectory;
  /** How reminders leave; null when nothing can send them (Zendesk without SMTP). */
  readonly mailer: Mailer | null;
  /**
   * Where the platform shows an entry, for the link in each reminder; none
   * for Zendesk, which has no page of one entry (its sidebars show a client's).
   */
  readonly entryLinks: EntryLinks | undefined;
  /** Signed tokens the platform sends its users and its cron with (WHMCS's module). */
  readonly embed: EmbedOptions | undefined;
  readonly readiness: ReadinessCheck;
  /** Routes of the platform's own, next to Latchkey's (Zendesk's signed-URL entry). */
  mountRoutes(app: Express, mount: LatchkeyMount, lk: Latchkey): void;
  close(): Promise<void>;
}

/** The WHMCS API client the configuration describes; `doctor` asks it too. */
export function whmcsApi(whmcs: WhmcsServerConfig): WhmcsApi {
  return new WhmcsApi({ url: whmcs.url, identifier: whmcs.identifier, secret: whmcs.secret, accessKey: whmcs.accessKey });
}

/**
 * Opens the configured platform. `knex` is Latchkey's own database, where the
 * Zendesk links live.
 */
export async function openServedHost(config: ServerConfig, knex: Knex, logger: Logger): Promise<ServedHost> {
  const smtp = config.smtp ? new SmtpMailer(config.smtp) : null;
  if (config.whmcs) return servedWhmcs(config, config.whmcs, smtp, logger);
  return servedZendesk(config, config.zendesk!, knex, smtp, logger);
}

function servedWhmcs(config: ServerConfig, whmcs: WhmcsServerConfig, smtp: SmtpMailer | null, logger: Logger): ServedHost {
  const api = whmcsApi(whmcs);
  const whmcsDb = whmcs.databaseUrl ? openDatabase({ url: whmcs.databaseUrl }, logger).knex : null;
  const directory: HostDirectory = whmcs.directory === 'database'
    ? new WhmcsDatabaseDirectory(whmcsDb!, { defaultLanguage: config.defaultLanguage, passwords: api })
    : new WhmcsDirectory(api, {
      defaultLanguage: config.defaultLanguage,
      names: whmcsDb ? new WhmcsDatabaseNames(whmcsDb) : undefined,
      addonManagerRoleIds: whmcs.addonRoleIds,
    });
  // Uncached: readiness must see WHMCS as it is now, not as the directory remembers it.
  const probe = new WhmcsDirectory(api);
  return {
    directory,
    mailer: new WhmcsMailer(api, { fallback: smtp ?? undefined }),
    entryLinks: whmcsEntryLinks({ url: whmcs.url, adminPath: whmcs.adminPath }),
    embed: whmcs.embed,
    readiness: {
      name: 'whmcs',
      probe: async () => {
        try {
          await probe.check();
          return null;
        } catch (err) {
          if (err instanceof WhmcsApiError) {
            logger.warn(`latchkey: not ready: ${err.message.slice(0, 200)}`);
            return err.refused ? 'the API credential is refused' : 'the API answers with an error';
          }
          throw err;
        }
      },
    },
    mountRoutes: () => {},
    close: async () => {
      smtp?.close();
      await whmcsDb?.destroy();
    },
  };
}

async function servedZendesk(
  config: ServerConfig, zendesk: ZendeskServerConfig, knex: Knex, smtp: SmtpMailer | null, logger: Logger,
): Promise<ServedHost> {
  const { issuer, audience } = zendeskInstallation(zendesk.subdomain, zendesk.installationId);
  const inner = await loadHostModule(zendesk.hostModule);
  const mapping = new KnexZendeskMapping(knex, { account: zendesk.subdomain, tablePrefix: config.tablePrefix });
  return {
    directory: withZendeskTickets(inner, mapping),
    mailer: smtp,
    entryLinks: undefined,
    embed: undefined,
    readiness: hostReadiness(() => inner.allAdmins(), 'host'),
    mountRoutes: (app, mount, lk) => {
      mountZendesk(app, {
        mount,
        latchkey: lk,
        mapping,
        publicKeyPem: zendesk.publicKeyPem,
        issuer,
        audience,
        secret: handoffSecret(config.sessionSecret),
        log: (line) => logger.warn(line),
      });
    },
    close: async () => {
      smtp?.close();
    },
  };
}

/**
 * The hand-off between Zendesk's token and Latchkey's frame is signed with a
 * key of its own, derived from the session secret, so that neither token can
 * pass for the other and the installer keeps one secret less.
 */
function handoffSecret(sessionSecret: string): string {
  return Buffer.from(hkdfSync('sha256', sessionSecret, '', 'latchkey:zendesk-handoff', 32)).toString('base64url');
}
