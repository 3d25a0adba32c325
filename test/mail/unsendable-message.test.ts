import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { createLatchkey, Keyring, type Latchkey } from '../../core/index.ts';
import { forEachDatabase, ManualClock, openVault, type Vault } from '../support/databases.ts';
import { acme, acmeDev, hostFixture, owner } from '../support/host-fixture.ts';
import { prefixOf } from '../support/shared-vault.ts';
import { Inbox } from './support/inbox.ts';

/**
 * A message that cannot be composed (here: the change notice should carry the
 * new password, but this instance's keyring lacks the entry's key) fails on
 * its own, kept with its error for a later attempt, and the messages queued
 * after it still go out.
 */
forEachDatabase('a message that cannot be composed', (db) => {
  let vault: Vault;
  let clock: ManualClock;
  let stranger: Latchkey;

  beforeEach(async () => {
    clock = new ManualClock();
    const host = hostFixture();
    vault = await openVault(db, host, { clock });
    // Another instance on the same tables and clock, whose keyring lacks the vault's key.
    stranger = await createLatchkey({
      database: db.name === 'sqlite' ? { knex: vault.raw } : { url: db.url },
      keys: new Keyring([{ id: 'elsewhere', key: randomBytes(32) }]),
      host, clock, tablePrefix: prefixOf(vault),
    });
  });
  afterEach(async () => {
    await stranger.close();
    await vault.close();
  });

  it('fails alone with its error; the messages after it are sent', async () => {
    await vault.lk.settings.update(owner, { includePasswordInChangeMail: true });
    const router = await vault.lk.entries.create(acme, {
      name: 'Router', password: 'first', notifyOnChange: true, grants: [{ kind: 'contact', id: 'k-acme-dev', canEdit: true }],
    });
    await vault.lk.entries.update(acmeDev, router.id, { version: 1, password: 'Sec0nd' });
    await vault.lk.entries.create(acme, { name: 'NAS', password: 'x', reminderDays: 30 });
    await vault.lk.entries.create(acme, { name: 'VPN', password: 'x', reminderDays: 30 });
    clock.advanceDays(30);
    expect(await vault.lk.reminders.enqueueDue()).to.equal(2);

    const inbox = new Inbox();
    const result = await stranger.dispatcher(inbox, { workerId: 'stranger' }).drain();
    expect(result).to.deep.equal({ sent: 2, failed: 1, dropped: 0 });
    expect(inbox.messages.map((m) => m.subject).sort()).to.deep.equal([
      'Time to change the password of NAS', 'Time to change the password of VPN',
    ]);
    const stuck = await vault.raw(vault.tables.outbox).where('kind', 'password_changed').first() as
      { status: string; attempts: number; last_error: string; claimed_by: string | null };
    expect(stuck.status).to.equal('pending');
    expect(stuck.attempts).to.equal(1);
    expect(stuck.last_error).to.match(/^decryption_failed .*not in the keyring/);
    expect(stuck.claimed_by).to.equal(null);

    // An instance that holds the key sends it at its next attempt.
    clock.advanceDays(31 / 86_400);
    expect(await vault.lk.dispatcher(inbox).drain()).to.deep.equal({ sent: 1, failed: 0, dropped: 0 });
    expect(inbox.messages[2]!.text).to.contain('New password: Sec0nd');
  });
});
