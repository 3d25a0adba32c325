import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { createLatchkey, Keyring, type Actor, type Latchkey } from '../../core/index.ts';
import { forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { acme, hostFixture, owner } from '../support/host-fixture.ts';
import { emptyTables, snapshotTables } from '../support/table-rows.ts';
import { recordStatements } from '../support/query-plan.ts';
import { Harness } from '../express/harness.ts';

/**
 * Lists find an entry by the start of a word on its notes' first line
 * (issue 17): the notes are sealed, so a keyed blind index holds, per entry,
 * the HMAC of each prefix of 3 to 20 letters of each word of that line. A
 * search is looked for there when it is one word of 3 to 20 letters.
 */
forEachDatabase('entries: search by the notes\' title line', (db) => {
  const kA = { id: 'kA', key: randomBytes(32) };
  let vault: Vault;
  let lk: Latchkey;
  const opened: Latchkey[] = [];

  before(async () => {
    vault = await openVault(db, hostFixture(), { keys: new Keyring([kA]) });
    lk = vault.lk;
  });
  beforeEach(async () => {
    await emptyTables(vault);
    await lk.settings.update(owner, { adminAccessMode: 'full' });
  });
  after(async () => {
    for (const other of opened) await other.close();
    await vault.close();
  });

  /** Another instance on the same database and tables, with these keys (its own search key cache). */
  const reopen = async (keys: Keyring): Promise<Latchkey> => {
    const other = await createLatchkey({ database: { knex: vault.raw }, keys, host: hostFixture(), tablePrefix: vault.tables.prefix });
    opened.push(other);
    return other;
  };
  const found = async (search: string, actor: Actor = owner, on: Latchkey = lk): Promise<string[]> =>
    (await on.entries.list(actor, { search })).items.map((e) => e.name).sort();
  const terms = async (): Promise<unknown[]> => vault.raw(vault.tables.noteTerms).select('entry_id', 'term').orderBy(['entry_id', 'term']);

  it('a search of one word finds an entry by the start of a word on its notes\' first line, whatever its case', async () => {
    await lk.entries.create(owner, { name: 'Router', notes: 'Production cluster, rack 4\nsecond line' });
    await lk.entries.create(owner, { name: 'Printer', notes: 'Office printer' });
    expect(await found('prod')).to.deep.equal(['Router']);
    expect(await found('PRODUCTION')).to.deep.equal(['Router']);
    expect(await found('Clus')).to.deep.equal(['Router']);
    expect(await found('rack')).to.deep.equal(['Router']);
    // Inside a word is not its start.
    expect(await found('duct')).to.deep.equal([]);
  });

  it('a word of the notes\' second line does not find the entry', async () => {
    await lk.entries.create(owner, { name: 'Router', notes: 'Production cluster\nbackup schedule' });
    expect(await found('backup')).to.deep.equal([]);
    expect(await found('production')).to.deep.equal(['Router']);
  });

  it('a prefix of 2 letters finds nothing by notes, of 3 it does; of 20 it does, of 21 nothing', async () => {
    const word = 'abcdefghijklmnopqrstuvwxy';
    await lk.entries.create(owner, { name: 'Long', notes: `zeta ${word}` });
    expect(await found('ze')).to.deep.equal([]);
    expect(await found('zet')).to.deep.equal(['Long']);
    expect(await found(word.slice(0, 20))).to.deep.equal(['Long']);
    expect(await found(word.slice(0, 21))).to.deep.equal([]);
  });

  it('a search of several words is not looked for in notes, even when each starts a word of them', async () => {
    await lk.entries.create(owner, { name: 'Router', notes: 'Production cluster' });
    expect(await found('production cluster')).to.deep.equal([]);
    expect(await found('prod-clu')).to.deep.equal([]);
    expect(await found('  prod  ')).to.deep.equal(['Router']);
  });

  it('full-width letters and ligatures on the title line are found by the plain letters', async () => {
    await lk.entries.create(owner, { name: 'Wide', notes: 'ＰＲＯＤ ﬁleserver' });
    expect(await found('prod')).to.deep.equal(['Wide']);
    expect(await found('files')).to.deep.equal(['Wide']);
  });

  it('after the notes change, the old word no longer finds the entry and the new one does', async () => {
    const entry = await lk.entries.create(owner, { name: 'Router', notes: 'Production cluster' });
    await lk.entries.update(owner, entry.id, { version: entry.version, notes: 'Staging cluster' });
    expect(await found('production')).to.deep.equal([]);
    expect(await found('stag')).to.deep.equal(['Router']);
    const cleared = await lk.entries.get(owner, entry.id);
    await lk.entries.update(owner, entry.id, { version: cleared.version, notes: null });
    expect(await found('stag')).to.deep.equal([]);
    expect(await terms()).to.deep.equal([]);
  });

  it('saving the form unchanged writes nothing, and a change below the first line writes no terms', async () => {
    const entry = await lk.entries.create(owner, { name: 'Router', username: 'root', notes: 'Production cluster\nrack 4' });
    const before = await snapshotTables(vault);
    await lk.entries.update(owner, entry.id, { version: entry.version, name: 'Router', username: 'root', notes: 'Production cluster\nrack 4' });
    expect(await snapshotTables(vault)).to.deep.equal(before);
    const sent = await recordStatements(vault.raw, () => lk.entries.update(owner, entry.id, { version: entry.version, notes: 'Production cluster\nrack 5' }));
    expect(sent.map((s) => s.sql).filter((sql) => sql.includes(vault.tables.noteTerms)), 'statements on the terms').to.deep.equal([]);
    expect(await terms()).to.deep.equal(before[vault.tables.noteTerms]);
  });

  it('a client never finds a staff entry by its notes (they may be hidden from it), but finds its own by theirs; staff find both', async () => {
    await lk.settings.update(owner, { clientPrivateEntries: { enabled: true, excludedClientGroupIds: [], excludedClientIds: [] } });
    await lk.entries.create(owner, {
      name: 'Acme relay', clientId: 'c-acme', notes: 'Mailrelay credentials', grants: [{ kind: 'client', id: 'c-acme' }],
      clientFieldAccess: { username: 'read', password: 'read', urls: 'read', notes: 'hidden', totp: 'read' },
    });
    await lk.entries.create(acme, { name: 'Acme shop', notes: 'Mailbox of the shop' });
    expect(await found('mail', acme)).to.deep.equal(['Acme shop']);
    expect((await lk.entries.list(acme)).items.map((e) => e.name).sort(), 'the staff entry is in the client\'s list').to.deep.equal(['Acme relay', 'Acme shop']);
    expect(await found('mail', owner)).to.deep.equal(['Acme relay', 'Acme shop']);
  });

  it('a client never finds a staff entry by its username or address (they may be hidden from it), but finds its own by theirs', async () => {
    await lk.settings.update(owner, { clientPrivateEntries: { enabled: true, excludedClientGroupIds: [], excludedClientIds: [] } });
    await lk.entries.create(owner, {
      name: 'Acme relay', clientId: 'c-acme', username: 'postmaster', websiteUrl: 'https://relay.example/', grants: [{ kind: 'client', id: 'c-acme' }],
      clientFieldAccess: { username: 'hidden', password: 'read', urls: 'hidden', notes: 'read', totp: 'read' },
    });
    await lk.entries.create(acme, { name: 'Acme shop', username: 'postmaster-shop', websiteUrl: 'https://relay.example/shop' });
    expect(await found('postmaster', acme)).to.deep.equal(['Acme shop']);
    expect(await found('relay.example', acme)).to.deep.equal(['Acme shop']);
    expect(await found('relay', acme), 'by name it is found').to.deep.equal(['Acme relay', 'Acme shop']);
    expect(await found('postmaster', owner)).to.deep.equal(['Acme relay', 'Acme shop']);
  });

  it('an entry deleted takes its terms with it', async () => {
    const entry = await lk.entries.create(owner, { name: 'Router', notes: 'Production cluster' });
    expect(await terms()).to.have.length.greaterThan(0);
    await lk.entries.delete(owner, entry.id, { version: entry.version });
    expect(await terms()).to.deep.equal([]);
  });

  it('entries created in bulk (an import) are found by their notes too', async () => {
    await lk.entries.createMany(owner, [
      { input: { name: 'One', notes: 'Production cluster' } },
      { input: { name: 'Two', notes: 'Production mailer' } },
      { input: { name: 'Three' } },
    ]);
    expect(await found('prod')).to.deep.equal(['One', 'Two']);
  });

  it('the index holds keyed digests of 16 bytes, never a word nor its plain hash, and the key is stored wrapped', async () => {
    await lk.entries.create(owner, { name: 'Router', notes: 'Production' });
    const stored = (await terms() as Array<{ term: string }>).map((r) => r.term);
    expect(stored).to.have.length(8);
    for (const term of stored) expect(term).to.match(/^[0-9a-f]{32}$/);
    const plain = ['pro', 'prod', 'production'].map((p) => createHash('sha256').update(p).digest('hex').slice(0, 32));
    expect(stored.filter((term) => plain.includes(term))).to.deep.equal([]);
    const [key] = await vault.raw(vault.tables.searchKeys).select('*') as Array<{ kek_id: string; wrapped_key: string }>;
    expect(key).to.include({ kek_id: 'kA' });
    expect(key!.wrapped_key).to.match(/^lk1\.kA\./);
  });

  it('after a key rotation, with only the new key, search still finds what was indexed and new entries are indexed', async () => {
    await lk.entries.create(owner, { name: 'Router', notes: 'Production cluster' });
    const kB = { id: 'kB', key: randomBytes(32) };
    const rotating = await reopen(new Keyring([kB, kA]));
    // The search key is one of the data keys to re-wrap: with one entry, two in all.
    expect(await rotating.keyRotation.pending()).to.equal(2);
    expect(await rotating.keyRotation.rewrapAll()).to.equal(2);
    expect(await rotating.keyRotation.pending()).to.equal(0);
    const [key] = await vault.raw(vault.tables.searchKeys).select('kek_id') as Array<{ kek_id: string }>;
    expect(key).to.deep.equal({ kek_id: 'kB' });
    const onlyNew = await reopen(new Keyring([kB]));
    expect(await found('prod', owner, onlyNew)).to.deep.equal(['Router']);
    await onlyNew.entries.create(owner, { name: 'Switch', notes: 'Production access switch' });
    expect(await found('prod', owner, onlyNew)).to.deep.equal(['Router', 'Switch']);
    expect(await found('acce', owner, onlyNew)).to.deep.equal(['Switch']);
    // Back under kA, as the other tests of this vault open it.
    expect(await (await reopen(new Keyring([kA, kB]))).keyRotation.rewrapAll()).to.equal(3);
  });

  it('the key check fails for a keyring that cannot open the search key, naming its KEK, even with no entry left under it', async () => {
    const entry = await lk.entries.create(owner, { name: 'Router', notes: 'Production cluster' });
    await lk.entries.delete(owner, entry.id, { version: entry.version });
    const kB = { id: 'kB', key: randomBytes(32) };
    const check = await (await reopen(new Keyring([kB]))).keyRotation.check();
    expect(check.keyIds).to.deep.equal([]);
    expect(check.failing.map((f) => f.keyId)).to.deep.equal(['kA']);
    expect(check.failing[0]!.reason).to.not.include(kA.key.toString('base64'));
    expect(await (await reopen(new Keyring([kA]))).keyRotation.check()).to.deep.equal({ keyIds: [], failing: [] });
  });

  describe('entries saved before the index (migration 0018)', () => {
    /** What a database migrated from before 0018 holds: entries unmarked, and no terms. */
    async function forgetIndex(): Promise<void> {
      await vault.raw(vault.tables.noteTerms).delete();
      await vault.raw(vault.tables.entries).update({ notes_indexed: null });
    }

    async function seed(): Promise<unknown[]> {
      await lk.entries.create(owner, { name: 'Router', notes: 'Production cluster' });
      await lk.entries.create(owner, { name: 'Switch', notes: 'Production access' });
      await lk.entries.create(owner, { name: 'Plain' });
      await lk.entries.create(owner, { name: 'Printer', notes: 'Office printer' });
      return terms();
    }

    it('are not found by their notes until the backfill, then are, with the terms a save would have written', async () => {
      const written = await seed();
      await forgetIndex();
      const fresh = await reopen(new Keyring([kA]));
      expect(await fresh.noteIndex.pending()).to.equal(4);
      expect(await found('prod', owner, fresh)).to.deep.equal([]);
      expect(await fresh.noteIndex.backfill()).to.equal(4);
      expect(await fresh.noteIndex.pending()).to.equal(0);
      expect(await found('prod', owner, fresh)).to.deep.equal(['Router', 'Switch']);
      expect(await terms()).to.deep.equal(written);
    });

    it('a backfill stopped between batches resumes where it stopped; run again when done, it writes nothing', async () => {
      const written = await seed();
      await forgetIndex();
      const stopping = new AbortController();
      const batches: number[] = [];
      expect(await lk.noteIndex.backfill({ batchSize: 1, signal: stopping.signal, onBatch: (done) => { batches.push(done); if (done === 2) stopping.abort(); } })).to.equal(2);
      expect(batches).to.deep.equal([1, 2]);
      expect(await lk.noteIndex.pending()).to.equal(2);
      expect(await lk.noteIndex.backfill({ batchSize: 1 })).to.equal(2);
      expect(await terms()).to.deep.equal(written);
      const before = await snapshotTables(vault);
      expect(await lk.noteIndex.backfill()).to.equal(0);
      expect(await snapshotTables(vault)).to.deep.equal(before);
    });

    it('two backfills at once index each entry once, with the same terms', async () => {
      const written = await seed();
      await forgetIndex();
      const other = await reopen(new Keyring([kA]));
      const [a, b] = await Promise.all([lk.noteIndex.backfill({ batchSize: 1 }), other.noteIndex.backfill({ batchSize: 1 })]);
      expect(a + b).to.equal(4);
      expect(await terms()).to.deep.equal(written);
    });

    it('an entry whose notes change before the backfill keeps the terms of its new notes', async () => {
      await seed();
      await forgetIndex();
      const [router] = (await lk.entries.list(owner, { search: 'Router' })).items;
      await lk.entries.update(owner, router!.id, { version: router!.version, notes: 'Staging cluster' });
      expect(await lk.noteIndex.pending()).to.equal(3);
      expect(await lk.noteIndex.backfill()).to.equal(3);
      expect(await found('stag')).to.deep.equal(['Router']);
      expect(await found('prod')).to.deep.equal(['Switch']);
    });
  });

  it('GET /entries?search= finds an entry by a word of its notes\' first line', async () => {
    await lk.entries.create(owner, { name: 'Router', notes: 'Production cluster' });
    const api = await Harness.start(db, { vault });
    try {
      const response = await api.browser(owner).api('GET', '/entries?search=Produ');
      expect(response.status, response.text).to.equal(200);
      const body = response.json<{ items: Array<{ name: string; notes?: unknown }>; total: number }>();
      expect(body.total).to.equal(1);
      expect(body.items.map((e) => e.name)).to.deep.equal(['Router']);
      expect(response.text, 'the notes stay sealed in the answer').to.not.contain('cluster');
      expect((await api.browser(owner).api('GET', '/entries?search=cluster%20x')).json<{ total: number }>().total).to.equal(0);
    } finally {
      await api.close();
    }
  });
});
