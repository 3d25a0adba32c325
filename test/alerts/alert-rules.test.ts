import { expect } from 'chai';
import type { MemoryDirectory } from '../../adapters/memory/memory-directory.ts';
import type { Actor, AdminActor } from '../../core/index.ts';
import { forEachDatabase, ManualClock, openVault, type Vault } from '../support/databases.ts';
import { hostFixture, owner } from '../support/host-fixture.ts';

const from = (ip: string, userAgent = 'Firefox/130'): AdminActor => ({ ...owner, origin: { ip, userAgent } });

forEachDatabase('security alerts', (db) => {
  let host: MemoryDirectory;
  let clock: ManualClock;
  let vault: Vault;
  let entryId: string;

  beforeEach(async () => {
    host = hostFixture();
    clock = new ManualClock();
    vault = await openVault(db, host, { clock });
    entryId = (await vault.lk.entries.create(owner, { name: 'Core router', password: 'router-secret-pw' })).id;
  });
  afterEach(async () => { await vault.close(); });

  const alerts = async () => (await vault.lk.alerts.recent(owner)).map((a) => `${a.rule} ${a.person}`);
  const reveal = (actor: Actor = from('198.51.100.7')) => vault.lk.entries.reveal(actor, entryId);
  const rules = (securityAlerts: Parameters<Vault['lk']['settings']['update']>[1]['securityAlerts']) =>
    vault.lk.settings.update(owner, { securityAlerts });

  describe('one person revealing more than N secrets in M minutes', () => {
    it('alerts on the N+1th reveal within the window, not at N-1 or N, and once per window', async () => {
      await rules({ revealBurst: { count: 3, minutes: 10 }, newPlace: { enabled: false } });
      await reveal();
      await reveal();
      expect(await alerts(), 'N-1').to.deep.equal([]);
      await reveal();
      expect(await alerts(), 'N').to.deep.equal([]);
      await reveal();
      expect(await alerts(), 'N+1').to.deep.equal(['revealBurst admin:a-owner']);
      await reveal();
      expect(await alerts(), 'no storm').to.have.length(1);
      const raised = await vault.lk.audit.list(owner, { action: 'alert.raised' });
      expect(raised.map((e) => e.details?.rule)).to.deep.equal(['revealBurst']);
    });

    it('counts from nothing on a trail emptied behind its back: the doubt is recorded and the N+1th reveal after it alerts', async () => {
      await rules({ revealBurst: { count: 2, minutes: 10 }, newPlace: { enabled: false } });
      await reveal();
      await vault.raw(vault.tables.audit).delete();
      await reveal();
      await reveal();
      expect(await alerts(), 'N after emptying').to.deep.equal([]);
      await reveal();
      expect(await alerts(), 'N+1 after emptying').to.deep.equal(['revealBurst admin:a-owner']);
      const doubts = await vault.raw(vault.tables.audit).where('action', 'audit.head.unverified').count({ n: '*' }).first() as { n: number | string };
      expect(Number(doubts.n), 'the emptied trail is on record').to.equal(1);
    });

    it('a reveal exactly M minutes old no longer counts', async () => {
      await rules({ revealBurst: { count: 1, minutes: 10 }, newPlace: { enabled: false } });
      await reveal();
      clock.advanceSeconds(600);
      await reveal();
      expect(await alerts()).to.deep.equal([]);
      clock.advanceSeconds(599);
      await reveal();
      expect(await alerts()).to.deep.equal(['revealBurst admin:a-owner']);
    });

    it('the mail job queues one mail per addon manager, once, naming the rule and never the secret', async () => {
      await rules({ revealBurst: { count: 1, minutes: 10 }, newPlace: { enabled: false } });
      await reveal();
      await reveal();
      expect(await vault.lk.alerts.enqueueMails()).to.equal(1);
      expect(await vault.lk.alerts.enqueueMails(), 'already mailed').to.equal(0);
      const rows = await vault.raw(vault.tables.outbox).select('kind', 'recipient_kind', 'recipient_id', 'payload') as Array<Record<string, string>>;
      expect(rows.map((r) => `${r.kind} ${r.recipient_kind}:${r.recipient_id}`)).to.deep.equal(['security_alert admin:a-owner']);
      expect(rows[0]!.payload).not.to.include('router-secret-pw');
    });
  });

  describe('a reveal from an address or browser never seen for that person', () => {
    it('a first reveal is no news; a known address is quiet; a new address or browser alerts', async () => {
      await reveal(from('198.51.100.7'));
      await reveal(from('198.51.100.7'));
      expect(await alerts()).to.deep.equal([]);
      await reveal(from('203.0.113.9'));
      expect(await alerts()).to.deep.equal(['newPlace admin:a-owner']);
      const stored = await vault.raw(vault.tables.sightings).select('digest') as Array<{ digest: string }>;
      expect(JSON.stringify(stored)).not.to.include('203.0.113.9');
    });
  });

  describe('a burst of refused tokens', () => {
    it('alerts on the N+1th refusal within the window, once, for everyone together', async () => {
      await rules({ refusedBurst: { count: 2, minutes: 5 } });
      await vault.lk.signIns.refused({ token: 'embed', reason: 'forged' }, { ip: '192.0.2.1' });
      expect(await alerts(), 'N-1').to.deep.equal([]);
      await vault.lk.signIns.refused({ token: 'embed', reason: 'expired' }, { ip: '192.0.2.1' });
      expect(await alerts(), 'N').to.deep.equal([]);
      await vault.lk.apiTokens.authenticate('lk_not-a-token');
      expect(await alerts(), 'N+1').to.deep.equal(['refusedBurst *']);
      await vault.lk.signIns.refused({ token: 'embed', reason: 'replayed' });
      expect(await alerts()).to.have.length(1);
    });
  });

  describe('a reveal by someone whose role was just changed', () => {
    const hours = 24;
    const changeRole = async () => {
      await vault.lk.signIns.opened(owner, { place: 'adminArea' });
      host.data.admins.find((a) => a.id === 'a-owner')!.roleId = 'r-support';
      await vault.lk.signIns.opened(owner, { place: 'adminArea' });
    };

    it('alerts on a reveal just inside the hours after the change', async () => {
      await changeRole();
      expect(await alerts()).to.deep.equal([]);
      clock.advanceSeconds(hours * 3600 - 1);
      await reveal();
      expect(await alerts()).to.deep.equal(['roleChange admin:a-owner']);
      const changed = await vault.lk.audit.list(owner, { action: 'person.roleChanged' });
      expect(changed[0]?.details).to.include({ adminId: 'a-owner', from: 'r-full', to: 'r-support' });
    });

    it('is quiet from exactly the hours after the change on', async () => {
      await changeRole();
      clock.advanceSeconds(hours * 3600);
      await reveal();
      expect(await alerts()).to.deep.equal([]);
    });
  });

  describe('sign-in audit', () => {
    it('a session opened is audited with who, the place, address and browser', async () => {
      await vault.lk.signIns.opened({ ...owner, origin: { ip: '198.51.100.7', userAgent: 'Chromium' } }, { place: 'clientSummary', clientId: 'c-acme' });
      const [event] = await vault.lk.audit.list(owner, { action: 'session.opened' });
      expect(event).to.deep.include({ actor: { kind: 'admin', id: 'a-owner' }, clientId: 'c-acme', ip: '198.51.100.7', userAgent: 'Chromium' });
      expect(event!.details).to.deep.equal({ place: 'clientSummary' });
    });

    it('a refused token is audited with its reason in one word, never an unknown text', async () => {
      await vault.lk.signIns.refused({ token: 'host', reason: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig' });
      const [event] = await vault.lk.audit.list(owner, { action: 'embedToken.refused' });
      expect(event!.details).to.deep.equal({ token: 'host', reason: 'invalid' });
    });
  });
});
