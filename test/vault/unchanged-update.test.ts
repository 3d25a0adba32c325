import { expect } from 'chai';
import type { MemoryDirectory } from '../../adapters/memory/memory-directory.ts';
import type { AdminActor, ClientActor, EntryView, Latchkey, UpdateEntryInput } from '../../core/index.ts';
import { forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { acme, acmeDev, hostFixture, owner, sam } from '../support/host-fixture.ts';
import { emptyTables, snapshotTables, type TableSnapshot } from '../support/table-rows.ts';

/**
 * An update changes only the fields it names, and a field named with the value
 * already stored is no change: secrets compared after decrypting, URLs and TOTP
 * seeds after the normalising they get when stored. An update without a real
 * change writes nothing: same row, same version, no audit event, no mail.
 */
forEachDatabase('entries: an update changes only what it really changes', (db) => {
  let vault: Vault;
  let lk: Latchkey;
  let directory: MemoryDirectory;

  before(async () => {
    directory = hostFixture();
    vault = await openVault(db, directory);
    lk = vault.lk;
  });
  beforeEach(async () => {
    await emptyTables(vault);
    // Sam sees client data; Olivia's role is extended, so she may file client entries and share them.
    await lk.settings.update(owner, { adminAccessMode: 'restricted', allowedAdminIds: ['a-sam'], extendedAdminRoleIds: ['r-full'] });
  });
  after(async () => { await vault.close(); });

  const TOTP = 'JBSWY3DPEHPK3PXPJBSWY3DP';
  /** Everything an entry can hold, as stored. */
  const full = {
    name: 'Square POS back office', username: 'olivia@shop.test', password: 'pos-pw-1',
    websiteUrl: 'https://squareup.test/', loginUrl: 'https://squareup.test/login',
    notes: 'PIN for the till: 4711', totpSecret: TOTP,
    serviceId: 's-acme-web', contactId: 'k-acme-dev', deviceId: 'd-fw', ticketId: 't-100',
    reminderDays: 45, notifyOnChange: true, tags: ['Payments', 'shop'],
  };

  /** Every field the entry holds, named with the value it holds, the way a form that loaded it would send it. */
  const sameValues = (entry: EntryView): UpdateEntryInput => ({
    version: entry.version,
    name: ` ${full.name} `,
    username: full.username,
    password: full.password,
    websiteUrl: `  ${full.websiteUrl}`,
    loginUrl: `${full.loginUrl}\t`,
    notes: full.notes,
    // Stored upper case without separators: typed in groups, lower case, it is the same seed.
    totpSecret: 'jbsw y3dp ehpk 3pxp jbsw y3dp',
    serviceId: full.serviceId,
    contactId: full.contactId,
    deviceId: full.deviceId,
    ticketId: full.ticketId,
    categoryId: entry.categoryId,
    sharedWithAdmin: entry.sharedWithAdmin,
    reminderDays: full.reminderDays,
    notifyOnChange: full.notifyOnChange,
    // The same tags in another order, with spaces around: normalised, they are the stored ones.
    tags: ['shop ', ' Payments'],
  });

  /** A client entry in the client's own category, seen by a contact through it, watched by the contact. */
  async function clientEntry(): Promise<EntryView> {
    const shop = await lk.categories.create(acme, { name: 'Shop & payments', members: [{ kind: 'contact', id: 'k-acme-dev', canEdit: true }] });
    const entry = await lk.entries.create(acme, { ...full, categoryId: shop.id, sharedWithAdmin: true });
    await lk.entries.share(owner, entry.id, { version: 1, grants: [{ kind: 'admin', id: 'a-sam', canEdit: true }], sharedWithAdmin: true });
    await lk.entries.watch(acmeDev, entry.id, true);
    return lk.entries.get(acme, entry.id);
  }

  /** A staff entry for the client in an admin category, Sam and the contact may edit it. */
  async function staffEntry(): Promise<EntryView> {
    const network = await lk.categories.create(owner, { name: 'Network gear' });
    return lk.entries.create(owner, {
      ...full, clientId: 'c-acme', categoryId: network.id,
      grants: [{ kind: 'admin', id: 'a-sam', canEdit: true }, { kind: 'contact', id: 'k-acme-dev', canEdit: true }],
    });
  }

  const editors: Array<[string, () => Promise<EntryView>, Array<AdminActor | ClientActor>]> = [
    ["a client's entry in its own category", clientEntry, [acme, acmeDev, owner, sam]],
    ['a staff entry in an admin category', staffEntry, [owner, sam, acmeDev]],
  ];
  const who = (actor: AdminActor | ClientActor) => (actor.kind === 'admin' ? actor.adminId : actor.contactId ?? actor.clientId);

  for (const [what, make, actors] of editors) {
    for (const actor of actors) {
      it(`${what}, saved by ${who(actor)} with every value as stored, writes nothing: same row, version, audit trail and outbox`, async () => {
        const entry = await make();
        const before = await snapshotTables(vault);
        const saved = await lk.entries.update(actor, entry.id, sameValues(entry));
        expect(await snapshotTables(vault)).to.deep.equal(before);
        expect(saved).to.deep.equal(await lk.entries.get(owner, entry.id));
        expect(saved.version).to.equal(entry.version);
      });
    }
  }

  it('an update naming only the version writes nothing', async () => {
    const entry = await clientEntry();
    const before = await snapshotTables(vault);
    expect((await lk.entries.update(acme, entry.id, { version: entry.version })).version).to.equal(entry.version);
    expect(await snapshotTables(vault)).to.deep.equal(before);
  });

  it('an unchanged link to a ticket the host no longer knows is kept, not refused; a new link to it is refused', async () => {
    const entry = await staffEntry();
    const tickets = directory.data.tickets;
    directory.data.tickets = [];
    try {
      const before = await snapshotTables(vault);
      await lk.entries.update(sam, entry.id, { version: entry.version, ticketId: 't-100', serviceId: 's-acme-web' });
      expect(await snapshotTables(vault)).to.deep.equal(before);
      const other = await lk.entries.create(owner, { name: 'Unlinked', clientId: 'c-acme' });
      const refused = await lk.entries.update(owner, other.id, { version: 1, ticketId: 't-100' }).then(() => null, (err: Error) => err);
      expect(refused?.name).to.equal('ValidationError');
    } finally {
      directory.data.tickets = tickets;
    }
  });

  /** The columns of the entry's row that differ between two snapshots. */
  function changedColumns(before: TableSnapshot, after: TableSnapshot, id: string): string[] {
    const row = (snapshot: TableSnapshot) => snapshot[vault.tables.entries]!.find((r) => (r as { id: string }).id === id) as Record<string, unknown>;
    const [a, b] = [row(before), row(after)];
    return Object.keys(a).filter((column) => JSON.stringify(a[column]) !== JSON.stringify(b[column])).sort();
  }
  const updateEvents = async () => (await lk.audit.list(owner, { action: 'entry.update' })).map((e) => e.details);

  const oneChange: Array<[keyof UpdateEntryInput, unknown, string[]]> = [
    ['username', 'till@shop.test', ['username']],
    ['loginUrl', 'https://squareup.test/signin', ['login_url']],
    ['notes', 'PIN for the till: 0815', ['notes_ct']],
    ['reminderDays', 30, ['next_reminder_at', 'reminder_days']],
    ['ticketId', null, ['ticket_id']],
    ['categoryId', null, ['category_id', 'category_name']],
  ];
  for (const [field, value, columns] of oneChange) {
    it(`changing ${field} among unchanged values changes only ${columns.join(' and ')} (with version and time), and audits only ${field}`, async () => {
      const entry = await clientEntry();
      const before = await snapshotTables(vault);
      const saved = await lk.entries.update(acme, entry.id, { ...sameValues(entry), [field]: value });
      const after = await snapshotTables(vault);
      expect(changedColumns(before, after, entry.id)).to.deep.equal([...columns, 'updated_at', 'version'].sort());
      expect(saved.version).to.equal(entry.version + 1);
      expect(await updateEvents()).to.deep.equal([{ fields: [field] }]);
      expect(after[vault.tables.outbox]).to.deep.equal(before[vault.tables.outbox]);
      expect(after[vault.tables.grants]).to.deep.equal(before[vault.tables.grants]);
    });
  }

  it('changing the password among unchanged values changes only it, keeps the old one in history, and queues the change mail', async () => {
    const entry = await clientEntry();
    const before = await snapshotTables(vault);
    await lk.entries.update(acme, entry.id, { ...sameValues(entry), password: 'pos-pw-2' });
    const after = await snapshotTables(vault);
    expect(changedColumns(before, after, entry.id)).to.deep.equal(
      ['next_reminder_at', 'password_changed_at', 'password_ct', 'updated_at', 'version'],
    );
    expect(await updateEvents()).to.deep.equal([{ fields: ['password'] }]);
    expect(after[vault.tables.history]).to.have.length(1);
    expect(after[vault.tables.outbox]!.length).to.be.above(before[vault.tables.outbox]!.length);
    expect((await lk.entries.reveal(acme, entry.id)).notes?.expose()).to.equal(full.notes);
  });
});
