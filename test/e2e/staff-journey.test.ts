import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { adminLogin, clickAndReload, expectQuiet, shot, startE2E, visit, type E2E, type WatchedPage, requireChromium } from './support.ts';

// In-page callbacks run in Chromium; the project compiles without the DOM lib, so its globals are declared loosely here.
declare const document: any;

describe('[sqlite] e2e: a staff member on a ticket', function () {
  let e2e: E2E;
  let w: WatchedPage;
  let page: Page;

  before(async function () {
    requireChromium(this);
    e2e = await startE2E();
    w = await e2e.newPage({ clipboard: true });
    page = w.page;
  });
  after(async () => e2e?.close());

  it("sees the ticket client's access details in the sidebar, the ticket's service first", async () => {
    await adminLogin(page, 'sam', 'staff-sam');
    await page.click('a[href="/admin/tickets"]');
    await shot(page, 'staff-tickets');
    // Ticket NWH-284913: Blue Harbour Coffee Roasters, about service 2 (the shop).
    await Promise.all([page.waitForURL('**/admin/tickets/1'), page.locator('a[href="/admin/tickets/1"]').first().click()]);
    const panel = page.locator('.ticket-sidebar .lk-panel.lk-ticket');
    expect(await panel.count()).to.equal(1);
    expect(await panel.locator('.lk-context').innerText()).to.contain('Blue Harbour Coffee Roasters');

    const rows = panel.locator('.lk-entry');
    const ids = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-lk-row')));
    expect(ids[0]).to.equal('service:2');
    expect(ids).to.include.members(['service:1', 'service:3']);
    const first = rows.first();
    expect(await first.locator('.lk-name').innerText()).to.equal('Managed WordPress — shop.blueharbourcoffee.example');
    expect(await first.locator('.lk-badge-accent').innerText()).to.equal('This ticket');
    // Only the ticket's service carries the badge.
    expect(await panel.locator('.lk-badge-accent').count()).to.equal(1);
    // Support is allowed in restricted mode: client data, shared or not, is there.
    const names = await panel.locator('.lk-name').allInnerTexts();
    expect(names).to.include.members(['Mailchimp', 'Square POS back office', 'Café router admin', 'Cloudflare (DNS for blueharbourcoffee.example)']);
    // ...and nothing of another client.
    expect(names.join('\n')).not.to.match(/Figma|DATEV|Atelier/);

    await first.locator('[data-lk-reveal="service:2"]').click();
    await page.waitForFunction(() => document.querySelector('[data-lk-secret-for="service:2"]')?.textContent !== '••••••••');
    expect((await first.locator('[data-lk-secret-for="service:2"]').innerText()).length).to.be.greaterThan(8);
    expect(await first.locator('a', { hasText: 'Log in' }).getAttribute('href')).to.equal('https://shop.blueharbourcoffee.example/wp-admin/');
    await shot(page, 'staff-ticket-sidebar');
    expectQuiet(w.watch, 'ticket page');
  });

  it('adds an access detail from the ticket: it is linked to the ticket', async () => {
    const panel = page.locator('.ticket-sidebar .lk-panel.lk-ticket');
    await panel.locator('[data-lk-new]').click();
    const dialog = panel.locator('[data-lk-entry-dialog]');
    await dialog.waitFor({ state: 'visible' });
    await dialog.locator('[name=name]').fill('WooCommerce staging — e2e');
    await dialog.locator('[name=username]').fill('sam-debug');
    await dialog.locator('[name=password]').fill('Sam-e2e-pw-0815');
    await dialog.locator('[name=loginUrl]').fill('https://staging.blueharbourcoffee.example/wp-admin/');
    await shot(page, 'staff-add-dialog');
    await clickAndReload(page, dialog.locator('button[type=submit]'));

    const row = panel.locator('.lk-entry', { hasText: 'WooCommerce staging — e2e' });
    expect(await row.count()).to.equal(1);
    expect(await row.locator('.lk-badge-accent').innerText()).to.equal('This ticket');
    // Linked entries come first, with the ticket's service.
    const ids = await panel.locator('.lk-entry').evaluateAll((els) => els.slice(0, 2).map((el) => el.getAttribute('data-lk-row')));
    const id = (await row.getAttribute('data-lk-row'))!;
    expect(ids).to.have.members(['service:2', id]);
    expect(await row.locator('.lk-fields').innerText()).to.match(/Owner\s+Sam Patel/);

    const stored = await e2e.host.latchkey.entries.get({ kind: 'admin', adminId: '2' }, id);
    expect(stored.clientId).to.equal('1');
    expect(stored.links.ticketId).to.equal('1');
    expect(stored.links.serviceId).to.equal('2');
    await shot(page, 'staff-ticket-after-add');

    // On another ticket of the same client it is there, but not as "this ticket".
    await visit(page, '/admin/tickets/10', 'staff-other-ticket-page');
    const other = page.locator('.lk-panel.lk-ticket .lk-entry', { hasText: 'WooCommerce staging — e2e' });
    expect(await other.count()).to.equal(1);
    expect(await other.locator('.lk-badge-accent').count()).to.equal(0);
    await shot(page, 'staff-other-ticket');
    expectQuiet(w.watch, 'add from ticket');
  });
});
