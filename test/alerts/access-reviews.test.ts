import { expect } from 'chai';
import type { MemoryDirectory } from '../../adapters/memory/memory-directory.ts';
import { forEachDatabase, ManualClock, openVault, type Vault } from '../support/databases.ts';
import { hostFixture, owner, sam } from '../support/host-fixture.ts';

const DAYS = 30;

forEachDatabase('access reviews', (db) => {
  let host: MemoryDirectory;
  let clock: ManualClock;
  let vault: Vault;

  beforeEach(async () => {
    host = hostFixture();
    clock = new ManualClock();
    vault = await openVault(db, host, { clock });
    await vault.lk.settings.update(owner, { accessReviewDays: DAYS });
  });
  afterEach(async () => { await vault.close(); });

  const reviewMails = async () => (await vault.raw(vault.tables.outbox).select('recipient_id').where('kind', 'access_review')
    .orderBy('id') as Array<{ recipient_id: string }>).map((r) => r.recipient_id);

  it('reminds the addon managers once when the days since the last review have passed, not a second before', async () => {
    await vault.lk.accessReviews.markReviewed(owner);
    clock.advanceSeconds(DAYS * 86_400 - 1);
    expect(await vault.lk.accessReviews.enqueueDue(), 'a second early').to.equal(0);
    clock.advanceSeconds(1);
    await vault.lk.accessReviews.enqueueDue();
    await vault.lk.accessReviews.enqueueDue();
    expect(await reviewMails()).to.deep.equal(['a-owner']);
  });

  it('asks nothing when reviews are switched off', async () => {
    await vault.lk.settings.update(owner, { accessReviewDays: null });
    clock.advanceDays(365);
    expect(await vault.lk.accessReviews.enqueueDue()).to.equal(0);
    expect(await reviewMails()).to.deep.equal([]);
  });

  it('shows what changed since the last review, and marking it reviewed is audited and starts afresh', async () => {
    await vault.lk.accessReviews.markReviewed(owner);
    await vault.lk.settings.update(owner, { extendedAdminRoleIds: ['r-support'] });
    const entry = await vault.lk.entries.create(owner, { name: 'Switch', password: 'switch-pw' });
    await vault.lk.entries.share(owner, entry.id, { version: entry.version, grants: [{ kind: 'admin', id: 'a-sys', canEdit: false }] });
    const before = await vault.lk.accessReviews.state(owner);
    expect(before.lastReviewedBy).to.equal('a-owner');
    expect(before.changes.map((c) => c.action)).to.deep.equal(['entry.share', 'settings.update']);
    expect(before.changes[1]!.details).to.deep.equal({ changed: ['extendedAdminRoleIds'] });
    await vault.lk.accessReviews.markReviewed(owner);
    expect((await vault.lk.accessReviews.state(owner)).changes).to.deep.equal([]);
    expect(await vault.lk.audit.list(owner, { action: 'accessReview.done' })).to.have.length(2);
  });

  it('lists a staff role change the alerts noticed', async () => {
    await vault.lk.accessReviews.markReviewed(owner);
    await vault.lk.signIns.opened(sam, { place: 'adminArea' });
    host.data.admins.find((a) => a.id === 'a-sam')!.roleId = 'r-sysadmin';
    await vault.lk.signIns.opened(sam, { place: 'adminArea' });
    const { changes } = await vault.lk.accessReviews.state(owner);
    expect(changes.map((c) => [c.action, c.details])).to.deep.equal([['person.roleChanged', { adminId: 'a-sam', from: 'r-support', to: 'r-sysadmin' }]]);
  });

  it('is refused to staff who do not run the addon', async () => {
    const outcome = await vault.lk.accessReviews.markReviewed(sam).then(() => 'ok', (err: Error) => err.name);
    expect(outcome).to.equal('ForbiddenError');
    expect(await vault.lk.audit.list(owner, { action: 'accessReview.done' })).to.deep.equal([]);
  });
});
