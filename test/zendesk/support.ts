/**
 * A host app for the Zendesk suites: Express with `mountLatchkey` and
 * `mountZendesk` over a fresh vault (its directory wrapped in
 * `withZendeskTickets`), on 127.0.0.1, plus a few pages that stand in for
 * Zendesk: an agent page framing the app, the auto-POSTed token form Zendesk's
 * iframe sends, and a ZAF SDK stand-in that answers `client.get` with the
 * ticket the test chose and records `client.invoke('resize', size)` in
 * `window.__zafResizes` (of the page that called it). And tokens signed as Zendesk signs them: RS256 with
 * the app's own key pair, made here.
 */
import { createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { SignJWT, type JWTPayload } from 'jose';
import { HOOK_PLACES, type Actor, type HookContext, type HookPlace } from '../../core/index.ts';
import { mountLatchkey, type LatchkeyMount } from '../../adapters/express/index.ts';
import type { MemoryDirectory } from '../../adapters/memory/memory-directory.ts';
import {
  KnexZendeskMapping, mountZendesk, withZendeskTickets, zendeskInstallation, zendeskLinksSection,
  type ZendeskLocation, type ZendeskMount, type ZendeskOptions,
  zendeskLinksTable, zendeskMigrations,
} from '../../adapters/zendesk/index.ts';
import { Browser, HOST_SESSION_COOKIE } from '../express/harness.ts';
import { openVault, type TestDatabase, type Vault } from '../support/databases.ts';
import { listenOnLoopback, type LoopbackServer } from '../support/loopback.ts';
import { acme, globex, hostFixture, owner } from '../support/host-fixture.ts';

export const SUBDOMAIN = 'acme-hosting';
export const INSTALLATION_ID = '360001234567';
export const { issuer: ISSUER, audience: AUDIENCE } = zendeskInstallation(SUBDOMAIN, INSTALLATION_ID);
export const BASE = '/latchkey';
export const ZENDESK_BASE = '/latchkey/zendesk';

/** Zendesk people and things of the fixtures, and who they are linked to. */
export const ZD = {
  /** Agent linked to a-sam, whom the settings allow to see client data. */
  samAgent: '9001',
  /** Agent linked to a-sys, whom they do not. */
  sidAgent: '9002',
  /** An agent linked to nobody. */
  strangerAgent: '9003',
  /** An agent without a link whose email is Olivia's (a-owner, the addon manager) in the host. */
  oliviaAgent: '9004',
  /** Another agent without a link, whose email is Sam's (a-sam, a support admin). */
  samTwinAgent: '9005',
  acmeRequester: '7001',
  globexRequester: '7002',
  unlinkedRequester: '7003',
  acmeOrganization: '8001',
  globexOrganization: '8002',
  acmeTicket: '4242',
  globexTicket: '4343',
  globexEmail: 'ops2@globex.test',
} as const;

export const ACME_ENTRY = 'Acme office router';
export const GLOBEX_ENTRY = 'Globex VPN gateway';

/** The app's key pair as Zendesk holds it: the private half signs, Latchkey gets the public PEM. */
export class ZendeskSigner {
  readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
  /**
   * Zendesk's tokens carry no nonce: two for the same agent and location in
   * the same second are the same token, and the second is refused as a replay.
   * Real loads are seconds apart; the tests sign dozens a second, so each
   * token is dated at least a second before the one signed before it.
   */
  #lastIat = Number.MAX_SAFE_INTEGER;

  constructor() {
    ({ privateKey: this.privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 }));
    this.publicKeyPem = createPublicKey(this.privateKey).export({ type: 'spki', format: 'pem' }).toString();
  }

  /**
   * A signed-URL token as Zendesk sends it: RS256; `iss` the account,
   * `aud` the installation, `iat`/`exp` (five minutes), the agent in `sub`,
   * and `context` with product and location. `claims` overrides any of them
   * (undefined removes one).
   */
  sign(claims: JWTPayload & { context?: unknown } = {}, options: { key?: KeyObject | Uint8Array; alg?: string; now?: number } = {}): Promise<string> {
    let now = options.now;
    if (now === undefined) {
      now = Math.min(Math.floor(Date.now() / 1000), this.#lastIat - 1);
      this.#lastIat = now;
    }
    const payload: Record<string, unknown> = {
      iss: ISSUER,
      aud: AUDIENCE,
      iat: now,
      exp: now + 300,
      sub: ZD.samAgent,
      context: { product: 'support', location: 'ticket_sidebar' },
      ...claims,
    };
    for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
    return new SignJWT(payload).setProtectedHeader({ alg: options.alg ?? 'RS256', typ: 'JWT' }).sign(options.key ?? this.privateKey);
  }
}

/** What the ZAF SDK stand-in answers `client.get` with, for one iframe (keyed by its app_guid). */
export type ZafData = Record<string, unknown>;

export interface Scenario {
  location: ZendeskLocation;
  token: string;
  zaf: ZafData;
  /** Override the query Zendesk adds to the location URL. */
  query?: Record<string, string>;
}

export interface ZendeskHostOptions {
  /** Use this vault instead of opening one (a second app instance). */
  vault?: Vault;
  signer?: ZendeskSigner;
  /** How agents without a link are matched by email (`mountZendesk`'s defaults otherwise). */
  matching?: Pick<ZendeskOptions, 'matchAgentsByEmail' | 'matchAddonManagersByEmail'>;
}

export class ZendeskHost {
  private constructor(
    /** What the simulated Zendesk shows in each iframe, by app_guid. */
    readonly scenarios: Map<string, Scenario>,
    /** What the Zendesk mount told the installer. */
    readonly logs: string[],
    readonly vault: Vault,
    readonly directory: MemoryDirectory,
    readonly mapping: KnexZendeskMapping,
    readonly signer: ZendeskSigner,
    readonly mount: LatchkeyMount,
    readonly zendesk: ZendeskMount,
    readonly secret: string,
    readonly origin: string,
    private readonly server: LoopbackServer,
    private readonly ownsVault: boolean,
  ) {}

  static async start(db: TestDatabase, options: ZendeskHostOptions = {}): Promise<ZendeskHost> {
    const directory = hostFixture();
    let mapping: KnexZendeskMapping | undefined;
    const vault = options.vault ?? await openVault(db, withZendeskTickets(directory, () => mapping), { adapterMigrations: zendeskMigrations });
    mapping = new KnexZendeskMapping(vault.raw, { account: SUBDOMAIN, table: zendeskLinksTable(vault.tables) });
    const signer = options.signer ?? new ZendeskSigner();
    const secret = randomBytes(32).toString('base64url');
    const app = express();
    const logs: string[] = [];
    const scenarios = new Map<string, Scenario>();
    // The origin is only known once listening; the Zendesk mount reads it through this box.
    const box = { origin: '' };
    const server = await listenOnLoopback(app);
    box.origin = server.origin;

    const mount = mountLatchkey(app, {
      latchkey: vault.lk,
      basePath: BASE,
      secret: randomBytes(32).toString('base64url'),
      // The billing platform's own staff and client logins (the `host_user` cookie of test/express/harness.ts):
      // the installer manages the links on the addon pages there.
      identify: identifyFromHostSession,
      addonSections: [zendeskLinksSection(mapping, { latchkey: vault.lk, subdomain: SUBDOMAIN })],
    });
    hostPages(app, mount);
    const zendesk = mountZendesk(app, {
      mount,
      latchkey: vault.lk,
      mapping,
      publicKeyPem: signer.publicKeyPem,
      issuer: ISSUER,
      audience: AUDIENCE,
      secret,
      // Zendesk's agent page is played by this host, on plain http.
      zendeskOrigins: [box.origin],
      zafSdkUrl: '/sim/zaf_sdk.js',
      log: (line) => { logs.push(line); },
      ...options.matching,
    });
    simulatedZendesk(app, scenarios, { origin: () => box.origin, entryUrl: (location) => `${ZENDESK_BASE}/entry/${location}` });
    app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
      const e = err as Error;
      res.status(500).type('text').send(`host error: ${e?.name} ${String(e?.message).slice(0, 300)}`);
    });
    return new ZendeskHost(scenarios, logs, vault, directory, mapping, signer, mount, zendesk, secret, box.origin, server, options.vault === undefined);
  }

  /** Links, settings and entries every suite starts from. */
  async seed(): Promise<void> {
    const m = this.mapping;
    await m.link({ kind: 'agent', zendeskId: ZD.samAgent, latchkeyId: 'a-sam', label: 'Sam in Zendesk' });
    await m.link({ kind: 'agent', zendeskId: ZD.sidAgent, latchkeyId: 'a-sys' });
    await m.link({ kind: 'user', zendeskId: ZD.acmeRequester, latchkeyId: 'c-acme' });
    await m.link({ kind: 'organization', zendeskId: ZD.globexOrganization, latchkeyId: 'c-globex' });
    await m.link({ kind: 'email', zendeskId: ZD.globexEmail, latchkeyId: 'c-globex' });
    const lk = this.vault.lk;
    await lk.settings.update(owner, { adminAccessMode: 'restricted', allowedAdminIds: ['a-sam'] });
    await lk.entries.create(acme, { name: ACME_ENTRY, username: 'admin', password: 'acme-router-pw' });
    await lk.entries.create(globex, { name: GLOBEX_ENTRY, username: 'vpn', password: 'globex-vpn-pw' });
  }

  /** A fresh HTTP client (own cookie jar), logged in to the billing platform as `actor` when given. */
  browser(actor?: Actor): Browser {
    const browser = new Browser(this.origin);
    if (actor) browser.loginAs(actor);
    return browser;
  }

  /** Registers what the simulated Zendesk shows in one iframe; returns its app_guid. */
  scenario(scenario: Scenario): string {
    const guid = randomBytes(8).toString('hex');
    this.scenarios.set(guid, scenario);
    return guid;
  }

  /** The location URL Zendesk POSTs to, with the query it adds. */
  entryPath(location: ZendeskLocation, guid = randomBytes(8).toString('hex'), query?: Record<string, string>): string {
    const params = new URLSearchParams(query ?? { origin: this.origin, app_guid: guid });
    return `${this.zendesk.entryUrl(location)}?${params}`;
  }

  async close(): Promise<void> {
    await this.server.close();
    if (this.ownsVault) await this.vault.close();
  }
}

/** The billing platform's session: whoever its `host_user` cookie names (as in test/express/harness.ts). */
function identifyFromHostSession(req: Request): Actor | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name !== HOST_SESSION_COOKIE) continue;
    const [kind, id, ...more] = decodeURIComponent(rest.join('=')).split(':');
    if (!id || more.length > 0) return null;
    if (kind === 'admin') return { kind: 'admin', adminId: id };
    if (kind === 'client') return { kind: 'client', clientId: id };
  }
  return null;
}

/** `/host/page/<place>`: a billing-platform page that includes a Latchkey fragment, as an in-process host does. */
function hostPages(app: express.Express, mount: LatchkeyMount): void {
  app.get('/host/page/:place', async (req, res, next) => {
    try {
      const place = req.params.place as HookPlace;
      if (!(HOOK_PLACES as readonly string[]).includes(place)) {
        res.status(404).send('no such place');
        return;
      }
      const params: Record<string, string> = {};
      for (const [key, value] of Object.entries(req.query)) if (typeof value === 'string') params[key] = value;
      const context: HookContext = { clientId: params.clientId, ticketId: params.ticketId, page: params.page, params };
      const fragment = await mount.render(place, req, res, context);
      if (fragment === null) {
        res.status(404).type('html').send('<!doctype html><title>Host</title><p>hidden</p>');
        return;
      }
      res.type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title></head><body><main>${fragment}</main></body></html>`);
    } catch (err) {
      next(err);
    }
  });
}

/** Ticket data as ZAF's `client.get` returns it. */
export function ticketZaf(ticket: string, requester: { id: number; email: string } | null, organization: number | null, locale = 'en-US'): ZafData {
  return {
    'ticket.id': Number(ticket),
    'ticket.subject': `Ticket ${ticket}: cannot log in`,
    'ticket.requester': requester ? { id: requester.id, email: requester.email, name: 'Requester' } : null,
    'ticket.organization': organization === null ? null : { id: organization, name: 'Org' },
    'currentUser.locale': locale,
  };
}

/**
 * Zendesk's part, played on the same host: `/sim/zendesk/<guid>` is the agent
 * page framing the app; `/sim/launch/<guid>` the iframe's first load, which
 * POSTs the token (Zendesk's signed-URL load); `/sim/zaf_sdk.js` a ZAF SDK
 * whose `client.get` answers with the scenario's data and whose
 * `client.invoke('resize', size)` pushes `size` onto `window.__zafResizes`.
 */
export function simulatedZendesk(
  app: express.Express,
  scenarios: ReadonlyMap<string, Scenario>,
  where: {
    /** Zendesk's own origin, as it puts it in `origin=` (known once listening). */
    origin(): string;
    /** The app's location URL for a location: Latchkey's Zendesk entry, on whichever origin it runs. */
    entryUrl(location: ZendeskLocation): string;
  },
): void {
  const html = (body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Zendesk</title></head><body>${body}</body></html>`;
  const attr = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  // Browsers ask every origin for one; an empty answer keeps the console clean.
  app.get('/favicon.ico', (_req, res) => { res.status(204).end(); });
  app.get('/sim/zendesk/:guid', (req, res) => {
    if (!scenarios.has(req.params.guid)) {
      res.status(404).send('no such scenario');
      return;
    }
    res.type('html').send(html(`<h1>Agent workspace</h1><iframe name="app" src="/sim/launch/${attr(req.params.guid)}" width="420" height="700"></iframe>`));
  });
  app.get('/sim/launch/:guid', (req, res) => {
    const scenario = scenarios.get(req.params.guid);
    if (!scenario) {
      res.status(404).send('no such scenario');
      return;
    }
    const query = new URLSearchParams(scenario.query ?? { origin: where.origin(), app_guid: req.params.guid });
    res.type('html').send(html(
      `<form method="post" action="${attr(`${where.entryUrl(scenario.location)}?${query}`)}">`
      + `<input type="hidden" name="token" value="${attr(scenario.token)}"></form>`
      + '<script>document.forms[0].submit();</script>',
    ));
  });
  app.get('/sim/zaf_sdk.js', (_req, res) => {
    const data = Object.fromEntries([...scenarios].map(([guid, s]) => [guid, s.zaf]));
    const json = JSON.stringify(data).replace(/</g, '\\u003c');
    res.type('text/javascript').send(`(function () {
  var SCENARIOS = ${json};
  window.ZAFClient = {
    init: function () {
      var params = new URLSearchParams(window.location.search);
      var guid = params.get('app_guid');
      if (!guid || !params.get('origin') || !SCENARIOS[guid]) return false;
      var data = SCENARIOS[guid];
      return {
        get: function (paths) {
          var out = { errors: {} };
          (Array.isArray(paths) ? paths : [paths]).forEach(function (p) { if (p in data) out[p] = data[p]; else out.errors[p] = 'unknown'; });
          return Promise.resolve(out);
        },
        invoke: function (name, size) {
          window.__zafInvoked = [name, size];
          if (name === 'resize') (window.__zafResizes = window.__zafResizes || []).push(size);
          return Promise.resolve({});
        }
      };
    }
  };
})();`);
  });
}
