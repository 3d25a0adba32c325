import { expect } from 'chai';
import { createHooks, Renderer, ValidationError, type AuditEvent, type HookSurface, type Latchkey } from '../../core/index.ts';
import { forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { acme, globex, hostFixture, owner } from '../support/host-fixture.ts';
import { emptyTables, rejection, snapshotTables } from '../support/table-rows.ts';

const many = (n: number) => Array.from({ length: n }, (_, i) => `tag-${String(i).padStart(2, '0')}`);

/**
 * Tags are free labels on an entry: normalised when saved (trimmed, one per
 * spelling whatever its case), bounded in length and number, listed with the
 * entry, filtered on and found by search, and audited as a changed field.
 */
forEachDatabase('entries: tags', (db) => {
  let vault: Vault;
  let lk: Latchkey;

  before(async () => {
    vault = await openVault(db, hostFixture());
    lk = vault.lk;
  });
  beforeEach(async () => {
    await emptyTables(vault);
    await lk.settings.update(owner, { adminAccessMode: 'full' });
  });
  after(async () => { await vault.close(); });

  const newest = async (): Promise<AuditEvent> => (await lk.audit.list(owner, { limit: 1 }))[0]!;

  it('tags are trimmed, inner spaces made one, empty ones dropped and one kept per spelling whatever its case (the first)', async () => {
    const entry = await lk.entries.create(owner, { name: 'Router', tags: ['  Network  gear ', 'vpn', 'VPN', '', 'Vpn ', 'backup'] });
    expect(entry.tags).to.deep.equal(['backup', 'Network gear', 'vpn']);
    expect((await lk.entries.get(owner, entry.id)).tags).to.deep.equal(['backup', 'Network gear', 'vpn']);
    expect((await lk.entries.list(owner)).items[0]!.tags).to.deep.equal(['backup', 'Network gear', 'vpn']);
  });

  it('a tag of 40 characters is kept; one of 41 is refused naming the tag, and nothing is written', async () => {
    const forty = 'x'.repeat(40);
    expect((await lk.entries.create(owner, { name: 'Long', tags: [forty] })).tags).to.deep.equal([forty]);
    const before = await snapshotTables(vault);
    const err = await rejection(lk.entries.create(owner, { name: 'Too long', tags: ['ok', 'y'.repeat(41)] }), ValidationError);
    expect(err.issues[0]).to.include({ field: 'tags.1', rule: 'tooLong' });
    expect(await snapshotTables(vault)).to.deep.equal(before);
  });

  it('an entry holds 20 tags; 21 are refused', async () => {
    expect((await lk.entries.create(owner, { name: 'Twenty', tags: many(20) })).tags).to.have.length(20);
    const err = await rejection(lk.entries.create(owner, { name: 'Twenty-one', tags: many(21) }), ValidationError);
    expect(err.issues[0]).to.include({ field: 'tags', rule: 'tooMany' });
  });

  it('a comma cannot be part of a tag (it separates tags in a CSV cell)', async () => {
    const err = await rejection(lk.entries.create(owner, { name: 'Comma', tags: ['a,b'] }), ValidationError);
    expect(err.issues[0]).to.include({ field: 'tags.0', rule: 'tagComma' });
  });

  it('the tag filter lists the entries carrying the tag whatever its case, under the reader\'s visibility', async () => {
    const ours = await lk.entries.create(acme, { name: 'Acme mail', tags: ['Mail'] });
    const staff = await lk.entries.create(owner, { name: 'Acme relay', clientId: 'c-acme', tags: ['mail', 'smtp'] });
    await lk.entries.create(globex, { name: 'Globex mail', tags: ['MAIL'] });
    await lk.entries.create(acme, { name: 'Acme web', tags: ['web'] });
    expect((await lk.entries.list(acme, { tag: 'MAIL' })).items.map((e) => e.id)).to.deep.equal([ours.id]);
    expect((await lk.entries.list(owner, { clientId: 'c-acme', tag: 'mail' })).items.map((e) => e.id)).to.have.members([ours.id, staff.id]);
    expect((await lk.entries.list(owner, { tag: 'mail' })).total).to.equal(3);
    expect((await lk.entries.list(owner, { tag: 'mai' })).total).to.equal(0);
  });

  it('search finds an entry by part of a tag, whatever its case', async () => {
    const tagged = await lk.entries.create(owner, { name: 'Switch', tags: ['Datacenter-Frankfurt'] });
    await lk.entries.create(owner, { name: 'Printer', tags: ['office'] });
    expect((await lk.entries.list(owner, { search: 'frankfurt' })).items.map((e) => e.id)).to.deep.equal([tagged.id]);
    // LIKE's wildcards typed in a search are letters, in tags as in names.
    expect((await lk.entries.list(owner, { search: 'data_center' })).total).to.equal(0);
  });

  it('a change of tags is an update naming the field "tags"; the same tags in another order or spacing write nothing', async () => {
    const entry = await lk.entries.create(owner, { name: 'Firewall', tags: ['network', 'Edge'] });
    const before = await snapshotTables(vault);
    const same = await lk.entries.update(owner, entry.id, { version: entry.version, tags: [' network', 'Edge ', 'NETWORK'] });
    expect(same.version).to.equal(entry.version);
    expect(await snapshotTables(vault)).to.deep.equal(before);

    const changed = await lk.entries.update(owner, entry.id, { version: entry.version, tags: ['edge', 'network', 'dmz'] });
    expect(changed.tags).to.deep.equal(['dmz', 'edge', 'network']);
    expect(changed.version).to.equal(entry.version + 1);
    const event = await newest();
    expect(event.action).to.equal('entry.update');
    expect(event.details).to.deep.equal({ fields: ['tags'] });

    const cleared = await lk.entries.update(owner, entry.id, { version: changed.version, tags: [] });
    expect(cleared.tags).to.deep.equal([]);
    expect((await lk.entries.list(owner, { tag: 'dmz' })).total).to.equal(0);
  });

  it('deleting an entry removes its tags', async () => {
    const entry = await lk.entries.create(owner, { name: 'Old', tags: ['legacy'] });
    await lk.entries.delete(owner, entry.id, { version: entry.version });
    expect(await vault.raw(vault.tables.tags).where('entry_id', entry.id).count({ n: '*' }).first()).to.deep.include({ n: 0 });
  });

  it('the addon\'s list of all access details filters by tag, and each chip links to its tag\'s list', async () => {
    await lk.entries.create(owner, { name: 'Edge router', tags: ['VPN', 'edge'] });
    await lk.entries.create(owner, { name: 'Printer', tags: ['office'] });
    const surface: HookSurface = { apiBase: '/lk/api', assetBase: '/lk/assets', pageUrl: '/addon?module=lk', csrfToken: 'csrf', clipboardClearSeconds: 30 };
    const hooks = createHooks(lk, new Renderer());
    const html = (await hooks.adminPages(owner, { page: 'entries', params: { tag: 'vpn' } }, surface)) ?? '';
    expect(html).to.contain('Edge router').and.not.to.contain('Printer');
    // Handlebars escapes `=` too: &#x3D;.
    expect(html).to.contain('href="/addon?module&#x3D;lk&amp;page&#x3D;entries&amp;tag&#x3D;VPN" data-lk-tag="VPN"');
    expect(html).to.contain('name="tag" value="vpn"');
    const refused = (await hooks.adminPages(owner, { page: 'entries', params: { tag: 'x'.repeat(41) } }, surface)) ?? '';
    expect(refused).to.contain('id="lk-entries-tag-problem"').and.to.contain('must be at most 40 characters');
  });
});
