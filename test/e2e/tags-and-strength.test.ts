/**
 * Tags and the password's strength in the entry dialog, in Chromium: tags are
 * typed as chips, saved, shown on the entry, and a chip shows only the
 * entries carrying its tag; the meter rates what the password field holds,
 * and the generator's options make a passphrase.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { clickAndReload, clientLogin, expectQuiet, shot, startE2E, type E2E, type WatchedPage, requireChromium } from './support.ts';

// In-page callbacks run in Chromium; the project compiles without the DOM lib.
declare const document: any;

describe('[sqlite] e2e: tags and password strength in the entry dialog', function () {
  let e2e: E2E;
  let w: WatchedPage;
  let page: Page;
  const emma = { kind: 'client', clientId: '1' } as const;

  before(async function () {
    requireChromium(this);
    e2e = await startE2E();
    w = await e2e.newPage();
    page = w.page;
    await clientLogin(page, 'hello@blueharbourcoffee.example', 'tags-emma');
    await page.goto('/clientarea/passwords');
  });
  after(async () => e2e?.close());

  const panel = () => page.locator('.lk-panel.lk-clientarea');
  const dialog = () => panel().locator('[data-lk-entry-dialog]');
  const score = () => dialog().locator('[data-lk-strength]').getAttribute('data-lk-score');

  it('the meter rates what the password field holds, and a generated passphrase rates very strong', async () => {
    await panel().locator('[data-lk-new]').first().click();
    await dialog().waitFor({ state: 'visible' });
    expect(await dialog().locator('[data-lk-strength]').isHidden()).to.equal(true);
    await dialog().locator('[name=password]').fill('password');
    expect(await score()).to.equal('0');
    expect(await dialog().locator('[data-lk-strength-label]').innerText()).to.equal('Very weak');
    await dialog().locator('[name=password]').fill('gz7Rk2pQx9Lm');
    expect(await score()).to.equal('4');

    await dialog().locator('.lk-generator summary').click();
    await dialog().locator('[data-lk-gen="mode"]').selectOption('passphrase');
    await dialog().locator('[data-lk-gen="words"]').fill('5');
    await dialog().locator('[data-lk-generate]').click();
    await page.waitForFunction(() => (document.querySelector('.lk-clientarea [name=password]')?.value ?? '').split('-').length === 5);
    expect(await score()).to.equal('4');
    await shot(page, 'tags-strength-meter');
    await dialog().locator('[data-lk-close]').click();
  });

  it('tags typed in the dialog become chips, are saved, and show on the entry', async () => {
    await panel().locator('[data-lk-new]').first().click();
    await dialog().waitFor({ state: 'visible' });
    await dialog().locator('[name=name]').fill('Espresso machine portal');
    const typed = dialog().locator('[data-lk-tag-typed]');
    await typed.fill('Coffee');
    await typed.press('Enter');
    await typed.type('POS,');
    // The same tag in another case is not a second chip.
    await typed.fill('coffee');
    await typed.press('Enter');
    expect(await dialog().locator('[data-lk-tag-chip]').evaluateAll((els) => els.map((el) => el.dataset.lkTagChip))).to.deep.equal(['Coffee', 'POS']);
    // Enter in the tag box made a chip: the dialog is still open.
    expect(await dialog().isVisible()).to.equal(true);
    await shot(page, 'tags-dialog-chips');
    await clickAndReload(page, dialog().locator('button[type=submit]'));

    const row = panel().locator('.lk-entry', { hasText: 'Espresso machine portal' });
    expect(await row.locator('.lk-tag').allInnerTexts()).to.deep.equal(['Coffee', 'POS']);
    const id = (await row.getAttribute('data-lk-row'))!;
    expect((await e2e.host.latchkey.entries.get(emma, id)).tags).to.deep.equal(['Coffee', 'POS']);
  });

  it('a tag chip shows only the entries carrying the tag; "Show all" brings the rest back', async () => {
    const rows = panel().locator('.lk-entry');
    const before = await rows.count();
    expect(before).to.be.greaterThan(1);
    await panel().locator('.lk-entry .lk-tag', { hasText: 'POS' }).first().click();
    const visible = await rows.evaluateAll((els) => els.filter((el) => !el.hidden).map((el) => el.querySelector('.lk-name')?.textContent));
    expect(visible).to.deep.equal(['Espresso machine portal']);
    expect(await panel().locator('[data-lk-tag-filter]:not([hidden]) [data-lk-tag-filter-label]').first().innerText()).to.contain('POS');
    await shot(page, 'tags-filtered');
    await panel().locator('[data-lk-tag-filter]:not([hidden]) [data-lk-tag-filter-clear]').first().click();
    expect(await rows.evaluateAll((els) => els.filter((el) => !el.hidden).length)).to.equal(before);
  });

  it('removing a chip in the edit dialog saves the entry without that tag, and an untouched save sends nothing', async () => {
    const row = panel().locator('.lk-entry', { hasText: 'Espresso machine portal' });
    const id = (await row.getAttribute('data-lk-row'))!;
    const version = (await e2e.host.latchkey.entries.get(emma, id)).version;
    await row.locator('[data-lk-edit]').click();
    await dialog().waitFor({ state: 'visible' });
    expect(await dialog().locator('[data-lk-tag-chip]').count()).to.equal(2);
    const patches: string[] = [];
    page.on('request', (request) => { if (request.method() === 'PATCH') patches.push(request.postData() ?? ''); });
    await dialog().locator('button[type=submit]').click();
    await dialog().waitFor({ state: 'hidden' });
    expect(patches).to.deep.equal([]);
    expect((await e2e.host.latchkey.entries.get(emma, id)).version).to.equal(version);

    await row.locator('[data-lk-edit]').click();
    await dialog().waitFor({ state: 'visible' });
    await dialog().locator('[data-lk-tag-chip="Coffee"] [data-lk-tag-remove]').click();
    await clickAndReload(page, dialog().locator('button[type=submit]'));
    expect(patches.map((body) => JSON.parse(body) as Record<string, unknown>)).to.deep.equal([{ tags: ['POS'], version }]);
    expect((await e2e.host.latchkey.entries.get(emma, id)).tags).to.deep.equal(['POS']);
    expectQuiet(w.watch, 'client area with tags');
  });
});
