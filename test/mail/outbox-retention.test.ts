import { expect } from 'chai';
import { forEachDatabase, ManualClock, openVault, type Vault } from '../support/databases.ts';
import { acme, hostFixture, owner } from '../support/host-fixture.ts';
import { Inbox } from './support/inbox.ts';

forEachDatabase('the outbox keeps sent mail for a while, then lets it go', (db) => {
  let vault: Vault;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock();
    vault = await openVault(db, hostFixture(), { clock });
    // The access review reminder (every 90 days by default) is another suite's subject: here, only the rotation mail.
    await vault.lk.settings.update(owner, { accessReviewDays: null });
  });
  afterEach(async () => { await vault.close(); });

  const statuses = async () => (await vault.raw(vault.tables.outbox).select('status').orderBy('id') as Array<{ status: string }>)
    .map((r) => r.status);

  it('sent messages stay for keepSentDays, are deleted after, and the entry is not reminded again for it', async () => {
    const inbox = new Inbox();
    await vault.lk.entries.create(acme, { name: 'Mail server', password: 'first', reminderDays: 30 });
    clock.advanceDays(30);
    await vault.lk.runMailOnce(inbox, { keepSentDays: 10 });
    expect(await statuses()).to.deep.equal(['sent']);
    clock.advanceDays(9);
    await vault.lk.runMailOnce(inbox, { keepSentDays: 10 });
    expect(await statuses()).to.deep.equal(['sent'], 'nine days on, still kept');
    clock.advanceDays(2);
    await vault.lk.runMailOnce(inbox, { keepSentDays: 10 });
    expect(await statuses()).to.deep.equal([], 'eleven days on, gone');
    expect(inbox.messages).to.have.length(1, 'purging a sent reminder does not make it due again');
  });

  it('failed messages are kept whatever their age, for someone to look at', async () => {
    const refusing = { send: async () => { throw new Error('550 mailbox unavailable'); } };
    await vault.lk.entries.create(acme, { name: 'Mail server', password: 'first', reminderDays: 30 });
    clock.advanceDays(30);
    await vault.lk.runMailOnce(refusing, { maxAttempts: 1, keepSentDays: 1 });
    clock.advanceDays(100);
    await vault.lk.runMailOnce(new Inbox(), { keepSentDays: 1 });
    // The entry is due again meanwhile, so a fresh reminder is sent beside the old failure.
    expect(await statuses()).to.deep.equal(['failed', 'sent']);
  });
});
