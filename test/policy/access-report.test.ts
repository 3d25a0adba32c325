import { expect } from 'chai';
import fc from 'fast-check';
import type { Actor } from '../../core/index.ts';
import { can } from '../../core/policy/access-policy.ts';
import { accessReasons } from '../../core/policy/access-reasons.ts';
import type { ActorFacts } from '../../core/policy/facts.ts';
import { AccessReportService } from '../../core/services/access-report.ts';
import { forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { hostFixture, owner, sam } from '../support/host-fixture.ts';
import type { MemoryDirectory } from '../../adapters/memory/memory-directory.ts';
import { resolveActor } from '../../core/policy/resolve-actor.ts';
import { buildWorld, entryFacts, worlds, type World } from './world.ts';

/** Worlds built in a real vault per database: each takes a few database round trips per entry. */
const STORED_RUNS = 25;

/** The actor facts resolveActor would give, worked out from the world without a host. */
function factsOf(actor: Actor, world: World): ActorFacts {
  if (actor.kind === 'system') return { kind: 'system' };
  if (actor.kind === 'admin') {
    const admin = world.admins.find((a) => a.id === actor.adminId);
    return { kind: 'admin', adminId: actor.adminId, roleId: admin?.role ?? null, active: admin !== undefined && !admin.disabled, addonManager: false };
  }
  const client = world.clients.find((c) => c.id === actor.clientId);
  const contact = client?.contacts.find((k) => k.id === actor.contactId);
  return {
    kind: 'client', clientId: actor.clientId, groupId: client?.group ?? null, contactId: contact && !contact.main ? contact.id : null,
    contactIds: client?.contacts.map((k) => k.id) ?? [], active: client !== undefined && (actor.contactId === undefined || contact !== undefined),
  };
}

describe('effective access report: reasons agree with the reference policy', () => {
  it('on random worlds, a person has a reason for an entry exactly when can(view) admits them', () => {
    fc.assert(fc.property(worlds, (world) => {
      for (const e of world.entries) {
        const category = world.categories.find((c) => c.name === e.category);
        const entry = {
          source: 'vault' as const, owner: e.owner, clientId: e.client, categoryId: e.category, sharedWithAdmin: e.sharedWithAdmin,
          private: e.private, grants: e.grants, categoryMembers: category?.members ?? [], service: null,
          linkedServiceStatus: world.services.find((s) => s.id === e.service)?.status ?? null,
        };
        for (const actor of world.actors) {
          const facts = factsOf(actor, world);
          const reasons = accessReasons(facts, entry, world.settings);
          const admitted = can(facts, 'view', entry, world.settings);
          if ((reasons.length > 0) !== admitted) {
            throw new Error(`${JSON.stringify(actor)} on ${e.name}: can(view) says ${admitted}, reasons ${JSON.stringify(reasons)}`);
          }
        }
      }
    }), { numRuns: 300 });
  });
});

forEachDatabase('effective access report: the stored report agrees with can(view)', (db) => {
  let host: MemoryDirectory;
  let vault: Vault;
  before(async () => {
    host = hostFixture();
    vault = await openVault(db, host);
  });
  after(async () => { await vault.close(); });

  it(`on ${STORED_RUNS} random worlds, for every client and every staff member`, async function () {
    this.timeout(300_000);
    await fc.assert(fc.asyncProperty(worlds, async (world) => {
      const built = await buildWorld(vault, host, world);
      const system = { kind: 'system' } as const;
      for (const client of world.clients) {
        const people: Array<[string, Actor]> = [
          ...world.admins.map((a): [string, Actor] => [`admin:${a.id}`, { kind: 'admin', adminId: a.id }]),
          [`client:${client.id}`, { kind: 'client', clientId: client.id }],
          ...client.contacts.filter((k) => !k.main).map((k): [string, Actor] => [`contact:${k.id}`, { kind: 'client', clientId: client.id, contactId: k.id }]),
        ];
        const expected: string[] = [];
        for (const entry of [...built.entries.values()].filter((e) => e.client === client.id)) {
          for (const [key, actor] of people) {
            if (can(await resolveActor(actor, host), 'view', entryFacts(world, built, entry), world.settings)) expected.push(`${entry.id} ${key}`);
          }
        }
        const reported = (await vault.lk.accessReport.forClient(system, client.id)).map((l) => `${l.entryId} ${l.person.kind}:${l.person.id}`);
        expect(reported.sort(), `client ${client.id}`).to.deep.equal(expected.sort());
      }
      for (const admin of world.admins) {
        const facts = await resolveActor({ kind: 'admin', adminId: admin.id }, host);
        const counts = new Map<string, number>();
        for (const entry of built.entries.values()) {
          if (entry.client !== null && can(facts, 'view', entryFacts(world, built, entry), world.settings)) counts.set(entry.client, (counts.get(entry.client) ?? 0) + 1);
        }
        const reached = await vault.lk.accessReport.forStaff(system, admin.id);
        expect(Object.fromEntries(reached.map((r) => [r.clientId, r.entries])), `staff ${admin.id}`).to.deep.equal(Object.fromEntries(counts));
      }
    }), { numRuns: STORED_RUNS });
  });
});

forEachDatabase('effective access report', (db) => {
  let vault: Vault;
  beforeEach(async () => { vault = await openVault(db, hostFixture()); });
  afterEach(async () => { await vault.close(); });

  it('names, for a client, everyone who sees each entry and why, and a staff member reaches that client', async () => {
    await vault.lk.settings.update(owner, { adminAccessMode: 'restricted', allowedAdminIds: ['a-sam'] });
    const entry = await vault.lk.entries.create({ kind: 'client', clientId: 'c-acme' }, { name: 'Mail box', password: 'mailbox-pw' });
    await vault.lk.entries.share({ kind: 'client', clientId: 'c-acme' }, entry.id, { version: entry.version, grants: [{ kind: 'contact', id: 'k-acme-dev', canEdit: false }] });
    const lines = await vault.lk.accessReport.forClient(owner, 'c-acme');
    const seen = lines.map((l) => `${l.person.kind}:${l.person.id} ${l.reasons.map((r) => r.kind).join('+')}`).sort();
    expect(seen).to.deep.equal(['admin:a-sam mode', 'client:c-acme owner+grant', 'contact:k-acme-dev grant']);
    expect(await vault.lk.accessReport.forStaff(owner, 'a-sam')).to.deep.equal([{ clientId: 'c-acme', clientName: 'Acme Ltd', entries: 1 }]);
    expect(await vault.lk.accessReport.forStaff(owner, 'a-sys')).to.deep.equal([]);
    const csv = AccessReportService.csv(lines, ['Entry', 'Kind', 'Person', 'Id', 'Why', 'Edits']);
    expect(csv.split('\n')[0]).to.include('Entry');
    expect(csv).not.to.include('mailbox-pw');
  });

  it('is refused to staff who may not read the audit log', async () => {
    await expectRefused(vault.lk.accessReport.forClient(sam, 'c-acme'));
  });
});

async function expectRefused(promise: Promise<unknown>): Promise<void> {
  const outcome = await promise.then(() => 'ok', (err: Error) => err.name);
  expect(outcome).to.equal('ForbiddenError');
}
