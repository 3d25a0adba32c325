import { expect } from 'chai';
import { ConflictError, DatabaseUnavailableError, type ClientActor } from '../../core/index.ts';
import { forEachDatabase, ManualClock, openVault, type Vault } from '../support/databases.ts';
import { acme, acmeDev, hostFixture, owner, sam, sid } from '../support/host-fixture.ts';
import { countRows, rejection } from '../support/table-rows.ts';
import { outboxStatuses } from './support/bulk-reminders.ts';
import { Inbox } from './support/inbox.ts';

/** Ann, Acme's main contact, signed in as herself. */
const acmeMain: ClientActor = { kind: 'client', clientId: 'c-acme', contactId: 'k-acme-main' };

interface QueuedRow {
  kind: string;
  recipient_kind: string;
  recipient_id: string;
  dedupe_key: string;
  status: string;
}

/**
 * A password change tells the owner (when the entry asks for it) and whoever
 * watches the entry, never the person who made the change; what it queues is
 * written in the change's own transaction.
 */
forEachDatabase('password change notifications', (db) => {
  let vault: Vault;
  let inbox: Inbox;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock();
    vault = await openVault(db, hostFixture(), { clock });
    inbox = new Inbox();
  });
  afterEach(async () => { await vault.close(); });

  const queued = async () => await vault.raw(vault.tables.outbox).select('*').orderBy('id') as QueuedRow[];
  const recipientsOf = (rows: QueuedRow[]) => rows.map((r) => `${r.recipient_kind}:${r.recipient_id}`).sort();
  const version = async (id: string) => (await vault.lk.entries.get(acme, id)).version;

  /** Acme's entry, told of changes, shared with two contacts who both watch it. */
  async function watchedClientEntry(): Promise<string> {
    const entry = await vault.lk.entries.create(acme, {
      name: 'Mail server', password: 'first', notifyOnChange: true,
      grants: [{ kind: 'contact', id: 'k-acme-dev', canEdit: true }, { kind: 'contact', id: 'k-acme-main' }],
    });
    await vault.lk.entries.watch(acmeDev, entry.id, true);
    await vault.lk.entries.watch(acmeMain, entry.id, true);
    return entry.id;
  }

  it('the owner who asked and the watchers are told, never the one who made the change', async () => {
    const id = await watchedClientEntry();
    expect(await countRows(vault, vault.tables.outbox)).to.equal(0);

    await vault.lk.entries.update(acme, id, { version: 1, password: 'second' });
    let rows = await queued();
    expect(recipientsOf(rows)).to.deep.equal(['contact:k-acme-dev', 'contact:k-acme-main']);
    expect(rows.every((r) => r.kind === 'password_changed' && r.status === 'pending')).to.equal(true);

    await vault.lk.entries.update(acmeDev, id, { version: 2, password: 'third' });
    rows = (await queued()).slice(2);
    expect(recipientsOf(rows)).to.deep.equal(['client:c-acme', 'contact:k-acme-main']);

    await vault.lk.entries.update(acmeMain, id, { version: 3, password: 'fourth' });
    rows = (await queued()).slice(4);
    expect(recipientsOf(rows)).to.deep.equal(['client:c-acme', 'contact:k-acme-dev']);

    // Changes that leave the password alone tell nobody.
    await vault.lk.entries.update(acme, id, { version: 4, name: 'Mail server (old)', notes: 'moved' });
    expect(await countRows(vault, vault.tables.outbox)).to.equal(6);

    expect(await vault.lk.dispatcher(inbox).drain()).to.deep.equal({ sent: 6, failed: 0, dropped: 0 });
    expect(inbox.to('it@acme.test')).to.have.length(2);
    expect(inbox.to('dev@acme.test')).to.have.length(2);
    expect(inbox.to('ann@acme.test')).to.have.length(2);
    for (const mail of inbox.messages) {
      expect(mail.subject).to.equal('The password of Mail server (old) was changed');
      for (const secret of ['second', 'third', 'fourth']) {
        expect(`${mail.subject}\n${mail.text}\n${mail.html}`).to.not.contain(secret);
      }
    }
  });

  it('an owner who did not ask is not told; watchers are until they stop watching', async () => {
    const entry = await vault.lk.entries.create(owner, {
      name: 'Core switch', password: 'first',
      grants: [{ kind: 'admin', id: 'a-sam' }, { kind: 'admin', id: 'a-sys', canEdit: true }],
    });
    await vault.lk.entries.watch(sam, entry.id, true);
    await vault.lk.entries.watch(sid, entry.id, true);

    await vault.lk.entries.update(sid, entry.id, { version: 1, password: 'second' });
    expect(recipientsOf(await queued())).to.deep.equal(['admin:a-sam']);
    await vault.lk.entries.update(owner, entry.id, { version: 2, password: 'third' });
    expect(recipientsOf((await queued()).slice(1))).to.deep.equal(['admin:a-sam', 'admin:a-sys']);

    await vault.lk.entries.watch(sam, entry.id, false);
    await vault.lk.entries.watch(sid, entry.id, false);
    await vault.lk.entries.update(owner, entry.id, { version: 3, password: 'fourth' });
    expect(await countRows(vault, vault.tables.outbox)).to.equal(3);

    expect(await vault.lk.dispatcher(inbox).drain()).to.deep.equal({ sent: 3, failed: 0, dropped: 0 });
    expect(inbox.messages.map((m) => m.to).sort()).to.deep.equal(['sam@host.test', 'sam@host.test', 'sid@host.test']);
    // Each admin reads it in the admin's language (Sid's is French).
    expect(inbox.to('sid@host.test')[0]!.subject).to.equal('Le mot de passe de Core switch a été modifié');
  });

  it('the new password is in the mail only when the settings say so', async () => {
    const entry = await vault.lk.entries.create(acme, {
      name: 'Router', password: 'first', notifyOnChange: true, grants: [{ kind: 'contact', id: 'k-acme-dev', canEdit: true }],
    });
    await vault.lk.entries.update(acmeDev, entry.id, { version: 1, password: 'Sec0nd-Pass' });
    await vault.lk.dispatcher(inbox).drain();
    expect(inbox.messages).to.have.length(1);
    const off = inbox.messages[0]!;
    expect(`${off.subject}\n${off.text}\n${off.html}`).to.not.contain('Sec0nd-Pass');
    expect(off.text).to.not.contain('New password');

    await vault.lk.settings.update(owner, { includePasswordInChangeMail: true });
    await vault.lk.entries.update(acmeDev, entry.id, { version: 2, password: 'Th1rd-<Pass>' });
    await vault.lk.dispatcher(inbox).drain();
    expect(inbox.messages).to.have.length(2);
    const on = inbox.messages[1]!;
    expect(on.to).to.equal('it@acme.test');
    expect(on.text).to.contain('New password: Th1rd-<Pass>');
    expect(on.html).to.contain('New password: Th1rd-&lt;Pass&gt;');
    expect(on.subject).to.not.contain('Th1rd');

    await vault.lk.settings.update(owner, { includePasswordInChangeMail: false });
    await vault.lk.entries.update(acmeDev, entry.id, { version: 3, password: 'F0urth-Pass' });
    await vault.lk.dispatcher(inbox).drain();
    expect(inbox.messages).to.have.length(3);
    expect(`${inbox.messages[2]!.text}\n${inbox.messages[2]!.html}`).to.not.contain('F0urth-Pass');
  });

  it('two changes before the mail goes out: each notice carries the password it announced, or none if that one is gone', async () => {
    await vault.lk.settings.update(owner, { includePasswordInChangeMail: true });
    const entry = await vault.lk.entries.create(acme, {
      name: 'Router', password: 'first', notifyOnChange: true, grants: [{ kind: 'contact', id: 'k-acme-dev', canEdit: true }],
    });
    await vault.lk.entries.update(acmeDev, entry.id, { version: 1, password: 'Sec0nd-Pass' });
    clock.advanceDays(1);
    await vault.lk.entries.update(acmeDev, entry.id, { version: 2, password: 'Th1rd-Pass' });
    await vault.lk.dispatcher(inbox).drain();
    expect(inbox.messages).to.have.length(2);
    const [first, second] = inbox.messages;
    expect(first!.text).to.not.contain('Th1rd-Pass');
    expect(first!.text).to.not.contain('Sec0nd-Pass');
    expect(first!.text).to.contain('The password has been changed again since');
    expect(second!.text).to.contain('New password: Th1rd-Pass');
    expect(second!.text).to.not.contain('changed again');
  });

  it('a watcher who lost access gets nothing: the message is dropped', async () => {
    const id = await watchedClientEntry();
    // Acme takes the developer's grant away; Ann (the main contact) sees Acme's entries anyway.
    await vault.lk.entries.share(acme, id, { version: 1, grants: [] });
    await vault.lk.entries.update(acme, id, { version: 2, password: 'second' });

    expect(await vault.lk.dispatcher(inbox).drain()).to.deep.equal({ sent: 1, failed: 0, dropped: 1 });
    expect(inbox.to('dev@acme.test')).to.have.length(0);
    expect(inbox.to('ann@acme.test')).to.have.length(1);
    const rows = await queued();
    expect(rows.find((r) => r.recipient_id === 'k-acme-dev')?.status).to.equal('dropped');
    expect(await outboxStatuses(vault)).to.deep.equal({ dropped: 1, sent: 1 });
  });

  it('a change that fails queues nothing, and a queue that cannot be written undoes the change', async () => {
    const id = await watchedClientEntry();
    await vault.lk.entries.update(acme, id, { version: 1, password: 'second' });
    expect(await countRows(vault, vault.tables.outbox)).to.equal(2);

    // A stale version: refused, nothing queued.
    await rejection(vault.lk.entries.update(acmeDev, id, { version: 1, password: 'stale' }), ConflictError);
    expect(await countRows(vault, vault.tables.outbox)).to.equal(2);

    // The outbox table cannot take the row: the password change itself does not happen.
    const auditBefore = await countRows(vault, vault.tables.audit);
    const historyBefore = await countRows(vault, vault.tables.history);
    const aside = `${vault.tables.outbox}_x`;
    await vault.raw.schema.renameTable(vault.tables.outbox, aside);
    try {
      await rejection(vault.lk.entries.update(acmeDev, id, { version: 2, password: 'lost' }), DatabaseUnavailableError);
    } finally {
      await vault.raw.schema.renameTable(aside, vault.tables.outbox);
    }
    expect(await version(id)).to.equal(2);
    expect((await vault.lk.entries.reveal(acme, id)).password?.expose()).to.equal('second');
    expect(await countRows(vault, vault.tables.history)).to.equal(historyBefore);
    // (the reveal just now added one audit event; the failed change added none)
    expect(await countRows(vault, vault.tables.audit)).to.equal(auditBefore + 1);
    expect(await countRows(vault, vault.tables.outbox)).to.equal(2);

    // The same change, once the outbox is back, goes through with its notices.
    await vault.lk.entries.update(acmeDev, id, { version: 2, password: 'third' });
    expect(await countRows(vault, vault.tables.outbox)).to.equal(4);
  });
});
