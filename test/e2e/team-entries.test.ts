import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { adminLogin, clickAndReload, expectQuiet, shot, startE2E, visit, type E2E, requireChromium } from './support.ts';

const MARC = { kind: 'admin', adminId: '3' } as const;

/**
 * A support desk works as a team: what Sam files under a client his colleagues may see too,
 * unless he marks it Private.
 */
describe('[sqlite] e2e: staff entries filed under a client are the team\'s unless Private', function () {
  let e2e: E2E;

  before(async function () {
    requireChromium(this);
    e2e = await startE2E();
  });
  after(async () => e2e?.close());

  async function addFromSummary(page: Page, name: string, keepPrivate: boolean): Promise<string> {
    await visit(page, '/admin/clients/1', `team-${keepPrivate ? 'private' : 'shared'}-page`);
    const panel = page.locator('.lk-panel').first();
    await panel.locator('[data-lk-new]').click();
    const dialog = panel.locator('[data-lk-entry-dialog]');
    await dialog.waitFor({ state: 'visible' });
    await dialog.locator('[name=name]').fill(name);
    await dialog.locator('[name=password]').fill('Team-e2e-pw-4711');
    const privateBox = dialog.locator('[name=private]');
    expect(await privateBox.isVisible()).to.equal(true);
    expect(await privateBox.isChecked()).to.equal(false);
    if (keepPrivate) await privateBox.check();
    await shot(page, `team-dialog-${keepPrivate ? 'private' : 'shared'}`);
    await clickAndReload(page, dialog.locator('button[type=submit]'));
    const row = page.locator('.lk-panel .lk-entry', { hasText: name });
    expect(await row.count()).to.equal(1);
    expect(await row.locator('.lk-badge', { hasText: 'Private' }).count()).to.equal(keepPrivate ? 1 : 0);
    return (await row.getAttribute('data-lk-row'))!;
  }

  it('Sam\'s entry for Blue Harbour shows to Marc; the one he marks Private does not', async () => {
    const sam = await e2e.newPage();
    await adminLogin(sam.page, 'sam', 'team-sam');
    const shared = await addFromSummary(sam.page, 'Blue Harbour NAS — team e2e', false);
    const kept = await addFromSummary(sam.page, 'Blue Harbour NAS — Sam only e2e', true);
    expectQuiet(sam.watch, 'sam adds');

    const marc = await e2e.newPage();
    await adminLogin(marc.page, 'marc', 'team-marc');
    await visit(marc.page, '/admin/clients/1', 'team-marc-summary');
    const rows = await marc.page.locator('.lk-panel .lk-entry').evaluateAll((els) => els.map((el) => el.getAttribute('data-lk-row')));
    expect(rows).to.include(shared);
    expect(rows).not.to.include(kept);
    // The demo's own team entry, Sam's Cloudflare account for Blue Harbour, is there for Marc too.
    expect(await marc.page.locator('.lk-panel .lk-entry', { hasText: 'Cloudflare (DNS for blueharbourcoffee.example)' }).count()).to.equal(1);
    // Marc reads the team's entry but the dialog is Sam's to change.
    expect(await marc.page.locator(`.lk-entry[data-lk-row="${shared}"] [data-lk-edit]`).count()).to.equal(0);
    await shot(marc.page, 'team-marc-summary');
    expectQuiet(marc.watch, 'marc summary');

    expect((await e2e.host.latchkey.entries.reveal(MARC, shared)).password?.expose()).to.equal('Team-e2e-pw-4711');
    expect((await e2e.host.latchkey.entries.list(MARC, { clientId: '1', limit: 500 })).items.map((e) => e.id)).not.to.include(kept);
  });
});
