import { expect } from 'chai';
import type { ClientActor } from '../../core/index.ts';
import { forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { acme, acmeDev, hostFixture } from '../support/host-fixture.ts';
import { emptyTables } from '../support/table-rows.ts';
import { Inbox } from './support/inbox.ts';

const acmeMain: ClientActor = { kind: 'client', clientId: 'c-acme', contactId: 'k-acme-main' };

/**
 * Each client-area person keeps their own language: a contact's choice is
 * not the client's nor a colleague's, a host that keeps a language per
 * contact is asked when the person chose none, and mail follows the choice.
 */
forEachDatabase('languages per client-area person', (db) => {
  let vault: Vault;
  const directory = hostFixture();

  before(async () => { vault = await openVault(db, directory); });
  beforeEach(async () => { await emptyTables(vault); });
  after(async () => { await vault.close(); });

  it('a contact\'s choice is theirs alone: the account holder and colleagues keep none until they choose', async () => {
    await vault.lk.languages.choose(acmeDev, 'it');
    expect(await vault.lk.languages.of(acmeDev)).to.equal('it');
    expect(await vault.lk.languages.of(acme)).to.equal(null);
    expect(await vault.lk.languages.of(acmeMain)).to.equal(null);
    await vault.lk.languages.choose(acme, 'fr');
    await vault.lk.languages.choose(acmeDev, 'es');
    expect([await vault.lk.languages.of(acme), await vault.lk.languages.of(acmeDev)]).to.deep.equal(['fr', 'es']);
  });

  it('without a choice, the host\'s language for the contact applies, when the host keeps one', async () => {
    const contact = directory.data.contacts.find((c) => c.id === 'k-acme-dev')!;
    contact.language = 'de';
    try {
      expect(await vault.lk.languages.of(acmeDev)).to.equal('de');
      await vault.lk.languages.choose(acmeDev, 'it');
      expect(await vault.lk.languages.of(acmeDev)).to.equal('it');
    } finally {
      delete contact.language;
    }
  });

  it('a change notice to a contact is written in the contact\'s language, the client\'s own in the client\'s', async () => {
    const entry = await vault.lk.entries.create(acme, {
      name: 'Mail server', password: 'first', notifyOnChange: true, grants: [{ kind: 'contact', id: 'k-acme-dev' }],
    });
    await vault.lk.entries.watch(acmeDev, entry.id, true);
    await vault.lk.languages.choose(acmeDev, 'it');
    await vault.lk.entries.update(acmeMain, entry.id, { version: 1, password: 'second' });
    const inbox = new Inbox();
    await vault.lk.dispatcher(inbox).drain();
    expect(inbox.to('dev@acme.test')[0]!.subject).to.equal('La password di Mail server è stata cambiata');
    expect(inbox.to('it@acme.test')[0]!.subject).to.equal('The password of Mail server was changed');
  });
});
