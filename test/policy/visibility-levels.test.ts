import { expect } from 'chai';
import type { MemoryDirectory } from '../../adapters/memory/memory-directory.ts';
import { ValidationError, type Actor, type Latchkey, type SettingsPatch } from '../../core/index.ts';
import { forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { acme, acmeDev, globex, hostFixture, owner, sam } from '../support/host-fixture.ts';
import { Inbox } from '../mail/support/inbox.ts';
import { clearVault, expectForbidden, listedIds, rejection, resetHost, scenarioHostData } from './policy-support.ts';

const SECRET_NOTES = 'vlan 42 admin pin 9917';
const SECRET_PASSWORD = 'Rack-Pass-4471';

/**
 * Who has the client area (part 2 of issue 16), what the client may do with
 * each field of staff's entries (part 3), and grant levels (part 7).
 */
forEachDatabase('client area, field access and grant levels', (db) => {
  let host: MemoryDirectory;
  let vault: Vault;
  let lk: Latchkey;

  before(async () => {
    host = hostFixture();
    vault = await openVault(db, host);
    lk = vault.lk;
  });
  after(async () => { await vault.close(); });
  beforeEach(async () => {
    resetHost(host, scenarioHostData());
    await clearVault(vault);
    await lk.settings.update(owner, { adminAccessMode: 'full' });
  });

  const configure = (patch: SettingsPatch) => lk.settings.update(owner, patch);

  /** A staff entry about Acme, shared with Acme and its developer contact. */
  async function staffEntry(extra: Parameters<Latchkey['entries']['create']>[1] extends infer T ? Partial<T> : never = {}) {
    return lk.entries.create(sam, {
      name: 'Rack switch', username: 'netadmin', websiteUrl: 'https://switch.acme.test/', password: SECRET_PASSWORD,
      notes: SECRET_NOTES, clientId: 'c-acme',
      grants: [{ kind: 'client', id: 'c-acme', level: 'edit' }, { kind: 'contact', id: 'k-acme-dev', level: 'edit' }],
      ...extra,
    });
  }

  describe('the client area per customer', () => {
    it('a restricted contact is denied the area while its client keeps it, and sees its grants again once allowed', async () => {
      const entry = await staffEntry();
      await configure({ clientArea: { restrictedContactIds: ['k-acme-dev'] } });
      expect(await listedIds(lk, acmeDev)).to.deep.equal([]);
      expect(await lk.settings.clientAreaOpenFor(acmeDev)).to.equal(false);
      expect(await listedIds(lk, acme)).to.deep.equal([entry.id]);
      expect(await lk.settings.clientAreaOpenFor(acme)).to.equal(true);

      await configure({ clientArea: { restrictedContactIds: [] } });
      expect(await listedIds(lk, acmeDev)).to.deep.equal([entry.id]);
      expect((await lk.entries.reveal(acmeDev, entry.id)).password?.expose()).to.equal(SECRET_PASSWORD);
    });

    it('the area follows the client group the host says the client is in: moved into an excluded group, the client reaches nothing', async () => {
      const entry = await staffEntry();
      await configure({ clientArea: { excludedClientGroupIds: ['g-reseller'] } });
      expect(await listedIds(lk, acme)).to.deep.equal([entry.id]);

      // The host fact that decides: Acme's group. Moved to the resellers, the area closes for it and its contacts.
      host.data.clients.find((c) => c.id === 'c-acme')!.groupId = 'g-reseller';
      expect(await listedIds(lk, acme)).to.deep.equal([]);
      expect(await listedIds(lk, acmeDev)).to.deep.equal([]);
      expect(await lk.serviceCredentials.list(acme, 'c-acme')).to.deep.equal([]);
      expect((await rejection(lk.entries.create(acme, { name: 'Mine' }))).name).to.equal('ForbiddenError');

      host.data.clients.find((c) => c.id === 'c-acme')!.groupId = 'g-retail';
      expect(await listedIds(lk, acme)).to.deep.equal([entry.id]);
    });

    it('a client in the exception list loses the area, the others keep it; switched off, no client has it', async () => {
      const ownEntry = await lk.entries.create(globex, { name: 'Globex own', password: 'x' });
      await configure({ clientArea: { excludedClientIds: ['c-acme'] } });
      expect(await lk.settings.clientAreaOpenFor(acme)).to.equal(false);
      expect(await listedIds(lk, globex)).to.deep.equal([ownEntry.id]);

      await configure({ clientArea: { enabled: false, excludedClientIds: [] } });
      expect(await listedIds(lk, globex)).to.deep.equal([]);
      // Staff keep seeing the client's data: the switch is about the client area only.
      expect(await listedIds(lk, owner)).to.include(ownEntry.id);
    });
  });

  describe('field access toward the client', () => {
    const hideSecrets = { username: 'hidden', password: 'hidden', urls: 'hidden', notes: 'hidden', totp: 'hidden' } as const;

    it('a hidden field is absent from the client\'s list, get, reveal and history, and staff still have it', async () => {
      const entry = await staffEntry({ clientFieldAccess: hideSecrets });
      await lk.entries.update(sam, entry.id, { version: 1, password: 'Rotated-8812' });
      for (const actor of [acme, acmeDev] as Actor[]) {
        const page = await lk.entries.list(actor);
        const got = await lk.entries.get(actor, entry.id);
        const revealed = await lk.entries.reveal(actor, entry.id);
        const json = JSON.stringify({ page, got, revealed: { password: revealed.password?.expose(), notes: revealed.notes?.expose() } });
        for (const leak of ['netadmin', 'switch.acme.test', 'Rotated-8812', SECRET_PASSWORD, SECRET_NOTES]) expect(json).not.to.contain(leak);
        expect(got).to.include({ username: '', websiteUrl: null, hasPassword: false, hasNotes: false });
        expect(await lk.entries.history(actor, entry.id)).to.deep.equal([]);
      }
      const staff = await lk.entries.get(sam, entry.id);
      expect(staff).to.include({ username: 'netadmin', hasPassword: true });
      expect((await lk.entries.reveal(sam, entry.id)).password?.expose()).to.equal('Rotated-8812');
    });

    it('the settings\' default applies to entries that set none, and an entry\'s own choice wins over it', async () => {
      const following = await staffEntry();
      const own = await staffEntry({ name: 'Own choice', clientFieldAccess: { ...hideSecrets, password: 'read', notes: 'edit' } });
      await configure({ defaultClientFieldAccess: { notes: 'hidden' } });
      expect((await lk.entries.reveal(acme, following.id)).notes).to.equal(null);
      expect((await lk.entries.reveal(acme, own.id)).notes?.expose()).to.equal(SECRET_NOTES);
    });

    it('a hidden password sends the client no change notice, and no password', async () => {
      const inbox = new Inbox();
      await configure({ includePasswordInChangeMail: true });
      const entry = await staffEntry({ clientFieldAccess: { ...hideSecrets, username: 'read' } });
      await lk.entries.watch(acme, entry.id, true);
      await lk.entries.update(sam, entry.id, { version: 1, password: 'Mailed-3391' });
      await lk.dispatcher(inbox).drain();
      expect(inbox.to('it@acme.test')).to.deep.equal([]);
      expect(JSON.stringify(inbox.messages)).not.to.contain('Mailed-3391');
    });

    it('a client export holds no hidden field', async () => {
      await configure({ clientImportExport: true });
      await staffEntry({ clientFieldAccess: hideSecrets });
      const file = await lk.exports.export(acme, { format: 'json' });
      for (const leak of ['netadmin', SECRET_PASSWORD, SECRET_NOTES]) expect(file.body).not.to.contain(leak);
    });

    it('a read-only field refuses the client\'s change, naming the field, and nothing is written', async () => {
      const entry = await staffEntry({ clientFieldAccess: { username: 'read', password: 'edit', urls: 'read', notes: 'edit', totp: 'edit' } });
      const refused = await rejection(lk.entries.update(acmeDev, entry.id, { version: 1, username: 'mine', loginUrl: 'https://x.test/' }));
      expect(refused).to.be.instanceOf(ValidationError);
      expect((refused as ValidationError).issues.map((i) => [i.field, i.rule])).to.deep.equal([
        ['username', 'fieldNotEditable'], ['loginUrl', 'fieldNotEditable'],
      ]);
      expect(await lk.entries.get(sam, entry.id)).to.include({ username: 'netadmin', version: 1 });
      // What is editable stays so, and the same name sent back unchanged is no change.
      expect((await lk.entries.update(acmeDev, entry.id, { version: 1, username: 'netadmin', notes: 'new notes' })).version).to.equal(2);
    });

    it('only staff choose field access: a client asking gets a 400 naming the field', async () => {
      const entry = await lk.entries.create(acme, { name: 'Mine', password: 'x' });
      const refused = await rejection(lk.entries.update(acme, entry.id, { version: 1, clientFieldAccess: hideSecrets }));
      expect((refused as ValidationError).field).to.equal('clientFieldAccess');
      const onCreate = await rejection(lk.entries.create(acme, { name: 'Other', clientFieldAccess: hideSecrets }));
      expect((onCreate as ValidationError).field).to.equal('clientFieldAccess');
    });
  });

  describe('grant levels', () => {
    it('a grant given as canEdit reads as its level: false is view, true is edit', async () => {
      const entry = await lk.entries.create(sam, {
        name: 'Old style', clientId: 'c-acme',
        grants: [{ kind: 'contact', id: 'k-acme-dev', canEdit: false }, { kind: 'admin', id: 'a-sys', canEdit: true }],
      });
      const stored = await vault.raw(vault.tables.grants).where('entry_id', entry.id).orderBy('principal_id').select('principal_id', 'level');
      expect(stored).to.deep.equal([{ principal_id: 'a-sys', level: 'edit' }, { principal_id: 'k-acme-dev', level: 'view' }]);
    });

    it('edit lets a grantee change the entry but not its sharing; edit-and-share lets it change both', async () => {
      const entry = await lk.entries.create(sam, { name: 'Levels', clientId: 'c-acme', grants: [{ kind: 'contact', id: 'k-acme-dev', level: 'edit' }] });
      await lk.entries.update(acmeDev, entry.id, { version: 1, name: 'Levels 2' });
      await expectForbidden(lk.entries.share(acmeDev, entry.id, { version: 2, grants: [] }));

      await lk.entries.share(sam, entry.id, { version: 2, grants: [{ kind: 'contact', id: 'k-acme-dev', level: 'share' }] });
      expect(await lk.entries.grants(acmeDev, entry.id)).to.deep.equal([{ kind: 'contact', id: 'k-acme-dev', canEdit: true, canShare: true }]);
      const shared = await lk.entries.share(acmeDev, entry.id, { version: 3, grants: [{ kind: 'contact', id: 'k-acme-dev', level: 'view' }] });
      expect(shared.version).to.equal(4);
      await expectForbidden(lk.entries.update(acmeDev, entry.id, { version: 4, name: 'Levels 3' }));
    });

    it('a level that disagrees with canEdit is refused, naming the grant\'s level', async () => {
      const refused = await rejection(lk.entries.create(sam, { name: 'Mixed', grants: [{ kind: 'admin', id: 'a-sys', canEdit: false, level: 'edit' }] }));
      expect((refused as ValidationError).field).to.equal('grants.0.level');
    });
  });
});
