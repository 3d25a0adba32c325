/**
 * The Zendesk links page in a real browser (Debian's Chromium): the installer,
 * signed in to the billing platform, links a Zendesk agent to an admin on
 * Latchkey's addon pages, and that agent's next signed-URL sidebar load shows
 * the client's entries; removing the link refuses the agent again.
 */
import { join } from 'node:path';
import { expect } from 'chai';
import type { Frame, Page } from 'playwright-core';
import { SCREENSHOT_DIR, sidewaysOverflow, waitForFrame } from '../support/chromium.ts';
import { zendeskBrowserSuite } from './browser-suite.ts';
import { forEachDatabase, type TestDatabase } from '../support/databases.ts';
import { ACME_ENTRY, BASE, GLOBEX_ENTRY, ticketZaf, ZD, ZENDESK_BASE } from './support.ts';

const LINKS_PAGE = '/host/page/adminPages?page=zendesk-links';

interface Watched {
  page: Page;
  problems: string[];
}

function linksBrowserSuite(db: TestDatabase): void {
  const z = zendeskBrowserSuite(db);
  let installer: Watched;

  before(async () => {
    installer = await watchedPage('admin:a-owner');
  });

  /** A page in a fresh context, signed in to the billing platform as `subject` when given; JS errors, console errors and dialogs are collected. */
  async function watchedPage(subject?: string): Promise<Watched> {
    const context = await z.context({ width: 1100, height: 900 });
    if (subject) await context.addCookies([{ name: 'host_user', value: encodeURIComponent(subject), url: z.host.origin }]);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(`error: ${err.message}`));
    page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss().catch(() => undefined);
    });
    return { page, problems };
  }

  /**
   * The agent opens Acme's ticket in (simulated) Zendesk: the iframe POSTs a
   * fresh signed-URL token naming `agent`. Answers the entry's status and what
   * the frame shows once it settles.
   */
  async function sidebarFor(agent: string): Promise<{ entryStatus: number | undefined; text: string; frame: Frame }> {
    const { page } = await watchedPage();
    let entryStatus: number | undefined;
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === `${ZENDESK_BASE}/entry/ticket_sidebar`) entryStatus = response.status();
    });
    const guid = z.host.scenario({
      location: 'ticket_sidebar',
      token: await z.host.signer.sign({ sub: agent }),
      zaf: ticketZaf(ZD.acmeTicket, { id: Number(ZD.acmeRequester), email: 'dev@acme.test' }, null),
    });
    await page.goto(`/sim/zendesk/${guid}`);
    // Latchkey's panel opens in the frame the context page holds; a refused token stays on the app's own frame.
    const frame = await waitForFrame(page, (f) => {
      const path = new URL(f.url(), z.host.origin).pathname;
      return (f.parentFrame()?.name() === 'app' && path === `${BASE}/frame/ticketSidebar`)
        || (f.name() === 'app' && path === `${ZENDESK_BASE}/entry/ticket_sidebar` && entryStatus !== undefined);
    });
    await frame.waitForLoadState('load');
    if (new URL(frame.url()).pathname.endsWith('/ticketSidebar')) await frame.locator('.lk-panel').first().waitFor();
    return { entryStatus, text: await frame.locator('body').innerText(), frame };
  }

  const row = (zendeskId: string) => installer.page.locator(`tr[data-lk-link="${zendeskId}"]`);

  it('before any link, the agent’s sidebar load is refused (403) and shows nothing of the client', async () => {
    const visit = await sidebarFor(ZD.strangerAgent);
    expect(visit.entryStatus).to.equal(403);
    expect(visit.text).not.to.contain('Acme');
  });

  it('the form asks for an admin when linking an agent, and for a client id for the other kinds', async () => {
    const page = installer.page;
    await page.goto(LINKS_PAGE);
    await page.locator('h1', { hasText: 'Zendesk links' }).waitFor();
    expect(await page.locator('.lk-admin-nav a[aria-current=page]').innerText()).to.equal('Zendesk links');
    expect(await page.locator('select[name=kind]').inputValue()).to.equal('agent');
    expect(await page.locator('select[name=adminId]').isVisible()).to.equal(true);
    expect(await page.locator('input[name=clientId]').isVisible()).to.equal(false);
    await page.selectOption('select[name=kind]', 'organization');
    expect(await page.locator('select[name=adminId]').isVisible()).to.equal(false);
    expect(await page.locator('input[name=clientId]').isVisible()).to.equal(true);
    await page.selectOption('select[name=kind]', 'agent');
    expect(installer.problems).to.deep.equal([]);
  });

  it('a mistake is shown next to its field, and nothing is saved', async () => {
    const page = installer.page;
    await page.goto(LINKS_PAGE);
    const before = await z.host.mapping.list();
    await page.selectOption('select[name=kind]', 'user');
    await page.fill('input[name=zendeskId]', '72a');
    await page.fill('input[name=clientId]', 'c-acme');
    await page.click('button:has-text("Save link")');
    await page.locator('[data-lk-error-for="zendeskId"]', { hasText: 'is not a valid id' }).waitFor();
    expect(await page.locator('input[name=zendeskId]').getAttribute('aria-invalid')).to.equal('true');
    await page.fill('input[name=zendeskId]', '7200');
    await page.fill('input[name=clientId]', 'c-nobody');
    await page.click('button:has-text("Save link")');
    await page.locator('[data-lk-error-for="clientId"]', { hasText: 'does not exist in your platform' }).waitFor();
    expect(await page.locator('[data-lk-error-for="zendeskId"]').innerText()).to.equal('');
    expect(await z.host.mapping.list()).to.deep.equal(before);
    // A refused request is a 400 the page explains, not a page error; the browser logs the failed fetch itself.
    expect(installer.problems.filter((p) => !/status of 400/.test(p))).to.deep.equal([]);
    installer.problems.length = 0;
  });

  it('the installer types part of a client’s name, picks the client from the suggestions, and the link names the client', async () => {
    const page = installer.page;
    const organization = '8123';
    await page.goto(LINKS_PAGE);
    await page.selectOption('select[name=kind]', 'organization');
    await page.fill('input[name=zendeskId]', organization);
    const picker = page.getByRole('combobox', { name: 'Client' });
    await picker.pressSequentially('acm', { delay: 30 });
    const suggestion = page.getByRole('option', { name: /Acme Ltd/ });
    await suggestion.waitFor();
    expect(await picker.getAttribute('aria-expanded')).to.equal('true');
    expect(await page.getByRole('listbox', { name: 'Matching clients' }).getByRole('option').allInnerTexts()).to.have.length(1);
    // The keyboard picks: ↓ marks the suggestion, Enter takes it (and does not send the form).
    await picker.press('ArrowDown');
    expect(await suggestion.getAttribute('aria-selected')).to.equal('true');
    expect(await picker.getAttribute('aria-activedescendant')).to.equal(await suggestion.getAttribute('id'));
    await picker.press('Enter');
    expect(await picker.inputValue(), 'the name shows').to.equal('Acme Ltd');
    expect(await picker.getAttribute('aria-expanded')).to.equal('false');
    expect(await z.host.mapping.find('organization', [organization])).to.have.property('size', 0);
    await Promise.all([page.waitForEvent('load'), page.click('button:has-text("Save link")')]);
    expect(await row(organization).innerText()).to.contain('Acme Ltd').and.to.contain('c-acme');
    expect((await z.host.mapping.find('organization', [organization])).get(organization)?.latchkeyId, 'the id is stored').to.equal('c-acme');
    expect(installer.problems).to.deep.equal([]);
  });

  it('the installer links the agent to an admin on the page; the agent’s next sidebar load shows the client’s entries', async () => {
    const page = installer.page;
    await page.goto(LINKS_PAGE);
    await page.selectOption('select[name=kind]', 'agent');
    await page.fill('input[name=zendeskId]', ZD.strangerAgent);
    await page.selectOption('select[name=adminId]', { label: 'Sam Support' });
    await page.fill('input[name=label]', 'Stranger, now in support');
    await Promise.all([page.waitForEvent('load'), page.click('button:has-text("Save link")')]);
    const linked = row(ZD.strangerAgent);
    expect(await linked.innerText()).to.contain('Sam Support').and.to.contain('Stranger, now in support');
    await page.screenshot({ path: join(SCREENSHOT_DIR, `zendesk-links-${db.name}.png`), fullPage: true });
    expect((await z.host.mapping.find('agent', [ZD.strangerAgent])).get(ZD.strangerAgent)?.latchkeyId).to.equal('a-sam');

    // On a phone each link is a card, its cells after their column's names, and nothing scrolls sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      expect(await sidewaysOverflow(page)).to.deep.equal({ px: 0, culprits: [], scrollers: [] });
      expect(await linked.locator('td[data-lk-label]').first().evaluate((td) => (globalThis as any).getComputedStyle(td).display as string)).to.equal('block');
      await page.screenshot({ path: join(SCREENSHOT_DIR, `zendesk-links-phone-${db.name}.png`), fullPage: true });
    } finally {
      await page.setViewportSize({ width: 1100, height: 900 });
    }

    const visit = await sidebarFor(ZD.strangerAgent);
    expect(visit.entryStatus).to.equal(303);
    expect(visit.text).to.contain('Acme Ltd').and.to.contain(ACME_ENTRY);
    expect(visit.text).not.to.contain(GLOBEX_ENTRY);
    expect(installer.problems).to.deep.equal([]);
  });

  it('the installer removes the link after confirming, and the agent is refused again', async () => {
    const page = installer.page;
    await page.goto(LINKS_PAGE);
    await row(ZD.strangerAgent).locator('button[data-lk-addon-confirm]').click();
    const dialog = page.locator('dialog[data-lk-confirm-dialog]');
    await dialog.waitFor();
    expect(await dialog.locator('h2').innerText()).to.equal('Remove link?');
    expect(await dialog.locator('[data-lk-confirm-text]').innerText()).to.equal(`Zendesk ${ZD.strangerAgent} will no longer be linked to Sam Support.`);
    await Promise.all([page.waitForEvent('load'), dialog.locator('button[type=submit]').click()]);
    expect(await row(ZD.strangerAgent).count()).to.equal(0);
    expect(await row(ZD.samAgent).count()).to.equal(1);
    expect((await z.host.mapping.find('agent', [ZD.strangerAgent])).size).to.equal(0);

    const visit = await sidebarFor(ZD.strangerAgent);
    expect(visit.entryStatus).to.equal(403);
    expect(visit.text).not.to.contain(ACME_ENTRY);
    expect(installer.problems).to.deep.equal([]);
  });
}

forEachDatabase('Zendesk: the installer links an agent in Chromium, and the sidebar follows', linksBrowserSuite);
