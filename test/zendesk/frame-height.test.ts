/**
 * The Zendesk sidebar sizes itself to Latchkey's panel, in Debian's Chromium.
 * The context page (adapters/zendesk/browser/zaf-context.js) stays in
 * Zendesk's iframe and frames the hand-off → Latchkey's frame page inside
 * itself; the frame page posts `{ type: 'latchkey:height', height }` to it
 * (templates/assets/latchkey.js) and it passes the height on with
 * `client.invoke('resize', …)`, which the ZAF SDK stand-in of ./support.ts
 * records. It believes only the inner iframe's window and Latchkey's origin,
 * that type and a finite number, and clamps to 120–4000 px.
 */
import { expect } from 'chai';
import type { Frame, Page } from 'playwright-core';
import { eventually, waitForFrame } from '../support/chromium.ts';
import { zendeskBrowserSuite } from './browser-suite.ts';
import { forEachDatabase, type TestDatabase } from '../support/databases.ts';
import { globex } from '../support/host-fixture.ts';
import { ticketZaf, ZD, ZENDESK_BASE, type Scenario } from './support.ts';

// In-page callbacks run in Chromium; the project compiles without the DOM lib.
declare const document: any;
declare const window: any;
declare const location: any;

/** mountZendesk's default starting height. */
const START = 600;
const MANY = 8;

interface Sidebar {
  page: Page;
  /** Zendesk's iframe: the context page, holding the ZAF client. */
  app: Frame;
  /** The iframe the context page opened: the hand-off, then Latchkey's page. */
  inner: Frame;
  errors: string[];
  consoleErrors: string[];
}

type Size = { width: string; height: string };

function frameHeightSuite(db: TestDatabase): void {
  // Globex keeps many entries; Acme has one.
  const z = zendeskBrowserSuite(db, async (host) => {
    for (let i = 1; i <= MANY; i += 1) {
      await host.vault.lk.entries.create(globex, { name: `Globex system ${String(i).padStart(2, '0')}`, username: `user${i}`, password: `globex-pw-${i}` });
    }
  });
  afterEach(() => z.closeContexts());

  const acmeTicket = async (): Promise<Scenario> => ({
    location: 'ticket_sidebar', token: await z.host.signer.sign(),
    zaf: ticketZaf(ZD.acmeTicket, { id: Number(ZD.acmeRequester), email: 'dev@acme.test' }, null),
  });
  const globexTicket = async (): Promise<Scenario> => ({
    location: 'ticket_sidebar', token: await z.host.signer.sign(),
    zaf: ticketZaf(ZD.globexTicket, { id: Number(ZD.globexRequester), email: ZD.globexEmail }, Number(ZD.globexOrganization)),
  });

  /** Opens the simulated agent page and waits until the inner frame has loaded a page at `until`. */
  async function open(scenario: Scenario, until: RegExp): Promise<Sidebar> {
    const context = await z.context({ width: 900, height: 800 });
    const page = await context.newPage();
    const errors: string[] = [];
    const consoleErrors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });
    await page.goto(`/sim/zendesk/${z.host.scenario(scenario)}`);
    const inner = await waitForFrame(page, (f) => f.parentFrame()?.name() === 'app' && until.test(new URL(f.url(), z.host.origin).pathname));
    await inner.waitForLoadState('load');
    return { page, app: inner.parentFrame()!, inner, errors, consoleErrors };
  }

  const resizes = (s: Sidebar): Promise<Size[]> => s.app.evaluate(() => (window.__zafResizes ?? []) as Size[]);
  const last = async (s: Sidebar): Promise<string | undefined> => (await resizes(s)).at(-1)?.height;
  const contentHeight = (s: Sidebar): Promise<number> => s.inner.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height) as number);
  const post = (from: Frame, message: unknown) => from.evaluate((m) => { window.parent.postMessage(m, '*'); }, message);

  /** Waits until the last resize asked for the inner page's own height (clamped), and returns it. */
  async function followed(s: Sidebar): Promise<number> {
    let height = 0;
    await eventually(s.page, async () => {
      const content = await contentHeight(s);
      height = Math.max(120, Math.min(4000, content));
      expect(await last(s), `content ${content}px`).to.equal(`${height}px`);
    });
    return height;
  }

  it('starts at frameHeight, then follows the panel: many entries make the sidebar taller than a few', async () => {
    const few = await open(await acmeTicket(), /\/frame\/ticketSidebar$/);
    await few.inner.locator('.lk-panel').first().waitFor();
    const short = await followed(few);
    const fewCalls = await resizes(few);
    expect(fewCalls[0], 'the starting size').to.deep.equal({ width: '100%', height: `${START}px` });
    expect(fewCalls.every((c) => c.width === '100%')).to.equal(true);
    expect(short).to.be.at.least(120);
    // The inner frame fills Zendesk's iframe: the context page's own text is gone.
    expect(await few.app.locator('#lk-zendesk').isHidden()).to.equal(true);

    const many = await open(await globexTicket(), /\/frame\/ticketSidebar$/);
    await many.inner.locator('.lk-panel').first().waitFor();
    expect(await many.inner.locator('body').innerText()).to.contain(`Globex system ${String(MANY).padStart(2, '0')}`);
    const tall = await followed(many);
    expect(tall).to.be.greaterThan(START);
    expect(tall).to.be.greaterThan(short + 80 * MANY);

    for (const s of [few, many]) {
      expect(s.errors, 'uncaught errors').to.deep.equal([]);
      expect(s.consoleErrors, 'console errors (CSP: frame-src, frame-ancestors)').to.deep.equal([]);
    }
  });

  it('follows the panel as its content changes', async () => {
    const s = await open(await acmeTicket(), /\/frame\/ticketSidebar$/);
    const before = await followed(s);
    await s.inner.evaluate(() => {
      const block = document.createElement('div');
      block.id = 'grown';
      block.style.height = '1500px';
      document.body.appendChild(block);
    });
    const grown = await followed(s);
    expect(grown).to.be.at.least(before + 1500);
    await s.inner.evaluate(() => document.getElementById('grown').remove());
    expect(await followed(s)).to.equal(before);
  });

  it('clamps the height to 120–4000 px', async () => {
    const s = await open(await acmeTicket(), /\/frame\/ticketSidebar$/);
    await followed(s);
    await post(s.inner, { type: 'latchkey:height', height: 5 });
    await eventually(s.page, async () => { expect(await last(s)).to.equal('120px'); });
    await post(s.inner, { type: 'latchkey:height', height: 99_999 });
    await eventually(s.page, async () => { expect(await last(s)).to.equal('4000px'); });
    await post(s.inner, { type: 'latchkey:height', height: 700.2 });
    await eventually(s.page, async () => { expect(await last(s)).to.equal('701px'); });
  });

  it('ignores messages from another window, of another type, or without a finite height', async () => {
    const s = await open(await acmeTicket(), /\/frame\/ticketSidebar$/);
    await followed(s);
    const count = (await resizes(s)).length;
    // Zendesk's agent page (here on the same origin as Latchkey) and the context page itself: not the inner frame.
    await s.page.evaluate(() => { window.frames[0].postMessage({ type: 'latchkey:height', height: 901 }, '*'); });
    await s.app.evaluate(() => { window.postMessage({ type: 'latchkey:height', height: 902 }, '*'); });
    // The inner frame, but not the message it may send.
    await post(s.inner, { type: 'latchkey:size', height: 903 });
    await post(s.inner, { height: 904 });
    await post(s.inner, 'latchkey:height 905');
    await post(s.inner, { type: 'latchkey:height', height: '906' });
    await post(s.inner, { type: 'latchkey:height', height: null });
    await post(s.inner, { type: 'latchkey:height' });
    await s.page.waitForTimeout(300);
    // Then one it believes: everything before it was delivered, and ignored.
    await post(s.inner, { type: 'latchkey:height', height: 777 });
    await eventually(s.page, async () => { expect(await last(s)).to.equal('777px'); });
    expect((await resizes(s)).slice(count).map((c) => c.height)).to.deep.equal(['777px']);
  });

  it('ignores the inner frame’s messages when its page is of another origin', async () => {
    const s = await open(await acmeTicket(), /\/frame\/ticketSidebar$/);
    await followed(s);
    const count = (await resizes(s)).length;
    // A page at a Latchkey URL (so the context page's frame-src allows it) whose
    // CSP sandbox gives it an opaque origin: same window, another origin.
    await s.page.context().route(`${z.host.origin}/sim/opaque`, (route) => route.fulfill({
      status: 200,
      headers: { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': 'sandbox allow-scripts' },
      body: '<!doctype html><title>opaque</title><p>another origin</p><script>'
        + "parent.postMessage({ type: 'latchkey:height', height: 1234 }, '*'); window.posted = String(window.origin);</script>",
    }));
    // Navigated after the evaluation has answered: a navigation during it may destroy its context first.
    await s.inner.evaluate(() => { setTimeout(() => { location.href = '/sim/opaque'; }, 0); });
    await eventually(s.page, async () => {
      expect(new URL(s.inner.url()).pathname).to.equal('/sim/opaque');
      expect(await s.inner.evaluate(() => window.posted)).to.equal('null');
    });
    await s.page.waitForTimeout(500);
    expect((await resizes(s)).slice(count).map((c) => c.height)).to.deep.equal([]);
  });

  it('a refusal inside the inner frame (no linked client: 404) is shown there, and the size follows it', async () => {
    const s = await open({
      location: 'ticket_sidebar', token: await z.host.signer.sign(),
      zaf: ticketZaf(ZD.acmeTicket, { id: Number(ZD.unlinkedRequester), email: 'nobody@example.test' }, null),
    }, new RegExp(`^${ZENDESK_BASE}/open$`));
    await s.inner.locator('h1').waitFor();
    expect(await s.inner.locator('h1').isVisible()).to.equal(true);
    expect(await s.app.locator('#lk-zendesk').isHidden()).to.equal(true);
    const height = await followed(s);
    expect(height).to.be.lessThan(START).and.at.least(120);
  });

  it('the hand-off is still single use: loading it again in the inner frame shows the 401 page there', async () => {
    const s = await open(await acmeTicket(), /\/frame\/ticketSidebar$/);
    const panelHeight = await followed(s);
    const statuses: number[] = [];
    s.page.on('response', (r) => { if (new URL(r.url()).pathname === `${ZENDESK_BASE}/open`) statuses.push(r.status()); });
    const src = await s.app.evaluate(() => document.getElementById('lk-zendesk-frame').getAttribute('src') as string);
    expect(new URL(src, z.host.origin).searchParams.get('handoff')).to.have.length.above(20);
    await s.app.evaluate((url) => { document.getElementById('lk-zendesk-frame').src = `${url}&again=1`; }, src);
    await eventually(s.page, async () => {
      expect(statuses).to.deep.equal([401]);
      expect(await s.inner.locator('h1').innerText()).to.match(/refused/i);
    });
    const height = await followed(s);
    expect(height).to.not.equal(panelHeight);
    expect(new URL(s.inner.url()).pathname).to.equal(`${ZENDESK_BASE}/open`);
  });
}

forEachDatabase('Zendesk: the sidebar follows the height of Latchkey’s panel', frameHeightSuite);
