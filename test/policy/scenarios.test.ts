import { expect } from 'chai';
import type { MemoryDirectory } from '../../adapters/memory/memory-directory.ts';
import {
  ForbiddenError, LimitExceededError, NotFoundError, type Actor, type AdminActor, type ClientActor, type Latchkey,
  type SettingsPatch,
} from '../../core/index.ts';
import { forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { acme, acmeDev, globex, hostFixture, owner, sam, sid } from '../support/host-fixture.ts';
import {
  clearVault, expectForbidden, expectNotFound, listedIds, rejection, resetHost, serviceIds, system,
} from './policy-support.ts';

/** The main contact of Acme, acting by contact id: the same as the client account. */
const acmeMain: ClientActor = { kind: 'client', clientId: 'c-acme', contactId: 'k-acme-main' };
const globexOps: ClientActor = { kind: 'client', clientId: 'c-globex', contactId: 'k-globex-ops' };
/** A second support admin, in the same role as Sam. */
const sue: AdminActor = { kind: 'admin', adminId: 'a-sue' };
/** An admin whose role the installer marks as extended. */
const eve: AdminActor = { kind: 'admin', adminId: 'a-eve' };

forEachDatabase('access rules', (db) => {
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
    const fresh = hostFixture();
    fresh.data.adminRoles.push({ id: 'r-auditor', name: 'Auditors' });
    fresh.data.admins.push(
      { id: 'a-sue', name: 'Sue Support', email: 'sue@host.test', roleId: 'r-support', language: 'en', disabled: false, addonManager: false },
      { id: 'a-eve', name: 'Eve Auditor', email: 'eve@host.test', roleId: 'r-auditor', language: 'en', disabled: false, addonManager: false },
    );
    resetHost(host, fresh.data);
    await clearVault(vault);
  });

  const configure = (patch: SettingsPatch) => lk.settings.update(owner, patch);
  const create = async (actor: Actor, input: Parameters<Latchkey['entries']['create']>[1]) => (await lk.entries.create(actor, input)).id;

  /** The actor finds the entry both in its list (the SQL rule) and by id (the reference policy). */
  async function expectSees(actor: Actor, id: string): Promise<void> {
    expect(await listedIds(lk, actor), 'listed').to.include(id);
    expect((await lk.entries.get(actor, id)).id).to.equal(id);
  }

  /** The entry is absent from the actor's list and answers "not found" to get and reveal. */
  async function expectBlind(actor: Actor, id: string): Promise<void> {
    expect(await listedIds(lk, actor), 'listed').not.to.include(id);
    await expectNotFound(lk.entries.get(actor, id));
    await expectNotFound(lk.entries.reveal(actor, id));
  }

  /** A small world: Acme's entries (private, shared with administration) and Globex's. */
  async function clientEntries() {
    return {
      acmePrivate: await create(acme, { name: 'Acme mail', password: 'acme-mail-pw' }),
      acmeShared: await create(acme, { name: 'Acme DNS', password: 'acme-dns-pw', sharedWithAdmin: true }),
      globexPrivate: await create(globex, { name: 'Globex mail', password: 'globex-mail-pw' }),
    };
  }

  describe('admin access mode: full', () => {
    beforeEach(() => configure({ adminAccessMode: 'full' }));

    it('full mode shows every active admin all client-owned entries, shared or not', async () => {
      const e = await clientEntries();
      for (const admin of [sam, sid, sue, owner]) {
        expect(await listedIds(lk, admin)).to.deep.equal([e.acmePrivate, e.acmeShared, e.globexPrivate].sort());
        expect((await lk.entries.reveal(admin, e.acmePrivate)).password?.expose()).to.equal('acme-mail-pw');
      }
    });

    it('full mode shows every admin the service credentials of every client', async () => {
      expect(await serviceIds(lk, sam, 'c-acme')).to.deep.equal(['service:s-acme-vps', 'service:s-acme-web']);
      expect(await serviceIds(lk, sid, 'c-globex')).to.deep.equal(['service:s-globex-vps']);
      expect((await lk.entries.reveal(sam, 'service:s-globex-vps')).password?.expose()).to.equal('globex-vps-pw');
    });

    it('full mode lets an admin view client data but not change it', async () => {
      const { acmePrivate } = await clientEntries();
      await expectForbidden(lk.entries.update(sam, acmePrivate, { version: 1, name: 'changed' }));
      await expectForbidden(lk.entries.delete(sam, acmePrivate));
      await expectForbidden(lk.entries.share(sam, acmePrivate, { version: 1, grants: [] }));
    });

    it('full mode shows a staff entry filed under a client to every admin, and keeps one marked private to its author', async () => {
      const teamEntry = await create(sam, { name: 'Acme DNS', password: 'dns-pw', clientId: 'c-acme' });
      const samsOwn = await create(sam, { name: 'Sam notes', password: 'sam-pw', clientId: 'c-acme', private: true });
      await expectSees(sam, samsOwn);
      for (const other of [sid, sue, owner]) {
        await expectSees(other, teamEntry);
        await expectBlind(other, samsOwn);
      }
      // Colleagues see the team's entry; changing it stays with its author (or a grant with edit rights).
      await expectForbidden(lk.entries.update(sid, teamEntry, { version: 1, name: 'changed' }));
    });
  });

  describe('admin access mode: restricted', () => {
    it('restricted mode with nobody allowed (the default) shows client data to no admin, not even the addon manager', async () => {
      const e = await clientEntries();
      for (const admin of [owner, sam, sid, sue]) {
        expect(await listedIds(lk, admin)).to.deep.equal([]);
        await expectBlind(admin, e.acmeShared);
        expect(await serviceIds(lk, admin, 'c-acme')).to.deep.equal([]);
        await expectNotFound(lk.entries.reveal(admin, 'service:s-acme-vps'));
      }
    });

    it('restricted mode hides client entries from admins not allowed', async () => {
      await configure({ adminAccessMode: 'restricted', allowedAdminIds: ['a-sys'] });
      const e = await clientEntries();
      for (const admin of [sam, sue, owner]) {
        await expectBlind(admin, e.acmePrivate);
        await expectBlind(admin, e.acmeShared);
        await expectBlind(admin, e.globexPrivate);
      }
    });

    it('restricted mode hides service credentials from admins not allowed', async () => {
      await configure({ adminAccessMode: 'restricted', allowedAdminIds: ['a-sys'] });
      expect(await serviceIds(lk, sam, 'c-acme')).to.deep.equal([]);
      await expectNotFound(lk.entries.get(sam, 'service:s-acme-vps'));
      await expectNotFound(lk.entries.reveal(sam, 'service:s-acme-vps'));
    });

    it('restricted mode shows an admin allowed by id every client entry and service credential', async () => {
      await configure({ adminAccessMode: 'restricted', allowedAdminIds: ['a-sys'] });
      const e = await clientEntries();
      expect(await listedIds(lk, sid)).to.deep.equal([e.acmePrivate, e.acmeShared, e.globexPrivate].sort());
      expect(await serviceIds(lk, sid, 'c-acme')).to.deep.equal(['service:s-acme-vps', 'service:s-acme-web']);
      expect((await lk.entries.reveal(sid, 'service:s-acme-web')).password?.expose()).to.equal('acme-cpanel-pw');
    });

    it('an admin qualifies by role even when not listed by id', async () => {
      await configure({ adminAccessMode: 'restricted', allowedAdminIds: ['a-sys'], allowedAdminRoleIds: ['r-support'] });
      const e = await clientEntries();
      for (const admin of [sam, sue]) {
        await expectSees(admin, e.acmePrivate);
        await expectSees(admin, e.globexPrivate);
        expect(await serviceIds(lk, admin, 'c-globex')).to.deep.equal(['service:s-globex-vps']);
      }
      await expectBlind(owner, e.acmePrivate);
    });

    it('restricted mode keeps an allowed admin out of other admins\' private entries', async () => {
      await configure({ adminAccessMode: 'restricted', allowedAdminIds: ['a-sys'] });
      const samsOwn = await create(sam, { name: 'Sam notes', clientId: 'c-acme', private: true });
      await expectBlind(sid, samsOwn);
    });

    it('restricted mode shows a staff entry filed under a client to allowed admins only', async () => {
      await configure({ adminAccessMode: 'restricted', allowedAdminIds: [sid.adminId] });
      const teamEntry = await create(sam, { name: 'Acme DNS', clientId: 'c-acme' });
      await expectSees(sid, teamEntry);
      await expectBlind(sue, teamEntry);
      await expectSees(sam, teamEntry);
    });
  });

  describe('admin access mode: shared', () => {
    beforeEach(() => configure({ adminAccessMode: 'shared', allowedAdminIds: ['a-sys'], allowedAdminRoleIds: ['r-support'] }));

    it('shared mode shows an allowed admin only the entries the client shared with administration', async () => {
      const e = await clientEntries();
      expect(await listedIds(lk, sid)).to.deep.equal([e.acmeShared]);
      await expectSees(sid, e.acmeShared);
      await expectBlind(sid, e.acmePrivate);
      await expectBlind(sid, e.globexPrivate);
      await expectSees(sam, e.acmeShared);
      await expectBlind(sam, e.acmePrivate);
    });

    it('shared mode hides even shared entries from admins not allowed', async () => {
      const e = await clientEntries();
      await expectBlind(owner, e.acmeShared);
    });

    it('shared mode hides service credentials from admins, since they cannot be marked shared', async () => {
      for (const admin of [sid, sam, owner]) {
        expect(await serviceIds(lk, admin, 'c-acme')).to.deep.equal([]);
        await expectNotFound(lk.entries.reveal(admin, 'service:s-acme-vps'));
      }
    });

    it('a client un-sharing an entry hides it from the administration on the next call', async () => {
      const { acmeShared } = await clientEntries();
      await expectSees(sid, acmeShared);
      await lk.entries.update(acme, acmeShared, { version: 1, sharedWithAdmin: false });
      await expectBlind(sid, acmeShared);
      await lk.entries.share(acme, acmeShared, { version: 2, grants: [], sharedWithAdmin: true });
      await expectSees(sid, acmeShared);
    });

    it('an admin-owned entry is never "shared with administration", whatever the admin asks', async () => {
      const samsOwn = await lk.entries.create(sam, { name: 'Sam notes', clientId: 'c-acme', sharedWithAdmin: true, private: true });
      expect(samsOwn.sharedWithAdmin).to.equal(false);
      await expectBlind(sid, samsOwn.id);
    });

    it('shared mode shows allowed admins what staff filed under a client for the team: the client\'s consent is for its own entries', async () => {
      const teamEntry = await create(sue, { name: 'Acme registrar', clientId: 'c-acme' });
      await expectSees(sid, teamEntry);
      await expectSees(sam, teamEntry);
      await expectBlind(eve, teamEntry);
    });
  });

  describe('extended-permission roles', () => {
    beforeEach(() => configure({ adminAccessMode: 'shared', extendedAdminRoleIds: ['r-auditor'] }));

    it('an extended admin sees every entry in every mode, including other admins\' private entries', async () => {
      const e = await clientEntries();
      const samsOwn = await create(sam, { name: 'Sam notes' });
      const all = [e.acmePrivate, e.acmeShared, e.globexPrivate, samsOwn].sort();
      for (const mode of ['full', 'restricted', 'shared'] as const) {
        await configure({ adminAccessMode: mode });
        expect(await listedIds(lk, eve), mode).to.deep.equal(all);
        expect((await lk.entries.reveal(eve, samsOwn)).password).to.equal(null);
      }
    });

    it('an extended admin sees service credentials even in shared mode', async () => {
      expect(await serviceIds(lk, eve, 'c-acme')).to.deep.equal(['service:s-acme-vps', 'service:s-acme-web']);
      expect((await lk.entries.reveal(eve, 'service:s-acme-vps')).password?.expose()).to.equal('acme-vps-root-pw');
    });

    it('an extended admin edits, shares and deletes entries it does not own', async () => {
      const { acmePrivate } = await clientEntries();
      const samsOwn = await create(sam, { name: 'Sam notes' });
      await lk.entries.update(eve, acmePrivate, { version: 1, password: 'rotated-by-eve' });
      expect((await lk.entries.reveal(acme, acmePrivate)).password?.expose()).to.equal('rotated-by-eve');
      await lk.entries.share(eve, samsOwn, { version: 1, grants: [{ kind: 'admin', id: 'a-sys' }] });
      await expectSees(sid, samsOwn);
      await lk.entries.delete(eve, samsOwn);
      await expectNotFound(lk.entries.get(sam, samsOwn));
    });

    it('an extended admin still cannot change service credentials here: they are the host\'s', async () => {
      await expectForbidden(lk.entries.update(eve, 'service:s-acme-vps', { version: 1, name: 'x' }));
      await expectForbidden(lk.entries.delete(eve, 'service:s-acme-vps'));
    });

    it('an extended admin may run the addon without being an addon manager', async () => {
      await lk.settings.update(eve, { clientEntryLimit: 5 });
      expect((await lk.settings.get(eve)).clientEntryLimit).to.equal(5);
      await lk.audit.list(eve);
      const category = await lk.categories.create(eve, { name: 'Network', members: [{ kind: 'admin', id: 'a-sam' }] });
      expect(category.owner).to.deep.equal({ kind: 'admin', id: 'a-eve' });
      await expectForbidden(lk.settings.update(sam, { clientEntryLimit: 6 }));
      await expectForbidden(lk.audit.list(sam));
    });
  });

  describe('admin-owned entries: grants and admin categories', () => {
    beforeEach(() => configure({ adminAccessMode: 'full' }));

    it('an admin-owned entry marked private is its owner\'s alone, who may do everything with it', async () => {
      const id = await create(sam, { name: 'Router', password: 'router-pw', clientId: 'c-acme', private: true });
      await expectSees(sam, id);
      await lk.entries.update(sam, id, { version: 1, password: 'router-pw-2' });
      await lk.entries.share(sam, id, { version: 2, grants: [] });
      for (const other of [sue, sid, owner]) await expectBlind(other, id);
      await expectBlind(acme, id);
      await lk.entries.delete(sam, id);
      await expectNotFound(lk.entries.get(sam, id));
    });

    it('granting an entry to an admin shows it to that admin only', async () => {
      const id = await create(sam, { name: 'Router', password: 'router-pw', grants: [{ kind: 'admin', id: 'a-sys' }] });
      await expectSees(sid, id);
      expect((await lk.entries.reveal(sid, id)).password?.expose()).to.equal('router-pw');
      await expectBlind(sue, id);
      await expectBlind(owner, id);
    });

    it('granting an entry to a role shows it to every admin of that role', async () => {
      const id = await create(sid, { name: 'Backup key', grants: [{ kind: 'admin_role', id: 'r-support' }] });
      await expectSees(sam, id);
      await expectSees(sue, id);
      await expectBlind(owner, id);
    });

    it('filing an entry in an admin category shows it to the category\'s admin and role members', async () => {
      const category = await lk.categories.create(owner, {
        name: 'Datacenter', members: [{ kind: 'admin', id: 'a-sys' }, { kind: 'admin_role', id: 'r-support' }],
      });
      const id = await create(eve, { name: 'IPMI', categoryId: category.id });
      await expectSees(sid, id);
      await expectSees(sam, id);
      await expectSees(sue, id);
      await expectBlind(owner, id);
    });

    it('a view-only grant lets the admin view and reveal but not update, delete or share', async () => {
      const id = await create(sam, { name: 'Router', password: 'router-pw', grants: [{ kind: 'admin', id: 'a-sys', canEdit: false }] });
      await lk.entries.reveal(sid, id);
      await expectForbidden(lk.entries.update(sid, id, { version: 1, password: 'x' }));
      await expectForbidden(lk.entries.delete(sid, id));
      await expectForbidden(lk.entries.share(sid, id, { version: 1, grants: [] }));
    });

    it('a grant with canEdit allows update but not delete or share', async () => {
      const id = await create(sam, { name: 'Router', password: 'router-pw', grants: [{ kind: 'admin_role', id: 'r-sysadmin', canEdit: true }] });
      const updated = await lk.entries.update(sid, id, { version: 1, password: 'router-pw-2' });
      expect(updated.version).to.equal(2);
      expect((await lk.entries.reveal(sam, id)).password?.expose()).to.equal('router-pw-2');
      await expectForbidden(lk.entries.delete(sid, id));
      await expectForbidden(lk.entries.share(sid, id, { version: 2, grants: [] }));
      await expectForbidden(lk.entries.grants(sid, id));
    });

    it('an admin matching several grants edits when any one of them carries canEdit', async () => {
      // Sid matches a view-only grant to himself and an editing grant to his role.
      const id = await create(sam, { name: 'Router', grants: [{ kind: 'admin', id: 'a-sys', canEdit: false }, { kind: 'admin_role', id: 'r-sysadmin', canEdit: true }] });
      await lk.entries.update(sid, id, { version: 1, name: 'Router (edited by role)' });
      const category = await lk.categories.create(owner, { name: 'Ops', members: [{ kind: 'admin', id: 'a-sue', canEdit: true }] });
      const filed = await create(sam, { name: 'Switch', categoryId: category.id, grants: [{ kind: 'admin', id: 'a-sue', canEdit: false }] });
      await lk.entries.update(sue, filed, { version: 1, name: 'Switch (edited through the category)' });
      await expectForbidden(lk.entries.delete(sue, filed));
    });

    it('an editing grant does not let the grantee re-file or re-share the entry', async () => {
      const category = await lk.categories.create(owner, { name: 'Everyone', members: [{ kind: 'admin_role', id: 'r-full' }] });
      const id = await create(sam, { name: 'Router', grants: [{ kind: 'admin', id: 'a-sys', canEdit: true }] });
      await expectForbidden(lk.entries.update(sid, id, { version: 1, categoryId: category.id }));
      await expectBlind(owner, id);
    });

    it('a category membership with canEdit allows update but not delete or share', async () => {
      const category = await lk.categories.create(owner, { name: 'Network', members: [{ kind: 'admin', id: 'a-sys', canEdit: true }, { kind: 'admin', id: 'a-sue' }] });
      const id = await create(sam, { name: 'Switch', password: 'sw-pw', categoryId: category.id });
      await lk.entries.update(sid, id, { version: 1, password: 'sw-pw-2' });
      await expectForbidden(lk.entries.delete(sid, id));
      await expectForbidden(lk.entries.share(sid, id, { version: 2, grants: [] }));
      await expectForbidden(lk.entries.update(sue, id, { version: 2, password: 'sw-pw-3' }));
      expect((await lk.entries.reveal(sue, id)).password?.expose()).to.equal('sw-pw-2');
    });

    it('a grant on a client entry, given by an extended admin, shows it to the grantee in any mode', async () => {
      await configure({ adminAccessMode: 'shared', extendedAdminRoleIds: ['r-auditor'] });
      const { acmePrivate } = await clientEntries();
      await expectBlind(sam, acmePrivate);
      await lk.entries.share(eve, acmePrivate, { version: 1, grants: [{ kind: 'admin', id: 'a-sam' }] });
      await expectSees(sam, acmePrivate);
      await expectBlind(sue, acmePrivate);
    });

    it('a disabled admin sees nothing, not even its own entries', async () => {
      const id = await create(sam, { name: 'Router' });
      host.data.admins.find((a) => a.id === 'a-sam')!.disabled = true;
      expect(await listedIds(lk, sam)).to.deep.equal([]);
      await expectNotFound(lk.entries.get(sam, id));
      await expectForbidden(lk.entries.create(sam, { name: 'New' }));
    });

    it('an admin the host does not know sees nothing and creates nothing', async () => {
      const ghost: AdminActor = { kind: 'admin', adminId: 'a-ghost' };
      const { acmeShared } = await clientEntries();
      expect(await listedIds(lk, ghost)).to.deep.equal([]);
      await expectNotFound(lk.entries.get(ghost, acmeShared));
      expect(await serviceIds(lk, ghost, 'c-acme')).to.deep.equal([]);
      await expectForbidden(lk.entries.create(ghost, { name: 'New' }));
    });

    it('the system actor sees no entry', async () => {
      const { acmeShared } = await clientEntries();
      expect(await listedIds(lk, system)).to.deep.equal([]);
      await expectNotFound(lk.entries.reveal(system, acmeShared));
    });
  });

  describe('client area: own entries', () => {
    it('a client sees and manages its own private entries', async () => {
      const id = await create(acme, { name: 'Mail', password: 'pw-1' });
      await expectSees(acme, id);
      await lk.entries.update(acme, id, { version: 1, password: 'pw-2' });
      await lk.entries.share(acme, id, { version: 2, grants: [{ kind: 'contact', id: 'k-acme-dev' }], sharedWithAdmin: true });
      await lk.entries.delete(acme, id);
      await expectNotFound(lk.entries.get(acme, id));
    });

    it('the main contact acts as the client account itself', async () => {
      const id = await create(acmeMain, { name: 'Mail' });
      await expectSees(acme, id);
      await expectSees(acmeMain, id);
      await lk.entries.delete(acmeMain, id);
    });

    it('a client never sees another client\'s entries', async () => {
      const e = await clientEntries();
      expect(await listedIds(lk, acme)).to.deep.equal([e.acmePrivate, e.acmeShared].sort());
      expect(await listedIds(lk, globex)).to.deep.equal([e.globexPrivate]);
      await expectBlind(globex, e.acmeShared);
      await expectBlind(acme, e.globexPrivate);
    });

    it('client private entries off hides the client\'s own entries from it and forbids creating', async () => {
      const e = await clientEntries();
      await configure({ clientPrivateEntries: { enabled: false, excludedClientGroupIds: [] } });
      await expectBlind(acme, e.acmePrivate);
      await expectBlind(globex, e.globexPrivate);
      await expectForbidden(lk.entries.create(acme, { name: 'New' }));
    });

    it('a client in an excluded group loses its own entries and cannot create; other groups keep theirs', async () => {
      const e = await clientEntries();
      await configure({ clientPrivateEntries: { enabled: true, excludedClientGroupIds: ['g-retail'] } });
      await expectBlind(acme, e.acmePrivate);
      await expectForbidden(lk.entries.create(acme, { name: 'New' }));
      await expectSees(globex, e.globexPrivate);
      await create(globex, { name: 'Still allowed' });
    });

    it('with private entries off a client still sees what the administration granted to it', async () => {
      await configure({ clientPrivateEntries: { enabled: false, excludedClientGroupIds: [] } });
      const id = await create(sam, { name: 'cPanel reseller', clientId: 'c-acme', grants: [{ kind: 'client', id: 'c-acme' }] });
      await expectSees(acme, id);
    });

    it('the entry limit refuses the next entry with an error naming the limit', async () => {
      await configure({ clientEntryLimit: 2 });
      await create(acme, { name: 'One' });
      await create(acme, { name: 'Two' });
      const err = await rejection(lk.entries.create(acme, { name: 'Three' }));
      expect(err).to.be.instanceOf(LimitExceededError);
      expect((err as LimitExceededError).limit).to.equal(2);
      expect(err.message).to.contain('2');
      expect(await listedIds(lk, acme)).to.have.length(2);
    });

    it('the entry limit counts only what the client itself owns', async () => {
      await configure({ clientEntryLimit: 1 });
      await create(sam, { name: 'Admin entry for Acme', clientId: 'c-acme', grants: [{ kind: 'client', id: 'c-acme' }] });
      await create(globex, { name: 'Globex one' });
      await create(acme, { name: 'Acme one' });
      await expectLimit(lk.entries.create(acme, { name: 'Acme two' }), 1);
    });
  });

  async function expectLimit(call: Promise<unknown>, limit: number): Promise<void> {
    const err = await rejection(call);
    expect(err).to.be.instanceOf(LimitExceededError);
    expect((err as LimitExceededError).limit).to.equal(limit);
  }

  describe('client area: grants, contacts and categories', () => {
    it('an admin entry granted to the client shows in its client area, read-only', async () => {
      const id = await create(sam, { name: 'FTP', password: 'ftp-pw', clientId: 'c-acme', grants: [{ kind: 'client', id: 'c-acme' }] });
      await expectSees(acme, id);
      expect((await lk.entries.reveal(acme, id)).password?.expose()).to.equal('ftp-pw');
      await expectForbidden(lk.entries.update(acme, id, { version: 1, password: 'mine' }));
      await expectBlind(globex, id);
      await expectBlind(acmeDev, id);
    });

    it('an admin entry granted to the client with canEdit may be updated, not deleted or shared', async () => {
      const id = await create(sam, { name: 'FTP', password: 'ftp-pw', clientId: 'c-acme', grants: [{ kind: 'client', id: 'c-acme', canEdit: true }] });
      await lk.entries.update(acme, id, { version: 1, password: 'client-rotated' });
      await expectForbidden(lk.entries.delete(acme, id));
      await expectForbidden(lk.entries.share(acme, id, { version: 2, grants: [] }));
    });

    it('the main client account sees what is granted to any of its contacts', async () => {
      await configure({ clientPrivateEntries: { enabled: false, excludedClientGroupIds: [] } });
      const id = await create(sam, { name: 'Dev VPN', clientId: 'c-acme', grants: [{ kind: 'contact', id: 'k-acme-dev' }] });
      await expectSees(acme, id);
      await expectSees(acmeMain, id);
      await expectSees(acmeDev, id);
    });

    it('a non-main contact sees only what is granted to that contact', async () => {
      const e = await clientEntries();
      const toDev = await create(acme, { name: 'Dev DB', grants: [{ kind: 'contact', id: 'k-acme-dev' }] });
      const toClient = await create(sam, { name: 'Portal', clientId: 'c-acme', grants: [{ kind: 'client', id: 'c-acme' }] });
      const toMain = await create(sam, { name: 'Billing', clientId: 'c-acme', grants: [{ kind: 'contact', id: 'k-acme-main' }] });
      expect(await listedIds(lk, acmeDev)).to.deep.equal([toDev]);
      await expectSees(acmeDev, toDev);
      for (const id of [e.acmePrivate, e.acmeShared, toClient, toMain]) await expectBlind(acmeDev, id);
      expect(await listedIds(lk, acme)).to.deep.equal([e.acmePrivate, e.acmeShared, toDev, toClient, toMain].sort());
    });

    it('a non-main contact edits only with an editing grant, and never deletes or shares', async () => {
      const viewOnly = await create(acme, { name: 'Read me', grants: [{ kind: 'contact', id: 'k-acme-dev' }] });
      const editable = await create(acme, { name: 'Edit me', grants: [{ kind: 'contact', id: 'k-acme-dev', canEdit: true }] });
      await expectForbidden(lk.entries.update(acmeDev, viewOnly, { version: 1, name: 'x' }));
      await lk.entries.update(acmeDev, editable, { version: 1, name: 'Edited' });
      await expectForbidden(lk.entries.delete(acmeDev, editable));
      await expectForbidden(lk.entries.share(acmeDev, editable, { version: 2, grants: [] }));
    });

    it('a non-main contact cannot create entries', async () => {
      await expectForbidden(lk.entries.create(acmeDev, { name: 'Mine' }));
      await expectForbidden(lk.entries.create(globexOps, { name: 'Mine' }));
    });

    it('a client category shares its entries with the contacts that are members', async () => {
      const category = await lk.categories.create(acme, { name: 'Developers', members: [{ kind: 'contact', id: 'k-acme-dev' }] });
      const id = await create(acme, { name: 'Staging', categoryId: category.id });
      const outside = await create(acme, { name: 'Finance' });
      await expectSees(acmeDev, id);
      await expectBlind(acmeDev, outside);
      await expectForbidden(lk.entries.update(acmeDev, id, { version: 1, name: 'x' }));
    });

    it('an admin category shows a client or contact member the entries filed in it that concern that client', async () => {
      const category = await lk.categories.create(owner, { name: 'Shared', members: [{ kind: 'client', id: 'c-acme' }, { kind: 'contact', id: 'k-globex-ops' }] });
      const acmeStatus = await create(sam, { name: 'Acme status page', clientId: 'c-acme', private: true, categoryId: category.id });
      const globexStatus = await create(sam, { name: 'Globex status page', clientId: 'c-globex', private: true, categoryId: category.id });
      const nobodys = await create(sam, { name: 'Our status page', private: true, categoryId: category.id });
      await expectSees(acme, acmeStatus);
      await expectBlind(acme, globexStatus);
      await expectSees(globexOps, globexStatus);
      await expectSees(globex, globexStatus);
      await expectBlind(globexOps, acmeStatus);
      await expectBlind(acmeDev, acmeStatus);
      for (const client of [acme, globex, globexOps]) await expectBlind(client, nobodys);
    });

    it('a contact unknown to the client is nobody: sees nothing, creates nothing', async () => {
      const stranger: ClientActor = { kind: 'client', clientId: 'c-acme', contactId: 'k-globex-ops' };
      const e = await clientEntries();
      const toOps = await create(globex, { name: 'Ops', grants: [{ kind: 'contact', id: 'k-globex-ops' }] });
      expect(await listedIds(lk, stranger)).to.deep.equal([]);
      await expectNotFound(lk.entries.get(stranger, e.acmePrivate));
      await expectNotFound(lk.entries.get(stranger, toOps));
      await expectForbidden(lk.entries.create(stranger, { name: 'x' }));
    });
  });

  describe('client area: service credentials', () => {
    it('a client sees and reveals the credentials of its own services', async () => {
      expect(await serviceIds(lk, acme, 'c-acme')).to.deep.equal(['service:s-acme-vps', 'service:s-acme-web']);
      const vps = await lk.entries.get(acme, 'service:s-acme-vps');
      expect(vps.source).to.equal('service');
      expect(vps.username).to.equal('root');
      expect((await lk.entries.reveal(acme, 'service:s-acme-vps')).password?.expose()).to.equal('acme-vps-root-pw');
    });

    it('service credentials are read-only for their client', async () => {
      await expectForbidden(lk.entries.update(acme, 'service:s-acme-vps', { version: 1, name: 'x' }));
      await expectForbidden(lk.entries.delete(acme, 'service:s-acme-vps'));
      await expectForbidden(lk.entries.share(acme, 'service:s-acme-vps', { version: 1, grants: [] }));
    });

    it('another client\'s service credentials are not found', async () => {
      expect(await serviceIds(lk, globex, 'c-acme')).to.deep.equal([]);
      await expectNotFound(lk.entries.get(globex, 'service:s-acme-vps'));
      await expectNotFound(lk.entries.reveal(globex, 'service:s-acme-vps'));
      await expectNotFound(lk.entries.update(globex, 'service:s-acme-vps', { version: 1, name: 'x' }));
    });

    it('service passwords disabled hide them from every client', async () => {
      await configure({ clientServicePasswords: { enabled: false, excludedClientGroupIds: [], excludedProductIds: [], excludedProductGroupIds: [] } });
      expect(await serviceIds(lk, acme, 'c-acme')).to.deep.equal([]);
      expect(await serviceIds(lk, globex, 'c-globex')).to.deep.equal([]);
      await expectNotFound(lk.entries.reveal(acme, 'service:s-acme-vps'));
    });

    it('an excluded client group hides its clients\' service passwords only', async () => {
      await configure({ clientServicePasswords: { enabled: true, excludedClientGroupIds: ['g-reseller'], excludedProductIds: [], excludedProductGroupIds: [] } });
      expect(await serviceIds(lk, globex, 'c-globex')).to.deep.equal([]);
      await expectNotFound(lk.entries.reveal(globex, 'service:s-globex-vps'));
      expect(await serviceIds(lk, acme, 'c-acme')).to.deep.equal(['service:s-acme-vps', 'service:s-acme-web']);
    });

    it('an excluded product hides the services of that product only', async () => {
      await configure({ clientServicePasswords: { enabled: true, excludedClientGroupIds: [], excludedProductIds: ['p-cpanel'], excludedProductGroupIds: [] } });
      expect(await serviceIds(lk, acme, 'c-acme')).to.deep.equal(['service:s-acme-vps']);
      await expectNotFound(lk.entries.get(acme, 'service:s-acme-web'));
    });

    it('an excluded product group hides the services of its products', async () => {
      await configure({ clientServicePasswords: { enabled: true, excludedClientGroupIds: [], excludedProductIds: [], excludedProductGroupIds: ['pg-vps'] } });
      expect(await serviceIds(lk, acme, 'c-acme')).to.deep.equal(['service:s-acme-web']);
      expect(await serviceIds(lk, globex, 'c-globex')).to.deep.equal([]);
      await expectNotFound(lk.entries.reveal(acme, 'service:s-acme-vps'));
    });

    it('client-side exclusions do not hide service credentials from allowed admins', async () => {
      await configure({
        adminAccessMode: 'restricted', allowedAdminIds: ['a-sam'],
        clientServicePasswords: { enabled: false, excludedClientGroupIds: [], excludedProductIds: [], excludedProductGroupIds: [] },
      });
      expect(await serviceIds(lk, sam, 'c-acme')).to.deep.equal(['service:s-acme-vps', 'service:s-acme-web']);
    });

    it('a non-main contact does not see its client\'s service credentials; the main contact does', async () => {
      expect(await serviceIds(lk, acmeDev, 'c-acme')).to.deep.equal([]);
      await expectNotFound(lk.entries.reveal(acmeDev, 'service:s-acme-vps'));
      expect(await serviceIds(lk, acmeMain, 'c-acme')).to.deep.equal(['service:s-acme-vps', 'service:s-acme-web']);
    });

    it('a service without a login of its own is no entry at all', async () => {
      host.data.services.push({ id: 's-acme-dns', clientId: 'c-acme', productId: 'p-cpanel', label: 'dns', username: null, password: null, loginUrl: null, status: 'active' });
      expect(await serviceIds(lk, acme, 'c-acme')).not.to.include('service:s-acme-dns');
      await expectNotFound(lk.entries.get(acme, 'service:s-acme-dns'));
    });
  });

  describe('invisible is not found, visible but not allowed is forbidden', () => {
    it('an entry the actor may not see answers exactly like one that does not exist', async () => {
      const { acmePrivate } = await clientEntries();
      const missing = '01900000-0000-7000-8000-000000000000';
      for (const [label, call] of [
        ['get', (id: string) => lk.entries.get(globex, id)],
        ['reveal', (id: string) => lk.entries.reveal(globex, id)],
        ['update', (id: string) => lk.entries.update(globex, id, { version: 1, name: 'x' })],
        ['delete', (id: string) => lk.entries.delete(globex, id)],
        ['share', (id: string) => lk.entries.share(globex, id, { version: 1, grants: [] })],
        ['history', (id: string) => lk.entries.history(globex, id)],
      ] as const) {
        const hidden = await rejection(call(acmePrivate));
        const absent = await rejection(call(missing));
        expect(hidden, label).to.be.instanceOf(NotFoundError);
        expect({ name: hidden.name, message: hidden.message, code: (hidden as NotFoundError).code }, label)
          .to.deep.equal({ name: absent.name, message: absent.message, code: (absent as NotFoundError).code });
      }
      const hiddenService = await rejection(lk.entries.get(globex, 'service:s-acme-vps'));
      const absentService = await rejection(lk.entries.get(globex, 'service:s-nope'));
      expect(hiddenService.message).to.equal(absentService.message);
    });

    it('an entry the actor may see but not change is forbidden', async () => {
      await configure({ adminAccessMode: 'full' });
      const { acmePrivate } = await clientEntries();
      const err = await rejection(lk.entries.update(sam, acmePrivate, { version: 1, name: 'x' }));
      expect(err).to.be.instanceOf(ForbiddenError);
      await expectForbidden(lk.entries.update(sam, 'service:s-acme-vps', { version: 1, name: 'x' }));
    });
  });

  describe('revocation is immediate', () => {
    it('removing a grant hides the entry on the next call', async () => {
      const id = await create(sam, { name: 'Router', grants: [{ kind: 'admin', id: 'a-sys' }, { kind: 'contact', id: 'k-acme-dev' }], clientId: 'c-acme' });
      await expectSees(sid, id);
      await expectSees(acmeDev, id);
      await lk.entries.share(sam, id, { version: 1, grants: [] });
      await expectBlind(sid, id);
      await expectBlind(acmeDev, id);
    });

    it('removing a category member hides the category\'s entries on the next call', async () => {
      const category = await lk.categories.create(owner, { name: 'Network', members: [{ kind: 'admin', id: 'a-sys' }, { kind: 'admin_role', id: 'r-support' }] });
      const id = await create(owner, { name: 'Core switch', categoryId: category.id });
      await expectSees(sid, id);
      await expectSees(sam, id);
      await lk.categories.update(owner, category.id, { members: [{ kind: 'admin_role', id: 'r-support' }] });
      await expectBlind(sid, id);
      await expectSees(sam, id);
      await lk.categories.delete(owner, category.id);
      await expectBlind(sam, id);
    });

    it('removing a contact from a client category hides its entries from that contact on the next call', async () => {
      const category = await lk.categories.create(acme, { name: 'Developers', members: [{ kind: 'contact', id: 'k-acme-dev' }] });
      const id = await create(acme, { name: 'Staging', categoryId: category.id });
      await expectSees(acmeDev, id);
      await lk.categories.update(acme, category.id, { members: [] });
      await expectBlind(acmeDev, id);
    });

    it('removing an admin from the allowed list hides client data on the next call', async () => {
      await configure({ adminAccessMode: 'restricted', allowedAdminIds: ['a-sys', 'a-sam'] });
      const { acmeShared } = await clientEntries();
      await expectSees(sid, acmeShared);
      expect(await serviceIds(lk, sid, 'c-acme')).to.have.length(2);
      await configure({ allowedAdminIds: ['a-sam'] });
      await expectBlind(sid, acmeShared);
      expect(await serviceIds(lk, sid, 'c-acme')).to.deep.equal([]);
      await expectSees(sam, acmeShared);
    });

    it('removing a role from the allowed roles hides client data on the next call', async () => {
      await configure({ adminAccessMode: 'full' });
      const { acmePrivate } = await clientEntries();
      await configure({ adminAccessMode: 'restricted', allowedAdminRoleIds: ['r-support'] });
      await expectSees(sue, acmePrivate);
      await configure({ allowedAdminRoleIds: [] });
      await expectBlind(sue, acmePrivate);
    });

    it('disabling an admin in the host denies the very next call', async () => {
      await configure({ adminAccessMode: 'full' });
      const { acmePrivate } = await clientEntries();
      const own = await create(sid, { name: 'Mine' });
      await expectSees(sid, acmePrivate);
      host.data.admins.find((a) => a.id === 'a-sys')!.disabled = true;
      await expectBlind(sid, acmePrivate);
      await expectBlind(sid, own);
      await expectNotFound(lk.entries.delete(sid, own));
      expect(await serviceIds(lk, sid, 'c-acme')).to.deep.equal([]);
    });

    it('an admin moved out of an extended role loses its powers on the next call', async () => {
      await configure({ extendedAdminRoleIds: ['r-auditor'] });
      const { acmePrivate } = await clientEntries();
      await expectSees(eve, acmePrivate);
      host.data.admins.find((a) => a.id === 'a-eve')!.roleId = 'r-support';
      await expectBlind(eve, acmePrivate);
      await expectForbidden(lk.settings.update(eve, { clientEntryLimit: 3 }));
    });

    it('a contact removed from the host is denied on the next call', async () => {
      const id = await create(acme, { name: 'Dev DB', grants: [{ kind: 'contact', id: 'k-acme-dev' }] });
      await expectSees(acmeDev, id);
      host.data.contacts = host.data.contacts.filter((c) => c.id !== 'k-acme-dev');
      await expectNotFound(lk.entries.get(acmeDev, id));
      expect(await listedIds(lk, acmeDev)).to.deep.equal([]);
    });

    it('a client moved into an excluded group loses its own entries and service passwords on the next call', async () => {
      await configure({
        clientPrivateEntries: { enabled: true, excludedClientGroupIds: ['g-reseller'] },
        clientServicePasswords: { enabled: true, excludedClientGroupIds: ['g-reseller'], excludedProductIds: [], excludedProductGroupIds: [] },
      });
      const id = await create(acme, { name: 'Mail' });
      await expectSees(acme, id);
      host.data.clients.find((c) => c.id === 'c-acme')!.groupId = 'g-reseller';
      await expectBlind(acme, id);
      expect(await serviceIds(lk, acme, 'c-acme')).to.deep.equal([]);
    });
  });

  describe('client accounts and staff grants', () => {
    it('a client changing who its entry is shared with keeps the grants staff gave', async () => {
      await configure({ adminAccessMode: 'full', extendedAdminRoleIds: ['r-auditor'] });
      const eve: Actor = { kind: 'admin', adminId: 'a-eve' };
      const id = await create(acme, { name: 'Acme router', password: 'router-pw' });
      await lk.entries.share(eve, id, { version: 1, grants: [{ kind: 'admin_role', id: 'r-support', canEdit: true }] });
      await lk.entries.share(acme, id, { version: 2, grants: [{ kind: 'contact', id: 'k-acme-dev' }] });
      const grants = await lk.entries.grants(acme, id);
      expect(grants).to.deep.include({ kind: 'admin_role', id: 'r-support', canEdit: true });
      expect(grants).to.deep.include({ kind: 'contact', id: 'k-acme-dev', canEdit: false });
      await configure({ adminAccessMode: 'restricted' });
      await lk.entries.update(sam, id, { version: 3, password: 'rotated-by-support' });
    });

    it('a closed client account sees nothing and may create nothing, and its entries stay', async () => {
      const e = await clientEntries();
      host.data.clients.find((c) => c.id === 'c-acme')!.status = 'Closed';
      expect(await listedIds(lk, acme)).to.deep.equal([]);
      await expectNotFound(lk.entries.get(acme, e.acmePrivate));
      await expectForbidden(lk.entries.create(acme, { name: 'after closing' }));
      host.data.clients.find((c) => c.id === 'c-acme')!.status = 'Active';
      expect(await listedIds(lk, acme)).to.include(e.acmePrivate);
    });
  });
});
