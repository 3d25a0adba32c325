import { expect } from 'chai';
import { ForbiddenError, NotFoundError, ValidationError, type Category, type Latchkey } from '../../core/index.ts';
import { forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { acme, acmeDev, globex, hostFixture, owner, sam, sid } from '../support/host-fixture.ts';
import { countRows, emptyTables, rejection, snapshotTables } from '../support/table-rows.ts';

const namesOf = (list: Category[]) => list.map((c) => c.name);

forEachDatabase('categories', (db) => {
  let vault: Vault;
  let lk: Latchkey;

  before(async () => {
    vault = await openVault(db, hostFixture());
    lk = vault.lk;
  });
  beforeEach(async () => { await emptyTables(vault); });
  after(async () => { await vault.close(); });

  it('the addon manager creates, lists, renames, re-members and deletes admin categories', async () => {
    const created = await lk.categories.create(owner, {
      name: 'Network', members: [{ kind: 'admin', id: 'a-sam' }, { kind: 'admin_role', id: 'r-sysadmin', canEdit: true }],
    });
    expect(created.owner).to.deep.equal({ kind: 'admin', id: 'a-owner' });
    expect(created.members).to.deep.equal([
      { kind: 'admin', id: 'a-sam', canEdit: false },
      { kind: 'admin_role', id: 'r-sysadmin', canEdit: true },
    ]);
    await lk.categories.create(owner, { name: 'Databases' });
    expect(namesOf(await lk.categories.list(owner))).to.deep.equal(['Databases', 'Network']);

    const renamed = await lk.categories.update(owner, created.id, { name: 'Networking' });
    expect(renamed.name).to.equal('Networking');
    expect(renamed.members).to.have.length(2);
    const remembered = await lk.categories.update(owner, created.id, { members: [{ kind: 'client', id: 'c-acme' }, { kind: 'contact', id: 'k-globex-ops' }] });
    expect(remembered.name).to.equal('Networking');
    const [listed] = (await lk.categories.list(owner)).filter((c) => c.id === created.id);
    expect(listed!.members).to.have.deep.members([
      { kind: 'client', id: 'c-acme', canEdit: false },
      { kind: 'contact', id: 'k-globex-ops', canEdit: false },
    ]);

    await lk.categories.delete(owner, created.id);
    expect(namesOf(await lk.categories.list(owner))).to.deep.equal(['Databases']);
    expect(await vault.raw(vault.tables.categoryMembers).where('category_id', created.id)).to.deep.equal([]);
  });

  it('every admin sees the admin categories; a client sees its own and those it is a member of', async () => {
    await lk.categories.create(owner, { name: 'Staff only' });
    await lk.categories.create(owner, { name: 'Shared with Acme', members: [{ kind: 'client', id: 'c-acme' }] });
    await lk.categories.create(owner, { name: 'For the Acme dev', members: [{ kind: 'contact', id: 'k-acme-dev' }] });
    await lk.categories.create(acme, { name: 'Acme private' });
    await lk.categories.create(globex, { name: 'Globex private' });
    expect(namesOf(await lk.categories.list(sam))).to.deep.equal(['For the Acme dev', 'Shared with Acme', 'Staff only']);
    expect(namesOf(await lk.categories.list(acme))).to.deep.equal(['Acme private', 'For the Acme dev', 'Shared with Acme']);
    expect(namesOf(await lk.categories.list(acmeDev))).to.deep.equal(['For the Acme dev']);
    expect(namesOf(await lk.categories.list(globex))).to.deep.equal(['Globex private']);
    expect(await lk.categories.list({ kind: 'admin', adminId: 'a-unknown' })).to.deep.equal([]);
  });

  it('a client creates, renames and deletes its own categories, with its own contacts as members', async () => {
    const mine = await lk.categories.create(acme, { name: 'Servers', members: [{ kind: 'contact', id: 'k-acme-dev', canEdit: true }] });
    expect(mine.owner).to.deep.equal({ kind: 'client', id: 'c-acme' });
    expect(namesOf(await lk.categories.list(acmeDev))).to.deep.equal(['Servers']);
    const renamed = await lk.categories.update(acme, mine.id, { name: 'Our servers', members: [] });
    expect(renamed.members).to.deep.equal([]);
    expect(await lk.categories.list(acmeDev)).to.deep.equal([]);
    await lk.categories.delete(acme, mine.id);
    expect(await lk.categories.list(acme)).to.deep.equal([]);
  });

  it('deleting a category leaves its entries in place, uncategorised', async () => {
    const admin = await lk.categories.create(owner, { name: 'Network', members: [{ kind: 'admin', id: 'a-sam' }] });
    const client = await lk.categories.create(acme, { name: 'Mine', members: [{ kind: 'contact', id: 'k-acme-dev' }] });
    const adminEntry = await lk.entries.create(owner, { name: 'Switch', password: 'switch-pw', categoryId: admin.id });
    const clientEntry = await lk.entries.create(acme, { name: 'Mail', password: 'mail-pw', categoryId: client.id });
    // Membership gave access to what is filed in the category...
    expect((await lk.entries.list(sam)).items.map((e) => e.id)).to.deep.equal([adminEntry.id]);
    expect((await lk.entries.list(acmeDev)).items.map((e) => e.id)).to.deep.equal([clientEntry.id]);

    await lk.categories.delete(owner, admin.id);
    await lk.categories.delete(acme, client.id);
    for (const [actor, entry] of [[owner, adminEntry], [acme, clientEntry]] as const) {
      const stored = await lk.entries.get(actor, entry.id);
      expect(stored.categoryId).to.equal(null);
      expect(stored.name).to.equal(entry.name);
      expect((await lk.entries.reveal(actor, entry.id)).password?.expose()).to.equal(entry.name === 'Switch' ? 'switch-pw' : 'mail-pw');
    }
    expect(await countRows(vault, vault.tables.entries)).to.equal(2);
    expect(await countRows(vault, vault.tables.categories)).to.equal(0);
    expect(await countRows(vault, vault.tables.categoryMembers)).to.equal(0);
    // ...and goes with it.
    expect((await lk.entries.list(sam)).total).to.equal(0);
    expect((await lk.entries.list(acmeDev)).total).to.equal(0);
    // The entry can be filed again, from its unchanged version.
    const again = await lk.categories.create(owner, { name: 'Network 2' });
    const refiled = await lk.entries.update(owner, adminEntry.id, { version: adminEntry.version, categoryId: again.id });
    expect(refiled.categoryId).to.equal(again.id);
  });

  it('a category member sees and reveals what is filed there, and edits only with canEdit', async () => {
    const category = await lk.categories.create(owner, { name: 'Network', members: [{ kind: 'admin', id: 'a-sam' }] });
    const entry = await lk.entries.create(owner, { name: 'Switch', password: 'switch-pw', categoryId: category.id });
    expect((await lk.entries.reveal(sam, entry.id)).password?.expose()).to.equal('switch-pw');
    await rejection(lk.entries.update(sam, entry.id, { version: 1, name: 'x' }), ForbiddenError);
    await lk.categories.update(owner, category.id, { members: [{ kind: 'admin', id: 'a-sam', canEdit: true }] });
    expect((await lk.entries.update(sam, entry.id, { version: 1, name: 'Core switch' })).version).to.equal(2);
    await rejection(lk.entries.delete(sam, entry.id, { version: 2 }), ForbiddenError);
    await lk.categories.update(owner, category.id, { members: [] });
    await rejection(lk.entries.get(sam, entry.id), NotFoundError);
  });

  it('a non-manager admin cannot create, rename or delete admin categories, and nothing is written', async () => {
    const category = await lk.categories.create(owner, { name: 'Network', members: [{ kind: 'admin', id: 'a-sam' }] });
    const before = await snapshotTables(vault);
    await rejection(lk.categories.create(sam, { name: 'Mine' }), ForbiddenError);
    await rejection(lk.categories.update(sam, category.id, { name: 'Renamed' }), ForbiddenError);
    await rejection(lk.categories.update(sid, category.id, { members: [{ kind: 'admin', id: 'a-sys' }] }), ForbiddenError);
    await rejection(lk.categories.delete(sam, category.id), ForbiddenError);
    await rejection(lk.categories.create({ kind: 'admin', adminId: 'a-unknown' }, { name: 'Ghost' }), ForbiddenError);
    await rejection(lk.categories.create({ kind: 'system' }, { name: 'Robot' }), ForbiddenError);
    expect(await snapshotTables(vault)).to.deep.equal(before);
  });

  it('an admin in an extended-permission role manages admin categories too', async () => {
    await rejection(lk.categories.create(sid, { name: 'Sysadmin stuff' }), ForbiddenError);
    await lk.settings.update(owner, { extendedAdminRoleIds: ['r-sysadmin'] });
    const created = await lk.categories.create(sid, { name: 'Sysadmin stuff' });
    expect(created.owner).to.deep.equal({ kind: 'admin', id: 'a-sys' });
    await lk.categories.update(sid, created.id, { name: 'Sysadmins' });
    expect(namesOf(await lk.categories.list(owner))).to.deep.equal(['Sysadmins']);
  });

  it('a client cannot add a member that is not one of its contacts', async () => {
    const before = await snapshotTables(vault);
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ kind: 'admin', id: 'a-sam' }, 'members.0.kind'],
      [{ kind: 'admin_role', id: 'r-support' }, 'members.0.kind'],
      [{ kind: 'client', id: 'c-acme' }, 'members.0.kind'],
      [{ kind: 'client', id: 'c-globex' }, 'members.0.kind'],
      [{ kind: 'contact', id: 'k-globex-ops' }, 'members.0.id'],
      [{ kind: 'contact', id: 'k-nobody' }, 'members.0.id'],
    ];
    for (const [member, field] of bad) {
      const err = await rejection(lk.categories.create(acme, { name: 'Mine', members: [member as never] }), ValidationError);
      expect(err.field, JSON.stringify(member)).to.equal(field);
    }
    expect(await snapshotTables(vault)).to.deep.equal(before);

    const mine = await lk.categories.create(acme, { name: 'Mine' });
    const after = await snapshotTables(vault);
    const err = await rejection(lk.categories.update(acme, mine.id, {
      members: [{ kind: 'contact', id: 'k-acme-dev' }, { kind: 'admin', id: 'a-sam' }],
    }), ValidationError);
    expect(err.field).to.equal('members.1.kind');
    expect(await snapshotTables(vault)).to.deep.equal(after);
  });

  it('a contact other than the main one cannot create or change its client\'s categories', async () => {
    const mine = await lk.categories.create(acme, { name: 'Mine', members: [{ kind: 'contact', id: 'k-acme-dev' }] });
    await rejection(lk.categories.create(acmeDev, { name: 'Dev' }), ForbiddenError);
    await rejection(lk.categories.update(acmeDev, mine.id, { name: 'Renamed' }), ForbiddenError);
    await rejection(lk.categories.delete(acmeDev, mine.id), ForbiddenError);
  });

  it("another client, and staff who do not run the addon, cannot see or change a client's category", async () => {
    const mine = await lk.categories.create(acme, { name: 'Mine' });
    const before = await snapshotTables(vault);
    for (const actor of [globex, owner, sam]) {
      // Addon managers find clients' categories on their own page (listOfClients), not among the admin categories.
      expect(namesOf(await lk.categories.list(actor))).not.to.include('Mine');
      if (actor === owner) continue;
      await rejection(lk.categories.update(actor, mine.id, { name: 'Taken' }), NotFoundError);
      await rejection(lk.categories.delete(actor, mine.id), NotFoundError);
    }
    await rejection(lk.categories.delete(acme, '01900000-0000-7000-8000-000000000000'), NotFoundError);
    expect(await snapshotTables(vault)).to.deep.equal(before);
  });

  it('a client cannot change an admin category it is a member of', async () => {
    const shared = await lk.categories.create(owner, { name: 'Shared', members: [{ kind: 'client', id: 'c-acme' }] });
    await rejection(lk.categories.update(acme, shared.id, { name: 'Mine now' }), NotFoundError);
    await rejection(lk.categories.delete(acme, shared.id), NotFoundError);
    expect(namesOf(await lk.categories.list(owner))).to.deep.equal(['Shared']);
  });

  it('stores each member once, able to edit if any repeat said so', async () => {
    const created = await lk.categories.create(owner, {
      name: 'Network',
      members: [{ kind: 'admin', id: 'a-sam' }, { kind: 'admin_role', id: 'r-support' }, { kind: 'admin', id: 'a-sam', canEdit: true }],
    });
    expect(created.members).to.deep.equal([
      { kind: 'admin', id: 'a-sam', canEdit: true },
      { kind: 'admin_role', id: 'r-support', canEdit: false },
    ]);
    const updated = await lk.categories.update(owner, created.id, {
      members: [{ kind: 'contact', id: 'k-acme-dev', canEdit: true }, { kind: 'contact', id: 'k-acme-dev' }],
    });
    expect(updated.members).to.deep.equal([{ kind: 'contact', id: 'k-acme-dev', canEdit: true }]);
    expect(await countRows(vault, vault.tables.categoryMembers)).to.equal(1);
  });

  it('a rename and a member change made at the same time both take effect', async () => {
    const category = await lk.categories.create(owner, { name: 'Network' });
    await Promise.all([
      lk.categories.update(owner, category.id, { name: 'Networking' }),
      lk.categories.update(owner, category.id, { members: [{ kind: 'admin', id: 'a-sam' }] }),
    ]);
    const [stored] = await lk.categories.list(owner);
    expect(stored!.name).to.equal('Networking');
    expect(stored!.members).to.deep.equal([{ kind: 'admin', id: 'a-sam', canEdit: false }]);
  });

  it('two member changes made at the same time both succeed, and one of them stands whole', async () => {
    const category = await lk.categories.create(owner, { name: 'Network' });
    const sets = [[{ kind: 'admin' as const, id: 'a-sam' }], [{ kind: 'admin' as const, id: 'a-sys' }, { kind: 'admin_role' as const, id: 'r-support' }]];
    await Promise.all(sets.map((members) => lk.categories.update(owner, category.id, { members })));
    const [stored] = await lk.categories.list(owner);
    const ids = stored!.members.map((m) => m.id).sort();
    expect([['a-sam'], ['a-sys', 'r-support']]).to.deep.include(ids);
    expect(await lk.audit.verify()).to.deep.equal({ ok: true, events: 3 });
  });

  it('a category deleted while being renamed is simply gone', async () => {
    const category = await lk.categories.create(owner, { name: 'Network' });
    const outcomes = await Promise.allSettled([
      lk.categories.update(owner, category.id, { name: 'Renamed' }),
      lk.categories.delete(owner, category.id),
    ]);
    expect(outcomes[1].status).to.equal('fulfilled');
    if (outcomes[0].status === 'rejected') expect(outcomes[0].reason).to.be.instanceOf(NotFoundError);
    expect(await lk.categories.list(owner)).to.deep.equal([]);
    expect(await countRows(vault, vault.tables.categories)).to.equal(0);
  });
});
