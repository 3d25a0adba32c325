import { expect } from 'chai';
import { forEachDatabase, ManualClock, openVault, type Vault } from '../support/databases.ts';
import { acme, hostFixture, owner } from '../support/host-fixture.ts';
import { Inbox } from './support/inbox.ts';

forEachDatabase('mail placeholders', (db) => {
  let vault: Vault;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock();
    vault = await openVault(db, hostFixture(), { clock });
  });
  afterEach(async () => { await vault.close(); });

  it('{{clientName}} in an admin template is the name of the client the entry concerns', async () => {
    await vault.lk.settings.update(owner, {
      mailTemplates: { reminder: { en: { subject: 'Rotate {{entryName}} for {{clientName}}', body: 'Client: {{clientName}}' } } },
    });
    await vault.lk.entries.create(acme, { name: 'Router', password: 'x', reminderDays: 30 });
    clock.advanceDays(30);
    const inbox = new Inbox();
    await vault.lk.runMailOnce(inbox);
    expect(inbox.messages.map((m) => m.subject)).to.deep.equal(['Rotate Router for Acme Ltd']);
    expect(inbox.messages[0]!.text).to.contain('Client: Acme Ltd');
  });
});
