import { expect } from 'chai';
import type { MemoryDirectory } from '../../adapters/memory/memory-directory.ts';
import {
  NotFoundError, type Actor, type AdminActor, type CategoryMember, type ClientActor, type CreateEntryInput, type Grant,
  type Latchkey, type Principal,
} from '../../core/index.ts';
import { forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { hostFixture, owner } from '../support/host-fixture.ts';
import { clearVault, listedIds, rejection, serviceIds, snapshot, system } from './policy-support.ts';

interface Made {
  id: string;
  name: string;
  clientId: string | null;
  owner: Principal;
  /** Who the entry is granted to, directly or through its category. */
  reaches: Principal[];
}

/** A world of four clients (two of them with ids that differ only in case) and their entries. */
function isolationHost(): MemoryDirectory {
  const host = hostFixture();
  const d = host.data;
  d.admins.push(
    { id: 'a-kim', name: 'Kim Support', email: 'kim@host.test', roleId: 'r-support', language: 'en', disabled: false, addonManager: false },
    // Differs from a-sam only in case: a different person to the host.
    { id: 'A-SAM', name: 'Other Sam', email: 'sam2@host.test', roleId: 'r-sysadmin', language: 'en', disabled: false, addonManager: false },
  );
  d.clients.push(
    { id: 'c-initech', name: 'Initech', email: 'it@initech.test', groupId: null, language: 'en', status: 'Active' },
    // Differs from c-acme only in case: another client of the host.
    { id: 'C-ACME', name: 'ACME Holdings', email: 'it@acme-holdings.test', groupId: 'g-retail', language: 'en', status: 'Active' },
  );
  d.contacts.push(
    { id: 'k-ini-main', clientId: 'c-initech', name: 'Ines Initech', email: 'ines@initech.test', isMain: true },
    { id: 'k-ini-dev', clientId: 'c-initech', name: 'Dev Initech', email: 'dev@initech.test', isMain: false },
    { id: 'K-ACME-DEV', clientId: 'C-ACME', name: 'Dev Holdings', email: 'dev@acme-holdings.test', isMain: false },
  );
  d.services.push(
    { id: 's-ini-web', clientId: 'c-initech', productId: 'p-cpanel', label: 'initech.test', username: 'ini', password: null, loginUrl: null, status: 'active' },
    { id: 'S-ACME-VPS', clientId: 'C-ACME', productId: 'p-vps-s', label: 'vps.acme-holdings.test', username: 'root', password: null, loginUrl: null, status: 'active' },
  );
  return host;
}

const CLIENTS = ['c-acme', 'c-globex', 'c-initech', 'C-ACME'];
const MISSING_IDS = [
  '01900000-0000-7000-8000-000000000000', 'not-an-id', '', "' OR '1'='1", '%', 'service:', 'service:s-nope', 'service:%',
];

/**
 * Cross-client isolation: every client, every contact and every admin not
 * allowed to see client data calls every read and write on every entry id
 * that exists (and some that do not): nothing leaks, nothing changes.
 */
forEachDatabase('cross-client isolation', (db) => {
  let host: MemoryDirectory;
  let vault: Vault;
  let lk: Latchkey;
  const made: Made[] = [];
  const historyOf = new Map<string, string[]>();

  before(async function () {
    this.timeout(120_000);
    host = isolationHost();
    vault = await openVault(db, host);
    lk = vault.lk;
    await clearVault(vault);
    await buildEntries();
  });
  after(async () => { await vault.close(); });

  async function add(actor: Actor, input: CreateEntryInput, members: CategoryMember[] = []): Promise<Made> {
    const view = await lk.entries.create(actor, { password: `secret of ${input.name}`, ...input });
    const grants: Grant[] = (input.grants ?? []).map((g) => ({ kind: g.kind, id: String(g.id), canEdit: g.canEdit ?? false }));
    const entry: Made = {
      id: view.id, name: view.name, clientId: view.clientId, owner: view.owner,
      reaches: [...grants, ...members].map((p) => ({ kind: p.kind, id: p.id })),
    };
    made.push(entry);
    return entry;
  }

  async function buildEntries(): Promise<void> {
    const adminCategory = await lk.categories.create(owner, { name: 'Datacenter', members: [{ kind: 'admin', id: 'a-sys' }] });
    for (const clientId of CLIENTS) {
      const client: ClientActor = { kind: 'client', clientId };
      const devs = host.data.contacts.filter((c) => c.clientId === clientId && !c.isMain).map((c) => c.id);
      const privateOne = await add(client, { name: `${clientId} private`, notes: 'private notes' });
      await lk.entries.update(client, privateOne.id, { version: 1, password: `rotated ${clientId}` });
      await add(client, { name: `${clientId} shared with admins`, sharedWithAdmin: true });
      for (const dev of devs) {
        await add(client, { name: `${clientId} for ${dev}`, grants: [{ kind: 'contact', id: dev, canEdit: true }] });
        const members: CategoryMember[] = [{ kind: 'contact', id: dev, canEdit: true }];
        const category = await lk.categories.create(client, { name: `${clientId} team`, members });
        await add(client, { name: `${clientId} filed for ${dev}`, categoryId: category.id }, members);
        await add(owner, { name: `admin entry for ${dev}`, clientId, grants: [{ kind: 'contact', id: dev }] });
      }
      await add(owner, { name: `admin entry for ${clientId}`, clientId, grants: [{ kind: 'client', id: clientId, canEdit: true }] });
      const adminOnly = await add(owner, { name: `admin-only entry about ${clientId}`, clientId });
      await lk.entries.update(owner, adminOnly.id, { version: 1, password: 'rotated by owner' });
    }
    await add({ kind: 'admin', adminId: 'a-sam' }, { name: 'sam private' });
    await add({ kind: 'admin', adminId: 'A-SAM' }, { name: 'SAM private' });
    await add({ kind: 'admin', adminId: 'a-sam' }, { name: 'sam for sysadmins', grants: [{ kind: 'admin_role', id: 'r-sysadmin' }] });
    await add(owner, { name: 'datacenter', categoryId: adminCategory.id }, adminCategory.members);
    for (const entry of made) {
      const rows = await vault.raw(vault.tables.history).select('id').where('entry_id', entry.id) as Array<{ id: string }>;
      historyOf.set(entry.id, rows.map((r) => r.id));
    }
    expect([...historyOf.values()].flat()).to.have.length(CLIENTS.length * 2);
  }

  /** Principals an actor stands for, the way the rules read: a client and all its contacts; a contact; an admin and its role. */
  function principalsOf(actor: Actor): { owner: Principal | null; principals: Principal[] } {
    if (actor.kind === 'admin') {
      const admin = host.data.admins.find((a) => a.id === actor.adminId);
      if (!admin || admin.disabled) return { owner: null, principals: [] };
      return { owner: { kind: 'admin', id: admin.id }, principals: [{ kind: 'admin', id: admin.id }, { kind: 'admin_role', id: admin.roleId }] };
    }
    if (actor.kind === 'system') return { owner: null, principals: [] };
    const contacts = host.data.contacts.filter((c) => c.clientId === actor.clientId);
    const contact = contacts.find((c) => c.id === actor.contactId);
    if (actor.contactId !== undefined && !contact) return { owner: null, principals: [] };
    if (contact && !contact.isMain) return { owner: null, principals: [{ kind: 'contact', id: contact.id }] };
    return {
      owner: { kind: 'client', id: actor.clientId },
      principals: [{ kind: 'client', id: actor.clientId }, ...contacts.map((c): Principal => ({ kind: 'contact', id: c.id }))],
    };
  }

  const samePrincipal = (a: Principal, b: Principal) => a.kind === b.kind && a.id === b.id;

  /** What the actor may legitimately see here: its own entries and what reaches it; nothing by mode. */
  function legitimate(actor: Actor): Set<string> {
    const { owner: self, principals } = principalsOf(actor);
    return new Set(made
      .filter((e) => (self !== null && samePrincipal(e.owner, self)) || e.reaches.some((r) => principals.some((p) => samePrincipal(p, r))))
      .map((e) => e.id));
  }

  function clientActors(): ClientActor[] {
    return CLIENTS.flatMap((clientId): ClientActor[] => [
      { kind: 'client', clientId },
      ...host.data.contacts.filter((c) => c.clientId === clientId).map((c): ClientActor => ({ kind: 'client', clientId, contactId: c.id })),
    ]).concat([
      { kind: 'client', clientId: 'c-acme', contactId: 'K-ACME-DEV' },
      { kind: 'client', clientId: 'C-ACME', contactId: 'k-acme-dev' },
      { kind: 'client', clientId: 'c-nobody' },
    ]);
  }

  function nonAllowedAdmins(): AdminActor[] {
    return ['a-sam', 'a-sys', 'a-kim', 'A-SAM', 'a-ghost'].map((adminId): AdminActor => ({ kind: 'admin', adminId }));
  }

  /** Every read and write on one id; each must answer "not found", exactly as for an id that never existed. */
  async function expectUntouchable(actor: Actor, id: string, leaks: string[]): Promise<void> {
    const row = await vault.raw(vault.tables.entries).select('version').where('id', id).first() as { version: number } | undefined;
    const version = row?.version ?? 1;
    const otherHistory = [...historyOf.entries()].find(([entryId]) => entryId !== id)?.[1][0] ?? 'none';
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['get', () => lk.entries.get(actor, id)],
      ['reveal', () => lk.entries.reveal(actor, id)],
      ['update', () => lk.entries.update(actor, id, { version, name: 'pwned', password: 'pwned' })],
      ['delete at version', () => lk.entries.delete(actor, id, { version })],
      ['share', () => lk.entries.share(actor, id, { version, grants: [], sharedWithAdmin: true })],
      ['grants', () => lk.entries.grants(actor, id)],
      ['history', () => lk.entries.history(actor, id)],
      ...[...(historyOf.get(id) ?? []), otherHistory].map((historyId): [string, () => Promise<unknown>] =>
        [`revealHistory ${historyId}`, () => lk.entries.revealHistory(actor, id, historyId)]),
    ];
    for (const [label, call] of calls) {
      let err: Error;
      try {
        await call();
        leaks.push(`${JSON.stringify(actor)} ${label} ${id}: succeeded`);
        continue;
      } catch (e) {
        err = e as Error;
      }
      if (!(err instanceof NotFoundError)) leaks.push(`${JSON.stringify(actor)} ${label} ${id}: ${err.name} ${err.message}`);
      else if (!/^(entry|password version) not found$/.test(err.message)) leaks.push(`${JSON.stringify(actor)} ${label} ${id}: says "${err.message}"`);
    }
  }

  async function checkIsolation(actors: Actor[], withServices: (actor: Actor, clientId: string) => string[]): Promise<void> {
    const before = await snapshot(vault);
    const leaks: string[] = [];
    const serviceEntryIds = host.data.services.map((s) => `service:${s.id}`);
    for (const actor of actors) {
      const allowed = legitimate(actor);
      const listed = await listedIds(lk, actor);
      for (const id of listed) if (!allowed.has(id)) leaks.push(`${JSON.stringify(actor)} lists ${made.find((e) => e.id === id)?.name ?? id}`);
      for (const clientId of [...CLIENTS, 'c-nobody']) {
        for (const id of await listedIds(lk, actor, clientId)) {
          const entry = made.find((e) => e.id === id);
          if (!allowed.has(id) || entry?.clientId !== clientId) leaks.push(`${JSON.stringify(actor)} lists ${entry?.name ?? id} for ${clientId}`);
        }
        const services = await serviceIds(lk, actor, clientId);
        const expectedServices = withServices(actor, clientId);
        if (JSON.stringify(services) !== JSON.stringify(expectedServices)) {
          leaks.push(`${JSON.stringify(actor)} sees services ${JSON.stringify(services)} of ${clientId}`);
        }
      }
      const foreign = [
        ...made.filter((e) => !allowed.has(e.id)).map((e) => e.id),
        ...serviceEntryIds.filter((id) => !withServices(actor, host.data.services.find((s) => `service:${s.id}` === id)!.clientId).includes(id)),
        ...MISSING_IDS,
      ];
      for (const id of foreign) await expectUntouchable(actor, id, leaks);
    }
    expect(leaks).to.deep.equal([]);
    expect(await snapshot(vault)).to.deep.equal(before);
  }

  /** A client main account sees its own services' credentials (with a login); nobody else sees any. */
  function ownServices(actor: Actor, clientId: string): string[] {
    if (actor.kind !== 'client' || actor.clientId !== clientId || !host.data.clients.some((c) => c.id === clientId)) return [];
    const contact = host.data.contacts.find((c) => c.id === actor.contactId && c.clientId === clientId);
    if (actor.contactId !== undefined && (!contact || !contact.isMain)) return [];
    return host.data.services.filter((s) => s.clientId === clientId && (s.username || s.password)).map((s) => `service:${s.id}`).sort();
  }

  it('the world has what the isolation checks need', async () => {
    expect(made.length).to.be.greaterThan(25);
    for (const clientId of CLIENTS) expect(made.some((e) => e.owner.kind === 'client' && e.owner.id === clientId)).to.equal(true);
  });

  for (const mode of ['full', 'restricted', 'shared'] as const) {
    it(`no client or contact reaches another client's entries or services, nor more of its own than granted (${mode} mode)`, async function () {
      this.timeout(300_000);
      await lk.settings.update(system, { adminAccessMode: mode, allowedAdminIds: ['a-owner'] });
      // A client reaches only entries of its own client id.
      for (const actor of clientActors()) {
        for (const id of legitimate(actor)) expect(made.find((e) => e.id === id)?.clientId).to.equal(actor.clientId);
      }
      await checkIsolation(clientActors(), ownServices);
    });
  }

  for (const mode of ['restricted', 'shared'] as const) {
    it(`no admin outside the allowed list reaches client data or other admins' entries (${mode} mode)`, async function () {
      this.timeout(300_000);
      await lk.settings.update(system, { adminAccessMode: mode, allowedAdminIds: ['a-owner'], allowedAdminRoleIds: [] });
      for (const actor of nonAllowedAdmins()) {
        for (const id of legitimate(actor)) expect(made.find((e) => e.id === id)?.owner.kind).to.equal('admin');
      }
      await checkIsolation(nonAllowedAdmins(), () => []);
    });
  }

  it('a disabled admin reaches nothing at all, even in full mode', async function () {
    this.timeout(300_000);
    await lk.settings.update(system, { adminAccessMode: 'full', allowedAdminIds: [] });
    const sam = host.data.admins.find((a) => a.id === 'a-sam')!;
    sam.disabled = true;
    try {
      expect(legitimate({ kind: 'admin', adminId: 'a-sam' }).size).to.equal(0);
      await checkIsolation([{ kind: 'admin', adminId: 'a-sam' }], () => []);
    } finally {
      sam.disabled = false;
    }
  });

  it('an id that differs only in case is another client, contact or admin', async () => {
    await lk.settings.update(system, { adminAccessMode: 'restricted', allowedAdminIds: [] });
    const names = async (actor: Actor) => (await listedIds(lk, actor)).map((id) => made.find((e) => e.id === id)!.name).sort();
    expect(await names({ kind: 'client', clientId: 'C-ACME' })).to.deep.equal([
      'C-ACME filed for K-ACME-DEV', 'C-ACME for K-ACME-DEV', 'C-ACME private', 'C-ACME shared with admins',
      'admin entry for C-ACME', 'admin entry for K-ACME-DEV',
    ]);
    expect(await names({ kind: 'client', clientId: 'C-ACME', contactId: 'K-ACME-DEV' })).to.deep.equal([
      'C-ACME filed for K-ACME-DEV', 'C-ACME for K-ACME-DEV', 'admin entry for K-ACME-DEV',
    ]);
    expect(await names({ kind: 'admin', adminId: 'A-SAM' })).to.deep.equal(['SAM private', 'sam for sysadmins']);
    const acmePrivate = made.find((e) => e.name === 'c-acme private')!;
    expect(await rejection(lk.entries.reveal({ kind: 'client', clientId: 'C-ACME' }, acmePrivate.id))).to.be.instanceOf(NotFoundError);
  });
});
