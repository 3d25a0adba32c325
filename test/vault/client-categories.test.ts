import { expect } from 'chai';
import { ForbiddenError, ValidationError, type Latchkey } from '../../core/index.ts';
import { forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { acme, acmeDev, globex, hostFixture, owner, sam } from '../support/host-fixture.ts';
import { clearVault, rejection } from '../policy/policy-support.ts';

/** "Any categories created by clients will be automatically visible for admins in the addon where you can manage them." */
forEachDatabase('clients\' categories in the addon', (db) => {
  let vault: Vault;
  let lk: Latchkey;

  before(async () => {
    vault = await openVault(db, hostFixture());
    lk = vault.lk;
  });
  after(async () => { await vault.close(); });
  beforeEach(() => clearVault(vault));

  it('addon managers list every client\'s categories, a page at a time, with the total', async () => {
    await lk.categories.create(acme, { name: 'Shop', members: [{ kind: 'contact', id: 'k-acme-dev' }] });
    await lk.categories.create(acme, { name: 'Office', members: [] });
    await lk.categories.create(globex, { name: 'Servers', members: [] });
    await lk.categories.create(owner, { name: 'Network', members: [] });
    const all = await lk.categories.listOfClients(owner, { limit: 2 });
    expect(all.total).to.equal(3);
    expect(all.items.map((c) => c.name)).to.deep.equal(['Office', 'Servers']);
    const rest = await lk.categories.listOfClients(owner, { limit: 2, offset: 2 });
    expect(rest.items.map((c) => c.name)).to.deep.equal(['Shop']);
    expect(rest.items[0]!.members).to.deep.equal([{ kind: 'contact', id: 'k-acme-dev', canEdit: false }]);
    const acmeOnly = await lk.categories.listOfClients(owner, { clientId: 'c-acme' });
    expect(acmeOnly.items.map((c) => c.owner.id)).to.deep.equal(['c-acme', 'c-acme']);
  });

  it('staff who do not run the addon neither list nor change a client\'s categories', async () => {
    const shop = await lk.categories.create(acme, { name: 'Shop', members: [] });
    expect(await rejection(lk.categories.listOfClients(sam))).to.be.instanceOf(ForbiddenError);
    expect((await rejection(lk.categories.update(sam, shop.id, { name: 'Mine' }))).name).to.equal('NotFoundError');
    expect((await rejection(lk.categories.delete(sam, shop.id))).name).to.equal('NotFoundError');
  });

  it('a rename by an addon manager is what the client sees, and the audit names the old and new name', async () => {
    const shop = await lk.categories.create(acme, { name: 'Shop', members: [{ kind: 'contact', id: 'k-acme-dev' }] });
    await lk.categories.update(owner, shop.id, { name: 'Shop & payments' });
    const seen = await lk.categories.list(acme);
    expect(seen.map((c) => c.name)).to.deep.equal(['Shop & payments']);
    expect(seen[0]!.members).to.deep.equal([{ kind: 'contact', id: 'k-acme-dev', canEdit: false }]);
    const [event] = await lk.audit.list(owner, { action: 'category.update', limit: 1 });
    expect(event!.actor).to.deep.include({ kind: 'admin', id: 'a-owner' });
    expect(event!.clientId).to.equal('c-acme');
    expect(event!.details).to.deep.include({ name: 'Shop & payments', previousName: 'Shop', ownerClientId: 'c-acme' });
  });

  it('who is in a client\'s category stays the client\'s choice: staff changing members is refused, naming the field', async () => {
    const shop = await lk.categories.create(acme, { name: 'Shop', members: [] });
    const refused = await rejection(lk.categories.update(owner, shop.id, { members: [{ kind: 'contact', id: 'k-acme-dev' }] }));
    expect(refused).to.be.instanceOf(ValidationError);
    expect((refused as ValidationError).issues.map((i) => i.field)).to.deep.equal(['members']);
    expect((await lk.categories.list(acme))[0]!.members).to.deep.equal([]);
  });

  it('deleting a client\'s category un-files its entries and never deletes them; the contact it shared with loses that access', async () => {
    const shop = await lk.categories.create(acme, { name: 'Shop', members: [{ kind: 'contact', id: 'k-acme-dev' }] });
    const entry = await lk.entries.create(acme, { name: 'POS', password: 'pos', categoryId: shop.id });
    expect((await lk.entries.get(acmeDev, entry.id)).id).to.equal(entry.id);
    await lk.categories.delete(owner, shop.id);
    expect((await lk.entries.get(acme, entry.id)).categoryId).to.equal(null);
    expect((await rejection(lk.entries.get(acmeDev, entry.id))).name).to.equal('NotFoundError');
    const [event] = await lk.audit.list(owner, { action: 'category.delete', limit: 1 });
    expect(event!.details).to.deep.include({ name: 'Shop', ownerClientId: 'c-acme' });
  });
});
