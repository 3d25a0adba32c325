import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { createHooks, Renderer, type Actor, type Hooks, type HookSurface, type ListEntriesQuery, type SettingsPatch } from '../../core/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { Harness } from '../express/harness.ts';
import { explain, fullScansOf, plansOf, recordStatements, rowsReadOnMariaDb, type QueryPlan, type Statement } from '../support/query-plan.ts';
import {
  adminCategoryId, allowedAdmin, clientCategoryId, clientId, contactId, deviceId, extendedAdmin, insertAll, juniorAdmin, manager, seedPlanWorld, serviceId, supportAdmin, system, ticketId,
  type PlanWorld,
} from './plan-world.ts';

const isCount = (plan: QueryPlan) => /^select count\(/i.test(plan.sql);
const surface: HookSurface = { apiBase: '/lk/api', assetBase: '/lk/assets', pageUrl: '/page', csrfToken: 'csrf', clipboardClearSeconds: 30 };

/**
 * Every list and count a page runs reads the entries table through an index,
 * so its cost follows what it returns, not what the vault holds (issue 13).
 * The plans are the databases' own, after ANALYZE, for the SQL the services
 * really send.
 */
forEachDatabase('query plans: lists and their counts', (db) => {
  let world: PlanWorld;
  let hooks: Hooks;

  before(async function () {
    this.timeout(120_000);
    world = await seedPlanWorld(db);
    hooks = createHooks(world.vault.lk, new Renderer());
  });
  after(async () => { await world.vault.close(); });

  const configure = (patch: SettingsPatch) => world.vault.lk.settings.update(system, patch);

  /** The plans of the page query and the count query of one list call, and what the call returned. */
  async function listPlans(actor: Actor, query: ListEntriesQuery): Promise<{ plans: QueryPlan[]; total: number }> {
    let total = 0;
    const plans = await plansOf(world.vault.raw, [world.vault.tables.entries, world.vault.tables.tags], async () => {
      total = (await world.vault.lk.entries.list(actor, query)).total;
    });
    // LATCHKEY_SHOW_PLANS=1 prints every plan, for reading what each database chose.
    if (process.env.LATCHKEY_SHOW_PLANS) console.log(plans.map((p) => `${p.sql}\n  ${p.lines.join('\n  ')}`).join('\n'));
    return { plans, total };
  }

  /** `alsoIndexed`: more tables that must be read by index (the tags table, once it holds tags: an empty one is read whole, at no cost). */
  async function expectIndexedList(actor: Actor, query: ListEntriesQuery, alsoIndexed: readonly string[] = []): Promise<void> {
    const { plans, total } = await listPlans(actor, query);
    // A list that finds nothing could come from `WHERE 1 = 0`, whose plan proves nothing.
    expect(total, 'entries listed').to.be.greaterThan(0);
    expect(plans, 'a page query and a count query').to.have.length(2);
    const t = world.vault.tables;
    for (const table of [t.entries, t.grants, t.categoryMembers, ...alsoIndexed]) expect(fullScansOf(plans, table), `full scans of ${table}`).to.deep.equal([]);
  }

  it('the plan reader sees a full scan of entries where there is one (no index on the website address)', async () => {
    const t = world.vault.tables;
    const unindexed = await explain(world.vault.raw, world.vault.raw(`${t.entries} as e`).select('e.id').where('e.website_url', 'https://user3.test'));
    expect(fullScansOf([unindexed], t.entries)).to.have.length(1);
    const indexed = await explain(world.vault.raw, world.vault.raw(`${t.entries} as e`).select('e.id').where('e.client_id', clientId(3)));
    expect(fullScansOf([indexed], t.entries)).to.deep.equal([]);
    expect(indexed.accesses.map((a) => a.index)).to.deep.equal([`${t.entries}_client`]);
  });

  describe('in the client area', () => {
    before(() => configure({ clientPrivateEntries: { enabled: true, excludedClientGroupIds: [], excludedClientIds: [] } }));

    it('a client\'s own list and its count read entries by index', async () => {
      await expectIndexedList({ kind: 'client', clientId: clientId(42) }, { limit: 500 });
    });

    it('a contact\'s list and its count read entries by index', async () => {
      await expectIndexedList({ kind: 'client', clientId: clientId(42), contactId: contactId(42, 1) }, { limit: 500 });
    });

    it('a client kept from private entries lists the staff entries shared with it by index', async () => {
      await configure({ clientPrivateEntries: { enabled: true, excludedClientGroupIds: [], excludedClientIds: [clientId(42)] } });
      await expectIndexedList({ kind: 'client', clientId: clientId(42) }, { limit: 500 });
    });
  });

  describe('on a client\'s summary page', () => {
    const summary: ListEntriesQuery = { clientId: clientId(42), limit: 500 };

    it('in full mode an admin\'s list of one client and its count read entries by index', async () => {
      await configure({ adminAccessMode: 'full', allowedAdminIds: [], extendedAdminRoleIds: [] });
      await expectIndexedList(supportAdmin, summary);
    });

    it('in restricted mode an allowed admin\'s list and its count read entries by index', async () => {
      await configure({ adminAccessMode: 'restricted', allowedAdminIds: ['a-allowed'], extendedAdminRoleIds: [] });
      await expectIndexedList(allowedAdmin, summary);
    });

    it('in restricted mode an admin who is not allowed lists what was shared with them by index', async () => {
      await configure({ adminAccessMode: 'restricted', allowedAdminIds: ['a-allowed'], extendedAdminRoleIds: [] });
      await expectIndexedList(supportAdmin, summary);
    });

    it('in shared mode an allowed admin\'s list and its count read entries by index', async () => {
      await configure({ adminAccessMode: 'shared', allowedAdminIds: ['a-allowed'], extendedAdminRoleIds: [] });
      await expectIndexedList(allowedAdmin, summary);
    });

    it('an extended admin\'s list of one client and its count read entries by index', async () => {
      await configure({ adminAccessMode: 'restricted', allowedAdminIds: [], extendedAdminRoleIds: ['r-ext'] });
      await expectIndexedList(extendedAdmin, summary);
    });
  });

  describe('filtered by what an entry is linked to', () => {
    before(() => configure({ adminAccessMode: 'full', allowedAdminIds: [], extendedAdminRoleIds: [] }));

    it('an admin\'s list of an admin category and its count read entries by index', async () => {
      await expectIndexedList(supportAdmin, { categoryId: adminCategoryId(2), limit: 50 });
    });

    it('an admin\'s list of a service\'s entries and its count read entries by index', async () => {
      await expectIndexedList(supportAdmin, { clientId: clientId(42), serviceId: serviceId(42, 0), limit: 50 });
    });

    it('an admin\'s list of a ticket\'s entries and its count read entries by index', async () => {
      await expectIndexedList(supportAdmin, { ticketId: ticketId(42, 0), limit: 50 });
    });

    it('a contact\'s page: an admin\'s list of the entries linked to a contact and its count read entries by index', async () => {
      await expectIndexedList(supportAdmin, { clientId: clientId(42), contactId: contactId(42, 1), limit: 500 });
    });

    it('a device\'s page: an admin\'s list of the entries linked to a device and its count read entries by index', async () => {
      await expectIndexedList(supportAdmin, { clientId: clientId(42), deviceId: deviceId(42, 1), limit: 500 });
    });

    it('a restricted admin\'s list of a category they are a member of reads entries by index', async () => {
      await configure({ adminAccessMode: 'restricted', allowedAdminIds: [], extendedAdminRoleIds: [] });
      await expectIndexedList(juniorAdmin, { categoryId: adminCategoryId(2), limit: 50 });
    });
  });

  // A tag filter starts from the tag: its index gives the entries carrying it, read by primary key.
  describe('filtered by tag', () => {
    before(async function () {
      this.timeout(60_000);
      const t = world.vault.tables;
      const ids = await world.vault.raw(t.entries).select('id').orderBy('id') as Array<{ id: string }>;
      // Every entry in one of 40 teams, and a rare tag on one entry in a thousand.
      const rows = ids.flatMap(({ id }, i) => [
        { entry_id: id, tag_key: `team-${i % 40}`, tag: `Team-${i % 40}` },
        ...(i % 1000 === 0 ? [{ entry_id: id, tag_key: 'rare', tag: 'Rare' }] : []),
      ]);
      for (let i = 0; i < rows.length; i += 400) await world.vault.raw(t.tags).insert(rows.slice(i, i + 400));
    });

    it('an extended admin\'s whole-vault list by tag and its count read the tag’s index, never a whole table', async () => {
      await configure({ adminAccessMode: 'restricted', allowedAdminIds: [], extendedAdminRoleIds: ['r-ext'] });
      await expectIndexedList(extendedAdmin, { tag: 'RARE', limit: 50 }, [world.vault.tables.tags]);
    });

    it('an admin\'s list of one client by tag and its count read entries by index', async () => {
      await configure({ adminAccessMode: 'full', allowedAdminIds: [], extendedAdminRoleIds: [] });
      await expectIndexedList(supportAdmin, { clientId: clientId(42), tag: 'TEAM-7', limit: 50 }, [world.vault.tables.tags]);
    });

    it('a client\'s list by tag and its count read entries by index', async () => {
      const client: Actor = { kind: 'client', clientId: clientId(42) };
      // One of the tags the client's own entries carry.
      const [seen] = (await world.vault.lk.entries.list(client, { limit: 1 })).items;
      await expectIndexedList(client, { tag: seen!.tags[0]!, limit: 50 }, [world.vault.tables.tags]);
    });
  });

  // An admin who sees client data (full mode, or allowed) sees most of the vault here: the page
  // walks the name index until it has a page, and the count reads every entry, by nature.
  describe('on the addon\'s "all access details" page', () => {
    it('in restricted mode an admin who is not allowed reads only what was shared with them, for the page and its count', async () => {
      await configure({ adminAccessMode: 'restricted', allowedAdminIds: [], extendedAdminRoleIds: [] });
      await expectIndexedList(juniorAdmin, { offset: 0, limit: 25 });
    });

    /** The count statement of the page as the hook sends it, and the page's "more than" flag. */
    async function pageCount(actor: Actor): Promise<{ count: Statement; html: string }> {
      let html = '';
      const statements = await recordStatements(world.vault.raw, async () => {
        html = (await hooks.adminPages(actor, { page: 'entries' }, surface)) ?? '';
      });
      const counts = statements.filter((s) => /^select count\(/i.test(s.sql) && s.sql.includes(world.vault.tables.entries));
      expect(counts, 'one count of entries').to.have.length(1);
      return { count: counts[0]!, html };
    }

    const managerSettings: Array<[string, SettingsPatch]> = [
      ['an extended manager', { adminAccessMode: 'restricted', allowedAdminIds: [], extendedAdminRoleIds: ['r-support'] }],
      ['a manager in full mode', { adminAccessMode: 'full', allowedAdminIds: [], extendedAdminRoleIds: [] }],
      ['an allowed manager in restricted mode', { adminAccessMode: 'restricted', allowedAdminIds: ['a-manager'], extendedAdminRoleIds: [] }],
    ];
    for (const [who, settings] of managerSettings) {
      // The page's addon managers see most of the vault here: the page's count stops where it may.
      it(`${who}'s count stops after 1,001 entries and says "more than 1,000": it never reads the whole table`, async () => {
        await configure(settings);
        const { count, html } = await pageCount(manager);
        expect(html).to.contain('of more than 1,000');
        // Read under LIMIT 1001 with nothing sorted or grouped first, the scan of entries stops at 1,001 rows.
        expect(count.sql).to.match(/limit \?\) as [`"]capped[`"]/).and.not.to.match(/order by|group by/i);
        expect(count.bindings).to.include(1001);
        const plan = await explain(world.vault.raw, count);
        expect(plan.accesses.filter((a) => a.table === world.vault.tables.entries), plan.lines.join(' | ')).to.not.deep.equal([]);
        if (db.name === 'mariadb') {
          const read = await rowsReadOnMariaDb(world.vault.raw, count, world.vault.tables.entries);
          // 1,001 counted, the rows the visibility rule passed over on the way, and the reached ids: not the table.
          expect(read, 'entries rows read').to.be.within(1001, world.entryCount / 2);
        }
      });
    }

    it('the API\'s GET /entries counts as the page does: "at least 1000" from a count that stops after 1,001 entries', async () => {
      await configure(managerSettings[0]![1]);
      const api = await Harness.start(db, { vault: world.vault });
      try {
        let body: unknown;
        const statements = await recordStatements(world.vault.raw, async () => {
          const response = await api.browser(manager).api('GET', '/entries?limit=25');
          expect(response.status, response.text).to.equal(200);
          body = JSON.parse(response.text);
        });
        expect(body).to.include({ total: 1000, totalIsAtLeast: true, offset: 0, limit: 25 });
        const counts = statements.filter((s) => /^select count\(/i.test(s.sql) && s.sql.includes(world.vault.tables.entries));
        expect(counts, 'one count of entries').to.have.length(1);
        expect(counts[0]!.sql).to.match(/limit \?\) as [`"]capped[`"]/);
        expect(counts[0]!.bindings).to.include(1001);
      } finally {
        await api.close();
      }
    });

    it('an extended admin\'s page is read off the name index in list order, with no sort', async () => {
      await configure({ adminAccessMode: 'restricted', allowedAdminIds: [], extendedAdminRoleIds: ['r-ext'] });
      const { plans } = await listPlans(extendedAdmin, { offset: 0, limit: 25 });
      const page = plans.find((p) => !isCount(p))!;
      const reads = page.accesses.filter((a) => a.table === world.vault.tables.entries);
      expect(reads.map((a) => a.index), page.lines.join(' | ')).to.deep.equal([`${world.vault.tables.entries}_name`]);
      expect(page.sorts, page.lines.join(' | ')).to.equal(false);
    });
  });

  // The panels' and the client area's search, sorts and filters, and the addon list's sorts (issue 17).
  describe('searched, sorted and filtered as the lists offer', () => {
    before(async () => {
      await configure({
        adminAccessMode: 'full', allowedAdminIds: [], extendedAdminRoleIds: [],
        clientPrivateEntries: { enabled: true, excludedClientGroupIds: [], excludedClientIds: [] },
      });
      // Two of the client's passwords overdue, one of them granted to its second contact.
      await world.vault.raw(world.vault.tables.entries).whereIn('name', ['mail.client042.test 0', 'db.client042.test 2'])
        .update({ next_reminder_at: Date.now() - 86_400_000 });
    });

    const choices: Array<[string, ListEntriesQuery]> = [
      ['sorted by username, last first', { sort: 'username', direction: 'desc' }],
      ['sorted by last change', { sort: 'updatedAt', direction: 'desc' }],
      ['sorted by password age', { sort: 'passwordChangedAt' }],
      ['sorted by category', { sort: 'category' }],
      ['sorted by category, last first', { sort: 'category', direction: 'desc' }],
      ['searched by username', { search: 'user1' }],
      ['overdue for rotation', { rotation: 'overdue' }],
      ['linked to a suspended service', { serviceStatus: 'suspended' }],
      ['owned by staff', { ownerKind: 'admin' }],
    ];
    for (const [what, query] of choices) {
      it(`an admin's list of one client ${what}, and its count, read entries by index`, async () => {
        await expectIndexedList(supportAdmin, { clientId: clientId(42), limit: 50, ...query });
      });
    }

    it('a main account\'s own section and what the team shares with it, searched and sorted, read entries by index', async () => {
      const client: Actor = { kind: 'client', clientId: clientId(42) };
      await expectIndexedList(client, { ownerKind: 'client', search: 'user', sort: 'username', limit: 50 });
      await expectIndexedList(client, { ownerKind: 'admin', sort: 'updatedAt', direction: 'desc', limit: 50 });
    });

    it('a main account\'s and a contact\'s lists sorted by category, either way, read entries by index', async () => {
      for (const direction of ['asc', 'desc'] as const) {
        await expectIndexedList({ kind: 'client', clientId: clientId(42) }, { sort: 'category', direction, limit: 50 });
        await expectIndexedList({ kind: 'client', clientId: clientId(42), contactId: contactId(42, 1) }, { sort: 'category', direction, limit: 50 });
      }
    });

    it('a contact\'s list overdue for rotation reads entries by index', async () => {
      await expectIndexedList({ kind: 'client', clientId: clientId(42), contactId: contactId(42, 2) }, { rotation: 'overdue', limit: 50 });
    });

    it('a restricted admin who is not allowed lists what was shared with them by username and by category, by index', async () => {
      await configure({ adminAccessMode: 'restricted', allowedAdminIds: [], extendedAdminRoleIds: [] });
      await expectIndexedList(juniorAdmin, { sort: 'username', limit: 25 });
      await expectIndexedList(juniorAdmin, { sort: 'category', direction: 'desc', limit: 25 });
      await configure({ adminAccessMode: 'full' });
    });

    for (const sort of ['username', 'updatedAt', 'passwordChangedAt', 'category'] as const) {
      for (const direction of ['asc', 'desc'] as const) {
        it(`an extended admin's whole-vault page by ${sort} (${direction}) is read off its index in list order, with no sort`, async () => {
          await configure({ adminAccessMode: 'restricted', allowedAdminIds: [], extendedAdminRoleIds: ['r-ext'] });
          const { plans } = await listPlans(extendedAdmin, { sort, direction, offset: 0, limit: 25 });
          const page = plans.find((p) => !isCount(p))!;
          const index = { username: 'username', updatedAt: 'updated', passwordChangedAt: 'password_changed', category: 'category_name' }[sort];
          const reads = page.accesses.filter((a) => a.table === world.vault.tables.entries);
          expect(reads.map((a) => a.index), page.lines.join(' | ')).to.deep.equal([`${world.vault.tables.entries}_${index}`]);
          expect(page.sorts, page.lines.join(' | ')).to.equal(false);
          await configure({ adminAccessMode: 'full', extendedAdminRoleIds: [] });
        });
      }
    }

    // A one-word search also looks up the notes' blind index: from the term to its entries, by the (term, entry_id) index.
    describe('by a word of the notes\' title line', () => {
      before(async function () {
        this.timeout(120_000);
        const t = world.vault.tables;
        const client: Actor = { kind: 'client', clientId: clientId(42) };
        await world.vault.lk.entries.create(client, { name: 'Shop backend', notes: 'Production database of the shop' });
        await world.vault.lk.entries.create(supportAdmin, { name: 'Shop relay', clientId: clientId(42), notes: 'Production mail relay' });
        // Every other entry with a few terms of its own, so the index is as full as a real vault's.
        const ids = await world.vault.raw(t.entries).select('id').orderBy('id') as Array<{ id: string }>;
        const rows = ids.flatMap(({ id }) => Array.from({ length: 5 }, () => ({ entry_id: id, term: randomBytes(16).toString('hex') })));
        await insertAll(world.vault.raw, t.noteTerms, rows);
      });

      it('an admin\'s list of one client searched by a notes word, and its count, read entries and the terms by index', async () => {
        await expectIndexedList(supportAdmin, { clientId: clientId(42), search: 'produc', limit: 50 }, [world.vault.tables.noteTerms]);
      });

      it('a client\'s own list searched by a notes word, and its count, read entries and the terms by index', async () => {
        await expectIndexedList({ kind: 'client', clientId: clientId(42) }, { search: 'produc', limit: 50 }, [world.vault.tables.noteTerms]);
      });
    });

    it('how many entries each of a client\'s categories holds is one grouped count that reads entries by index', async () => {
      const t = world.vault.tables;
      const client: Actor = { kind: 'client', clientId: clientId(42) };
      let counts = new Map<string, number>();
      const plans = await plansOf(world.vault.raw, [t.entries], async () => {
        counts = await world.vault.lk.entries.countsByCategory(client, [clientCategoryId(42, 0), clientCategoryId(42, 1)]);
      });
      expect(counts.get(clientCategoryId(42, 0)), 'entries filed in the first category').to.be.greaterThan(0);
      expect(plans, 'one statement').to.have.length(1);
      for (const table of [t.entries, t.grants, t.categoryMembers]) expect(fullScansOf(plans, table), `full scans of ${table}`).to.deep.equal([]);
    });
  });

  describe('a panel\'s page with what it shows of each entry (grants, category members, watches)', () => {
    async function expectIndexedPanelPage(actor: Actor, query: ListEntriesQuery): Promise<void> {
      const t = world.vault.tables;
      let listed = 0;
      const plans = await plansOf(world.vault.raw, [t.entries], async () => {
        listed = (await world.vault.lk.entries.firstPage(actor, query)).items.length;
      });
      expect(listed, 'entries listed').to.be.greaterThan(0);
      expect(plans, 'one statement').to.have.length(1);
      for (const table of [t.entries, t.grants, t.categoryMembers, t.categories, t.watchers]) {
        expect(fullScansOf(plans, table), `full scans of ${table}`).to.deep.equal([]);
      }
    }

    it('an admin\'s client summary reads each of them by index', async () => {
      await configure({ adminAccessMode: 'full', allowedAdminIds: [], extendedAdminRoleIds: [] });
      await expectIndexedPanelPage(supportAdmin, { clientId: clientId(42), limit: 500 });
    });

    it('a client\'s area reads each of them by index', async () => {
      await configure({ clientPrivateEntries: { enabled: true, excludedClientGroupIds: [], excludedClientIds: [] } });
      await expectIndexedPanelPage({ kind: 'client', clientId: clientId(42) }, { limit: 500 });
    });

    it('a later page of a summary, sorted by the oldest password, reads each of them by index (on MariaDB explained as the prepared statement it is sent as)', async () => {
      await configure({ adminAccessMode: 'full', allowedAdminIds: [], extendedAdminRoleIds: [] });
      await expectIndexedPanelPage(supportAdmin, { clientId: clientId(42), sort: 'passwordChangedAt', offset: 1, limit: 500 });
    });
  });

  describe('on the addon\'s Categories page', () => {
    async function categoryPlans(query: { clientId?: string; search?: string }): Promise<{ page: QueryPlan; count: QueryPlan; all: QueryPlan[] }> {
      const t = world.vault.tables;
      const all = await plansOf(world.vault.raw, [t.categories, t.entries],
        () => world.vault.lk.categories.listOfClients(manager, { ...query, limit: 25 }));
      const reading = all.filter((p) => p.accesses.some((a) => a.table === t.categories));
      expect(reading, 'a page query and a count query').to.have.length(2);
      return { page: reading.find((p) => !isCount(p))!, count: reading.find(isCount)!, all };
    }

    // Their count is of nearly every category by nature (admin categories are few): SQLite reads the
    // table for it, MariaDB an index. Neither reads entries.
    it('every client\'s categories are read off an index in name order, a page at a time, and never from entries', async () => {
      const t = world.vault.tables;
      const { page, all } = await categoryPlans({});
      expect(all.flatMap((p) => p.accesses).filter((a) => a.table === t.entries)).to.deep.equal([]);
      // A look-up of every client category, cut short by the page's LIMIT: ordered reads and no sort prove it.
      expect(page.accesses.map((a) => a.index), page.lines.join(' | ')).to.deep.equal([`${t.categories}_kind_name`]);
      expect(page.sorts, page.lines.join(' | ')).to.equal(false);
    });

    // A name contains the search anywhere: no index finds it, so the page walks the name index in order until it
    // is full, and the count, like the unsearched one, reads every client category (never an entry).
    it('every client\'s categories searched by name are read off the name index in order, a page at a time, and never from entries', async () => {
      const t = world.vault.tables;
      const { page, all } = await categoryPlans({ search: 'Servers 04' });
      expect(page.accesses.map((a) => a.index), page.lines.join(' | ')).to.deep.equal([`${t.categories}_kind_name`]);
      expect(page.sorts, page.lines.join(' | ')).to.equal(false);
      expect(all.flatMap((p) => p.accesses).filter((a) => a.table === t.entries)).to.deep.equal([]);
      const found = await world.vault.lk.categories.listOfClients(manager, { search: 'Servers 04', limit: 25 });
      expect(found.total, 'the servers categories of clients 040-049').to.be.greaterThan(0);
    });

    it('one client\'s categories and their count are read by index', async () => {
      const t = world.vault.tables;
      const { page, count } = await categoryPlans({ clientId: clientId(42) });
      expect(fullScansOf([page, count], t.categories)).to.deep.equal([]);
    });
  });
});
