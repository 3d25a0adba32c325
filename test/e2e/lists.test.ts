import { expect } from 'chai';
import type { Locator, Page } from 'playwright-core';
import type { Actor } from '../../core/index.ts';
import { adminLogin, clickAndReload, clientLogin, expectQuiet, shot, startE2E, visit, type E2E, requireChromium } from './support.ts';

const OLIVIA: Actor = { kind: 'admin', adminId: '1' };
const BLUE_HARBOUR: Actor = { kind: 'client', clientId: '1' };
/** Enough for a second page of 50, with the seed's own. */
const MANY = 55;
const WIDE = { width: 1366, height: 800 };
const PHONE = { width: 390, height: 844 };

/** The names of the rows a list shows, in order. */
function rowNames(list: Locator): Promise<string[]> {
  return list.locator('[data-lk-row] .lk-name, [data-lk-row] td:nth-child(2)').evaluateAll((els) => els.map((el) => (el.textContent ?? '').trim()));
}

/** Submits a list's form with these fields set, and waits for the page it lands on. */
async function choose(page: Page, form: Locator, fields: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(fields)) {
    const field = form.locator(`[name="${name}"]`);
    if (await field.evaluate((el) => el.tagName === 'SELECT')) await field.selectOption(value);
    else await field.fill(value);
  }
  await clickAndReload(page, form.locator('button[type=submit]'));
}

/** The page never scrolls sideways because of the list's form. */
async function expectFits(page: Page, form: Locator, what: string): Promise<void> {
  const { scroll, client } = await form.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
  expect(scroll, `${what}: the form's width`).to.be.at.most(client + 1);
  const box = await form.boundingBox();
  expect(box!.x + box!.width, `${what}: the form's right edge`).to.be.at.most(page.viewportSize()!.width + 1);
}

describe('[sqlite] e2e: lists are searched, sorted, filtered and paged on the server, with their total', function () {
  let e2e: E2E;

  before(async function () {
    requireChromium(this);
    e2e = await startE2E();
    const lk = e2e.host.latchkey;
    // Blue Harbour's own, and the team's notes about it: each list runs past its first page of 50.
    const number = (n: number) => String(n).padStart(2, '0');
    await lk.entries.createMany(BLUE_HARBOUR, Array.from({ length: MANY }, (_, n) => ({
      input: { name: `Till ${number(n)}`, username: `till-${number(n)}`, password: `Till-e2e-pw-${n}-x9` },
    })));
    await lk.entries.createMany(OLIVIA, Array.from({ length: MANY }, (_, n) => ({
      input: { name: `Switch ${number(n)}`, username: n === 7 ? 'needle-operator' : `switch-${number(n)}`, clientId: '1', password: `Switch-e2e-pw-${n}-x9` },
    })));
  });
  after(async () => e2e?.close());

  it('the client summary pages, searches by username, sorts and says when nothing matches (1366 and 390 px)', async () => {
    const { page, watch } = await e2e.newPage();
    await page.setViewportSize(WIDE);
    await adminLogin(page, 'olivia', 'lists-olivia');
    await visit(page, '/admin/clients/1', 'lists-summary-first-page');
    const panel = page.locator('.lk-panel.lk-summary');
    const form = panel.locator('[data-lk-list-controls]');
    const range = panel.locator('[data-lk-list-range]');
    const first = await range.textContent();
    const total = Number(/ of ([\d,]+)$/.exec(first ?? '')?.[1]?.replace(/,/g, ''));
    expect(first).to.match(/^Showing 1–\d+ of [\d,]+$/);
    expect(total, 'the seed\'s entries and services, and 110 more').to.be.greaterThan(2 * MANY);
    await expectFits(page, form, 'summary at 1366 px');

    await clickAndReload(page, panel.locator('a[rel=next]'));
    expect(new URL(page.url()).searchParams.get('lkOffset')).to.equal('50');
    expect(await range.textContent()).to.match(new RegExp(`^Showing \\d+–\\d+ of ${total.toLocaleString('en')}$`));
    expect(await panel.locator('a[rel=prev]').count()).to.equal(1);
    await shot(page, 'lists-summary-second-page');

    // A username is found, and the search starts again from the first page.
    await choose(page, form, { lkSearch: 'needle-oper' });
    expect(await rowNames(panel)).to.deep.equal(['Switch 07']);
    expect(await range.textContent()).to.equal('Showing 1–1 of 1');
    expect(await panel.locator('a[rel=next], a[rel=prev]').count()).to.equal(0);

    // Sorted the other way round, the team's switches come last to first.
    await choose(page, form, { lkSearch: 'switch', lkSort: '-name', lkOwner: 'staff' });
    const names = await rowNames(panel);
    expect(names.slice(0, 2)).to.deep.equal(['Switch 54', 'Switch 53']);
    expect(await range.textContent()).to.equal(`Showing 1–50 of ${MANY}`);

    await choose(page, form, { lkSearch: 'no such thing anywhere' });
    expect(await panel.locator('.lk-empty:not([hidden])').textContent()).to.equal('No access details match your search or filters.');
    await shot(page, 'lists-summary-no-match');

    await page.setViewportSize(PHONE);
    await visit(page, '/admin/clients/1?lkSort=username', 'lists-summary-phone');
    await expectFits(page, form, 'summary at 390 px');
    expect(await range.textContent()).to.equal(first);
    expectQuiet(watch, 'olivia summary');
  });

  it('a staff member the mode keeps from a client is told so, not that nothing is stored', async () => {
    const { page, watch } = await e2e.newPage();
    await page.setViewportSize(WIDE);
    await adminLogin(page, 'carmen', 'lists-carmen');
    await visit(page, '/admin/clients/2', 'lists-carmen-summary');
    const panel = page.locator('.lk-panel.lk-summary');
    // Carmen reads Spanish.
    expect(await panel.locator('.lk-empty:not([hidden])').textContent()).to.equal('No tiene permiso para ver los datos de acceso de este cliente.');
    expectQuiet(watch, 'carmen summary');
  });

  it('the client area pages its own section, finds by name and tells a contact why they cannot add (390 and 1366 px)', async () => {
    const { page, watch } = await e2e.newPage();
    await page.setViewportSize(PHONE);
    await clientLogin(page, 'hello@blueharbourcoffee.example', 'lists-emma');
    await visit(page, '/clientarea/passwords', 'lists-clientarea-phone');
    const panel = page.locator('.lk-panel.lk-clientarea');
    const form = panel.locator('[data-lk-list-controls]');
    const owned = panel.locator('#lk-owned');
    await expectFits(page, form, 'client area at 390 px');
    expect(await owned.locator('[data-lk-list-range]').textContent()).to.match(/^Showing 1–50 of \d+$/);
    await clickAndReload(page, owned.locator('a[rel=next]'));
    expect(new URL(page.url()).searchParams.get('lkOwnedOffset')).to.equal('50');
    expect(await owned.locator('[data-lk-list-range]').textContent()).to.match(/^Showing 51–\d+ of \d+$/);

    await page.setViewportSize(WIDE);
    await choose(page, form, { lkSearch: 'Till 4', lkSort: '-name' });
    expect(await rowNames(owned)).to.deep.equal(['Till 49', 'Till 48', 'Till 47', 'Till 46', 'Till 45', 'Till 44', 'Till 43', 'Till 42', 'Till 41', 'Till 40']);
    expect(await panel.locator('#lk-shared .lk-empty:not([hidden])').textContent()).to.equal('No access details match your search or filters.');
    await shot(page, 'lists-clientarea-search');
    expectQuiet(watch, 'emma client area');

    const tom = await e2e.newPage();
    await tom.page.setViewportSize(PHONE);
    await clientLogin(tom.page, 'tom@blueharbourcoffee.example', 'lists-tom');
    await visit(tom.page, '/clientarea/passwords', 'lists-clientarea-contact');
    expect(await tom.page.locator('#lk-owned [data-lk-cannot-add]').textContent()).to.contain("Only your account's main contact can add access details here.");
    expect(await tom.page.locator('#lk-owned [data-lk-new]').count()).to.equal(0);
    expectQuiet(tom.watch, 'tom client area');
  });

  it("the addon's list sorts by a column header, filters by owner and by a client chosen by name, and pages, with the total (1366 and 390 px)", async () => {
    const { page, watch } = await e2e.newPage();
    await page.setViewportSize(WIDE);
    await adminLogin(page, 'olivia', 'lists-olivia-addon');
    await visit(page, '/admin/addons/latchkey?page=entries', 'lists-addon-first-page');
    const panel = page.locator('.lk-panel.lk-admin-entries');
    const form = panel.locator('[data-lk-list-controls]');
    const range = panel.locator('[data-lk-list-range]');
    expect(await range.textContent()).to.match(/^Showing 1–50 of [\d,]+$/);

    await clickAndReload(page, panel.locator('th a[data-lk-sort="username"]'));
    expect(await panel.locator('th[aria-sort="ascending"] a').getAttribute('data-lk-sort')).to.equal('username');
    await clickAndReload(page, panel.locator('th a[data-lk-sort="username"]'));
    expect(await panel.locator('th[aria-sort="descending"] a').getAttribute('data-lk-sort')).to.equal('username');
    const usernames = await panel.locator('tr[data-lk-row] td:nth-child(3)').evaluateAll((els) => els.map((el) => (el.textContent ?? '').trim()));
    expect(usernames.length).to.equal(50);
    expect(usernames).to.deep.equal([...usernames].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));

    await choose(page, form, { search: 'switch', owner: 'mine' });
    expect(await range.textContent()).to.equal(`Showing 1–50 of ${MANY}`);
    await clickAndReload(page, panel.locator('a[rel=next]'));
    expect(await range.textContent()).to.equal(`Showing 51–${MANY} of ${MANY}`);
    await shot(page, 'lists-addon-second-page');

    // The client is chosen by name; the list keeps it on every page and names it, also when opened from its address.
    const client = form.locator('[data-lk-client-picker] input[role=combobox]');
    await client.fill('harbour');
    await form.locator('[role=option]', { hasText: 'Blue Harbour Coffee Roasters' }).click();
    await choose(page, form, { search: '', owner: '' });
    expect(new URL(page.url()).searchParams.get('client')).to.equal('1');
    expect(await range.textContent()).to.match(/^Showing 1–50 of \d+$/);
    await clickAndReload(page, panel.locator('a[rel=next]'));
    expect(new URL(page.url()).searchParams.get('client')).to.equal('1');
    expect(await client.inputValue()).to.equal('Blue Harbour Coffee Roasters');
    await visit(page, '/admin/addons/latchkey?page=entries&client=2', 'lists-addon-client-by-address');
    expect(await client.inputValue()).to.equal(await e2e.host.latchkey.host.clients(['2']).then((c) => c.get('2')!.name));
    expect(await rowNames(panel)).not.to.include('Switch 00');
    await client.fill('');
    await choose(page, form, {});
    expect(new URL(page.url()).searchParams.get('client')).to.equal('');

    await page.setViewportSize(PHONE);
    await choose(page, form, { search: 'nothing is called this' });
    expect(await panel.locator('.lk-empty:not([hidden])').textContent()).to.equal('No access details match your search or filters.');
    await expectFits(page, form, 'addon list at 390 px');
    await shot(page, 'lists-addon-no-match-phone');
    expectQuiet(watch, 'olivia addon list');
  });
});
