import { expect } from 'chai';
import { createHooks, Renderer, ValidationError, type Hooks, type HookSurface, type Latchkey } from '../../core/index.ts';
import { forEachDatabase, ManualClock, openVault, type Vault } from '../support/databases.ts';
import { acme, acmeDev, hostFixture, owner, sam } from '../support/host-fixture.ts';

const surface: HookSurface = { apiBase: '/lk/api', assetBase: '/lk/assets', pageUrl: '/page', csrfToken: 'csrf', clipboardClearSeconds: 30 };
/** One more than a panel's page of 50. */
const BOXES = 51;

/**
 * Lists are searched, sorted, filtered and paged in the database, and say how
 * many there are (issue 17): pages at their boundaries, the capped count, the
 * filters, and what a list says when it shows nothing.
 */
forEachDatabase('lists: pages, totals, sorts and filters', (db) => {
  let vault: Vault;
  let lk: Latchkey;
  let hooks: Hooks;
  const clock = new ManualClock();

  before(async function () {
    this.timeout(60_000);
    vault = await openVault(db, hostFixture(), { clock });
    lk = vault.lk;
    hooks = createHooks(lk, new Renderer());
    await lk.settings.update(owner, { adminAccessMode: 'full', allowedAdminIds: [], extendedAdminRoleIds: [] });
    const number = (n: number) => String(n).padStart(2, '0');
    await lk.entries.createMany(owner, Array.from({ length: BOXES }, (_, n) => ({
      input: { name: `Box ${number(n)}`, username: `box-${number(BOXES - 1 - n)}`, clientId: 'c-acme', password: `Box-pw-${n}-Zq81` },
    })));
  });
  after(async () => { await vault.close(); });

  for (const [limit, more] of [[BOXES + 1, false], [BOXES, false], [BOXES - 1, true]] as const) {
    it(`a page of ${limit} over ${BOXES} entries ${more ? 'says there are more' : 'is the whole list'}, and counts ${BOXES} in all`, async () => {
      const page = await lk.entries.firstPage(owner, { clientId: 'c-acme', search: 'Box', limit }, { countUpTo: 1000 });
      expect(page.items).to.have.length(Math.min(limit, BOXES));
      expect(page.more).to.equal(more);
      expect(page.total).to.equal(BOXES);
      expect(page.totalIsAtLeast).to.equal(false);
    });
  }

  for (const [cap, total, atLeast] of [[BOXES - 1, BOXES - 1, true], [BOXES, BOXES, false], [BOXES + 1, BOXES, false]] as const) {
    it(`counted up to ${cap} past a page of one, ${BOXES} entries are ${atLeast ? `"more than ${total}"` : `${total}`}`, async () => {
      const page = await lk.entries.firstPage(owner, { clientId: 'c-acme', search: 'Box', limit: 1 }, { countUpTo: cap });
      expect([page.total, page.totalIsAtLeast]).to.deep.equal([total, atLeast]);
    });
  }

  it('the client summary shows the first 50 of 51 with a link to the next page, which shows the 51st', async () => {
    const first = (await hooks.clientSummary(owner, { clientId: 'c-acme', params: { lkSearch: 'Box' } }, surface))!;
    expect(first).to.contain('Showing 1–50 of 51').and.to.contain('lkOffset&#x3D;50').and.not.to.contain('rel="prev"');
    expect(first.match(/data-lk-row="/g)).to.have.length(50);
    const second = (await hooks.clientSummary(owner, { clientId: 'c-acme', params: { lkSearch: 'Box', lkOffset: '50' } }, surface))!;
    expect(second).to.contain('Showing 51–51 of 51').and.to.contain('rel="prev"').and.not.to.contain('rel="next"');
    expect(second).to.contain('Box 50');
  });

  it('sorts by username either way, and searches usernames with % and _ taken literally', async () => {
    const names = async (query: object) => (await lk.entries.list(owner, { clientId: 'c-acme', limit: 3, ...query })).items.map((e) => e.username);
    expect(await names({ search: 'box-', sort: 'username' })).to.deep.equal(['box-00', 'box-01', 'box-02']);
    expect(await names({ search: 'box-', sort: 'username', direction: 'desc' })).to.deep.equal(['box-50', 'box-49', 'box-48']);
    expect(await names({ search: 'box-1_' })).to.deep.equal([]);
    expect(await names({ search: 'x-13' })).to.deep.equal(['box-13']);
  });

  it('lists as overdue only a password older than its rotation period, from the day it falls due', async () => {
    const due = await lk.entries.create(owner, { name: 'Rotated monthly', clientId: 'c-acme', password: 'Monthly-pw-Zq81', reminderDays: 30 });
    const overdue = async () => (await lk.entries.list(owner, { clientId: 'c-acme', rotation: 'overdue' })).items.map((e) => e.id);
    clock.advanceDays(29);
    expect(await overdue()).to.deep.equal([]);
    clock.advanceDays(1);
    expect(await overdue()).to.deep.equal([due.id]);
  });

  it('filters by service status within one client, and refuses it without one, naming the field', async () => {
    const linked = await lk.entries.create(owner, { name: 'VPS console', clientId: 'c-acme', serviceId: 's-acme-vps', password: 'Console-pw-Zq81' });
    expect((await lk.entries.list(owner, { clientId: 'c-acme', serviceStatus: 'active' })).items.map((e) => e.id)).to.deep.equal([linked.id]);
    expect((await lk.entries.list(owner, { clientId: 'c-acme', serviceStatus: 'suspended' })).items).to.deep.equal([]);
    const refused = await lk.entries.list(owner, { serviceStatus: 'active' }).catch((err: unknown) => err);
    expect(refused).to.be.instanceOf(ValidationError);
    expect((refused as ValidationError).field).to.equal('serviceStatus');
  });

  it("the addon's list filters by a client's id and its services' status, and names the field it cannot take", async () => {
    const page = (params: Record<string, string>) => hooks.adminPages(owner, { page: 'entries', params }, surface) as Promise<string>;
    const linked = await page({ client: 'c-acme', status: 'active' });
    expect(linked).to.contain('VPS console').and.to.contain('Showing 1–1 of 1');
    expect(linked).not.to.contain('Box 00');
    expect(await page({ status: 'active' })).to.contain('Service status: needs one client: choose a client too');
    expect(await page({ client: 'no such id!' })).to.contain('Client: must be an id of 1 to 64 letters');
    expect(await page({ client: 'c-globex' })).to.contain('No access details match your search or filters.');
  });

  it('tells staff the mode keeps from a client so, tells a search that found nothing so, and tells a contact why they cannot add', async () => {
    expect(await hooks.clientSummary(owner, { clientId: 'c-acme', params: { lkSearch: 'nothing like this' } }, surface))
      .to.contain('No access details match your search or filters.');
    await lk.settings.update(owner, { adminAccessMode: 'restricted', allowedAdminIds: [], allowedAdminRoleIds: [], extendedAdminRoleIds: [] });
    const kept = (await hooks.clientSummary(sam, { clientId: 'c-acme' }, surface))!;
    expect(kept).to.contain('You are not allowed to see this client&#x27;s access details.').and.not.to.contain('No access details for this client yet');
    await lk.settings.update(owner, { adminAccessMode: 'full' });
    expect(await hooks.clientSummary(sam, { clientId: 'c-acme' }, surface)).to.contain('Box 00').and.not.to.contain('You are not allowed');
    const contactArea = (await hooks.clientArea(acmeDev, {}, surface))!;
    expect(contactArea).to.contain('Only your account&#x27;s main contact can add access details here.').and.not.to.contain('data-lk-new');
    expect(await hooks.clientArea(acme, {}, surface)).to.contain('data-lk-new');
  });
});
