import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { adminLogin, clickAndReload, expectQuiet, shot, startE2E, visit, requireChromium, type E2E, type WatchedPage } from './support.ts';

describe('[sqlite] e2e: staff see and change where a service is in its life', function () {
  let e2e: E2E;
  let w: WatchedPage;
  let page: Page;

  before(async function () {
    requireChromium(this);
    e2e = await startE2E();
    w = await e2e.newPage();
    page = w.page;
  });
  after(async () => e2e?.close());

  it("shows a terminated service's credentials with their badge in the client summary", async () => {
    await adminLogin(page, 'sam', 'status-sam');
    await visit(page, '/admin/clients/3', 'status-client-summary');
    const row = page.locator('.lk-panel [data-lk-row="service:16"]');
    expect(await row.count()).to.equal(1);
    const badge = row.locator('[data-lk-service-status]');
    expect(await badge.isVisible()).to.equal(true);
    expect(await badge.innerText()).to.equal('Terminated');
    expect(await page.locator('.lk-panel [data-lk-row="service:6"] [data-lk-service-status]').count(), 'an active service').to.equal(0);
    expectQuiet(w.watch, 'client summary');
  });

  it('Suspend: the services table and the Latchkey panel both say so after the page reloads', async () => {
    await clickAndReload(page, page.locator('[data-service-action="suspend"][aria-label="Suspend srv01.bergmann-metallbau.example"]'));
    expect(await page.locator('.notice-success').innerText()).to.equal('The service srv01.bergmann-metallbau.example is now Suspended.');
    const badge = page.locator('.lk-panel [data-lk-row="service:6"] [data-lk-service-status]');
    expect(await badge.isVisible()).to.equal(true);
    expect(await badge.innerText()).to.equal('Suspended');
    await shot(page, 'status-suspended');
    expectQuiet(w.watch, 'after suspending');
  });
});
