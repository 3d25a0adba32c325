/**
 * The three hook places, shown by each host, in Debian's Chromium, over one
 * vault and one host directory:
 *
 * - clientSummary: the demo host's in-process `mount.render`, WHMCS (the PHP
 *   module's AdminAreaClientSummaryPage hook → iframe → embed → frame), and
 *   Zendesk's user and organization sidebars (signed-URL POST → ZAF context
 *   page → frame);
 * - ticketSidebar: the same three (WHMCS's AdminAreaViewTicketPageSidebar,
 *   Zendesk's ticket_sidebar);
 * - clientArea: the demo host and WHMCS (latchkey_clientarea + clientarea.tpl).
 *
 * Each path must show the same panel: the same headings, entries in the same
 * order with the same badges, fields and buttons. An admin allowed to see
 * client data and a restricted one (who sees only what was shared with her)
 * are checked on every path. Without php-cli the WHMCS paths are skipped
 * outside CI; under CI a missing php fails.
 */
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { expectQuiet, launchChromium, requireChromium } from '../e2e/support.ts';
import { forEachDatabase } from '../support/databases.ts';
import { PHP, phpAvailable, requirePhp } from '../whmcs/php.ts';
import {
  acme, ENTRY, ID, rita, readPanel, SameHosts, sam, ZD, type PanelVisit, type VisibleEntry, type VisiblePanel,
} from './support.ts';

let warnedNoPhp = false;

/** Whether this run includes the WHMCS paths: php-cli runs; under CI a missing php fails the suite. */
function whmcsCovered(): boolean {
  if (phpAvailable()) return true;
  if (process.env.CI) throw new Error(`php-cli is missing ("${PHP}" does not run): .ci/run installs it with apt-get install php-cli`);
  if (!warnedNoPhp) console.warn(`  (WHMCS paths skipped: "${PHP}" does not run; apt-get install php-cli)`);
  warnedNoPhp = true;
  return false;
}

const names = (panel: VisiblePanel) => panel.entries.map((e) => e.name);
const entry = (panel: VisiblePanel, name: string): VisibleEntry => {
  const found = panel.entries.find((e) => e.name === name);
  if (!found) throw new Error(`no entry "${name}" in ${JSON.stringify(names(panel))}`);
  return found;
};
/** An entry's buttons by kind (`reveal`, `edit`...), without their text. */
const actionKinds = (e: VisibleEntry) => e.actions.map((a) => a.split(' ')[0]);

const SERVICE_VPS = `service:${ID.acmeVps}`;
/** How the panels name Acme's two services: product — label. */
const VPS = 'VPS Small — vps1.acme.test';
const WEB = 'cPanel Starter — acme.test';
/** What an admin allowed to see client data sees of Acme, in order: services, then entries by name. */
const ALLOWED_VIEW = [VPS, WEB, ENTRY.dns, ENTRY.mailchimp, ENTRY.router];

forEachDatabase('hosts: the same panels in the demo host, in WHMCS and in Zendesk', (db) => {
  let browser: Browser;
  let hosts: SameHosts;

  before(async function () {
    requireChromium(this);
    browser = await launchChromium();
    hosts = await SameHosts.start(db, browser);
    await hosts.seed();
  });
  afterEach(async () => hosts?.closeContexts());
  after(async () => {
    await hosts?.close();
    await browser?.close().catch(() => undefined);
  });

  /**
   * Opens each path, reads its panel, optionally acts in it, checks the page
   * stayed quiet (no JS error, no CSP violation), and asserts every panel
   * equals the first. Returns the first.
   */
  async function samePanel(paths: Record<string, () => Promise<PanelVisit>>, act?: (visit: PanelVisit, path: string) => Promise<void>): Promise<VisiblePanel> {
    const panels: Array<[string, VisiblePanel]> = [];
    for (const [path, open] of Object.entries(paths)) {
      const visit = await open();
      panels.push([path, await readPanel(visit.target)]);
      if (act) await act(visit, path);
      expectQuiet(visit.watch, path);
    }
    const [firstPath, first] = panels[0]!;
    expect(first.entries.length, `${firstPath} shows entries`).to.be.greaterThan(0);
    for (const [path, panel] of panels.slice(1)) {
      expect(panel, `${path} shows what ${firstPath} shows`).to.deep.equal(first);
    }
    expect(hosts.logs, 'Zendesk mount and hosts logged nothing').to.deep.equal([]);
    return first;
  }

  /** The reveal button shows the VPS's root password (the panel's API works from this path too). */
  async function revealVps(visit: PanelVisit, path: string): Promise<void> {
    await visit.target.locator(`[data-lk-reveal="${SERVICE_VPS}"]`).click();
    await visit.target.locator(`[data-lk-secret-for="${SERVICE_VPS}"]`, { hasText: 'acme-vps-root-pw' }).waitFor({ timeout: 10_000 })
      .catch((err: Error) => { throw new Error(`${path}: the revealed password never showed (${err.message})`); });
  }

  describe('clientSummary', () => {
    it('an allowed admin sees the same panel in the demo host, WHMCS and the Zendesk user and organization sidebars; reveal works on each', async () => {
      const panel = await samePanel({
        'demo host (mount.render)': () => hosts.inProcess(sam, 'clientSummary', ID.acme),
        ...(whmcsCovered() ? { 'WHMCS (AdminAreaClientSummaryPage)': () => hosts.whmcsAdmin('clientSummary', ID.sam, ID.acme) } : {}),
        'Zendesk user_sidebar': () => hosts.zendesk('user_sidebar', ZD.samAgent),
        'Zendesk organization_sidebar': () => hosts.zendesk('organization_sidebar', ZD.samAgent),
      }, revealVps);
      expect(panel.kind).to.equal('summary');
      expect(panel.headings).to.have.length(1);
      expect(panel.headings[0]).to.contain('Acme Ltd');
      // Service logins first, then the vault entries Sam may see; never Olivia's entry shared only with Rita, nor Globex's.
      expect(names(panel)).to.deep.equal(ALLOWED_VIEW);
      expect(actionKinds(entry(panel, VPS))).to.include.members(['reveal', 'copy', 'link']).and.not.to.include('edit');
      // The client's own entry: Sam may look, not change it.
      expect(actionKinds(entry(panel, ENTRY.router))).to.include.members(['reveal', 'copy', 'history']).and.not.to.include('edit');
      expect(entry(panel, ENTRY.router).badges).to.include('Network');
      expect(entry(panel, ENTRY.router).fields).to.include.members(['Username: admin', 'Password: ••••••••', 'Owner: Acme Ltd']);
      expect(entry(panel, ENTRY.router).watch).to.equal(true);
      // His own: everything.
      expect(actionKinds(entry(panel, ENTRY.dns))).to.include.members(['reveal', 'copy', 'edit', 'share', 'history', 'delete']);
      expect(panel.outline.some((line) => line.startsWith('action new '))).to.equal(true, 'the add button');
    });

    it('a restricted admin sees the same reduced panel on every path: only what was shared with her, with only the buttons she may use', async () => {
      const panel = await samePanel({
        'demo host (mount.render)': () => hosts.inProcess(rita, 'clientSummary', ID.acme),
        ...(whmcsCovered() ? { 'WHMCS (AdminAreaClientSummaryPage)': () => hosts.whmcsAdmin('clientSummary', ID.rita, ID.acme) } : {}),
        'Zendesk user_sidebar': () => hosts.zendesk('user_sidebar', ZD.ritaAgent),
        'Zendesk organization_sidebar': () => hosts.zendesk('organization_sidebar', ZD.ritaAgent),
      });
      expect(panel.headings[0]).to.contain('Acme Ltd');
      expect(names(panel)).to.deep.equal([ENTRY.dns, ENTRY.firewall]);
      for (const line of panel.outline) expect(line).not.to.match(/vps1\.acme\.test|Acme office router|Acme Mailchimp|Globex/);
      // Shared with her role, view only; shared with her by name, with edit: no share or delete on either.
      expect(actionKinds(entry(panel, ENTRY.dns))).to.include('reveal').and.not.to.include.oneOf(['edit', 'share', 'delete']);
      expect(actionKinds(entry(panel, ENTRY.firewall))).to.include.members(['reveal', 'edit']).and.not.to.include.oneOf(['share', 'delete']);
    });
  });

  describe('ticketSidebar', () => {
    it('an allowed admin sees the same ticket panel in the demo host, WHMCS and the Zendesk ticket sidebar', async () => {
      const panel = await samePanel({
        'demo host (mount.render)': () => hosts.inProcess(sam, 'ticketSidebar', ID.ticket),
        ...(whmcsCovered() ? { 'WHMCS (AdminAreaViewTicketPageSidebar)': () => hosts.whmcsAdmin('ticketSidebar', ID.sam, ID.ticket) } : {}),
        'Zendesk ticket_sidebar': () => hosts.zendesk('ticket_sidebar', ZD.samAgent),
      }, revealVps);
      expect(panel.kind).to.equal('ticket');
      expect(panel.outline.find((line) => line.startsWith('text '))).to.contain('Acme Ltd');
      expect(names(panel)).to.deep.equal(ALLOWED_VIEW);
      expect(actionKinds(entry(panel, ENTRY.dns))).to.include.members(['edit', 'share', 'delete']);
      expect(actionKinds(entry(panel, ENTRY.router))).not.to.include('edit');
    });

    it('a restricted admin sees the same reduced ticket panel on every path', async () => {
      const panel = await samePanel({
        'demo host (mount.render)': () => hosts.inProcess(rita, 'ticketSidebar', ID.ticket),
        ...(whmcsCovered() ? { 'WHMCS (AdminAreaViewTicketPageSidebar)': () => hosts.whmcsAdmin('ticketSidebar', ID.rita, ID.ticket) } : {}),
        'Zendesk ticket_sidebar': () => hosts.zendesk('ticket_sidebar', ZD.ritaAgent),
      });
      expect(names(panel)).to.deep.equal([ENTRY.dns, ENTRY.firewall]);
      expect(actionKinds(entry(panel, ENTRY.firewall))).to.include('edit').and.not.to.include('delete');
    });

    it('a ticket about a service: the demo host and WHMCS both list that service first, marked as linked', async function () {
      requirePhp(this);
      const panel = await samePanel({
        'demo host (mount.render)': () => hosts.inProcess(sam, 'ticketSidebar', ID.serviceTicket),
        'WHMCS (AdminAreaViewTicketPageSidebar)': () => hosts.whmcsAdmin('ticketSidebar', ID.sam, ID.serviceTicket),
      });
      expect(names(panel)).to.deep.equal(ALLOWED_VIEW);
      expect(panel.entries[0]!.name).to.equal(VPS);
      expect(panel.entries[0]!.badges).to.have.length(2, 'service and linked badges');
      expect(panel.entries.slice(1).every((e) => e.badges.length < 2 || e.badges.includes('Network'))).to.equal(true);
    });
  });

  describe('clientArea', () => {
    it('the client sees the same page in the demo host and in WHMCS (index.php?m=latchkey)', async function () {
      requirePhp(this);
      const panel = await samePanel({
        'demo host (mount.render)': () => hosts.inProcess(acme, 'clientArea'),
        'WHMCS (latchkey_clientarea + clientarea.tpl)': () => hosts.whmcsClientArea(ID.acme),
      }, revealVps);
      expect(panel.kind).to.equal('clientarea');
      // Owned, shared with me, services, categories: four sections under the page title.
      expect(panel.headings).to.have.length(5);
      // Owned, shared with the client, services.
      expect(names(panel)).to.deep.equal([ENTRY.mailchimp, ENTRY.router, ENTRY.dns, VPS, WEB]);
      expect(actionKinds(entry(panel, ENTRY.router))).to.include.members(['edit', 'share', 'delete']);
      expect(actionKinds(entry(panel, ENTRY.dns))).to.include('reveal').and.not.to.include.oneOf(['edit', 'delete']);
      expect(entry(panel, ENTRY.dns).fields).to.include('Owner: Sam Support');
      expect(actionKinds(entry(panel, VPS))).to.include('reveal').and.not.to.include('edit');
      expect(panel.outline.some((line) => line.startsWith('category Network'))).to.equal(true);
      expect(panel.outline.some((line) => line === 'action select language')).to.equal(true, 'the language switcher');
    });
  });
});
