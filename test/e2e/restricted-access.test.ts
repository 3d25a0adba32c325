import { expect } from 'chai';
import type { EntryView } from '../../core/index.ts';
import { adminLogin, api, entryIdByName, expectQuiet, shot, startE2E, visit, type E2E, requireChromium } from './support.ts';

const OLIVIA = { kind: 'admin', adminId: '1' } as const;
/** Blue Harbour's own access details, from the seed. */
const CLIENT_OWNED = ['Café router admin', 'Mailchimp', 'Square POS back office', 'Stripe (shop payments)'];
const SERVICES = ['service:1', 'service:2', 'service:3'];

describe('[sqlite] e2e: a staff member without rights in restricted mode', function () {
  let e2e: E2E;
  let clientOwnedIds: string[];
  let sharedWithBilling: string;

  before(async function () {
    requireChromium(this);
    e2e = await startE2E();
    expect((await e2e.host.latchkey.settings.get(OLIVIA)).adminAccessMode).to.equal('restricted');
    clientOwnedIds = await Promise.all(CLIENT_OWNED.map((name) => entryIdByName(e2e.host, name)));
    // One entry for the client that Billing is given explicitly: the panel still shows that one. Olivia keeps it
    // private (not the team's), so only the grant reaches anyone else.
    const entry = await e2e.host.latchkey.entries.create(OLIVIA, {
      name: 'Invoice portal — shared with Billing', clientId: '1', username: 'billing-view', password: 'Billing-e2e-pw-1',
      loginUrl: 'https://invoices.e2e.example/', grants: [{ kind: 'admin_role', id: '3' }], private: true,
    });
    sharedWithBilling = entry.id;
  });
  after(async () => e2e?.close());

  it("carmen sees none of the client's own entries on the summary page, in the DOM or from the API", async () => {
    const { page, watch } = await e2e.newPage();
    await adminLogin(page, 'carmen', 'restricted-carmen');
    await visit(page, '/admin/clients/1', 'restricted-carmen-summary-page');
    const panel = page.locator('.lk-panel.lk-summary');
    expect(await panel.count()).to.equal(1);
    const html = await page.content();
    for (const name of CLIENT_OWNED) expect(html, name).not.to.contain(name);
    for (const id of [...clientOwnedIds, ...SERVICES]) {
      expect(await page.locator(`[data-lk-row="${id}"]`).count(), id).to.equal(0);
      expect(html).not.to.contain(id);
    }
    // What was shared with her role is there.
    const rows = await panel.locator('.lk-entry').evaluateAll((els) => els.map((el) => el.getAttribute('data-lk-row')));
    expect(rows).to.include(sharedWithBilling);
    await shot(page, 'restricted-carmen-summary');
    expectQuiet(watch, 'carmen summary');

    // The API tells the same story.
    const list = await api<{ items: EntryView[] }>(page, 'GET', '/entries?clientId=1');
    expect(list.status).to.equal(200);
    expect(list.body.items.map((e) => e.id)).to.include(sharedWithBilling);
    expect(list.body.items.filter((e) => e.owner.kind === 'client')).to.deep.equal([]);
    const services = await api<unknown[]>(page, 'GET', '/services/1');
    if (services.status === 200) expect(services.body).to.deep.equal([]);
    else expect(services.status).to.be.oneOf([403, 404]);
    for (const id of [...clientOwnedIds, ...SERVICES]) {
      const get = await api(page, 'GET', `/entries/${encodeURIComponent(id)}`);
      expect(get.status, `GET ${id}`).to.be.oneOf([403, 404]);
      const reveal = await api(page, 'POST', `/entries/${encodeURIComponent(id)}/reveal`, {});
      expect(reveal.status, `reveal ${id}`).to.be.oneOf([403, 404]);
      expect(JSON.stringify(reveal.body)).not.to.match(/"password":"[^"]/);
      const history = await api(page, 'GET', `/entries/${encodeURIComponent(id)}/history`);
      expect(history.status, `history ${id}`).to.be.oneOf([403, 404]);
    }
    const search = await api<{ items: EntryView[] }>(page, 'GET', '/entries?search=Mailchimp');
    expect(search.body.items).to.deep.equal([]);
    // (The refused calls above log their 403/404s in the console: expected.)
    expect(watch.errors).to.deep.equal([]);
  });

  it('nor in the ticket sidebar', async () => {
    const { page, watch } = await e2e.newPage();
    await adminLogin(page, 'carmen', 'restricted-carmen-2');
    await visit(page, '/admin/tickets/1', 'restricted-carmen-ticket-page');
    const html = await page.content();
    for (const name of CLIENT_OWNED) expect(html, name).not.to.contain(name);
    for (const id of [...clientOwnedIds, ...SERVICES]) expect(await page.locator(`[data-lk-row="${id}"]`).count(), id).to.equal(0);
    await shot(page, 'restricted-carmen-ticket');
    expectQuiet(watch, 'carmen ticket');
  });

  it('while sam (Support, allowed) sees them all', async () => {
    const { page, watch } = await e2e.newPage();
    await adminLogin(page, 'sam', 'restricted-sam');
    await visit(page, '/admin/clients/1', 'restricted-sam-summary-page');
    for (const id of [...clientOwnedIds, ...SERVICES]) expect(await page.locator(`[data-lk-row="${id}"]`).count(), id).to.equal(1);
    // He was not given the Billing entry.
    expect(await page.locator(`[data-lk-row="${sharedWithBilling}"]`).count()).to.equal(0);
    await shot(page, 'restricted-sam-summary');
    expectQuiet(watch, 'sam summary');
  });
});
