import { expect } from 'chai';
import { createHooks, createLatchkey, Renderer, type Category, type HookSurface, type Latchkey } from '../../core/index.ts';
import { migrations } from '../../migrations/index.ts';
import { forEachDatabase, openVault, testKeys, type Vault } from '../support/databases.ts';
import { hostFixture, owner } from '../support/host-fixture.ts';
import { emptyTables, snapshotTables } from '../support/table-rows.ts';
import { Harness } from '../express/harness.ts';

const surface: HookSurface = { apiBase: '/lk/api', assetBase: '/lk/assets', pageUrl: '/page', csrfToken: 'csrf', clipboardClearSeconds: 30 };
const categorySort = migrations.find((m) => m.name === '0019_category_sort')!;

/** Ids in list order: groups in the order given, each group by id (the tie-break), all reversed for `desc`. */
function inOrder(groups: ReadonlyArray<ReadonlyArray<{ id: string }>>, direction: 'asc' | 'desc' = 'asc'): string[] {
  const ids = groups.flatMap((group) => group.map((e) => e.id).sort());
  return direction === 'asc' ? ids : ids.reverse();
}

/**
 * Lists sort by the entry's category name, read off an index like the other
 * sorts (issues 17 and 13): each entry carries its category's name, kept by
 * every write that files, moves, renames or deletes, and filled by migration
 * 0019 for entries written before it. Uncategorised entries come first
 * ascending and last descending, on both databases.
 */
forEachDatabase('lists sorted by category', (db) => {
  let vault: Vault;
  let lk: Latchkey;
  /** Another app instance over the same database. */
  let other: Latchkey;

  before(async () => {
    vault = await openVault(db, hostFixture());
    lk = vault.lk;
    other = await createLatchkey({ database: { knex: vault.raw }, keys: testKeys(), host: lk.host, tablePrefix: vault.tables.entries.replace(/entries$/, '') });
  });
  beforeEach(async () => { await emptyTables(vault); });
  after(async () => {
    await other.close();
    await vault.close();
  });

  const sorted = async (direction: 'asc' | 'desc' = 'asc', via: Latchkey = lk) =>
    (await via.entries.list(owner, { sort: 'category', direction })).items.map((e) => e.id);
  const storedNames = async () => Object.fromEntries((await vault.raw(vault.tables.entries).select('id', 'category_name') as Array<{ id: string; category_name: string | null }>)
    .map((r) => [r.id, r.category_name]));

  /** Two categories, and entries filed by create, by a bulk create and by update, moved out by update, or never filed. */
  async function fileEntries(): Promise<{ network: Category; databases: Category; inNetwork: Array<{ id: string }>; inDatabases: Array<{ id: string }>; loose: Array<{ id: string }> }> {
    const network = await lk.categories.create(owner, { name: 'Network' });
    const databases = await lk.categories.create(owner, { name: 'Databases' });
    const bulk = await lk.entries.createMany(owner, [
      { input: { name: 'Switch', password: 'switch-pw', categoryId: network.id } },
      { input: { name: 'Replica', password: 'replica-pw', categoryId: databases.id } },
      { input: { name: 'Loose', password: 'loose-pw' } },
    ]);
    const [switchId, replicaId, looseId] = bulk.map((r) => (r.ok ? r.id : expect.fail('bulk create refused')));
    const primary = await lk.entries.create(owner, { name: 'Primary', password: 'primary-pw', categoryId: databases.id });
    const router = await lk.entries.create(owner, { name: 'Router', password: 'router-pw' });
    await lk.entries.update(owner, router.id, { categoryId: network.id, version: router.version });
    const spare = await lk.entries.create(owner, { name: 'Spare', password: 'spare-pw', categoryId: network.id });
    await lk.entries.update(owner, spare.id, { categoryId: null, version: spare.version });
    return {
      network, databases,
      inNetwork: [{ id: switchId! }, router], inDatabases: [{ id: replicaId! }, primary], loose: [{ id: looseId! }, spare],
    };
  }

  it('sorts by category name either way: uncategorised entries first ascending and last descending, ties by id', async () => {
    const { inNetwork, inDatabases, loose } = await fileEntries();
    expect(await sorted('asc')).to.deep.equal(inOrder([loose, inDatabases, inNetwork]));
    expect(await sorted('desc')).to.deep.equal(inOrder([loose, inDatabases, inNetwork], 'desc'));
  });

  it('an entry created, bulk created or moved carries its category\'s name, and none once taken out of it', async () => {
    const { inNetwork, inDatabases, loose } = await fileEntries();
    expect(await storedNames()).to.deep.equal(Object.fromEntries([
      ...inNetwork.map((e) => [e.id, 'Network']), ...inDatabases.map((e) => [e.id, 'Databases']), ...loose.map((e) => [e.id, null]),
    ]));
  });

  it('saving an entry with its category unchanged writes nothing', async () => {
    const network = await lk.categories.create(owner, { name: 'Network' });
    const entry = await lk.entries.create(owner, { name: 'Switch', password: 'switch-pw', categoryId: network.id });
    const before = await snapshotTables(vault);
    await lk.entries.update(owner, entry.id, { name: 'Switch', categoryId: network.id, version: entry.version });
    expect(await snapshotTables(vault)).to.deep.equal(before);
  });

  it('after another instance renames a category, lists sorted by category follow the new name', async () => {
    const alpha = await lk.categories.create(owner, { name: 'Alpha' });
    const beta = await lk.categories.create(owner, { name: 'Beta' });
    const a = await lk.entries.create(owner, { name: 'In alpha', password: 'a-pw', categoryId: alpha.id });
    const b = await lk.entries.create(owner, { name: 'In beta', password: 'b-pw', categoryId: beta.id });
    expect(await sorted()).to.deep.equal([a.id, b.id]);
    await other.categories.update(owner, alpha.id, { name: 'Gamma' });
    expect(await sorted()).to.deep.equal([b.id, a.id]);
    expect(await sorted('desc')).to.deep.equal([a.id, b.id]);
    expect((await storedNames())[a.id]).to.equal('Gamma');
  });

  it('a rename that changes only members leaves the names its entries carry', async () => {
    const alpha = await lk.categories.create(owner, { name: 'Alpha' });
    const a = await lk.entries.create(owner, { name: 'In alpha', password: 'a-pw', categoryId: alpha.id });
    await lk.categories.update(owner, alpha.id, { name: 'Alpha', members: [{ kind: 'admin', id: 'a-sam' }] });
    expect(await storedNames()).to.deep.equal({ [a.id]: 'Alpha' });
  });

  it('after a category is deleted, its entries sort as uncategorised', async () => {
    const alpha = await lk.categories.create(owner, { name: 'Alpha' });
    const beta = await lk.categories.create(owner, { name: 'Beta' });
    const loose = await lk.entries.create(owner, { name: 'Loose', password: 'l-pw' });
    const a = await lk.entries.create(owner, { name: 'In alpha', password: 'a-pw', categoryId: alpha.id });
    const b = await lk.entries.create(owner, { name: 'In beta', password: 'b-pw', categoryId: beta.id });
    expect(await sorted()).to.deep.equal([loose.id, a.id, b.id]);
    await other.categories.delete(owner, alpha.id);
    expect(await sorted()).to.deep.equal(inOrder([[loose, a], [b]]));
    expect(await sorted('desc')).to.deep.equal(inOrder([[loose, a], [b]], 'desc'));
    expect((await storedNames())[a.id]).to.equal(null);
  });

  it('migration 0019 gives the entries written before it their category\'s name, and uncategorised ones none', async () => {
    const { inNetwork, inDatabases, loose } = await fileEntries();
    await categorySort.down(vault.raw, vault.tables);
    expect(await vault.raw.schema.hasColumn(vault.tables.entries, 'category_name')).to.equal(false);
    await categorySort.up(vault.raw, vault.tables);
    expect(await storedNames()).to.deep.equal(Object.fromEntries([
      ...inNetwork.map((e) => [e.id, 'Network']), ...inDatabases.map((e) => [e.id, 'Databases']), ...loose.map((e) => [e.id, null]),
    ]));
    expect(await sorted()).to.deep.equal(inOrder([loose, inDatabases, inNetwork]));
  });

  it('the "All access details" Category header sorts by category, and the other way round once it does', async () => {
    await lk.categories.create(owner, { name: 'Network' }).then((c) => lk.entries.create(owner, { name: 'Switch', password: 's-pw', categoryId: c.id }));
    const hooks = createHooks(lk, new Renderer());
    const header = async (sort: string) => {
      const html = (await hooks.adminPages(owner, { page: 'entries', params: { sort } }, surface))!;
      return /<th scope="col" aria-sort="(\w+)"><a href="([^"]*)" data-lk-sort="category">Category<\/a><\/th>/.exec(html)?.slice(1);
    };
    expect(await header('name')).to.deep.equal(['none', '/page?sort&#x3D;category']);
    expect(await header('category')).to.deep.equal(['ascending', '/page?sort&#x3D;-category']);
    expect(await header('-category')).to.deep.equal(['descending', '/page?sort&#x3D;category']);
    const offered = (await hooks.adminPages(owner, { page: 'entries', params: { sort: '-category' } }, surface))!;
    expect(offered).to.contain('<option value="category">Category (A–Z)</option>').and.to.contain('<option value="-category" selected>Category (Z–A)</option>');
  });

  it('the API lists entries sorted by category, and refuses a sort it does not know, naming the field', async () => {
    const { inNetwork, inDatabases, loose } = await fileEntries();
    const api = await Harness.start(db, { vault });
    try {
      const response = await api.browser(owner).api('GET', '/entries?sort=category&direction=desc');
      expect(response.status, response.text).to.equal(200);
      expect((JSON.parse(response.text) as { items: Array<{ id: string }> }).items.map((e) => e.id))
        .to.deep.equal(inOrder([loose, inDatabases, inNetwork], 'desc'));
      const refused = await api.browser(owner).api('GET', '/entries?sort=categoryName');
      expect(refused.status).to.equal(400);
      expect(refused.text).to.contain('sort');
    } finally {
      await api.close();
    }
  });
});
