import { expect } from 'chai';
import { forEachDatabase, ManualClock, openVault, type Vault } from '../support/databases.ts';
import { acme, hostFixture, owner } from '../support/host-fixture.ts';
import { Inbox } from './support/inbox.ts';

forEachDatabase('rotation reminders follow the clock', (db) => {
  let vault: Vault;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock();
    vault = await openVault(db, hostFixture(), { clock });
    // The access review reminder (every 90 days by default) is another suite's subject: here, only the rotation mail.
    await vault.lk.settings.update(owner, { accessReviewDays: null });
  });
  afterEach(async () => { await vault.close(); });

  it('an entry with a 30-day period is reminded on day 30 and day 60, not in between, and not after the password changes', async () => {
    const inbox = new Inbox();
    const entry = await vault.lk.entries.create(acme, { name: 'Mail server', password: 'first', reminderDays: 30 });
    const remindersOn = async (_day: number) => {
      const before = inbox.messages.length;
      await vault.lk.runMailOnce(inbox);
      return inbox.messages.length - before;
    };
    clock.advanceDays(29);
    expect(await remindersOn(29)).to.equal(0);
    clock.advanceDays(1);
    expect(await remindersOn(30)).to.equal(1);
    expect(inbox.messages[0]!.to).to.equal('it@acme.test');
    expect(inbox.messages[0]!.subject).to.contain('Mail server');
    clock.advanceDays(1);
    expect(await remindersOn(31)).to.equal(0);
    clock.advanceDays(29);
    expect(await remindersOn(60)).to.equal(1);
    await vault.lk.entries.update(acme, entry.id, { version: 1, password: 'second' });
    clock.advanceDays(29);
    expect(await remindersOn(89)).to.equal(0);
    clock.advanceDays(1);
    expect(await remindersOn(90)).to.equal(1);
  });

  it('reminders off on the entry, or no default, send nothing; a new default reaches entries that follow it', async () => {
    const inbox = new Inbox();
    await vault.lk.entries.create(acme, { name: 'Off', password: 'x', reminderDays: 0 });
    await vault.lk.entries.create(acme, { name: 'Default', password: 'x' });
    clock.advanceDays(400);
    await vault.lk.runMailOnce(inbox);
    expect(inbox.messages).to.have.length(0);
    await vault.lk.settings.update(owner, { defaultReminderDays: 90 });
    await vault.lk.runMailOnce(inbox);
    expect(inbox.messages.map((m) => m.subject)).to.deep.equal(['Time to change the password of Default']);
  });
});
