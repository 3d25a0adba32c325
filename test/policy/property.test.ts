import fc from 'fast-check';
import type { MemoryDirectory } from '../../adapters/memory/memory-directory.ts';
import type { Actor, Grant } from '../../core/index.ts';
import { can, clientMayCreate, fieldAccess, type EntryAction } from '../../core/policy/access-policy.ts';
import { grantLevel, type EntryView, type RevealedSecrets } from '../../core/domain/entry.ts';
import type { ActorFacts } from '../../core/policy/facts.ts';
import { resolveActor } from '../../core/policy/resolve-actor.ts';
import { forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { hostFixture } from '../support/host-fixture.ts';
import { listedIds, outcome, serviceIds } from './policy-support.ts';
import { buildWorld, entryFacts, serviceFacts, worlds, type Built, type Call, type World } from './world.ts';

/** At least 200 worlds per database; LATCHKEY_PROPERTY_RUNS raises it for a longer hunt. */
const RUNS = Math.max(200, Number(process.env.LATCHKEY_PROPERTY_RUNS ?? 0));
const MISSING_ID = '01900000-0000-7000-8000-00000000dead';

describe('access policy: the reference policy itself', () => {
  it('does not depend on the order of grants and category members', () => {
    fc.assert(fc.property(worlds, fc.nat(), (world, seed) => {
      const clients = new Map(world.clients.map((c) => [c.id, c]));
      for (const e of world.entries) {
        const category = world.categories.find((c) => c.name === e.category);
        const facts = {
          source: 'vault' as const, owner: e.owner, clientId: e.client, categoryId: e.category, sharedWithAdmin: e.sharedWithAdmin,
          private: e.private, grants: e.grants, categoryMembers: category?.members ?? [], service: null,
          linkedServiceStatus: world.services.find((s) => s.id === e.service)?.status ?? null,
          clientFieldAccess: e.fieldAccess,
        };
        const shuffled = { ...facts, grants: rotate(e.grants, seed), categoryMembers: rotate(facts.categoryMembers, seed + 1) };
        for (const actor of world.actors) {
          const resolved = pureFacts(actor, world, clients);
          for (const action of ['view', 'reveal', 'update', 'delete', 'share'] as const) {
            if (can(resolved, action, facts, world.settings) !== can(resolved, action, shuffled, world.settings)) {
              throw new Error(`${action} by ${JSON.stringify(actor)} on ${e.name} depends on the order of its grants`);
            }
          }
        }
      }
    }), { numRuns: 300 });
  });
});

function rotate<T>(items: T[], by: number): T[] {
  if (items.length === 0) return items;
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)].reverse();
}

/** The actor facts resolveActor would give, worked out from the world without a host. */
function pureFacts(actor: Actor, world: World, clients: Map<string, World['clients'][number]>): ActorFacts {
  if (actor.kind === 'system') return { kind: 'system' };
  if (actor.kind === 'admin') {
    const admin = world.admins.find((a) => a.id === actor.adminId);
    return { kind: 'admin', adminId: actor.adminId, roleId: admin?.role ?? null, active: admin !== undefined && !admin.disabled, addonManager: false };
  }
  const client = clients.get(actor.clientId);
  const contact = client?.contacts.find((k) => k.id === actor.contactId);
  return {
    kind: 'client', clientId: actor.clientId, groupId: client?.group ?? null,
    contactId: contact && !contact.main ? contact.id : null,
    contactIds: client?.contacts.map((k) => k.id) ?? [],
    active: client !== undefined && (actor.contactId === undefined || contact !== undefined),
  };
}

/**
 * The SQL-backed services against the reference policy, on random worlds:
 * every actor's list against `can(view)` entry by entry, every actor's view of
 * every client's service credentials, then a run of calls (get, reveal,
 * update, delete, share, create) whose outcome — success, not found,
 * forbidden, limit — must be what `can` says. A disagreement fails with the
 * shrunk world printed by fast-check.
 */
forEachDatabase('access policy: services agree with the reference policy', (db) => {
  let host: MemoryDirectory;
  let vault: Vault;

  before(async () => {
    host = hostFixture();
    vault = await openVault(db, host);
  });
  after(async () => { await vault.close(); });

  it(`agrees with can() on ${RUNS} random worlds`, async function () {
    this.timeout(600_000);
    await fc.assert(
      fc.asyncProperty(worlds, async (world) => {
        const built = await buildWorld(vault, host, world);
        await compareLists(world, built);
        await compareServiceLists(world);
        for (const call of world.calls) await compareCall(world, built, call);
      }),
      { numRuns: RUNS },
    );
  });

  function describeActor(actor: Actor, facts: ActorFacts): string {
    return `${JSON.stringify(actor)} (resolved ${JSON.stringify(facts)})`;
  }

  async function compareLists(world: World, built: Built): Promise<void> {
    for (const actor of world.actors) {
      const facts = await resolveActor(actor, host);
      const expected = [...built.entries.values()]
        .filter((e) => can(facts, 'view', entryFacts(world, built, e), world.settings))
        .map((e) => e.id).sort();
      const listed = await listedIds(vault.lk, actor);
      const names = (ids: string[]) => ids.map((id) => built.entries.get(id)?.name ?? id);
      if (JSON.stringify(listed) !== JSON.stringify(expected)) {
        throw new Error(`list disagrees with can(view) for ${describeActor(actor, facts)}: `
          + `SQL also lists [${names(listed.filter((id) => !expected.includes(id)))}], `
          + `SQL misses [${names(expected.filter((id) => !listed.includes(id)))}]`);
      }
      // One client's list (a summary page) checks the reach per entry: it must agree as well.
      for (const client of world.clients) {
        const ofClient = expected.filter((id) => built.entries.get(id)?.client === client.id);
        const listedOfClient = await listedIds(vault.lk, actor, client.id);
        if (JSON.stringify(listedOfClient) !== JSON.stringify(ofClient)) {
          throw new Error(`list of ${client.id} disagrees with can(view) for ${describeActor(actor, facts)}: `
            + `SQL also lists [${names(listedOfClient.filter((id) => !ofClient.includes(id)))}], `
            + `SQL misses [${names(ofClient.filter((id) => !listedOfClient.includes(id)))}]`);
        }
      }
    }
  }

  async function compareServiceLists(world: World): Promise<void> {
    const clientIds = [...world.clients.map((c) => c.id), 'c-ghost'];
    for (const actor of world.actors) {
      const facts = await resolveActor(actor, host);
      for (const clientId of clientIds) {
        const expected = world.services
          .filter((s) => s.client === clientId)
          .filter((s) => {
            const f = serviceFacts(world, s.id);
            return f !== null && can(facts, 'view', f, world.settings);
          })
          .map((s) => `service:${s.id}`).sort();
        const listed = await serviceIds(vault.lk, actor, clientId);
        if (JSON.stringify(listed) !== JSON.stringify(expected)) {
          throw new Error(`service credentials of ${clientId} disagree with can(view) for ${describeActor(actor, facts)}: `
            + `listed ${JSON.stringify(listed)}, expected ${JSON.stringify(expected)}`);
        }
      }
    }
  }

  const ACTION_RULE: Record<Exclude<Call['action'], 'create'>, EntryAction> = {
    get: 'view', reveal: 'reveal', update: 'update', delete: 'delete', share: 'share',
  };

  async function compareCall(world: World, built: Built, call: Call): Promise<void> {
    const lk = vault.lk;
    const facts = await resolveActor(call.actor, host);
    const settings = world.settings;

    if (call.action === 'create') {
      let expected = 'ok';
      if (facts.kind === 'admin') expected = facts.active ? 'ok' : 'ForbiddenError';
      else if (facts.kind === 'client') {
        const owned = [...built.entries.values()].filter((e) => e.owner.kind === 'client' && e.owner.id === facts.clientId).length;
        if (!clientMayCreate(facts, settings)) expected = 'ForbiddenError';
        else if (settings.clientEntryLimit !== null && owned >= settings.clientEntryLimit) expected = 'LimitExceededError';
      } else expected = 'ForbiddenError';
      const name = `new${built.entries.size}-${Math.random().toString(36).slice(2, 6)}`;
      let createdId: string | null = null;
      const got = await outcome(lk.entries.create(call.actor, { name, password: 'fresh' }).then((e) => { createdId = e.id; }));
      mustAgree(call, facts, expected, got);
      if (createdId !== null && facts.kind !== 'system') {
        const owner = facts.kind === 'admin' ? { kind: 'admin' as const, id: facts.adminId } : { kind: 'client' as const, id: facts.clientId };
        built.entries.set(createdId, {
          id: createdId, name, owner, client: facts.kind === 'client' ? facts.clientId : null, category: null,
          sharedWithAdmin: false, private: false, service: null, grants: [], fieldAccess: null, version: 1,
        });
      }
      return;
    }

    const rule = ACTION_RULE[call.action];
    if (call.target.startsWith('service:')) {
      const f = serviceFacts(world, call.target.slice('service:'.length));
      const expected = f === null || !can(facts, 'view', f, settings) ? 'NotFoundError'
        : can(facts, rule, f, settings) ? 'ok' : 'ForbiddenError';
      const got = await outcome(runOn(call, call.target, 1, []));
      mustAgree(call, facts, expected, got);
      return;
    }

    const id = call.target === 'missing' ? MISSING_ID : built.ids.get(call.target)!;
    const entry = built.entries.get(id);
    const f = entry === undefined ? undefined : entryFacts(world, built, entry);
    let expected = f === undefined || !can(facts, 'view', f, settings) ? 'NotFoundError'
      : can(facts, rule, f, settings) ? 'ok' : 'ForbiddenError';
    // An update also changes the username: refused, naming the field, where the client may not edit it.
    if (expected === 'ok' && call.action === 'update' && fieldAccess(facts, f!, settings).username !== 'edit') expected = 'ValidationError';
    // A client shares with its own contacts only; an admin may keep every grant the entry has. Either sends
    // only what a share dialog can show now: a contact who has moved to another client is no longer offered.
    const contactNow = new Map(world.clients.flatMap((c) => c.contacts.map((k) => [k.id, c.id] as const)));
    const grants: Grant[] = (entry?.grants ?? [])
      .filter((g) => facts.kind !== 'client' || g.kind === 'contact')
      .filter((g) => g.kind !== 'contact' || contactNow.get(g.id) === entry?.client);
    let result: unknown;
    const got = await outcome(runOn(call, id, entry?.version ?? 1, grants).then((r) => { result = r; }));
    mustAgree(call, facts, expected, got);
    if (got !== 'ok' || entry === undefined) return;
    if (call.action === 'get' || call.action === 'reveal') mustHideFields(call, facts, fieldAccess(facts, f!, settings), result);
    if (call.action === 'update') entry.version += 1;
    if (call.action === 'share') {
      entry.version += 1;
      // A client's share replaces its contacts' grants only; staff grants stay.
      entry.grants = facts.kind === 'client' ? [...entry.grants.filter((g) => g.kind !== 'contact'), ...grants] : grants;
    }
    if (call.action === 'delete') built.entries.delete(id);
  }

  function runOn(call: Call, id: string, version: number, grants: Grant[]): Promise<unknown> {
    const lk = vault.lk;
    switch (call.action) {
      case 'get': return lk.entries.get(call.actor, id);
      case 'reveal': return lk.entries.reveal(call.actor, id);
      case 'update': return lk.entries.update(call.actor, id, { version, name: `renamed-v${version + 1}`, username: `user-v${version + 1}` });
      case 'delete': return lk.entries.delete(call.actor, id, { version });
      case 'share': return lk.entries.share(call.actor, id, { version, grants: grants.map((g) => ({ kind: g.kind, id: g.id, level: grantLevel(g) })) });
      case 'create': throw new Error('create has no target');
    }
  }

  /** What `get` and `reveal` gave must leave out every field the policy hides from the actor. */
  function mustHideFields(call: Call, facts: ActorFacts, access: ReturnType<typeof fieldAccess>, result: unknown): void {
    const leaks: string[] = [];
    if (call.action === 'get') {
      const view = result as EntryView;
      if (access.username === 'hidden' && view.username !== '') leaks.push('username');
      if (access.urls === 'hidden' && (view.websiteUrl !== null || view.loginUrl !== null)) leaks.push('urls');
      if (access.password === 'hidden' && (view.hasPassword || view.passwordChangedAt !== null)) leaks.push('password');
    } else {
      const secrets = result as RevealedSecrets;
      if (access.password === 'hidden' && secrets.password !== null) leaks.push('password');
      if (access.notes === 'hidden' && secrets.notes !== null) leaks.push('notes');
      if (access.totp === 'hidden' && secrets.totpSecret !== null) leaks.push('totp');
      if (access.password !== 'hidden' && secrets.password === null && !call.target.startsWith('new')) leaks.push('(password withheld though not hidden)');
    }
    if (leaks.length > 0) {
      throw new Error(`${call.action} of ${call.target} by ${describeActor(call.actor, facts)} gave fields the policy hides: ${leaks.join(', ')}`);
    }
  }

  function mustAgree(call: Call, facts: ActorFacts, expected: string, got: string): void {
    if (expected !== got) {
      throw new Error(`${call.action} of ${call.target} by ${describeActor(call.actor, facts)}: the policy says ${expected}, the service gave ${got}`);
    }
  }
});
