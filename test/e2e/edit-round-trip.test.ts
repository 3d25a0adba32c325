/**
 * Opening an entry's edit dialog and saving it untouched changes nothing: in
 * Chromium, every kind of entry (in the client's own category, in an admin
 * category, linked to a service, a contact, a device or a ticket, with a TOTP
 * seed, with notes, with reminder settings), as every kind of editor (the
 * addon manager, a support admin with edit rights, the client, a contact
 * allowed to edit), in every place (client summary, ticket sidebar, the
 * addon's list of all access details, client area). The stored rows and the
 * audit trail are compared before and after each save, and no change request
 * leaves the page. Changing one field sends and audits that field alone.
 */
import { expect } from 'chai';
import type { Browser, Page, Request } from 'playwright-core';
import type { Actor, ClientActor, EntryView, HookPlace, Latchkey } from '../../core/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { snapshotTables, type TableSnapshot } from '../support/table-rows.ts';
import { acme, ID, inProcessPath, olivia, SameHosts, sam } from '../hosts/support.ts';
import { expectQuiet, launchChromium, requireChromium } from './support.ts';

// In-page callbacks run in Chromium; the project compiles without the DOM lib.
declare const document: any;

const acmeDev: ClientActor = { kind: 'client', clientId: ID.acme, contactId: ID.acmeDev };
const DEVICE = '61';

const E = {
  pos: 'Square POS back office',
  switch: 'Core switch',
  vps: 'VPS root panel',
  mailbox: 'Dev mailbox',
  nas: 'Office NAS admin',
  ticket: 'Ticket 100 portal',
  stripe: 'Stripe dashboard',
  alarm: 'Alarm code',
  backup: 'Backup FTP',
  legacy: 'Legacy FTP',
  billing: 'Host billing API',
} as const;
const ACME_ENTRIES = Object.values(E).filter((name) => name !== E.billing);

/**
 * Acme's access details, one of each kind, and who may edit which: Olivia's
 * role is extended (she edits everything); Sam sees client data and edits
 * what he owns, was granted, or reaches through the admin category; Acme owns
 * its entries and edits those granted to it or its contacts; Dev edits those
 * granted to him or filed in a category he may edit.
 */
async function seed(lk: Latchkey): Promise<void> {
  await lk.settings.update(olivia, { adminAccessMode: 'restricted', allowedAdminIds: [ID.sam], extendedAdminRoleIds: [ID.roleFull] });
  const shop = await lk.categories.create(acme, { name: 'Shop & payments', members: [{ kind: 'contact', id: ID.acmeDev, canEdit: true }] });
  const network = await lk.categories.create(olivia, { name: 'Network gear', members: [{ kind: 'admin', id: ID.sam, canEdit: true }] });
  const editors = (...grants: Array<[kind: 'admin' | 'client' | 'contact', id: string]>) =>
    grants.map(([kind, id]) => ({ kind, id, canEdit: true }));
  const url = { websiteUrl: 'https://acme.test/', loginUrl: 'https://acme.test/login?next=%2Fadmin' };

  const pos = await lk.entries.create(acme, {
    name: E.pos, username: 'till@acme.test', password: 'pos-pw', ...url, categoryId: shop.id, sharedWithAdmin: true,
  });
  await lk.entries.share(olivia, pos.id, { version: 1, grants: editors(['admin', ID.sam]), sharedWithAdmin: true });
  await lk.entries.create(olivia, {
    name: E.switch, clientId: ID.acme, username: 'admin', password: 'switch-pw', categoryId: network.id,
    grants: editors(['client', ID.acme], ['contact', ID.acmeDev]),
  });
  await lk.entries.create(sam, {
    name: E.vps, clientId: ID.acme, username: 'root', password: 'vps-pw', serviceId: ID.acmeVps, grants: editors(['client', ID.acme]),
  });
  await lk.entries.create(olivia, {
    name: E.mailbox, clientId: ID.acme, username: 'dev@acme.test', password: 'mail-pw', contactId: ID.acmeDev,
    grants: editors(['admin', ID.sam], ['contact', ID.acmeDev]),
  });
  await lk.entries.create(sam, {
    name: E.nas, clientId: ID.acme, username: 'nas', password: 'nas-pw', deviceId: DEVICE, grants: editors(['contact', ID.acmeDev]),
  });
  await lk.entries.create(olivia, {
    name: E.ticket, clientId: ID.acme, username: 'support', password: 'ticket-pw', ticketId: ID.ticket, grants: editors(['admin', ID.sam]),
  });
  const stripe = await lk.entries.create(acme, {
    name: E.stripe, username: 'owner@acme.test', password: 'stripe-pw', totpSecret: 'JBSWY3DPEHPK3PXP', ...url,
  });
  await lk.entries.share(olivia, stripe.id, { version: 1, grants: editors(['admin', ID.sam], ['contact', ID.acmeDev]) });
  await lk.entries.create(acme, { name: E.alarm, notes: 'Code 4711, then #' });
  await lk.entries.create(olivia, {
    name: E.backup, clientId: ID.acme, username: 'backup', password: 'backup-pw', reminderDays: 45, notifyOnChange: true,
  });
  await lk.entries.create(acme, { name: E.legacy, username: 'legacy', password: 'legacy-pw', reminderDays: 0, notifyOnChange: true });
  await lk.entries.create(olivia, { name: E.billing, username: 'api', password: 'billing-pw', categoryId: network.id });
}

interface Visit {
  who: string;
  actor: Actor;
  /** Where the editor goes, and the entries each place must offer it to edit. */
  places: Array<{ place: HookPlace; id?: string; edits: readonly string[] }>;
}

const VISITS: Visit[] = [
  { who: 'Olivia (addon manager)', actor: olivia, places: [
    { place: 'clientSummary', id: ID.acme, edits: ACME_ENTRIES },
    { place: 'ticketSidebar', id: ID.ticket, edits: ACME_ENTRIES },
    { place: 'adminPages', id: 'entries', edits: Object.values(E) },
  ] },
  { who: 'Sam (support, with edit rights)', actor: sam, places: [
    { place: 'clientSummary', id: ID.acme, edits: [E.pos, E.switch, E.vps, E.mailbox, E.nas, E.ticket, E.stripe] },
    { place: 'ticketSidebar', id: ID.serviceTicket, edits: [E.pos, E.switch, E.vps, E.mailbox, E.nas, E.ticket, E.stripe] },
  ] },
  { who: 'Acme (client account)', actor: acme, places: [
    { place: 'clientArea', edits: [E.pos, E.switch, E.vps, E.mailbox, E.nas, E.stripe, E.alarm, E.legacy] },
  ] },
  { who: 'Dev (contact allowed to edit)', actor: acmeDev, places: [
    { place: 'clientArea', edits: [E.pos, E.switch, E.mailbox, E.nas, E.stripe] },
  ] },
];

interface Editable { id: string; name: string; categoryId: string | null }

forEachDatabase('e2e: saving an edit dialog untouched changes nothing', (db) => {
  let browser: Browser;
  let hosts: SameHosts;

  before(async function () {
    requireChromium(this);
    browser = await launchChromium();
    hosts = await SameHosts.start(db, browser);
    hosts.directory.data.devices.push({ id: DEVICE, clientId: ID.acme, name: 'Office NAS' });
    await seed(hosts.vault.lk);
  });
  after(async () => {
    await hosts?.close();
    await browser?.close().catch(() => undefined);
  });

  /** Every change request the page sends (the API's PATCH, POST, PUT, DELETE), with its body. */
  function changeRequests(page: Page): Array<{ method: string; url: string; body: unknown }> {
    const sent: Array<{ method: string; url: string; body: unknown }> = [];
    page.on('request', (request: Request) => {
      if (request.method() === 'GET' || !request.url().includes('/latchkey/api/')) return;
      sent.push({ method: request.method(), url: request.url(), body: request.postDataJSON() });
    });
    return sent;
  }

  const editables = async (page: Page): Promise<Editable[]> =>
    (await page.locator('[data-lk-edit]').evaluateAll((buttons: any[]) => buttons.map((b) => b.dataset.lkEdit))).map((json) => JSON.parse(json as string) as Editable);

  for (const visit of VISITS) {
    it(`${visit.who}: every edit dialog saved untouched keeps the stored rows, grants and audit trail as they were`, async () => {
      const [first, ...more] = visit.places;
      const { page, watch } = await hosts.inProcess(visit.actor, first!.place, first!.id);
      const sent = changeRequests(page);
      for (const { place, id, edits } of visit.places) {
        const where = `${visit.who} in ${place}`;
        if (more.some((m) => m.place === place && m.id === id)) {
          await page.goto(`${hosts.latchkeyOrigin}${inProcessPath(place, id)}`, { waitUntil: 'load' });
        }
        const entries = await editables(page);
        expect(entries.map((e) => e.name).sort(), `${where}: the entries offered for editing`).to.deep.equal([...edits].sort());
        for (const entry of entries) {
          const before = await snapshotTables(hosts.vault);
          await page.locator(`[data-lk-row="${entry.id}"] [data-lk-edit]`).click();
          const dialog = page.locator('dialog[data-lk-entry-dialog][open]');
          await dialog.waitFor();
          expect(await dialog.locator('h2').innerText(), `${where}: the dialog names its entry`).to.equal(`Edit “${entry.name}”`);
          const category = dialog.locator('select[name="categoryId"]');
          if (await category.count() > 0) {
            expect(await category.inputValue(), `${where}, ${entry.name}: the category shown`).to.equal(entry.categoryId ?? '');
          }
          await dialog.locator('button[type="submit"]').click();
          await dialog.waitFor({ state: 'detached' });
          expect(await snapshotTables(hosts.vault), `${where}, ${entry.name}: the stored rows`).to.deep.equal(before);
        }
        expect(sent, `${where}: change requests`).to.deep.equal([]);
      }
      expectQuiet(watch, visit.who);
    });
  }

  it('the dialog shows a client category staff cannot file into by name, as the client\'s, secrets as kept, and says when nothing changed', async () => {
    const { page } = await hosts.inProcess(olivia, 'clientSummary', ID.acme);
    const pos = (await editables(page)).find((e) => e.name === E.pos)!;
    await page.locator(`[data-lk-row="${pos.id}"] [data-lk-edit]`).click();
    const dialog = page.locator('dialog[open]');
    expect(await dialog.locator('select[name="categoryId"] option:checked').textContent()).to.equal("Shop & payments (the client's category: kept)");
    expect(await dialog.locator('input[name="password"]').getAttribute('placeholder')).to.equal('Saved (encrypted): leave empty to keep it');
    expect(await dialog.locator('textarea[name="notes"]').getAttribute('placeholder')).to.equal('');
    await dialog.locator('button[type="submit"]').click();
    await page.locator('[data-lk-toast].lk-visible').waitFor();
    expect(await page.locator('[data-lk-toast]').textContent()).to.equal('Nothing changed: nothing was saved.');
  });

  it('changing one field sends that field alone, and the audit trail and the row record that field alone', async () => {
    const lk = hosts.vault.lk;
    const { page, watch } = await hosts.inProcess(olivia, 'clientSummary', ID.acme);
    const sent = changeRequests(page);
    const pos = (await editables(page)).find((e) => e.name === E.pos)!;
    const stored = await lk.entries.get(olivia, pos.id);
    const before = await snapshotTables(hosts.vault);
    await page.locator(`[data-lk-row="${pos.id}"] [data-lk-edit]`).click();
    await page.locator('dialog[open] input[name="username"]').fill('cashier@acme.test');
    await Promise.all([page.waitForEvent('load'), page.locator('dialog[open] button[type="submit"]').click()]);

    expect(sent.map((r) => [r.method, new URL(r.url).pathname, r.body])).to.deep.equal([
      ['PATCH', `/latchkey/api/entries/${pos.id}`, { username: 'cashier@acme.test', version: stored.version }],
    ]);
    const after = await snapshotTables(hosts.vault);
    expect(changedColumns(before, after, hosts.vault.tables.entries, pos.id)).to.deep.equal(['updated_at', 'username', 'version']);
    const events = await lk.audit.list(olivia, { action: 'entry.update' });
    expect(events.map((e) => [e.entryId, e.details])).to.deep.equal([[pos.id, { fields: ['username'], place: 'clientSummary' }]]);
    const now: EntryView = await lk.entries.get(olivia, pos.id);
    expect(now.categoryId).to.equal(stored.categoryId);
    expectQuiet(watch, 'one change');
  });
});

/** The columns of one row that differ between two snapshots. */
function changedColumns(before: TableSnapshot, after: TableSnapshot, table: string, id: string): string[] {
  const row = (snapshot: TableSnapshot) => snapshot[table]!.find((r) => (r as { id: string }).id === id) as Record<string, unknown>;
  const [a, b] = [row(before), row(after)];
  return Object.keys(a).filter((column) => JSON.stringify(a[column]) !== JSON.stringify(b[column])).sort();
}
