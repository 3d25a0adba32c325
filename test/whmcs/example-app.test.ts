import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { WhmcsApi, WhmcsDirectory, WhmcsMailer } from '../../adapters/whmcs/index.ts';
import { createWhmcsLatchkeyApp } from '../../examples/whmcs/app.ts';
import { Browser } from '../express/harness.ts';
import { openVault, type Vault } from '../support/databases.ts';
import { API_IDENTIFIER, API_SECRET, FakeWhmcs } from './fake-whmcs.ts';
import { forEachDatabaseWithPhp, phpJson, requirePhp, WHMCS_RUNTIME } from './php.ts';
import { listenOnLoopback, type LoopbackServer } from '../support/loopback.ts';

const EMBED = { secret: 'the-shared-secret-of-this-whmcs-install-0123456789', issuer: 'whmcs', audience: 'latchkey' };
const WHMCS_ORIGIN = 'https://billing.example.com';

/**
 * The whole path, with only the browser simulated: the WHMCS module (PHP)
 * renders its hooks, the example server (examples/whmcs) takes the tokens,
 * and Latchkey reads WHMCS's data through the API directory from a WHMCS
 * that answers as its reference documents.
 */
forEachDatabaseWithPhp('WHMCS end to end: module hooks → example server → WHMCS API', (db) => {
  let whmcs: FakeWhmcs;
  let vault: Vault;
  let server: LoopbackServer | undefined;
  let origin: string;

  before(async function () {
    requirePhp(this);
    whmcs = await FakeWhmcs.start();
    const api = new WhmcsApi({ url: whmcs.url, identifier: API_IDENTIFIER, secret: API_SECRET });
    vault = await openVault(db, new WhmcsDirectory(api));
    // WHMCS admin 1 is in role 1, the addon's managers by default.
    await vault.lk.settings.update({ kind: 'admin', adminId: '1' }, { adminAccessMode: 'full' });
    const { app } = createWhmcsLatchkeyApp({
      latchkey: vault.lk,
      basePath: '/latchkey',
      sessionSecret: randomBytes(32).toString('base64url'),
      embed: EMBED,
      frameAncestors: [WHMCS_ORIGIN],
      mailer: new WhmcsMailer(api),
    });
    server = await listenOnLoopback(app);
    origin = `${server.origin}`;
  });
  after(async () => {
    await server?.close();
    await vault?.close();
    await whmcs?.close();
  });

  /** What a WHMCS page outputs for a hook, with the module configured to point at the example server. */
  async function hookOutput(hook: string, vars: Record<string, unknown>, session: Record<string, unknown>): Promise<string> {
    const settings = { url: `${origin}/latchkey`, secret: EMBED.secret, issuer: EMBED.issuer, audience: EMBED.audience };
    const out = await phpJson<string[]>(`
      ${WHMCS_RUNTIME}
      require $module . 'hooks.php';
      echo json_encode(run_hook(${JSON.stringify(hook)}, $input['vars']));`, {
      vars, session,
      tables: { tbladdonmodules: Object.entries(settings).map(([setting, value]) => ({ module: 'latchkey', setting, value })) },
    });
    return out[0]!;
  }

  /** Opens an iframe's src like a browser: the embed exchange, then the framed page. */
  async function openFrame(iframe: string): Promise<{ browser: Browser; location: string; html: string; csp: string }> {
    const src = /src="([^"]+)"/.exec(iframe)?.[1]?.replace(/&amp;/g, '&');
    expect(src, iframe).to.be.a('string');
    const browser = new Browser(origin);
    const embed = await browser.get(src!.slice(origin.length));
    expect(embed.status, embed.text.slice(0, 300)).to.equal(303);
    const location = embed.headers.get('location')!;
    const frame = await browser.get(location);
    expect(frame.status, frame.text.slice(0, 300)).to.equal(200);
    return { browser, location, html: frame.text, csp: frame.headers.get('content-security-policy') ?? '' };
  }

  it("an admin opens a client's summary: the panel names the client as WHMCS knows it, framable only by WHMCS", async () => {
    const iframe = await hookOutput('AdminAreaClientSummaryPage', { userid: 2 }, { adminid: 1 });
    const { location, html, csp } = await openFrame(iframe);
    expect(location).to.equal('/latchkey/frame/clientSummary?clientId=2');
    expect(html).to.contain('Mohr &amp; Daughters');
    expect(csp).to.contain(`frame-ancestors 'self' ${WHMCS_ORIGIN}`);
    expect(whmcs.requests.some((r) => r.action === 'GetClientsDetails' && r.params.clientid === '2')).to.equal(true);
  });

  it("staff open a ticket: the sidebar finds the ticket's client through GetTicket", async () => {
    const iframe = await hookOutput('AdminAreaViewTicketPageSidebar', { ticketid: 2 }, { adminid: 2 });
    const { location, html } = await openFrame(iframe);
    expect(location).to.equal('/latchkey/frame/ticketSidebar?ticketId=2');
    expect(html).to.contain('Mohr &amp; Daughters');
  });

  it("a client opens the client area page and reveals a service's password, read from WHMCS", async () => {
    const page = await phpJson<{ vars: { latchkeyFrame: string } }>(`
      ${WHMCS_RUNTIME}
      require $module . 'latchkey.php';
      echo json_encode(latchkey_clientarea(array_merge($input['settings'], array('modulelink' => 'index.php?m=latchkey'))));`, {
      session: { uid: 2 },
      settings: { url: `${origin}/latchkey`, secret: EMBED.secret, issuer: EMBED.issuer, audience: EMBED.audience },
    });
    const { browser, location, html } = await openFrame(page.vars.latchkeyFrame);
    expect(location).to.equal('/latchkey/frame/clientArea');
    const csrf = /data-lk-csrf="([^"]+)"/.exec(html)?.[1];
    const services = await browser.api('GET', '/services/2');
    expect(services.status, services.text).to.equal(200);
    const list = services.json<Array<{ id: string; name: string; username: string | null }>>();
    const mohr = list.find((s) => s.username === 'mohr');
    expect(mohr, services.text).to.not.equal(undefined);
    expect(services.text).not.to.contain('m0hr-', 'listing never carries a password');
    const revealed = await browser.api('POST', `/entries/${encodeURIComponent(mohr!.id)}/reveal`, {}, csrf);
    expect(revealed.status, revealed.text).to.equal(200);
    expect(revealed.json<{ password: string }>().password).to.equal('m0hr-{$client_password}');
    const other = await browser.api('GET', '/services/1');
    expect(other.status).to.equal(200);
    expect(other.json<unknown[]>(), "another client's services stay hidden").to.deep.equal([]);
  });

  it("the addon's admin pages open for an admin of a managing role", async () => {
    const out = await phpJson<{ html: string }>(`
      ${WHMCS_RUNTIME}
      $_SERVER['REQUEST_METHOD'] = 'GET';
      require $module . 'latchkey.php';
      ob_start();
      latchkey_output(array_merge($input['settings'], array('modulelink' => 'addonmodules.php?module=latchkey')));
      echo json_encode(array('html' => ob_get_clean()));`, {
      session: { adminid: 1 },
      settings: { url: `${origin}/latchkey`, secret: EMBED.secret, issuer: EMBED.issuer, audience: EMBED.audience },
    });
    const { location } = await openFrame(out.html);
    expect(location).to.equal('/latchkey/frame/adminPages');
  });

  it('the module\'s "send due reminders now" reaches the cron endpoint of the example server', async () => {
    const out = await phpJson<Record<string, number>>(`
      require $module . 'lib/Bridge.php';
      echo json_encode((new Latchkey\\Whmcs\\Bridge($input))->runReminders());`,
    { url: `${origin}/latchkey`, secret: EMBED.secret, issuer: EMBED.issuer, audience: EMBED.audience });
    expect(out).to.deep.equal({ queued: 0, sent: 0, failed: 0, dropped: 0 });
  });
});
