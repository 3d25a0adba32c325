/**
 * WHMCS frames size themselves, in Debian's Chromium: Latchkey's framed page
 * (templates/assets/latchkey.js) posts `{ type: 'latchkey:height', height }`
 * to its parent on load and whenever its content changes size, and the
 * listener the module writes next to each iframe (Bridge::frame) sets that
 * iframe's height, believing only Latchkey's origin and that frame's window,
 * and clamping to 120–4000 px. The WHMCS pages are the module's real output
 * (php-cli), served from a loopback origin other than Latchkey's.
 */
import { expect } from 'chai';
import type { Browser, Frame, Page } from 'playwright-core';
import { expectQuiet, launchChromium, requireChromium } from '../e2e/support.ts';
import { forEachDatabase } from '../support/databases.ts';
import { BASE, frameHeights, ID, SameHosts, sam, type PanelVisit } from '../hosts/support.ts';
import { eventually, waitForFrame } from '../support/chromium.ts';
import { requirePhp } from './php.ts';

// In-page callbacks run in Chromium; the project compiles without the DOM lib.
declare const document: any;
declare const window: any;

/** The configured starting height of the client summary panel (panelheight). */
const CONFIGURED = 480;
const MANY = 20;

/** Waits until the iframe is as tall as the document inside it, and returns that height. */
async function fitted(page: Page, selector?: string): Promise<number> {
  let height = 0;
  await eventually(page, async () => {
    const h = await frameHeights(page, selector);
    expect(Math.abs(h.iframe - h.content), `iframe ${h.iframe}px, content ${h.content}px`).to.be.at.most(1);
    height = h.iframe;
  });
  return height;
}

const iframeHeight = (page: Page) => page.locator('iframe.latchkey-frame').evaluate((el: any) => Math.round(el.getBoundingClientRect().height) as number);

forEachDatabase('WHMCS: a framed panel sizes its iframe to its content', (db) => {
  let browser: Browser;
  let hosts: SameHosts;
  let linkedId: string;

  before(async function () {
    requireChromium(this);
    requirePhp(this);
    browser = await launchChromium();
    hosts = await SameHosts.start(db, browser);
    await hosts.seed();
    // Initech keeps many entries of its own; Globex has one, and one service.
    for (let i = 1; i <= MANY; i += 1) {
      const entry = await hosts.vault.lk.entries.create({ kind: 'client', clientId: ID.initech }, {
        name: `Initech system ${String(i).padStart(2, '0')}`, username: `user${i}`, password: `initech-pw-${i}`,
      });
      if (i === MANY - 2) linkedId = entry.id;
    }
  });
  afterEach(async () => hosts?.closeContexts());
  after(async () => {
    await hosts?.close();
    await browser?.close().catch(() => undefined);
  });

  const summary = (clientId: string): Promise<PanelVisit> => hosts.whmcsAdmin('clientSummary', ID.sam, clientId);
  const frameOf = (visit: PanelVisit) => visit.target as Frame;

  it('many entries grow the iframe past its configured height, a few shrink it below; either way it fits its content', async () => {
    const many = await summary(ID.initech);
    expect(await frameOf(many).locator('.lk-entry').count()).to.equal(MANY);
    const tall = await fitted(many.page);
    expect(tall).to.be.greaterThan(CONFIGURED * 2);
    // Nothing is cut: the iframe's own document does not scroll.
    expect(await frameOf(many).evaluate(() => document.scrollingElement.scrollHeight - window.innerHeight)).to.be.at.most(1);

    const few = await summary(ID.globex);
    expect(await frameOf(few).locator('.lk-entry').count()).to.equal(2);
    const short = await fitted(few.page);
    expect(short).to.be.lessThan(CONFIGURED).and.at.least(120);
    expectQuiet(many.watch, 'many entries');
    expectQuiet(few.watch, 'few entries');
  });

  it('follows the content as it changes: rows removed, a dialog opened and closed', async () => {
    const visit = await summary(ID.initech);
    const tall = await fitted(visit.page);
    await frameOf(visit).evaluate(() => {
      for (const row of [...document.querySelectorAll('.lk-entry')].slice(3)) row.remove();
    });
    const shorter = await fitted(visit.page);
    expect(shorter).to.be.lessThan(tall / 3);

    // The add dialog is taller than three rows: the frame grows to show it whole, and shrinks back after.
    await frameOf(visit).locator('[data-lk-new]').click();
    const dialog = frameOf(visit).locator('dialog[data-lk-entry-dialog]');
    await dialog.waitFor({ state: 'visible' });
    const dialogHeight = await dialog.evaluate((el: any) => el.scrollHeight as number);
    expect(dialogHeight).to.be.greaterThan(shorter);
    await eventually(visit.page, async () => { expect(await iframeHeight(visit.page)).to.be.at.least(dialogHeight); });
    await dialog.evaluate((el: any) => el.close());
    await eventually(visit.page, async () => { expect(await iframeHeight(visit.page)).to.be.closeTo(shorter, 1); });
    expectQuiet(visit.watch, 'resizing');
  });

  it('clamps what the frame reports to 120–4000 px and ignores what is not a number', async () => {
    const visit = await summary(ID.globex);
    await fitted(visit.page);
    const post = (height: unknown) => frameOf(visit).evaluate((h) => window.parent.postMessage({ type: 'latchkey:height', height: h }, '*'), height);
    await post(99_999);
    await eventually(visit.page, async () => { expect(await iframeHeight(visit.page)).to.equal(4000); });
    await post(5);
    await eventually(visit.page, async () => { expect(await iframeHeight(visit.page)).to.equal(120); });
    await post('lots');
    await post(null);
    await post(777);
    await eventually(visit.page, async () => { expect(await iframeHeight(visit.page)).to.equal(777); });
  });

  it("believes only Latchkey's origin, and only the panel's own frame", async () => {
    const visit = await summary(ID.globex);
    const fit = await fitted(visit.page);
    const page = visit.page;
    // A frame of Latchkey's origin that is not the panel (its own page, say), and one of WHMCS's origin.
    await page.evaluate(({ latchkey, whmcs }) => {
      for (const [name, src] of [['other-latchkey', latchkey], ['other-whmcs', whmcs]]) {
        const frame = document.createElement('iframe');
        frame.name = name;
        frame.src = src;
        document.body.append(frame);
      }
    }, { latchkey: `${hosts.latchkeyOrigin}/host/clientarea`, whmcs: hosts.whmcsPage('blank', '<p>blank</p>') });
    const other = await waitForFrame(page, (f) => f.name() === 'other-latchkey');
    const sameOrigin = await waitForFrame(page, (f) => f.name() === 'other-whmcs');
    await other.waitForLoadState('load');
    await sameOrigin.waitForLoadState('load');
    expect(new URL(other.url()).origin).to.equal(hosts.latchkeyOrigin);
    const message = { type: 'latchkey:height', height: 1500 };
    await other.evaluate((m) => window.parent.postMessage(m, '*'), message);
    await sameOrigin.evaluate((m) => window.parent.postMessage(m, '*'), message);
    await page.evaluate((m) => window.postMessage(m, '*'), message);
    // Another type, from the right frame: not a height either.
    await frameOf(visit).evaluate(() => window.parent.postMessage({ type: 'something-else', height: 1500 }, '*'));
    await page.waitForTimeout(300);
    expect(await iframeHeight(page)).to.equal(fit);
    // The same message from the panel's frame is taken: the refusals above were not a listener that does nothing.
    await frameOf(visit).evaluate((m) => window.parent.postMessage(m, '*'), message);
    await eventually(page, async () => { expect(await iframeHeight(page)).to.equal(1500); });
    // The panel's frame, once navigated to another origin, is the same window but no longer Latchkey: ignored.
    await frameOf(visit).goto(hosts.whmcsPage('elsewhere', '<p>elsewhere</p>'), { waitUntil: 'load' });
    expect(new URL(frameOf(visit).url()).origin).to.equal(hosts.whmcsOrigin);
    await frameOf(visit).evaluate(() => window.parent.postMessage({ type: 'latchkey:height', height: 900 }, '*'));
    await page.waitForTimeout(300);
    expect(await iframeHeight(page)).to.equal(1500);
  });

  it('two panels on one page are sized each by its own frame', async () => {
    const tallHtml = await hosts.whmcsHookHtml('AdminAreaClientSummaryPage', { userid: Number(ID.initech) }, ID.sam);
    const shortHtml = await hosts.whmcsHookHtml('AdminAreaClientSummaryPage', { userid: Number(ID.globex) }, ID.sam);
    const url = hosts.whmcsPage('two panels', `<div id="a" style="width:960px">${tallHtml}</div><div id="b" style="width:960px">${shortHtml}</div>`);
    const { page, watch } = await hosts.newPage();
    await page.goto(url, { waitUntil: 'load' });
    await eventually(page, async () => {
      const panels = page.frames().filter((f) => f.url().startsWith('http') && new URL(f.url()).pathname === `${BASE}/frame/clientSummary`);
      expect(panels).to.have.length(2);
    }, 15_000);
    const tall = await fitted(page, '#a iframe.latchkey-frame');
    const short = await fitted(page, '#b iframe.latchkey-frame');
    expect(tall).to.be.greaterThan(CONFIGURED * 2);
    expect(short).to.be.lessThan(CONFIGURED);
    expectQuiet(watch, 'two panels');
  });

  it("a reminder's link marks its entry in the framed panel: the module hands the page's #lk-entry-<id> to the frame", async () => {
    const html = await hosts.whmcsHookHtml('AdminAreaClientSummaryPage', { userid: Number(ID.initech) }, ID.sam);
    const page = hosts.whmcsPage('WHMCS admin', `<h1>Client Profile</h1><div style="width:960px">${html}</div>`);
    const visit = await hosts.whmcs(`${page}#lk-entry-${linkedId}`, 'clientSummary');
    const frame = frameOf(visit);
    await frame.locator(`[data-lk-row="${linkedId}"].lk-target`).waitFor();
    expect(await frame.locator('.lk-target').count()).to.equal(1);
    // The page without the fragment marks nothing.
    const plain = await summary(ID.initech);
    await fitted(plain.page);
    expect(await frameOf(plain).locator('.lk-target').count()).to.equal(0);
    expectQuiet(visit.watch, 'linked entry');
  });

  it('an admin in the demo host (not framed) posts nothing', async () => {
    const visit = await hosts.inProcess(sam, 'clientSummary', ID.globex);
    const posted = await visit.page.evaluate(() => new Promise<number>((resolve) => {
      let count = 0;
      window.addEventListener('message', () => { count += 1; });
      // The panel's script has run (it is deferred) by load; give a resize a chance too.
      document.body.style.paddingBottom = '300px';
      setTimeout(() => resolve(count), 300);
    }));
    expect(posted).to.equal(0);
    expect(await visit.page.evaluate(() => window.__latchkeyHeightReporter === true)).to.equal(false);
  });
});
