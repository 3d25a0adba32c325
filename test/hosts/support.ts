/**
 * One Latchkey, three hosts around it, for the browser suites that compare
 * what each host shows:
 *
 * - the demo host's way (in-process): host pages on Latchkey's own server that
 *   include `mount.render(place, req, res, ctx)`, as examples/demo-host does;
 * - WHMCS: the real PHP module (hooks.php, latchkey.php, Bridge, TokenSigner)
 *   run under php-cli with the WHMCS_RUNTIME shim; what it outputs is served
 *   from a loopback "WHMCS" origin, and the browser follows its iframe into
 *   `{base}/embed` → `{base}/frame/<place>`;
 * - Zendesk: an agent page on a loopback "Zendesk" origin whose iframe POSTs a
 *   signed-URL token to `mountZendesk`'s entry, with a ZAF SDK stand-in
 *   answering `client.get` (as in test/zendesk/support.ts).
 *
 * All three read one vault and one host directory. The directory uses numeric
 * ids, as WHMCS does (the module casts admin, client and ticket ids to int).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { mountLatchkey, readCookie, type LatchkeyMount } from '../../adapters/express/index.ts';
import { MemoryDirectory } from '../../adapters/memory/memory-directory.ts';
import {
  KnexZendeskMapping, mountZendesk, withZendeskTickets, type ZendeskLocation,
  zendeskLinksTable, zendeskMigrations,
} from '../../adapters/zendesk/index.ts';
import { Secret, type Actor, type AdminActor, type ClientActor, type HookPlace } from '../../core/index.ts';
import { openVault, type TestDatabase, type Vault } from '../support/databases.ts';
import { watch, type PageWatch } from '../e2e/support.ts';
import { waitForFrame } from '../support/chromium.ts';
import { MODULE_DIR, phpJson, WHMCS_RUNTIME } from '../whmcs/php.ts';
import { listenOnLoopback, type LoopbackServer } from '../support/loopback.ts';
import { AUDIENCE, ISSUER, simulatedZendesk, SUBDOMAIN, ZendeskSigner, type Scenario } from '../zendesk/support.ts';

// In-page callbacks run in Chromium; the project compiles without the DOM lib.
declare const document: any;

export const BASE = '/latchkey';
export const EMBED = { secret: 'the-shared-secret-of-this-whmcs-install-0123456789', issuer: 'whmcs', audience: 'latchkey' };

/** Who is who, with WHMCS's numeric ids. */
export const ID = {
  olivia: '1', sam: '2', rita: '3',
  roleFull: '1', roleSupport: '2', roleBilling: '3',
  acme: '12', globex: '13', initech: '14',
  acmeMain: '21', acmeDev: '22',
  acmeVps: '31', acmeWeb: '32', globexVps: '33',
  /** A ticket of Acme's about no service, and one about its VPS. */
  ticket: '100', serviceTicket: '101',
} as const;

export const olivia: AdminActor = { kind: 'admin', adminId: ID.olivia };
/** Allowed to see client data (restricted mode, allowed by id). */
export const sam: AdminActor = { kind: 'admin', adminId: ID.sam };
/** Not allowed: sees only what is shared with her or her role. */
export const rita: AdminActor = { kind: 'admin', adminId: ID.rita };
export const acme: ClientActor = { kind: 'client', clientId: ID.acme };

/** Zendesk ids, and what they are linked to. */
export const ZD = {
  samAgent: '9002', ritaAgent: '9003',
  acmeUser: '7001', acmeOrganization: '8001',
  acmeTicket: '4242',
} as const;

export const ENTRY = {
  router: 'Acme office router',
  mailchimp: 'Acme Mailchimp',
  dns: 'Acme DNS registrar',
  firewall: 'Acme firewall console',
  globex: 'Globex VPN gateway',
} as const;

/** A small hosting company as WHMCS would number it. */
export function whmcsLikeDirectory(): MemoryDirectory {
  return new MemoryDirectory({
    adminRoles: [{ id: ID.roleFull, name: 'Full Administrator' }, { id: ID.roleSupport, name: 'Support' }, { id: ID.roleBilling, name: 'Billing' }],
    admins: [
      { id: ID.olivia, name: 'Olivia Owner', email: 'olivia@host.test', roleId: ID.roleFull, language: 'en', disabled: false, addonManager: true },
      { id: ID.sam, name: 'Sam Support', email: 'sam@host.test', roleId: ID.roleSupport, language: 'en', disabled: false, addonManager: false },
      { id: ID.rita, name: 'Rita Billing', email: 'rita@host.test', roleId: ID.roleBilling, language: 'en', disabled: false, addonManager: false },
    ],
    clientGroups: [{ id: '1', name: 'Retail' }],
    clients: [
      { id: ID.acme, name: 'Acme Ltd', email: 'it@acme.test', groupId: '1', language: 'en', status: 'Active' },
      { id: ID.globex, name: 'Globex', email: 'ops@globex.test', groupId: '1', language: 'en', status: 'Active' },
      { id: ID.initech, name: 'Initech', email: 'it@initech.test', groupId: '1', language: 'en', status: 'Active' },
    ],
    contacts: [
      { id: ID.acmeMain, clientId: ID.acme, name: 'Ann Acme', email: 'it@acme.test', isMain: true },
      { id: ID.acmeDev, clientId: ID.acme, name: 'Dev Acme', email: 'dev@acme.test', isMain: false },
    ],
    productGroups: [{ id: '51', name: 'VPS' }, { id: '52', name: 'Shared hosting' }],
    products: [{ id: '41', name: 'VPS Small', groupId: '51' }, { id: '42', name: 'cPanel Starter', groupId: '52' }],
    services: [
      { id: ID.acmeVps, clientId: ID.acme, productId: '41', label: 'vps1.acme.test', username: 'root', password: new Secret('acme-vps-root-pw'), loginUrl: 'https://vps1.acme.test:8006', status: 'active' },
      { id: ID.acmeWeb, clientId: ID.acme, productId: '42', label: 'acme.test', username: 'acme', password: new Secret('acme-cpanel-pw'), loginUrl: 'https://acme.test:2083', status: 'active' },
      { id: ID.globexVps, clientId: ID.globex, productId: '41', label: 'vps.globex.test', username: 'root', password: new Secret('globex-vps-pw'), loginUrl: null, status: 'active' },
    ],
    tickets: [
      { id: ID.ticket, clientId: ID.acme, contactId: null, serviceId: null, subject: 'Cannot log in', status: 'Open' },
      { id: ID.serviceTicket, clientId: ID.acme, contactId: ID.acmeDev, serviceId: ID.acmeVps, subject: 'VPS down', status: 'Open' },
    ],
  });
}

/** A page and the frame (or the page itself) the panel is in. */
export interface PanelVisit {
  page: Page;
  context: BrowserContext;
  /** Where the panel is: the page (in-process) or Latchkey's frame. */
  target: Page | Frame;
  watch: PageWatch;
}

/** Three loopback origins: Latchkey (with the in-process host's pages), "WHMCS" and "Zendesk". */
export class SameHosts {
  private readonly servers: LoopbackServer[] = [];
  private readonly contexts: BrowserContext[] = [];
  /** HTML pages "WHMCS" serves, by key. */
  private readonly whmcsPages = new Map<string, string>();
  private readonly scenarios = new Map<string, Scenario>();
  readonly logs: string[] = [];
  readonly signer = new ZendeskSigner();
  latchkeyOrigin = '';
  whmcsOrigin = '';
  zendeskOrigin = '';
  mount!: LatchkeyMount;
  mapping!: KnexZendeskMapping;

  private constructor(readonly vault: Vault, readonly directory: MemoryDirectory, private readonly browser: Browser) {}

  static async start(db: TestDatabase, browser: Browser): Promise<SameHosts> {
    const directory = whmcsLikeDirectory();
    let mapping: KnexZendeskMapping | undefined;
    const vault = await openVault(db, withZendeskTickets(directory, () => mapping), { adapterMigrations: zendeskMigrations });
    mapping = new KnexZendeskMapping(vault.raw, { account: SUBDOMAIN, table: zendeskLinksTable(vault.tables) });
    const hosts = new SameHosts(vault, directory, browser);
    hosts.mapping = mapping;
    try {
      await hosts.listen();
    } catch (err) {
      await hosts.close();
      throw err;
    }
    return hosts;
  }

  private async listen(): Promise<void> {
    const latchkeyApp = express();
    const whmcsApp = express();
    const zendeskApp = express();
    this.latchkeyOrigin = await this.serve(latchkeyApp);
    this.whmcsOrigin = await this.serve(whmcsApp);
    this.zendeskOrigin = await this.serve(zendeskApp);
    for (const app of [latchkeyApp, whmcsApp, zendeskApp]) app.get('/favicon.ico', (_req, res) => { res.status(204).end(); });

    // Latchkey, mounted as every host mounts it: in-process identify, WHMCS's embed tokens, Zendesk's entry.
    this.mount = mountLatchkey(latchkeyApp, {
      latchkey: this.vault.lk,
      basePath: BASE,
      secret: randomBytes(32).toString('base64url'),
      identify: (req) => parseActor(readCookie(req, HOST_COOKIE)),
      embed: EMBED,
      frameAncestors: [this.whmcsOrigin, this.zendeskOrigin],
    });
    mountZendesk(latchkeyApp, {
      mount: this.mount,
      latchkey: this.vault.lk,
      mapping: this.mapping,
      publicKeyPem: this.signer.publicKeyPem,
      issuer: ISSUER,
      audience: AUDIENCE,
      secret: randomBytes(32).toString('base64url'),
      zendeskOrigins: [this.zendeskOrigin],
      zafSdkUrl: `${this.zendeskOrigin}/sim/zaf_sdk.js`,
      log: (line) => { this.logs.push(line); },
    });
    this.inProcessHost(latchkeyApp);
    this.simulatedWhmcs(whmcsApp);
    this.simulatedZendesk(zendeskApp);
    for (const app of [latchkeyApp, whmcsApp, zendeskApp]) {
      app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
        const e = err as Error;
        this.logs.push(`host error: ${e?.name} ${String(e?.message)}`);
        res.status(500).type('text').send(`host error: ${e?.name} ${String(e?.message).slice(0, 300)}`);
      });
    }
  }

  private async serve(app: Express): Promise<string> {
    const server = await listenOnLoopback(app);
    this.servers.push(server);
    return server.origin;
  }

  /** Links, settings and entries the suites start from. */
  async seed(): Promise<void> {
    const lk = this.vault.lk;
    await lk.settings.update(olivia, { adminAccessMode: 'restricted', allowedAdminIds: [ID.sam] });
    const network = await lk.categories.create(acme, { name: 'Network' });
    await lk.entries.create(acme, {
      name: ENTRY.router, username: 'admin', password: 'acme-router-pw', loginUrl: 'https://router.acme.test/', categoryId: network.id,
    });
    await lk.entries.create(acme, { name: ENTRY.mailchimp, username: 'it@acme.test', password: 'acme-mailchimp-pw', notes: 'Marketing list' });
    // Sam's, for Acme: shared with the Billing role (view only) and with the client.
    await lk.entries.create(sam, {
      name: ENTRY.dns, clientId: ID.acme, username: 'acme-dns', password: 'acme-dns-pw',
      grants: [{ kind: 'admin_role', id: ID.roleBilling }, { kind: 'client', id: ID.acme }],
    });
    // Olivia's, for Acme, kept private: Rita may see and edit it; Sam, not named, may not see it.
    await lk.entries.create(olivia, {
      name: ENTRY.firewall, clientId: ID.acme, username: 'fw-admin', password: 'acme-fw-pw', private: true,
      grants: [{ kind: 'admin', id: ID.rita, canEdit: true }],
    });
    await lk.entries.create({ kind: 'client', clientId: ID.globex }, { name: ENTRY.globex, username: 'vpn', password: 'globex-vpn-pw' });

    const m = this.mapping;
    await m.link({ kind: 'agent', zendeskId: ZD.samAgent, latchkeyId: ID.sam });
    await m.link({ kind: 'agent', zendeskId: ZD.ritaAgent, latchkeyId: ID.rita });
    await m.link({ kind: 'user', zendeskId: ZD.acmeUser, latchkeyId: ID.acme });
    await m.link({ kind: 'organization', zendeskId: ZD.acmeOrganization, latchkeyId: ID.acme });
  }

  // --- the demo host's way: in-process pages ---------------------------------

  private inProcessHost(app: Express): void {
    const page = async (req: Request, res: Response, place: HookPlace, context: Record<string, string>) => {
      const html = await this.mount.render(place, req, res, context);
      res.type('html').send(hostPage('Host', html === null ? '<p id="no-panel">No panel</p>' : html));
    };
    app.get('/host/admin/clients/:id', (req, res, next) => page(req, res, 'clientSummary', { clientId: req.params.id }).catch(next));
    app.get('/host/admin/tickets/:id', (req, res, next) => page(req, res, 'ticketSidebar', { ticketId: req.params.id }).catch(next));
    app.get('/host/admin/contacts/:id', (req, res, next) => page(req, res, 'contactPanel', { contactId: req.params.id }).catch(next));
    app.get('/host/admin/devices/:id', (req, res, next) => page(req, res, 'devicePanel', { deviceId: req.params.id }).catch(next));
    app.get('/host/clientarea', (req, res, next) => page(req, res, 'clientArea', {}).catch(next));
    app.get('/host/admin/addon/:page', (req, res, next) => page(req, res, 'adminPages', { page: req.params.page }).catch(next));
  }

  /** The in-process host's page for `place`, signed in (the host's own session) as `actor`. */
  async inProcess(actor: Actor, place: HookPlace, id?: string): Promise<PanelVisit> {
    const { page, context, watch } = await this.newPage();
    await context.addCookies([{ name: HOST_COOKIE, value: subjectOf(actor), url: this.latchkeyOrigin }]);
    const path = inProcessPath(place, id);
    const response = await page.goto(`${this.latchkeyOrigin}${path}`, { waitUntil: 'load' });
    if (response?.status() !== 200) throw new Error(`GET ${path}: ${response?.status()}`);
    return { page, context, target: page, watch };
  }

  // --- WHMCS: the module's PHP output, served from WHMCS's origin -------------

  /** The module's settings rows as WHMCS keeps them in tbladdonmodules, pointing at this Latchkey. */
  whmcsTables(overrides: Record<string, string> = {}): Record<string, unknown[]> {
    const settings: Record<string, string> = {
      url: `${this.latchkeyOrigin}${BASE}`, secret: EMBED.secret, issuer: EMBED.issuer, audience: EMBED.audience,
      lifetime: '120', ticketplacement: 'sidebar', panelheight: '480', pageheight: '900', navbar: 'on', invitedusers: '', cron: 'on',
      ...overrides,
    };
    return {
      tbladdonmodules: Object.entries(settings).map(([setting, value]) => ({ module: 'latchkey', setting, value })),
      tbladmins: [ID.olivia, ID.sam, ID.rita].map((id) => ({ id: Number(id), language: 'english' })),
      tbltickets: [{ id: Number(ID.ticket), userid: Number(ID.acme) }, { id: Number(ID.serviceTicket), userid: Number(ID.acme) }],
    };
  }

  /** What WHMCS outputs for an admin-area hook, as the admin `adminId` (the PHP module, run under php-cli). */
  async whmcsHookHtml(hook: 'AdminAreaClientSummaryPage' | 'AdminAreaViewTicketPageSidebar', vars: Record<string, unknown>, adminId: string): Promise<string> {
    const out = await phpJson<string[]>(`
      ${WHMCS_RUNTIME}
      define('ADMINAREA', true);
      require $module . 'hooks.php';
      echo json_encode(run_hook(${JSON.stringify(hook)}, $input['vars']));`, {
      vars, session: { adminid: Number(adminId) }, tables: this.whmcsTables(),
    });
    const html = out.join('');
    if (!html.includes('<iframe')) throw new Error(`${hook} output no frame: ${JSON.stringify(out)}`);
    return html;
  }

  /**
   * The client area page index.php?m=latchkey for the owner of `clientId`
   * (WHMCS 8's CurrentUser): latchkey_clientarea's variables through the
   * module's clientarea.tpl.
   */
  async whmcsClientAreaHtml(clientId: string): Promise<string> {
    const out = await phpJson<{ templatefile: string; vars: Record<string, string> }>(`
      ${WHMCS_RUNTIME}
      require $module . 'latchkey.php';
      $_ADDONLANG = array(); include $module . 'lang/english.php';
      echo json_encode(latchkey_clientarea(array('modulelink' => 'index.php?m=latchkey', '_lang' => $_ADDONLANG)));`, {
      currentUser: { clientId: Number(clientId), userId: 50, ownerId: 50 }, tables: this.whmcsTables(),
    });
    const template = readFileSync(`${MODULE_DIR}templates/${out.templatefile}.tpl`, 'utf8');
    return renderSmarty(template, out.vars);
  }

  /** Serves `body` in a WHMCS-like page on WHMCS's origin; returns its URL. */
  whmcsPage(title: string, body: string): string {
    const key = randomBytes(8).toString('hex');
    this.whmcsPages.set(key, hostPage(title, body));
    return `${this.whmcsOrigin}/whmcs/${key}`;
  }

  private simulatedWhmcs(app: Express): void {
    app.get('/whmcs/:key', (req, res) => {
      const html = this.whmcsPages.get(req.params.key);
      if (html === undefined) res.status(404).send('no such page');
      else res.type('html').send(html);
    });
  }

  /** Opens a WHMCS page and waits until its Latchkey frame shows `place`. */
  async whmcs(url: string, place: HookPlace): Promise<PanelVisit> {
    const { page, context, watch } = await this.newPage();
    await page.goto(url, { waitUntil: 'load' });
    const frame = await waitForFrame(page, (f) => new URL(f.url()).pathname === `${BASE}/frame/${place}`);
    await frame.waitForLoadState('load');
    return { page, context, target: frame, watch };
  }

  /** clientSummary or ticketSidebar in WHMCS's admin area, as `adminId`. */
  async whmcsAdmin(place: 'clientSummary' | 'ticketSidebar', adminId: string, id: string): Promise<PanelVisit> {
    const html = place === 'clientSummary'
      ? await this.whmcsHookHtml('AdminAreaClientSummaryPage', { userid: Number(id) }, adminId)
      : await this.whmcsHookHtml('AdminAreaViewTicketPageSidebar', { ticketid: Number(id) }, adminId);
    const body = place === 'clientSummary'
      ? `<h1>Client Profile</h1><div id="whmcs-summary" style="width:960px">${html}</div>`
      : `<h1>View Ticket</h1><aside id="whmcs-sidebar" style="width:340px">${html}</aside>`;
    return this.whmcs(this.whmcsPage('WHMCS admin', body), place);
  }

  /** The client area page in WHMCS, as the owner of `clientId`. */
  async whmcsClientArea(clientId: string): Promise<PanelVisit> {
    const html = await this.whmcsClientAreaHtml(clientId);
    return this.whmcs(this.whmcsPage('WHMCS client area', `<h1>Access details</h1><div id="whmcs-main" style="width:960px">${html}</div>`), 'clientArea');
  }

  // --- Zendesk: signed-URL POST → context page (ZAF) → frame -----------------

  private simulatedZendesk(app: Express): void {
    simulatedZendesk(app, this.scenarios, {
      origin: () => this.zendeskOrigin,
      entryUrl: (location) => `${this.latchkeyOrigin}${BASE}/zendesk/entry/${location}`,
    });
  }

  /**
   * The Zendesk sidebar at `location` for the agent `agent`, on Acme's ticket,
   * user or organization; waits until the frame shows `place`.
   */
  async zendesk(location: ZendeskLocation, agent: string): Promise<PanelVisit> {
    const locale = 'en-US';
    const zaf: Record<string, unknown> = location === 'ticket_sidebar'
      ? {
        'ticket.id': Number(ZD.acmeTicket), 'ticket.subject': 'Cannot log in',
        'ticket.requester': { id: Number(ZD.acmeUser), email: 'it@acme.test', name: 'Ann Acme' },
        'ticket.organization': null, 'currentUser.locale': locale,
      }
      : location === 'user_sidebar'
        ? { user: { id: Number(ZD.acmeUser), email: 'it@acme.test', organizations: [] }, 'currentUser.locale': locale }
        : { organization: { id: Number(ZD.acmeOrganization), name: 'Acme' }, 'currentUser.locale': locale };
    const token = await this.signer.sign({ sub: agent, context: { product: 'support', location } });
    const guid = randomBytes(8).toString('hex');
    this.scenarios.set(guid, { location, token, zaf });
    const place = location === 'ticket_sidebar' ? 'ticketSidebar' : 'clientSummary';
    const { page, context, watch } = await this.newPage();
    await page.goto(`${this.zendeskOrigin}/sim/zendesk/${guid}`, { waitUntil: 'load' });
    // Latchkey's frame is inside the context page, which stays in Zendesk's iframe (named app).
    const frame = await waitForFrame(page, (f) => f.parentFrame()?.name() === 'app' && new URL(f.url()).pathname === `${BASE}/frame/${place}`);
    await frame.waitForLoadState('load');
    return { page, context, target: frame, watch };
  }

  // ---------------------------------------------------------------------------

  /** A page in a fresh browser context (own cookies), watched for errors. */
  async newPage(viewport = { width: 1280, height: 900 }): Promise<{ page: Page; context: BrowserContext; watch: PageWatch }> {
    const context = await this.browser.newContext({ viewport, locale: 'en-GB' });
    context.setDefaultTimeout(15_000);
    this.contexts.push(context);
    const page = await context.newPage();
    return { page, context, watch: watch(page) };
  }

  /** Closes the browser contexts opened so far (the browser stays). */
  async closeContexts(): Promise<void> {
    for (const c of this.contexts.splice(0)) await c.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.closeContexts();
    for (const server of this.servers) await server.close();
    await this.vault.close();
  }
}

const HOST_COOKIE = 'host_actor';

/** Where the in-process host shows `place`: the client's summary, the ticket, the addon page `id` (default entries), the client area. */
export function inProcessPath(place: HookPlace, id?: string): string {
  switch (place) {
    case 'clientSummary': return `/host/admin/clients/${id}`;
    case 'ticketSidebar': return `/host/admin/tickets/${id}`;
    case 'contactPanel': return `/host/admin/contacts/${id}`;
    case 'devicePanel': return `/host/admin/devices/${id}`;
    case 'adminPages': return `/host/admin/addon/${id ?? 'entries'}`;
    case 'clientArea': return '/host/clientarea';
  }
}

function subjectOf(actor: Actor): string {
  if (actor.kind === 'admin') return `admin:${actor.adminId}`;
  if (actor.kind === 'client') return actor.contactId ? `client:${actor.clientId}:contact:${actor.contactId}` : `client:${actor.clientId}`;
  throw new Error('the system has no host session');
}

/** The in-process host's "session": who is signed in, from a plain cookie (a test host, nothing more). */
function parseActor(value: string | undefined): Actor | null {
  const admin = /^admin:(\d+)$/.exec(value ?? '');
  if (admin) return { kind: 'admin', adminId: admin[1]! };
  const client = /^client:(\d+)(?::contact:(\d+))?$/.exec(value ?? '');
  if (client) return client[2] ? { kind: 'client', clientId: client[1]!, contactId: client[2] } : { kind: 'client', clientId: client[1]! };
  return null;
}

function hostPage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;
}


/**
 * Just the Smarty WHMCS needs for the module's clientarea.tpl: `{* comments *}`,
 * `{if $var}`/`{else}`/`{/if}`, `{$var}` and `{$var|escape:'html'}`. Any other
 * tag throws, so a template that grows past this is noticed, not half rendered.
 */
export function renderSmarty(template: string, vars: Record<string, unknown>): string {
  const source = template.replace(/\{\*[\s\S]*?\*\}/g, '');
  const out: string[] = [];
  const stack: Array<{ outer: boolean; condition: boolean }> = [];
  let active = true;
  let last = 0;
  const value = (name: string) => (vars[name] === undefined || vars[name] === null ? '' : String(vars[name]));
  for (const match of source.matchAll(/\{([^{}\s][^{}]*)\}/g)) {
    if (active) out.push(source.slice(last, match.index));
    last = match.index! + match[0].length;
    const tag = match[1]!.trim();
    let m: RegExpExecArray | null;
    if ((m = /^if \$(\w+)$/.exec(tag))) {
      const condition = value(m[1]!) !== '' && value(m[1]!) !== '0';
      stack.push({ outer: active, condition });
      active = active && condition;
    } else if (tag === 'else') {
      const top = stack.at(-1);
      if (!top) throw new Error('{else} outside {if}');
      active = top.outer && !top.condition;
    } else if (tag === '/if') {
      const top = stack.pop();
      if (!top) throw new Error('{/if} without {if}');
      active = top.outer;
    } else if ((m = /^\$(\w+)$/.exec(tag))) {
      if (active) out.push(value(m[1]!));
    } else if ((m = /^\$(\w+)\|escape:'html'$/.exec(tag))) {
      if (active) out.push(value(m[1]!).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#039;' })[c]!));
    } else {
      throw new Error(`renderSmarty: unsupported tag {${tag}}`);
    }
  }
  if (stack.length) throw new Error('unclosed {if}');
  if (active) out.push(source.slice(last));
  return out.join('');
}

// --- reading a panel ---------------------------------------------------------

/** One entry as the user sees it. */
export interface VisibleEntry {
  name: string;
  badges: string[];
  /** `Label: value` of each visible field (the password shows as bullets). */
  fields: string[];
  /** The entry's visible buttons and links: `reveal`, `copy`, `edit`, `share`, `history`, `delete`, `copy-text`, `link`... with their text. */
  actions: string[];
  /** The "tell me when it changes" box is shown. */
  watch: boolean;
}

/** What a panel shows, in document order, with nothing hidden (closed dialogs, hidden details) in it. */
export interface VisiblePanel {
  /** `summary`, `ticket` or `clientarea` (the panel's lk-<place> class). */
  kind: string;
  /** Headings (h1–h4) in order. */
  headings: string[];
  entries: VisibleEntry[];
  /** Everything visible, one line each: headings, texts, buttons outside entries, `entry <name>`. */
  outline: string[];
}

/**
 * Reads the visible structure of the one Latchkey panel in a page or frame:
 * headings, entries (name, badges, fields, buttons) and other buttons, in
 * order. Hidden things (closed dialogs, collapsed details, `hidden`) are left
 * out, as a user would not see them.
 */
export async function readPanel(target: Page | Frame): Promise<VisiblePanel> {
  const panel = target.locator('.lk-panel');
  await panel.first().waitFor({ state: 'visible' });
  const count = await panel.count();
  if (count !== 1) throw new Error(`expected one Latchkey panel, found ${count}`);
  return panel.evaluate(READ_PANEL as (root: unknown) => VisiblePanel);
}

/**
 * The reader, run in the page. Kept as source text: tsx names the inner
 * functions with a helper (`__name`) that does not exist in the page.
 */
// eslint-disable-next-line no-new-func
const READ_PANEL = new Function('root', String.raw`
  const text = (el) => String((el && el.textContent) || '').replace(/\s+/g, ' ').trim();
  const visible = (el) => el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }) && !el.closest('dialog:not([open])');
  const actionOf = (el) => {
    if (el.tagName === 'A') return 'link ' + text(el);
    if (el.tagName === 'SELECT') return ('select ' + (el.getAttribute('aria-label') || el.name || '')).trim();
    const data = [...el.attributes].map((a) => a.name).find((n) => n.startsWith('data-lk-'));
    return (data ? data.slice('data-lk-'.length) : 'button') + ' ' + text(el);
  };
  const readEntry = (li) => ({
    name: text(li.querySelector('.lk-name')),
    badges: [...li.querySelectorAll('.lk-badge')].filter(visible).map(text),
    // Each field is a <div> with display: contents (no box of its own): its <dt> says whether it shows.
    fields: [...li.querySelectorAll('.lk-fields dt')].filter(visible).map((dt) => {
      const dd = dt.nextElementSibling.cloneNode(true);
      for (const button of dd.querySelectorAll('button')) button.remove();
      return text(dt) + ': ' + text(dd);
    }),
    actions: [...li.querySelectorAll('button, a, select')].filter(visible).map(actionOf),
    watch: [...li.querySelectorAll('[data-lk-watch]')].some(visible),
  });
  const kind = ([...root.classList].find((c) => c.startsWith('lk-') && c !== 'lk-panel') || '').slice(3);
  const headings = [];
  const entries = [];
  const outline = [];
  for (const el of root.querySelectorAll('h1, h2, h3, h4, p, .lk-entry, .lk-category, button, a, select, label')) {
    if (!visible(el)) continue;
    // An entry or a category speaks for what is inside it; the toast is not content.
    const container = el.parentElement && el.parentElement.closest('.lk-entry, .lk-category');
    if (container && root.contains(container)) continue;
    if (el.closest('[data-lk-toast]')) continue;
    if (/^H[1-4]$/.test(el.tagName)) {
      headings.push(text(el));
      outline.push(el.tagName.toLowerCase() + ' ' + text(el));
    } else if (el.matches('.lk-entry')) {
      const entry = readEntry(el);
      entries.push(entry);
      outline.push('entry ' + entry.name);
    } else if (el.matches('.lk-category')) {
      outline.push('category ' + text(el.querySelector('.lk-name')) + ' [' + [...el.querySelectorAll('button')].filter(visible).map(actionOf).join(', ') + ']');
    } else if (el.matches('button, a, select')) {
      outline.push('action ' + actionOf(el));
    } else if (el.matches('p')) {
      if (text(el)) outline.push('text ' + text(el));
    } else if (el.matches('label') && !el.closest('form[data-lk-language-form]')) {
      outline.push('label ' + text(el));
    }
  }
  return { kind, headings, entries, outline };
`);

/** The height of the iframe element in the page around it, and of the document inside it. */
export async function frameHeights(page: Page, frameSelector = 'iframe.latchkey-frame'): Promise<{ iframe: number; content: number }> {
  const iframe = await page.locator(frameSelector).evaluate((el: any) => el.getBoundingClientRect().height);
  const frame = await (await page.locator(frameSelector).elementHandle())!.contentFrame();
  const content = await frame!.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
  return { iframe: Math.round(iframe as number), content: content as number };
}

