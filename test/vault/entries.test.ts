import { expect } from 'chai';
import {
  LimitExceededError, NotFoundError, ValidationError, type EntryView, type Latchkey,
} from '../../core/index.ts';
import { ManualClock, forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { acme, acmeDev, globex, hostFixture, owner, sam } from '../support/host-fixture.ts';
import { countRows, emptyTables, rejection, snapshotTables } from '../support/table-rows.ts';

/** Exactly the fields a listed or fetched entry may carry: no ciphertext, no wrapped key, no secret. */
const VIEW_KEYS = [
  'id', 'source', 'name', 'username', 'websiteUrl', 'loginUrl', 'owner', 'clientId', 'links', 'categoryId',
  'sharedWithAdmin', 'private', 'reminderDays', 'notifyOnChange', 'clientFieldAccess', 'hasPassword', 'hasNotes', 'hasTotp', 'version',
  'createdAt', 'updatedAt', 'passwordChangedAt', 'tags',
];

const ids = (items: EntryView[]) => items.map((e) => e.id);
const names = (items: EntryView[]) => items.map((e) => e.name);

forEachDatabase('entries: list and search', (db) => {
  let vault: Vault;
  let lk: Latchkey;

  before(async () => {
    vault = await openVault(db, hostFixture());
    lk = vault.lk;
  });
  beforeEach(async () => {
    await emptyTables(vault);
    // The owner admin sees client data too, so one actor can list across clients.
    await lk.settings.update(owner, { adminAccessMode: 'full' });
  });
  after(async () => { await vault.close(); });

  it('lists by client: only the entries that concern that client', async () => {
    const a1 = await lk.entries.create(acme, { name: 'Acme own' });
    const a2 = await lk.entries.create(owner, { name: 'Acme router', clientId: 'c-acme' });
    const g1 = await lk.entries.create(globex, { name: 'Globex own' });
    await lk.entries.create(owner, { name: 'Internal' });
    expect(ids((await lk.entries.list(owner, { clientId: 'c-acme' })).items)).to.have.members([a1.id, a2.id]);
    expect(ids((await lk.entries.list(owner, { clientId: 'c-globex' })).items)).to.deep.equal([g1.id]);
    expect((await lk.entries.list(owner, { clientId: 'c-nobody' })).total).to.equal(0);
  });

  it('lists by owner: admin-owned and client-owned apart, and one owner alone', async () => {
    const a1 = await lk.entries.create(acme, { name: 'Acme own' });
    const o1 = await lk.entries.create(owner, { name: 'Acme router', clientId: 'c-acme' });
    const g1 = await lk.entries.create(globex, { name: 'Globex own' });
    expect(ids((await lk.entries.list(owner, { ownerKind: 'client' })).items)).to.have.members([a1.id, g1.id]);
    expect(ids((await lk.entries.list(owner, { ownerKind: 'admin' })).items)).to.deep.equal([o1.id]);
    expect(ids((await lk.entries.list(owner, { ownerKind: 'client', ownerId: 'c-globex' })).items)).to.deep.equal([g1.id]);
    expect(ids((await lk.entries.list(owner, { ownerId: 'a-owner' })).items)).to.deep.equal([o1.id]);
  });

  it('lists by category', async () => {
    const network = await lk.categories.create(owner, { name: 'Network' });
    const other = await lk.categories.create(owner, { name: 'Other' });
    const filed = await lk.entries.create(owner, { name: 'Switch', categoryId: network.id });
    await lk.entries.create(owner, { name: 'Printer', categoryId: other.id });
    await lk.entries.create(owner, { name: 'Loose' });
    expect(ids((await lk.entries.list(owner, { categoryId: network.id })).items)).to.deep.equal([filed.id]);
  });

  it('lists by linked service, contact, device and ticket', async () => {
    const service = await lk.entries.create(acme, { name: 'VPS panel', serviceId: 's-acme-vps' });
    const contact = await lk.entries.create(acme, { name: "Dev's mail", contactId: 'k-acme-dev' });
    const device = await lk.entries.create(acme, { name: 'Firewall admin', deviceId: 'd-fw' });
    const ticket = await lk.entries.create(owner, { name: 'Ticket login', clientId: 'c-acme', ticketId: 't-100' });
    await lk.entries.create(acme, { name: 'Unlinked' });
    expect(ids((await lk.entries.list(acme, { serviceId: 's-acme-vps' })).items)).to.deep.equal([service.id]);
    expect(ids((await lk.entries.list(acme, { contactId: 'k-acme-dev' })).items)).to.deep.equal([contact.id]);
    expect(ids((await lk.entries.list(acme, { deviceId: 'd-fw' })).items)).to.deep.equal([device.id]);
    expect(ids((await lk.entries.list(owner, { ticketId: 't-100' })).items)).to.deep.equal([ticket.id]);
    expect(ticket.links).to.deep.equal({ serviceId: null, contactId: null, deviceId: null, ticketId: 't-100' });
    // Filters combine.
    expect((await lk.entries.list(owner, { clientId: 'c-acme', serviceId: 's-acme-vps', deviceId: 'd-fw' })).total).to.equal(0);
  });

  it('searches text in the name, the username, the website URL and the login URL, ignoring case; in the sealed notes only the start of a word of their first line', async () => {
    const byName = await lk.entries.create(acme, { name: 'Webmail' });
    const byWebsite = await lk.entries.create(acme, { name: 'Portal', websiteUrl: 'https://mail.acme.test/' });
    const byLogin = await lk.entries.create(acme, { name: 'Admin', loginUrl: 'https://acme.test/MAIL/login' });
    const byUsername = await lk.entries.create(acme, { name: 'Database', username: 'Mailer' });
    const byNotes = await lk.entries.create(acme, { name: 'Relay', notes: 'Mailrelay of the office' });
    await lk.entries.create(acme, { name: 'Backups', notes: 'nightly\nmail' });
    await lk.entries.create(acme, { name: 'Printer', notes: 'Hotmail gateway' });
    expect(ids((await lk.entries.list(acme, { search: 'mail' })).items)).to.have.members([byName.id, byWebsite.id, byLogin.id, byUsername.id, byNotes.id]);
    expect(ids((await lk.entries.list(acme, { search: '  WEBMAIL ' })).items)).to.deep.equal([byName.id]);
  });

  it('treats % and _ in a search as literal characters, not wildcards', async () => {
    await lk.entries.create(acme, { name: '100% uptime' });
    await lk.entries.create(acme, { name: '100 uptime' });
    await lk.entries.create(acme, { name: 'db_main' });
    await lk.entries.create(acme, { name: 'dbxmain' });
    await lk.entries.create(acme, { name: 'wow!' });
    await lk.entries.create(acme, { name: 'C:\\backup' });
    await lk.entries.create(acme, { name: "O'Brien" });
    const search = async (text: string) => names((await lk.entries.list(acme, { search: text })).items);
    expect(await search('%')).to.deep.equal(['100% uptime']);
    expect(await search('0% u')).to.deep.equal(['100% uptime']);
    expect(await search('_')).to.deep.equal(['db_main']);
    expect(await search('db_m')).to.deep.equal(['db_main']);
    expect(await search('!')).to.deep.equal(['wow!']);
    expect(await search('\\')).to.deep.equal(['C:\\backup']);
    expect(await search("'")).to.deep.equal(["O'Brien"]);
    expect(await search('%%')).to.deep.equal([]);
  });

  it('pages with offset and limit in name order, and always reports the total', async () => {
    const all = ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo', 'Foxtrot', 'Golf'];
    for (const name of [...all].reverse()) await lk.entries.create(acme, { name });
    const pages = [];
    for (const offset of [0, 3, 6]) {
      const page = await lk.entries.list(acme, { offset, limit: 3 });
      expect(page.total).to.equal(7);
      expect(page.offset).to.equal(offset);
      expect(page.limit).to.equal(3);
      pages.push(...names(page.items));
    }
    expect(pages).to.deep.equal(all);
    const beyond = await lk.entries.list(acme, { offset: 10, limit: 3 });
    expect(beyond.items).to.deep.equal([]);
    expect(beyond.total).to.equal(7);
    const defaults = await lk.entries.list(acme);
    expect([defaults.offset, defaults.limit]).to.deep.equal([0, 50]);
  });

  it('counts the total under the same filter and visibility as the page', async () => {
    for (let i = 0; i < 4; i += 1) await lk.entries.create(acme, { name: `Acme ${i}` });
    for (let i = 0; i < 3; i += 1) await lk.entries.create(globex, { name: `Globex ${i}` });
    const page = await lk.entries.list(acme, { limit: 2 });
    expect(page.total).to.equal(4);
    expect((await lk.entries.list(globex, { search: 'Acme' })).total).to.equal(0);
    expect((await lk.entries.list(acmeDev)).total).to.equal(0);
    expect((await lk.entries.list(sam, { clientId: 'c-globex' })).total).to.equal(3);
  });

  it('never puts a ciphertext, a wrapped key or a secret in a list or a get', async () => {
    const sentinel = 'list-sentinel-pw-8841';
    const created = await lk.entries.create(acme, { name: 'Mail', password: sentinel, notes: `notes ${sentinel}`, totpSecret: 'JBSWY3DPEHPK3PXP' });
    const page = await lk.entries.list(acme);
    const fetched = await lk.entries.get(acme, created.id);
    for (const item of [...page.items, fetched, created]) {
      expect(Object.keys(item)).to.have.members(VIEW_KEYS);
      expect([item.hasPassword, item.hasNotes, item.hasTotp]).to.deep.equal([true, true, true]);
    }
    const [row] = await vault.raw(vault.tables.entries).where('id', created.id) as Array<Record<string, string>>;
    const text = JSON.stringify({ page, fetched, created });
    for (const leak of [sentinel, 'JBSWY3DPEHPK3PXP', row!.password_ct!, row!.notes_ct!, row!.totp_ct!, row!.wrapped_key!]) {
      expect(text).not.to.include(leak);
    }
    expect(text).not.to.match(/_ct|wrapped|kek/i);
  });

  it('a malformed or unknown entry id is simply not found', async () => {
    for (const id of ['not-a-uuid', '01900000-0000-7000-8000-000000000000', '', 'x'.repeat(500), "' OR 1=1 --"]) {
      await rejection(lk.entries.get(acme, id), NotFoundError);
      await rejection(lk.entries.reveal(acme, id), NotFoundError);
    }
  });
});

forEachDatabase('entries: history', (db) => {
  let vault: Vault;
  let lk: Latchkey;
  let clock: ManualClock;

  before(async () => {
    clock = new ManualClock();
    vault = await openVault(db, hostFixture(), { clock });
    lk = vault.lk;
  });
  beforeEach(async () => { await emptyTables(vault); });
  after(async () => { await vault.close(); });

  it(`keeps the last N passwords (settings historyDepth), newest first, each one revealable`, async () => {
    await lk.settings.update(owner, { historyDepth: 3 });
    const entry = await lk.entries.create(acme, { name: 'Mail', password: 'pw-1' });
    for (let v = 1; v <= 5; v += 1) {
      clock.advanceDays(1);
      await lk.entries.update(acme, entry.id, { version: v, password: `pw-${v + 1}` });
    }
    const history = await lk.entries.history(acme, entry.id);
    expect(history.map((h) => h.version)).to.deep.equal([5, 4, 3]);
    for (const item of history) {
      expect((await lk.entries.revealHistory(acme, entry.id, item.id)).expose()).to.equal(`pw-${item.version}`);
      expect(item.entryId).to.equal(entry.id);
      expect(item.changedBy).to.deep.equal({ kind: 'client', id: 'c-acme' });
    }
    expect(await countRows(vault, vault.tables.history)).to.equal(3);
    expect((await lk.entries.reveal(acme, entry.id)).password?.expose()).to.equal('pw-6');
  });

  it('with historyDepth 0 keeps no old password', async () => {
    await lk.settings.update(owner, { historyDepth: 0 });
    const entry = await lk.entries.create(acme, { name: 'Mail', password: 'pw-1' });
    await lk.entries.update(acme, entry.id, { version: 1, password: 'pw-2' });
    expect(await lk.entries.history(acme, entry.id)).to.deep.equal([]);
    expect(await countRows(vault, vault.tables.history)).to.equal(0);
  });

  it('setting the same password again creates no history and no new version', async () => {
    const entry = await lk.entries.create(acme, { name: 'Mail', password: 'same-pw' });
    const again = await lk.entries.update(acme, entry.id, { version: 1, password: 'same-pw' });
    expect(again.version).to.equal(1);
    const renamed = await lk.entries.update(acme, entry.id, { version: 1, name: 'Mail 2', password: 'same-pw' });
    expect(renamed.version).to.equal(2);
    expect(renamed.passwordChangedAt?.getTime()).to.equal(entry.passwordChangedAt?.getTime());
    expect(await lk.entries.history(acme, entry.id)).to.deep.equal([]);
    expect((await lk.audit.list(owner, { action: 'entry.update' })).map((e) => e.details)).to.deep.equal([{ fields: ['name'] }]);
  });

  it('a changed password sets passwordChangedAt; other changes leave it alone', async () => {
    const entry = await lk.entries.create(acme, { name: 'Mail' });
    expect(entry.passwordChangedAt).to.equal(null);
    clock.advanceDays(3);
    const withPassword = await lk.entries.update(acme, entry.id, { version: 1, password: 'first' });
    expect(withPassword.passwordChangedAt?.getTime()).to.equal(clock.now().getTime());
    clock.advanceDays(3);
    const renamed = await lk.entries.update(acme, entry.id, { version: 2, name: 'Mail (new)' });
    expect(renamed.passwordChangedAt?.getTime()).to.equal(withPassword.passwordChangedAt?.getTime());
    expect(renamed.updatedAt.getTime()).to.equal(clock.now().getTime());
    expect((await lk.entries.get(acme, entry.id)).passwordChangedAt?.getTime()).to.equal(withPassword.passwordChangedAt?.getTime());
    // Setting the first password kept no history: there was nothing before it.
    expect(await lk.entries.history(acme, entry.id)).to.deep.equal([]);
  });

  it('clearing the password keeps the old one in history', async () => {
    const entry = await lk.entries.create(acme, { name: 'Mail', password: 'to-be-cleared' });
    const cleared = await lk.entries.update(acme, entry.id, { version: 1, password: null });
    expect(cleared.hasPassword).to.equal(false);
    expect(cleared.passwordChangedAt).to.equal(null);
    const [old] = await lk.entries.history(acme, entry.id);
    expect((await lk.entries.revealHistory(acme, entry.id, old!.id)).expose()).to.equal('to-be-cleared');
  });

  it('history is shown only to those who may reveal, and one entry\'s version cannot be read through another', async () => {
    const entry = await lk.entries.create(acme, { name: 'Mail', password: 'pw-1' });
    await lk.entries.update(acme, entry.id, { version: 1, password: 'pw-2' });
    const other = await lk.entries.create(acme, { name: 'Other', password: 'x' });
    const [old] = await lk.entries.history(acme, entry.id);
    await rejection(lk.entries.history(globex, entry.id), NotFoundError);
    await rejection(lk.entries.revealHistory(globex, entry.id, old!.id), NotFoundError);
    await rejection(lk.entries.revealHistory(sam, entry.id, old!.id), NotFoundError);
    await rejection(lk.entries.revealHistory(acme, other.id, old!.id), NotFoundError);
  });
});

forEachDatabase('entries: limits and links', (db) => {
  let vault: Vault;
  let lk: Latchkey;

  before(async () => {
    vault = await openVault(db, hostFixture());
    lk = vault.lk;
  });
  beforeEach(async () => { await emptyTables(vault); });
  after(async () => { await vault.close(); });

  it('a client at its entry limit (clientEntryLimit) gets LimitExceededError, and nothing is written', async () => {
    await lk.settings.update(owner, { clientEntryLimit: 2 });
    await lk.entries.create(acme, { name: 'One' });
    await lk.entries.create(acme, { name: 'Two' });
    const before = await snapshotTables(vault);
    const err = await rejection(lk.entries.create(acme, { name: 'Three', password: 'p' }), LimitExceededError);
    expect(err.limit).to.equal(2);
    expect(err.code).to.equal('limit_exceeded');
    expect(await snapshotTables(vault)).to.deep.equal(before);
    // The limit is per client, and counts what the client owns (not what admins keep about it).
    await lk.entries.create(globex, { name: 'Globex one' });
    await lk.entries.create(owner, { name: 'About acme', clientId: 'c-acme' });
    // Deleting one makes room again; lifting the limit lifts it.
    const [first] = (await lk.entries.list(acme, { search: 'One' })).items;
    await lk.entries.delete(acme, first!.id, { version: first!.version });
    await lk.entries.create(acme, { name: 'Three' });
    await lk.settings.update(owner, { clientEntryLimit: null });
    await lk.entries.create(acme, { name: 'Four' });
    expect((await lk.entries.list(acme, { ownerKind: 'client' })).total).to.equal(3);
  });

  it('concurrent creates cannot exceed the entry limit', async () => {
    await lk.settings.update(owner, { clientEntryLimit: 3 });
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => lk.entries.create(acme, { name: `Entry ${i}` })));
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    for (const o of refused) expect(o.reason).to.be.instanceOf(LimitExceededError);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).to.have.length(3);
    expect(await countRows(vault, vault.tables.entries)).to.equal(3);
    expect(await lk.audit.verify()).to.deep.equal({ ok: true, events: 4 });
  });

  const foreign: Array<[string, string, Record<string, string>]> = [
    ['serviceId', "another client's service", { serviceId: 's-globex-vps' }],
    ['contactId', "another client's contact", { contactId: 'k-globex-ops' }],
    ['serviceId', 'a service that does not exist', { serviceId: 's-nope' }],
  ];
  for (const [field, what, link] of foreign) {
    it(`refuses a link to ${what}, naming ${field}`, async () => {
      const before = await snapshotTables(vault);
      const err = await rejection(lk.entries.create(acme, { name: 'x', ...link }), ValidationError);
      expect(err.field).to.equal(field);
      expect(await snapshotTables(vault)).to.deep.equal(before);
    });
  }

  it("refuses links to another client's ticket or device, on create and on update", async () => {
    let err = await rejection(lk.entries.create(globex, { name: 'x', ticketId: 't-100' }), ValidationError);
    expect(err.field).to.equal('ticketId');
    err = await rejection(lk.entries.create(globex, { name: 'x', deviceId: 'd-fw' }), ValidationError);
    expect(err.field).to.equal('deviceId');
    const entry = await lk.entries.create(globex, { name: 'Globex', serviceId: 's-globex-vps' });
    const before = await snapshotTables(vault);
    for (const [field, value] of [['ticketId', 't-100'], ['deviceId', 'd-fw'], ['serviceId', 's-acme-vps'], ['contactId', 'k-acme-dev']] as const) {
      err = await rejection(lk.entries.update(globex, entry.id, { version: 1, [field]: value }), ValidationError);
      expect(err.field).to.equal(field);
    }
    err = await rejection(lk.entries.create(owner, { name: 'x', clientId: 'c-globex', ticketId: 't-100' }), ValidationError);
    expect(err.field).to.equal('ticketId');
    expect(await snapshotTables(vault)).to.deep.equal(before);
  });

  it("accepts links to the client's own service, contact, device and ticket, and unlinking", async () => {
    const entry = await lk.entries.create(acme, { name: 'x', serviceId: 's-acme-web', contactId: 'k-acme-main', deviceId: 'd-fw', ticketId: 't-100' });
    expect(entry.links).to.deep.equal({ serviceId: 's-acme-web', contactId: 'k-acme-main', deviceId: 'd-fw', ticketId: 't-100' });
    const unlinked = await lk.entries.update(acme, entry.id, { version: 1, serviceId: null, ticketId: null });
    expect(unlinked.links).to.deep.equal({ serviceId: null, contactId: 'k-acme-main', deviceId: 'd-fw', ticketId: null });
  });

  it('stores one grant per person, able to edit if any repeat said so', async () => {
    const entry = await lk.entries.create(acme, {
      name: 'Shared',
      grants: [{ kind: 'contact', id: 'k-acme-dev' }, { kind: 'contact', id: 'k-acme-dev', canEdit: true }, { kind: 'contact', id: 'k-acme-main' }],
    });
    expect(await lk.entries.grants(acme, entry.id)).to.have.deep.members([
      { kind: 'contact', id: 'k-acme-dev', canEdit: true },
      { kind: 'contact', id: 'k-acme-main', canEdit: false },
    ]);
    await lk.entries.share(acme, entry.id, {
      version: 1, grants: [{ kind: 'contact', id: 'k-acme-main', canEdit: true }, { kind: 'contact', id: 'k-acme-main' }],
    });
    expect(await lk.entries.grants(acme, entry.id)).to.deep.equal([{ kind: 'contact', id: 'k-acme-main', canEdit: true }]);
    // The dev contact lost access with the new grants.
    await rejection(lk.entries.get(acmeDev, entry.id), NotFoundError);
  });
});
