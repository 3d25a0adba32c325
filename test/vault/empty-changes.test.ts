import { expect } from 'chai';
import type { Latchkey } from '../../core/index.ts';
import { forEachDatabase, ManualClock, openVault, type Vault } from '../support/databases.ts';
import { acme, hostFixture, owner } from '../support/host-fixture.ts';
import { countRows, emptyTables, snapshotTables } from '../support/table-rows.ts';

/**
 * A change that names no field, or names each field as it already is, is no
 * change: the vault writes nothing (not even `updated_at`) and audits nothing,
 * and answers with the thing as it is. A real change still writes and audits.
 */
forEachDatabase('changes that change nothing', (db) => {
  let vault: Vault;
  let lk: Latchkey;
  const clock = new ManualClock();

  before(async () => {
    vault = await openVault(db, hostFixture(), { clock });
    lk = vault.lk;
  });
  beforeEach(async () => { await emptyTables(vault); });
  after(async () => { await vault.close(); });

  /** Runs the change a day later (so a write would move `updated_at`) and expects every table as it was. */
  async function expectNoWrite<T>(change: () => Promise<T>): Promise<T> {
    clock.advanceDays(1);
    const before = await snapshotTables(vault);
    const result = await change();
    expect(await snapshotTables(vault)).to.deep.equal(before);
    return result;
  }

  it('settings: no field, or every field as stored → the settings as they are, no write, no audit event', async () => {
    await lk.settings.update(owner, { adminAccessMode: 'restricted', allowedAdminIds: ['a-sam'], historyDepth: 3 });
    const stored = await lk.settings.get(owner);
    for (const patch of [
      {},
      { historyDepth: 3 },
      { adminAccessMode: 'restricted' as const, allowedAdminIds: ['a-sam'], defaultReminderDays: stored.defaultReminderDays },
      { clientPrivateEntries: stored.clientPrivateEntries, mailTemplates: stored.mailTemplates },
    ]) {
      const answer = await expectNoWrite(() => lk.settings.update(owner, patch));
      expect(answer, JSON.stringify(patch)).to.deep.equal(stored);
    }
  });

  it('settings: a change among unchanged fields is audited with only the fields that changed', async () => {
    const events = await countRows(vault, vault.tables.audit);
    await lk.settings.update(owner, { historyDepth: 7, adminAccessMode: (await lk.settings.get(owner)).adminAccessMode });
    expect(await countRows(vault, vault.tables.audit)).to.equal(events + 1);
    const [event] = await lk.audit.list(owner, { action: 'settings.update', limit: 1 });
    expect(event!.details).to.deep.equal({ changed: ['historyDepth'] });
    expect((await lk.settings.get(owner)).historyDepth).to.equal(7);
  });

  it('a category: no field, the same name, or the same members in any order → the category as it is, no write, no audit event', async () => {
    const members = [{ kind: 'admin' as const, id: 'a-sam', canEdit: false }, { kind: 'admin_role' as const, id: 'r-support', canEdit: true }];
    const created = await lk.categories.create(owner, { name: 'Support', members });
    for (const change of [
      {},
      { name: 'Support' },
      { name: '  Support ' },
      { members: [...members].reverse() },
      { name: 'Support', members: [members[1]!, members[0]!, { kind: 'admin' as const, id: 'a-sam' }] },
    ]) {
      const answer = await expectNoWrite(() => lk.categories.update(owner, created.id, change));
      expect(answer.name, JSON.stringify(change)).to.equal('Support');
      expect(answer.members).to.have.deep.members(members);
      expect(answer.updatedAt.getTime()).to.equal(created.updatedAt.getTime());
    }
  });

  it("a client's own category: an empty change writes nothing either", async () => {
    const created = await lk.categories.create(acme, { name: 'Mine', members: [{ kind: 'contact', id: 'k-acme-dev' }] });
    await expectNoWrite(() => lk.categories.update(acme, created.id, {}));
    await expectNoWrite(() => lk.categories.update(acme, created.id, { members: [{ kind: 'contact', id: 'k-acme-dev', canEdit: false }] }));
  });

  it('a category: a change of one member right is a change, written and audited once', async () => {
    const created = await lk.categories.create(owner, { name: 'Support', members: [{ kind: 'admin', id: 'a-sam' }] });
    const events = await countRows(vault, vault.tables.audit);
    clock.advanceDays(1);
    const changed = await lk.categories.update(owner, created.id, { name: 'Support', members: [{ kind: 'admin', id: 'a-sam', canEdit: true }] });
    expect(changed.members).to.deep.equal([{ kind: 'admin', id: 'a-sam', canEdit: true }]);
    expect(changed.updatedAt.getTime()).to.be.greaterThan(created.updatedAt.getTime());
    expect(await countRows(vault, vault.tables.audit)).to.equal(events + 1);
    const renamed = await lk.categories.update(owner, created.id, { name: 'Helpdesk' });
    expect(renamed.name).to.equal('Helpdesk');
    expect((await lk.categories.list(owner)).map((c) => c.name)).to.deep.equal(['Helpdesk']);
    expect(await countRows(vault, vault.tables.audit)).to.equal(events + 2);
  });
});
