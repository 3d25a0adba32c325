import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { adminLogin, clickAndReload, expectQuiet, requireChromium, shot, startE2E, visit, type E2E, type WatchedPage } from './support.ts';

const ACCESS_PAGE = '/admin/addons/latchkey?page=access';
const REVIEW_PAGE = '/admin/addons/latchkey?page=review';
const olivia = { kind: 'admin', adminId: '1' } as const;

describe('[sqlite] e2e: an addon admin reads the effective access report and reviews access', function () {
  let e2e: E2E;
  let w: WatchedPage;
  let page: Page;

  before(async function () {
    requireChromium(this);
    // The seeded demo host is made once per run; the first suite to start pays for it.
    this.timeout(180_000);
    e2e = await startE2E();
    w = await e2e.newPage();
    page = w.page;
    await adminLogin(page, 'olivia', 'access-olivia');
  });
  after(async () => e2e?.close());

  it('the report names everyone who sees each of a client\'s entries, as the policy decides, with a reason each, for a client chosen by name', async () => {
    const lk = e2e.host.latchkey;
    await lk.entries.create({ kind: 'client', clientId: '1' }, { name: 'Roastery Wi-Fi', password: 'roastery-wifi-pw' });
    await visit(page, `${ACCESS_PAGE}&clientId=1`, 'access-client');
    expect(await page.locator('.lk-admin-nav a[aria-current=page]').innerText()).to.equal('Effective access');
    const expected = (await lk.accessReport.forClient(olivia, '1')).map((l) => `${l.person.kind}:${l.person.id}`);
    expect(expected.length).to.be.greaterThan(0);
    const shown = await page.locator('tr[data-lk-access-line]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-lk-access-line')));
    expect(shown).to.deep.equal(expected);
    for (const reasons of await page.locator('tr[data-lk-access-line] td:nth-child(3)').allInnerTexts()) expect(reasons.trim()).not.to.equal('');
    expect(await page.content()).not.to.include('roastery-wifi-pw');

    // The client is chosen by name, and shown by name.
    const client = page.locator('#lk-access-client-pick');
    expect(await client.inputValue()).to.equal('Blue Harbour Coffee Roasters');
    await client.fill('atelier');
    await page.locator('[role=option]', { hasText: 'Atelier Lumière' }).click();
    await clickAndReload(page, page.locator('form:has(#lk-access-client-pick) button[type=submit]'));
    expect(new URL(page.url()).searchParams.get('clientId')).to.equal('2');
    expect(await page.locator('#lk-access-client').innerText()).to.contain('Atelier Lumière');
    await visit(page, `${ACCESS_PAGE}&clientId=1`, 'access-client-again');
    expectQuiet(w.watch, 'report');
  });

  it('the CSV download holds the same lines, and no secret', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-lk-download-csv]')]);
    expect(download.suggestedFilename()).to.equal('access-1.csv');
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split(/\r?\n/)[0]).to.include('Entry');
    expect(csv).to.include('Roastery Wi-Fi');
    expect(csv).not.to.include('roastery-wifi-pw');
    expectQuiet(w.watch, 'csv');
  });

  it('a staff member\'s reach lists the clients whose data they can see', async () => {
    await visit(page, `${ACCESS_PAGE}&adminId=1`, 'access-staff');
    const expected = (await e2e.host.latchkey.accessReport.forStaff(olivia, '1')).map((c) => c.clientId);
    const shown = await page.locator('tr[data-lk-reached]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-lk-reached')));
    expect(shown).to.deep.equal(expected);
  });

  it('the review page shows what changed, and marking it reviewed is audited and empties the list', async () => {
    // The demo seed's own review (a month ago) is on the trail already: this one is counted on top of it.
    const before = await e2e.host.latchkey.audit.list(olivia, { action: 'accessReview.done' });
    await e2e.host.latchkey.settings.update(olivia, { historyDepth: 9 });
    await visit(page, REVIEW_PAGE, 'review-before');
    expect(await page.locator('tr[data-lk-change]').count()).to.be.greaterThan(0);
    await clickAndReload(page, '[data-lk-mark-reviewed]');
    await shot(page, 'review-after');
    expect(await page.locator('tr[data-lk-change]').count()).to.equal(0);
    expect(await page.locator('[data-lk-review-empty]').innerText()).to.equal('Nothing changed since the last review.');
    const marked = await e2e.host.latchkey.audit.list(olivia, { action: 'accessReview.done' });
    expect(marked).to.have.length(before.length + 1);
    // Newest first: the review just marked, by Olivia.
    expect(marked[0]!.actor).to.deep.equal({ kind: 'admin', id: '1' });
    expect(marked[0]!.seq).to.be.greaterThan(before[0]?.seq ?? 0);
    expectQuiet(w.watch, 'review');
  });

  it('an alert shows as a line on the dashboard, naming the person and the rule', async () => {
    const lk = e2e.host.latchkey;
    await lk.settings.update(olivia, { securityAlerts: { revealBurst: { count: 1, minutes: 10 } } });
    const entry = await lk.entries.create(olivia, { name: 'Edge firewall', password: 'edge-fw-pw' });
    for (let i = 0; i < 2; i++) await lk.entries.reveal({ ...olivia, origin: { ip: '192.0.2.44', userAgent: 'e2e' } }, entry.id);
    await visit(page, '/admin/addons/latchkey', 'dashboard-alert');
    const line = await page.locator('[data-lk-alert="revealBurst"]').innerText();
    expect(line).to.contain('Olivia Bennett revealed 2 secrets within 10 minutes');
    expect(await page.content()).not.to.include('edge-fw-pw');
    expectQuiet(w.watch, 'dashboard');
  });
});
