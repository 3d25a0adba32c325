import { expect } from 'chai';
import type { MemoryDirectory } from '../../adapters/memory/memory-directory.ts';
import {
  ValidationError, type Actor, type AdminActor, type ClientActor, type Latchkey, type ServiceStatus, type SettingsPatch,
} from '../../core/index.ts';
import * as staffPrivateEntries from '../../migrations/0005_staff_private_entries.ts';
import { forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { Inbox } from '../mail/support/inbox.ts';
import { acme, acmeDev, globex, hostFixture, owner, sam, sid } from '../support/host-fixture.ts';
import { clearVault, expectNotFound, listedIds, rejection, resetHost, serviceIds } from './policy-support.ts';

/**
 * Every grant rests on a fact the host keeps, and holds only while the fact
 * does. Each rule below names its fact and changes it.
 */
const globexOps: ClientActor = { kind: 'client', clientId: 'c-globex', contactId: 'k-globex-ops' };
/** Dev, after the host moved the contact from Acme to Globex. */
const devAtGlobex: ClientActor = { kind: 'client', clientId: 'c-globex', contactId: 'k-acme-dev' };
/** An admin whose role the installer marks as extended. */
const eve: AdminActor = { kind: 'admin', adminId: 'a-eve' };

forEachDatabase('access follows the host', (db) => {
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
    fresh.data.admins.push({ id: 'a-eve', name: 'Eve Auditor', email: 'eve@host.test', roleId: 'r-auditor', language: 'en', disabled: false, addonManager: false });
    resetHost(host, fresh.data);
    await clearVault(vault);
  });

  const configure = (patch: SettingsPatch) => lk.settings.update(owner, patch);
  const create = async (actor: Actor, input: Parameters<Latchkey['entries']['create']>[1]) => (await lk.entries.create(actor, input)).id;
  const moveContact = (contactId: string, clientId: string) => {
    const contact = host.data.contacts.find((c) => c.id === contactId)!;
    host.data.contacts = [...host.data.contacts.filter((c) => c.id !== contactId), { ...contact, clientId, isMain: false }];
  };
  const setServiceStatus = (serviceId: string, status: ServiceStatus) => {
    host.data.services = host.data.services.map((s) => s.id === serviceId ? { ...s, status } : s);
  };

  async function expectSees(actor: Actor, id: string): Promise<void> {
    expect(await listedIds(lk, actor), 'listed').to.include(id);
    expect((await lk.entries.reveal(actor, id)).password?.expose()).to.be.a('string');
  }

  async function expectBlind(actor: Actor, id: string): Promise<void> {
    expect(await listedIds(lk, actor), 'listed').not.to.include(id);
    await expectNotFound(lk.entries.get(actor, id));
    await expectNotFound(lk.entries.reveal(actor, id));
  }

  describe('a contact counts for a client only while the host says it belongs to it', () => {
    it('a contact who moves to another client keeps nothing of the old one, granted directly or through a category', async () => {
      const direct = await create(acme, { name: 'Staging', password: 'st', grants: [{ kind: 'contact', id: 'k-acme-dev', canEdit: true }] });
      const category = await lk.categories.create(acme, { name: 'Developers', members: [{ kind: 'contact', id: 'k-acme-dev' }] });
      const filed = await create(acme, { name: 'CI', password: 'ci', categoryId: category.id });
      const staffShared = await create(sam, { name: 'Acme SFTP', password: 'sf', clientId: 'c-acme', private: true, grants: [{ kind: 'contact', id: 'k-acme-dev', canEdit: false }] });
      for (const id of [direct, filed, staffShared]) await expectSees(acmeDev, id);

      moveContact('k-acme-dev', 'c-globex');
      for (const id of [direct, filed, staffShared]) {
        await expectBlind(devAtGlobex, id);
        await expectBlind(acmeDev, id);
      }
      await expectNotFound(lk.entries.update(devAtGlobex, direct, { version: 1, name: 'taken' }));
    });

    it('the new client\'s account does not see what the old client granted to the contact who joined it', async () => {
      const direct = await create(acme, { name: 'Staging', password: 'st', grants: [{ kind: 'contact', id: 'k-acme-dev', canEdit: false }] });
      const category = await lk.categories.create(acme, { name: 'Developers', members: [{ kind: 'contact', id: 'k-acme-dev' }] });
      const filed = await create(acme, { name: 'CI', password: 'ci', categoryId: category.id });
      moveContact('k-acme-dev', 'c-globex');
      for (const id of [direct, filed]) await expectBlind(globex, id);
      expect((await lk.categories.list(globex)).map((c) => c.name)).not.to.include('Developers');
      expect((await lk.categories.list(devAtGlobex)).map((c) => c.name)).not.to.include('Developers');
      // The old client still has its entries and its category.
      for (const id of [direct, filed]) await expectSees(acme, id);
      expect((await lk.categories.list(acme)).map((c) => c.name)).to.include('Developers');
    });

    it('a contact id the host reuses for another client\'s contact reaches nothing of the first', async () => {
      const direct = await create(acme, { name: 'Staging', password: 'st', grants: [{ kind: 'contact', id: 'k-acme-dev', canEdit: false }] });
      host.data.contacts = host.data.contacts.filter((c) => c.id !== 'k-acme-dev');
      host.data.contacts.push({ id: 'k-acme-dev', clientId: 'c-globex', name: 'Someone else', email: 'else@globex.test', isMain: false });
      await expectBlind(devAtGlobex, direct);
      await expectBlind(globex, direct);
    });

    it('a contact who moves back sees again what it was given: the grant waited on the fact', async () => {
      const direct = await create(acme, { name: 'Staging', password: 'st', grants: [{ kind: 'contact', id: 'k-acme-dev', canEdit: false }] });
      moveContact('k-acme-dev', 'c-globex');
      await expectBlind(devAtGlobex, direct);
      moveContact('k-acme-dev', 'c-acme');
      await expectSees(acmeDev, direct);
    });

    it('a contact who moved is not mailed the old client\'s new password', async () => {
      await configure({ includePasswordInChangeMail: true });
      const id = await create(acme, { name: 'Staging', password: 'st', grants: [{ kind: 'contact', id: 'k-acme-dev', canEdit: false }] });
      await lk.entries.watch(acmeDev, id, true);
      const inbox = new Inbox();
      await lk.entries.update(acme, id, { version: 1, password: 'new-secret-before-the-move' });
      await lk.runMailOnce(inbox);
      expect(inbox.to('dev@acme.test').map((m) => m.text).join()).to.contain('new-secret-before-the-move');

      moveContact('k-acme-dev', 'c-globex');
      await lk.entries.update(acme, id, { version: 2, password: 'new-secret-after-the-move' });
      await lk.runMailOnce(inbox);
      expect(inbox.to('dev@acme.test')).to.have.length(1);
      expect(JSON.stringify(inbox.messages)).not.to.contain('new-secret-after-the-move');
    });
  });

  describe('a service\'s credentials follow the service\'s state', () => {
    it('a suspended service\'s password is hidden from its client and shown to staff', async () => {
      await configure({ adminAccessMode: 'full' });
      expect(await serviceIds(lk, acme, 'c-acme')).to.include('service:s-acme-vps');
      setServiceStatus('s-acme-vps', 'suspended');
      expect(await serviceIds(lk, acme, 'c-acme')).not.to.include('service:s-acme-vps');
      await expectNotFound(lk.entries.reveal(acme, 'service:s-acme-vps'));
      expect(await serviceIds(lk, sam, 'c-acme')).to.include('service:s-acme-vps');
      expect((await lk.entries.reveal(sam, 'service:s-acme-vps')).password?.expose()).to.equal('acme-vps-root-pw');
      setServiceStatus('s-acme-vps', 'active');
      expect((await lk.entries.reveal(acme, 'service:s-acme-vps')).password?.expose()).to.equal('acme-vps-root-pw');
    });

    for (const status of ['pending', 'suspended', 'terminated', 'cancelled', 'fraud'] as const) {
      it(`by default a client does not see a ${status} service's credentials; the setting can show them`, async () => {
        setServiceStatus('s-acme-web', status);
        expect(await serviceIds(lk, acme, 'c-acme')).to.deep.equal(['service:s-acme-vps']);
        await configure({ clientServicePasswords: { visibleStatuses: ['active', status] } });
        expect(await serviceIds(lk, acme, 'c-acme')).to.deep.equal(['service:s-acme-vps', 'service:s-acme-web']);
      });
    }

    it('an entry about a suspended service is hidden from the client and its contacts, not from staff', async () => {
      await configure({ adminAccessMode: 'full' });
      const own = await create(acme, { name: 'VPS panel', password: 'vp', serviceId: 's-acme-vps', grants: [{ kind: 'contact', id: 'k-acme-dev', canEdit: false }] });
      const staffs = await create(sam, { name: 'VPS IPMI', password: 'ipmi', clientId: 'c-acme', serviceId: 's-acme-vps', grants: [{ kind: 'client', id: 'c-acme', canEdit: false }] });
      const other = await create(acme, { name: 'Web mail', password: 'wm', serviceId: 's-acme-web' });
      setServiceStatus('s-acme-vps', 'suspended');
      for (const client of [acme, acmeDev]) {
        await expectBlind(client, own);
        await expectBlind(client, staffs);
      }
      await expectSees(acme, other);
      await expectSees(sid, own);
      await expectSees(sam, staffs);
      setServiceStatus('s-acme-vps', 'active');
      await expectSees(acmeDev, own);
      await expectSees(acme, staffs);
    });
  });

  describe('a category grants a client only entries that concern that client', () => {
    it('an admin refused when sharing client A\'s entry with client B directly gets nowhere through a category', async () => {
      const acmeEntry = await create(sam, { name: 'Acme router', password: 'r', clientId: 'c-acme', private: true });
      const refused = await rejection(lk.entries.share(sam, acmeEntry, { version: 1, grants: [{ kind: 'client', id: 'c-globex', canEdit: false }] }));
      expect(refused).to.be.instanceOf(ValidationError);
      const category = await lk.categories.create(owner, { name: 'Network', members: [{ kind: 'client', id: 'c-globex' }, { kind: 'contact', id: 'k-globex-ops' }] });
      await lk.entries.update(sam, acmeEntry, { version: 1, categoryId: category.id });
      await expectBlind(globex, acmeEntry);
      await expectBlind(globexOps, acmeEntry);
    });

    it('an extended admin filing client A\'s private entry into a category with client B gives B nothing', async () => {
      await configure({ extendedAdminRoleIds: ['r-auditor'] });
      const acmePrivate = await create(acme, { name: 'Acme bank', password: 'bank' });
      const category = await lk.categories.create(owner, { name: 'Everyone', members: [{ kind: 'client', id: 'c-globex' }] });
      await lk.entries.update(eve, acmePrivate, { version: 1, categoryId: category.id });
      await expectBlind(globex, acmePrivate);
      await expectSees(acme, acmePrivate);
    });

    it('a client added to a category later sees only its own entries in it', async () => {
      const category = await lk.categories.create(owner, { name: 'Routers', members: [] });
      const acmeRouter = await create(sam, { name: 'Acme router', password: 'r', clientId: 'c-acme', private: true, categoryId: category.id });
      const globexRouter = await create(sam, { name: 'Globex router', password: 'g', clientId: 'c-globex', private: true, categoryId: category.id });
      await lk.categories.update(owner, category.id, { members: [{ kind: 'client', id: 'c-acme' }, { kind: 'client', id: 'c-globex' }] });
      await expectSees(acme, acmeRouter);
      await expectBlind(acme, globexRouter);
      await expectSees(globex, globexRouter);
      await expectBlind(globex, acmeRouter);
    });
  });

  describe('private entries can be forbidden for chosen clients and client groups', () => {
    it('a client excluded by id keeps its entries but sees none of them, and cannot create more', async () => {
      const own = await create(acme, { name: 'Shop', password: 's', grants: [{ kind: 'contact', id: 'k-acme-dev', canEdit: true }] });
      await configure({ clientPrivateEntries: { excludedClientIds: ['c-acme'] } });
      await expectBlind(acme, own);
      await expectBlind(acmeDev, own);
      await expectNotFound(lk.entries.update(acmeDev, own, { version: 1, name: 'edited anyway' }));
      expect((await rejection(lk.entries.create(acme, { name: 'New' }))).name).to.equal('ForbiddenError');
      // Globex is not excluded; staff still reach Acme's entries as the mode says.
      expect((await lk.entries.create(globex, { name: 'Globex own' })).owner.id).to.equal('c-globex');
      await configure({ clientPrivateEntries: { excludedClientIds: [] } });
      await expectSees(acmeDev, own);
    });

    it('a client whose group is excluded does not reach its own entries through its contact\'s grant', async () => {
      const own = await create(acme, { name: 'Shop', password: 's', grants: [{ kind: 'contact', id: 'k-acme-dev', canEdit: true }] });
      const fromStaff = await create(sam, { name: 'Acme SFTP', password: 'sf', clientId: 'c-acme', private: true, grants: [{ kind: 'contact', id: 'k-acme-dev', canEdit: false }] });
      await configure({ clientPrivateEntries: { excludedClientGroupIds: ['g-retail'] } });
      await expectBlind(acme, own);
      await expectBlind(acmeDev, own);
      // What staff shared with the client is not the client's private entries: it stays.
      await expectSees(acmeDev, fromStaff);
      await expectSees(acme, fromStaff);
    });

    it('service passwords can be hidden from chosen clients', async () => {
      await configure({ clientServicePasswords: { excludedClientIds: ['c-acme'] } });
      expect(await serviceIds(lk, acme, 'c-acme')).to.deep.equal([]);
      expect(await serviceIds(lk, globex, 'c-globex')).to.deep.equal(['service:s-globex-vps']);
    });

    it('a settings change names fields of a group and keeps the others', async () => {
      await configure({ clientPrivateEntries: { excludedClientGroupIds: ['g-reseller'] } });
      await configure({ clientPrivateEntries: { excludedClientIds: ['c-acme'] } });
      const settings = await lk.settings.get(owner);
      expect(settings.clientPrivateEntries).to.deep.equal({ enabled: true, excludedClientGroupIds: ['g-reseller'], excludedClientIds: ['c-acme'] });
    });
  });

  describe('staff entries filed under a client', () => {
    it('the upgrade keeps every existing staff entry exactly as visible as before: private to its author', async () => {
      await configure({ adminAccessMode: 'full' });
      const before = await create(sam, { name: 'Old notes', password: 'old', clientId: 'c-acme' });
      const clientOwned = await create(acme, { name: 'Client own', password: 'co', sharedWithAdmin: true });
      // Back to the schema before staff entries could be the team's, then forward again.
      await staffPrivateEntries.down(vault.raw, vault.tables);
      await staffPrivateEntries.up(vault.raw, vault.tables);
      await expectBlind(sid, before);
      await expectSees(sam, before);
      await expectSees(sid, clientOwned);
    });

    it('the author can make a private entry the team\'s and take it back; colleagues cannot', async () => {
      await configure({ adminAccessMode: 'full' });
      const id = await create(sam, { name: 'Acme DNS', password: 'dns', clientId: 'c-acme', private: true });
      await expectBlind(sid, id);
      expect((await rejection(lk.entries.update(sid, id, { version: 1, private: false }))).name).to.equal('NotFoundError');
      const shared = await lk.entries.update(sam, id, { version: 1, private: false });
      expect(shared.private).to.equal(false);
      await expectSees(sid, id);
      expect((await rejection(lk.entries.update(sid, id, { version: 2, private: true }))).name).to.equal('ForbiddenError');
      await lk.entries.update(sam, id, { version: 2, private: true });
      await expectBlind(sid, id);
    });

    it('a staff entry filed under no client stays its author\'s, private or not', async () => {
      await configure({ adminAccessMode: 'full' });
      const id = await create(sam, { name: 'Our registrar', password: 'reg', private: false });
      await expectBlind(sid, id);
      await expectSees(sam, id);
    });

    it('a team entry leaves an admin who loses the allowed role at once', async () => {
      await configure({ adminAccessMode: 'restricted', allowedAdminRoleIds: ['r-sysadmin'] });
      const id = await create(sam, { name: 'Acme DNS', password: 'dns', clientId: 'c-acme' });
      await expectSees(sid, id);
      host.data.admins = host.data.admins.map((a) => a.id === 'a-sys' ? { ...a, roleId: 'r-support' } : a);
      await expectBlind(sid, id);
    });
  });
});
