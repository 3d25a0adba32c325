/**
 * The Zendesk sidebar in a real browser (Debian's Chromium): an agent page
 * frames the app, the iframe's first load POSTs the signed token (as Zendesk
 * does for `signedUrls: true`), the hand-off page asks the ZAF SDK for the
 * open ticket, and the iframe it opens inside itself shows Latchkey's ticket
 * sidebar.
 */
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { expect } from 'chai';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { SCREENSHOT_DIR, waitForFrame } from '../support/chromium.ts';
import { zendeskBrowserSuite } from './browser-suite.ts';
import { forEachDatabase, type TestDatabase } from '../support/databases.ts';
import { owner } from '../support/host-fixture.ts';
import {
  ACME_ENTRY, BASE, GLOBEX_ENTRY, SUBDOMAIN, ticketZaf, ZD, ZENDESK_BASE, type Scenario,
} from './support.ts';


interface PageWatch {
  errors: string[];
  consoleErrors: string[];
}

function watch(page: Page): PageWatch {
  const w: PageWatch = { errors: [], consoleErrors: [] };
  page.on('pageerror', (err) => w.errors.push(err.message));
  page.on('console', (msg) => { if (msg.type() === 'error') w.consoleErrors.push(msg.text()); });
  return w;
}

interface Visit {
  page: Page;
  context: BrowserContext;
  watch: PageWatch;
  /** Status of the iframe's POST to the entry, and of every Latchkey response in the frame. */
  statuses: Map<string, number>;
  frame: Frame;
  /** Paths answered 404. */
  missing: string[];
}

function sidebarSuite(db: TestDatabase): void {
  const z = zendeskBrowserSuite(db);

  /** Opens the simulated agent page on a scenario and waits for the iframe to settle at `until`. */
  async function visit(scenario: Scenario, until: RegExp): Promise<Visit> {
    const context = await z.context({ width: 900, height: 800 });
    const page = await context.newPage();
    const statuses = new Map<string, number>();
    const missing: string[] = [];
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (url.pathname.startsWith(BASE)) statuses.set(url.pathname, response.status());
      if (response.status() === 404) missing.push(url.pathname);
    });
    const w = watch(page);
    const guid = z.host.scenario(scenario);
    await page.goto(`/sim/zendesk/${guid}`);
    const frame = await appFrameAt(page, until);
    await frame.waitForLoadState('load');
    return { page, context, watch: w, statuses, frame, missing };
  }

  /** The app's iframe (refusals at the entry) or the one the context page frames inside it (Latchkey's pages). */
  const appFrameAt = (page: Page, until: RegExp) => waitForFrame(page, (f) =>
    (f.name() === 'app' || f.parentFrame()?.name() === 'app') && until.test(new URL(f.url(), z.host.origin).pathname));

  const frameCookie = async (context: BrowserContext) => (await context.cookies()).find((c) => c.name.startsWith('lk_frame_'));
  const ticket = (token: string, requester = { id: Number(ZD.acmeRequester), email: 'dev@acme.test' }): Scenario => ({
    location: 'ticket_sidebar',
    token,
    zaf: ticketZaf(ZD.acmeTicket, requester, null),
  });

  it('an allowed agent opens a ticket and sees the requester’s client’s entries', async () => {
    const v = await visit(ticket(await z.host.signer.sign()), /\/frame\/ticketSidebar$/);
    expect(new URL(v.frame.url()).searchParams.get('ticketId')).to.equal(`zendesk:${ZD.acmeTicket}`);
    // Inside the context page, which stays in Zendesk's iframe around it.
    expect(new URL(v.frame.parentFrame()!.url()).pathname).to.equal(`${ZENDESK_BASE}/context/ticket_sidebar`);
    await v.frame.locator('.lk-panel').first().waitFor();
    const text = await v.frame.locator('body').innerText();
    expect(text).to.contain('Acme Ltd').and.to.contain(ACME_ENTRY);
    expect(text).not.to.contain(GLOBEX_ENTRY);
    expect(v.statuses.get(`${ZENDESK_BASE}/entry/ticket_sidebar`)).to.equal(303);
    expect(await frameCookie(v.context)).to.include({ httpOnly: true, path: BASE });
    await v.page.screenshot({ path: join(SCREENSHOT_DIR, `zendesk-ticket-sidebar-${db.name}.png`) });
    expect(v.watch.errors, 'uncaught errors').to.deep.equal([]);
    expect(v.missing, 'nothing the pages load is missing').to.deep.equal([]);
    expect(v.watch.consoleErrors, 'console errors (CSP)').to.deep.equal([]);
  });

  it('the panel’s API calls and its reveal button act, inside the frame, as the agent’s admin', async () => {
    const v = await visit(ticket(await z.host.signer.sign()), /\/frame\/ticketSidebar$/);
    const result = await v.frame.evaluate(async () => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): { dataset: Record<string, string> } | null } }).document;
      const panel = doc.querySelector('[data-lk-api]');
      const response = await fetch(`${panel!.dataset.lkApi}/entries?clientId=c-acme`, { credentials: 'same-origin' });
      return { status: response.status, body: await response.json() as { items: Array<{ name: string }> } };
    });
    expect(result.status).to.equal(200);
    expect(result.body.items.map((e) => e.name)).to.include(ACME_ENTRY);
    // Reveal is a POST with the panel's CSRF token, under the frame session.
    await v.frame.locator('[data-lk-reveal="service:s-acme-vps"]').click();
    await v.frame.locator('[data-lk-secret-for="service:s-acme-vps"]', { hasText: 'acme-vps-root-pw' }).waitFor();
    const events = await z.host.vault.lk.audit.list(owner, { limit: 5 });
    expect(events.some((e) => e.actor.kind === 'admin' && e.actor.id === 'a-sam' && /reveal/.test(e.action)), JSON.stringify(events.map((e) => e.action))).to.equal(true);
  });

  it('a not-allowed agent gets the sidebar without the client’s entries', async () => {
    const v = await visit(ticket(await z.host.signer.sign({ sub: ZD.sidAgent })), /\/frame\/ticketSidebar$/);
    const text = await v.frame.locator('body').innerText();
    expect(text).to.contain('Acme Ltd');
    expect(text).not.to.contain(ACME_ENTRY);
    expect(text).not.to.contain('acme-vps-root-pw');
  });

  it('an agent linked to nobody gets no sidebar and no session', async () => {
    const v = await visit(ticket(await z.host.signer.sign({ sub: ZD.strangerAgent })), /\/zendesk\/entry\/ticket_sidebar$/);
    expect(v.statuses.get(`${ZENDESK_BASE}/entry/ticket_sidebar`)).to.equal(403);
    expect(await frameCookie(v.context)).to.equal(undefined);
    expect(await v.frame.locator('body').innerText()).not.to.contain('Acme');
  });

  const refusals: Array<[string, () => Promise<string>]> = [
    ['forged (another key pair)', async () => z.host.signer.sign({}, { key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey })],
    ['expired', async () => z.host.signer.sign({ iat: Math.floor(Date.now() / 1000) - 400, exp: Math.floor(Date.now() / 1000) - 60 })],
    ['for another installation', async () => z.host.signer.sign({ aud: `https://${SUBDOMAIN}.zendesk.com/api/v2/apps/installations/1.json` })],
    ['from another Zendesk account', async () => z.host.signer.sign({ iss: 'other.zendesk.com' })],
  ];
  for (const [title, make] of refusals) {
    it(`a token ${title} is refused: 401 page, no session cookie`, async () => {
      const v = await visit(ticket(await make()), /\/zendesk\/entry\/ticket_sidebar$/);
      expect(v.statuses.get(`${ZENDESK_BASE}/entry/ticket_sidebar`)).to.equal(401);
      expect(await frameCookie(v.context)).to.equal(undefined);
      expect(await v.frame.locator('h1').innerText()).to.match(/refused/i);
    });
  }

  it('a replayed token is refused: the second load of the same token gets a 401 and no session', async () => {
    const token = await z.host.signer.sign();
    const first = await visit(ticket(token), /\/frame\/ticketSidebar$/);
    expect(await first.frame.locator('body').innerText()).to.contain(ACME_ENTRY);
    const again = await visit(ticket(token), /\/zendesk\/entry\/ticket_sidebar$/);
    expect(again.statuses.get(`${ZENDESK_BASE}/entry/ticket_sidebar`)).to.equal(401);
    expect(await frameCookie(again.context)).to.equal(undefined);
  });
}

forEachDatabase('Zendesk: the ticket sidebar in Chromium', sidebarSuite);
