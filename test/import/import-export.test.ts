import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import {
  ForbiddenError, MAX_IMPORT_BYTES, ValidationError, type AdminActor, type ClientActor, type ImportRequest, type Latchkey,
} from '../../core/index.ts';
import { forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { hostFixture } from '../support/host-fixture.ts';
import { countRows, emptyTables, rejection, snapshotTables } from '../support/table-rows.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const owner: AdminActor = { kind: 'admin', adminId: 'a-owner' };
const sam: AdminActor = { kind: 'admin', adminId: 'a-sam' };
const acme: ClientActor = { kind: 'client', clientId: 'c-acme' };

async function auditActions(vault: Vault): Promise<string[]> {
  return (await vault.raw(vault.tables.audit).orderBy('seq').select('action') as Array<{ action: string }>).map((r) => r.action);
}

async function lastEvent(vault: Vault, action: string): Promise<Record<string, unknown>> {
  const row = await vault.raw(vault.tables.audit).where('action', action).orderBy('seq', 'desc').first() as { details: string };
  return JSON.parse(row.details) as Record<string, unknown>;
}

forEachDatabase('import: preview first, then only what is new and valid', (db) => {
  let vault: Vault;
  let lk: Latchkey;
  before(async () => { vault = await openVault(db, hostFixture()); lk = vault.lk; });
  after(async () => { await vault.close(); });
  beforeEach(async () => { await emptyTables(vault); });

  const itGlue: ImportRequest = { format: 'itglue-csv', content: fixture('itglue.csv'), matchClientsBy: 'name' };

  it('the preview shows which client each row goes to, and which match none, and writes nothing', async () => {
    const before = await snapshotTables(vault);
    const preview = await lk.imports.preview(owner, itGlue);
    expect(preview.rows.map((r) => [r.line, r.name, r.status, r.clientId, r.clientName])).to.deep.equal([
      [2, 'Acme firewall', 'create', 'c-acme', 'Acme Ltd'],
      [3, 'Globex mail', 'create', 'c-globex', 'Globex'],
      [4, 'Initech VPN', 'noClient', null, null],
      [5, 'Old box', 'skipped', 'c-acme', 'Acme Ltd'],
    ]);
    expect(preview.rows[2]!.problems.map((p) => [p.field, p.rule])).to.deep.equal([['owner', 'noClientMatch']]);
    expect(preview.counts).to.deep.equal({ create: 2, alreadyThere: 0, skipped: 1, invalid: 0, noClient: 1 });
    expect(await snapshotTables(vault)).to.deep.equal(before);
  });

  it('importing creates each valid row with its own data key and audit event, plus one import event with the counts', async () => {
    const outcome = await lk.imports.run(owner, itGlue);
    expect(outcome.created).to.equal(2);
    const rows = await vault.raw(vault.tables.entries).orderBy('name').select('name', 'client_id', 'password_ct', 'wrapped_key') as Array<Record<string, unknown>>;
    expect(rows.map((r) => [r.name, r.client_id])).to.deep.equal([['Acme firewall', 'c-acme'], ['Globex mail', 'c-globex']]);
    expect(String(rows[0]!.password_ct)).to.not.include('fw-pass');
    expect(rows[0]!.wrapped_key).to.not.deep.equal(rows[1]!.wrapped_key);
    expect(await auditActions(vault)).to.deep.equal(['entry.create', 'entry.create', 'entries.import']);
    expect(await lastEvent(vault, 'entries.import')).to.deep.include({ format: 'itglue-csv', created: 2, noClient: 1, skipped: 1 });
    const [firewall] = (await lk.entries.list(owner, { clientId: 'c-acme' })).items;
    expect((await lk.entries.reveal(owner, firewall!.id)).totpSecret?.expose()).to.equal('JBSWY3DPEHPK3PXP');
  });

  it('importing the same file again creates nothing and says how many were already there', async () => {
    await lk.imports.run(owner, itGlue);
    const again = await lk.imports.run(owner, itGlue);
    expect(again.created).to.equal(0);
    expect(again.counts.alreadyThere).to.equal(2);
    expect(await countRows(vault, vault.tables.entries)).to.equal(2);
  });

  it('an imported entry deleted since comes back with the next import of its record', async () => {
    await lk.imports.run(owner, itGlue);
    const [firewall] = (await lk.entries.list(owner, { clientId: 'c-acme' })).items;
    await lk.entries.delete(owner, firewall!.id, { version: firewall!.version });
    const again = await lk.imports.run(owner, itGlue);
    expect([again.created, again.counts.alreadyThere]).to.deep.equal([1, 1]);
  });

  it('the same record twice in one file is created once', async () => {
    const line = 'Same,https://same.example.com,u,p\n';
    const outcome = await lk.imports.run(owner, { format: 'chrome-csv', content: `name,url,username,password\n${line}${line}` });
    expect([outcome.created, outcome.counts.alreadyThere]).to.deep.equal([1, 1]);
  });

  it('a row failing validation is reported by line and field and skipped; the rest go in; bare host names become https', async () => {
    const outcome = await lk.imports.run(owner, { format: 'keepassxc-csv', content: fixture('keepassxc.csv'), clientId: 'c-acme' });
    expect(outcome.rows.map((r) => [r.line, r.status, r.problems.map((p) => `${p.field}:${p.rule}`)])).to.deep.equal([
      [2, 'create', []], [3, 'invalid', ['websiteUrl:httpUrl']],
    ]);
    const [ftp] = (await lk.entries.list(owner, { clientId: 'c-acme' })).items;
    expect([ftp!.name, ftp!.websiteUrl]).to.deep.equal(['Acme FTP', 'https://ftp.acme.test']);
  });

  it('further addresses and custom fields are kept in the notes', async () => {
    await lk.imports.run(owner, { format: 'bitwarden-csv', content: fixture('bitwarden.csv'), clientId: 'c-acme' });
    const vps = (await lk.entries.list(owner, { search: 'vps1' })).items[0]!;
    expect([vps.websiteUrl, vps.loginUrl]).to.deep.equal(['https://vps1.example.com', 'https://panel.example.com/login']);
    const notes = (await lk.entries.reveal(owner, vps.id)).notes?.expose();
    expect(notes).to.equal('first line\nsecond, with "quotes"\n\nURL: https://third.example.com\nport: 2222\nregion: eu');
  });

  it('folders become categories when asked, reusing one of the same name', async () => {
    await lk.categories.create(owner, { name: 'servers/linux' });
    await lk.imports.run(owner, { format: 'keepass-xml', content: fixture('keepass.xml'), clientId: 'c-acme', foldersAsCategories: true });
    const categories = await lk.categories.list(owner);
    expect(categories.map((c) => c.name)).to.deep.equal(['servers/linux']);
    const db1 = (await lk.entries.list(owner, { search: 'db1' })).items[0]!;
    expect(db1.categoryId).to.equal(categories[0]!.id);
  });

  it('staff who may not manage categories cannot turn folders into categories, and nothing is written', async () => {
    const before = await snapshotTables(vault);
    const err = await rejection(lk.imports.run(sam, { format: 'keepass-xml', content: fixture('keepass.xml'), foldersAsCategories: true }), ValidationError);
    expect(err.field).to.equal('foldersAsCategories');
    expect(await snapshotTables(vault)).to.deep.equal(before);
  });

  it('a client may import only once an admin allows it in the settings; until then it is refused and nothing is written', async () => {
    const before = await snapshotTables(vault);
    await rejection(lk.imports.preview(acme, { format: 'chrome-csv', content: fixture('chrome.csv') }), ForbiddenError);
    await rejection(lk.imports.run(acme, { format: 'chrome-csv', content: fixture('chrome.csv') }), ForbiddenError);
    expect(await snapshotTables(vault)).to.deep.equal(before);
    await lk.settings.update(owner, { clientImportExport: true });
    expect((await lk.imports.run(acme, { format: 'chrome-csv', content: fixture('chrome.csv') })).created).to.equal(1);
  });

  it('a client imports into its own entries only; naming another client is refused and nothing is written', async () => {
    await lk.settings.update(owner, { clientImportExport: true });
    const before = await snapshotTables(vault);
    const err = await rejection(lk.imports.run(acme, { format: 'chrome-csv', content: fixture('chrome.csv'), clientId: 'c-globex' }), ValidationError);
    expect([err.field, err.issues[0]!.rule]).to.deep.equal(['clientId', 'ownClientOnly']);
    expect(await snapshotTables(vault)).to.deep.equal(before);
    const outcome = await lk.imports.run(acme, { format: 'chrome-csv', content: fixture('chrome.csv') });
    expect(outcome.created).to.equal(1);
    const [entry] = (await lk.entries.list(acme)).items;
    expect([entry!.clientId, entry!.owner]).to.deep.equal(['c-acme', { kind: 'client', id: 'c-acme' }]);
  });

  it('a file of exactly the size limit is read; one byte more is refused naming content, before reading', async () => {
    const head = 'name,url,username,password\n';
    const atLimit = `${head}${'x'.repeat(MAX_IMPORT_BYTES - head.length)}`;
    const preview = await lk.imports.preview(owner, { format: 'chrome-csv', content: atLimit });
    expect(preview.rows.map((r) => [r.status, r.problems[0]?.field])).to.deep.equal([['invalid', 'name']]);
    const err = await rejection(lk.imports.preview(owner, { format: 'chrome-csv', content: `${atLimit}x` }), ValidationError);
    expect(err.field).to.equal('content');
  });

  it('an unknown format or a client the host does not know is a 400 naming the field', async () => {
    expect((await rejection(lk.imports.preview(owner, { format: 'dashlane' as 'csv', content: '' }), ValidationError)).field).to.equal('format');
    expect((await rejection(lk.imports.preview(owner, { format: 'chrome-csv', content: fixture('chrome.csv'), clientId: 'c-nobody' }), ValidationError)).field).to.equal('clientId');
  });
});

forEachDatabase('export: what the actor may see, secrets counted as reveals', (db) => {
  let vault: Vault;
  let lk: Latchkey;
  before(async () => { vault = await openVault(db, hostFixture()); lk = vault.lk; });
  after(async () => { await vault.close(); });
  beforeEach(async () => { await emptyTables(vault); });

  it('CSV for spreadsheets: BOM, header, formula cells neutralized, one export event naming the entries', async () => {
    const made = await lk.entries.create(owner, {
      name: 'vps1 root', username: '@root', password: '=cmd|calc!A1', clientId: 'c-acme', websiteUrl: 'https://vps1.acme.test', tags: ['servers', 'Acme'],
    });
    await lk.entries.create(sam, { name: 'Sam\'s own', password: 'mine' });
    const file = await lk.exports.export(owner, { format: 'csv' });
    expect(file.body.split('\r\n')).to.deep.equal([
      '\uFEFFname,username,password,website_url,login_url,notes,totp,client_id,client,category,tags',
      "vps1 root,'@root,'=cmd|calc!A1,https://vps1.acme.test,,,,c-acme,Acme Ltd,,\"Acme, servers\"",
      '',
    ]);
    expect([file.entries, file.revealed]).to.deep.equal([1, 1]);
    expect(await lastEvent(vault, 'entries.export')).to.deep.include({ format: 'csv', entries: 1, revealed: 1, entryIds: [made.id] });
  });

  it('a client exports only the entries it owns, not staff entries shared with it, and only once an admin allows it', async () => {
    await lk.entries.create(owner, { name: 'Globex box', password: 'g', clientId: 'c-globex' });
    await lk.entries.create(owner, { name: 'Acme staff box', password: 's', clientId: 'c-acme', grants: [{ kind: 'client', id: 'c-acme' }] });
    await lk.entries.create(acme, { name: 'Acme wifi', password: 'w' });
    expect((await lk.entries.list(acme)).items.map((e) => e.name)).to.include('Acme staff box');
    await rejection(lk.exports.export(acme, { format: 'json' }), ForbiddenError);
    await lk.settings.update(owner, { clientImportExport: true });
    const file = await lk.exports.export(acme, { format: 'json' });
    expect((JSON.parse(file.body) as { entries: Array<{ name: string }> }).entries.map((e) => e.name)).to.deep.equal(['Acme wifi']);
  });

  it('an export of nothing is an empty file with its header, still audited', async () => {
    const file = await lk.exports.export(owner, { format: 'csv', clientId: 'c-globex' });
    expect(file.entries).to.equal(0);
    expect(await lastEvent(vault, 'entries.export')).to.deep.include({ entries: 0, entryIds: [] });
  });

  it('Latchkey JSON round trip: exported, then imported into an empty vault, every field, link, category, tag and TOTP seed comes back', async () => {
    const category = await lk.categories.create(owner, { name: 'Firewalls' });
    await lk.entries.create(owner, {
      name: 'Acme firewall', username: 'admin', password: 'fw-pass', websiteUrl: 'https://fw.acme.test', loginUrl: 'https://fw.acme.test/login',
      notes: 'rack 4\nport 22', totpSecret: 'JBSWY3DPEHPK3PXP', clientId: 'c-acme', serviceId: 's-acme-vps', contactId: 'k-acme-dev',
      deviceId: 'd-fw', ticketId: 't-100', categoryId: category.id, reminderDays: 90, tags: ['Perimeter', 'network'],
    });
    await lk.entries.create(owner, { name: 'No URL', loginUrl: 'https://only-login.test', clientId: 'c-globex' });
    const exported = await lk.exports.export(owner, { format: 'json' });
    const target = await openVault(db, hostFixture());
    try {
      const outcome = await target.lk.imports.run(owner, { format: 'latchkey-json', content: exported.body, foldersAsCategories: true });
      expect(outcome.created).to.equal(2);
      const again = await target.lk.exports.export(owner, { format: 'json' });
      const comparable = (body: string) => (JSON.parse(body) as { entries: Array<Record<string, unknown>> }).entries
        .map(({ id: _id, updatedAt: _u, ...rest }) => rest);
      expect(comparable(again.body)).to.deep.equal(comparable(exported.body));
      expect(comparable(again.body).map((e) => e.tags)).to.deep.equal([['network', 'Perimeter'], []]);
    } finally {
      await target.close();
    }
  });

  it('a Latchkey JSON export written before tags existed is still read: its entries come in without tags', async () => {
    await lk.entries.create(owner, { name: 'Old box', password: 'old', clientId: 'c-acme', tags: ['dropped'] });
    const exported = JSON.parse((await lk.exports.export(owner, { format: 'json' })).body) as { entries: Array<Record<string, unknown>> };
    for (const entry of exported.entries) delete entry.tags;
    await emptyTables(vault);
    const outcome = await lk.imports.run(owner, { format: 'latchkey-json', content: JSON.stringify(exported) });
    expect(outcome.created).to.equal(1);
    expect((await lk.entries.list(owner)).items.map((e) => [e.name, e.tags])).to.deep.equal([['Old box', []]]);
  });

  it('tags in a CSV column come in as tags through the column mapping', async () => {
    const content = 'title,labels\nMail relay,"smtp; Mail , smtp"\n';
    const outcome = await lk.imports.run(owner, { format: 'csv', content, columns: { name: 'title', tags: 'labels' } });
    expect(outcome.created).to.equal(1);
    expect((await lk.entries.list(owner, { tag: 'SMTP' })).items.map((e) => [e.name, e.tags])).to.deep.equal([['Mail relay', ['Mail', 'smtp']]]);
  });
});
