import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AUDIT_ACTIONS, auditCsv, auditLines, LANGUAGES, Renderer, type Actor, type AdminActor, type AuditEvent, type HostAdmin, type HostClient, type HostContact,
} from '../../core/index.ts';
import { MemoryDirectory } from '../../adapters/memory/memory-directory.ts';
import { forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { acmeDev, hostFixture, owner, sam } from '../support/host-fixture.ts';
import { emptyTables } from '../support/table-rows.ts';

const renderer = new Renderer();
const en = renderer.translator('en');

/** The host directory, counting how often each bulk look-up is asked. */
class CountingDirectory extends MemoryDirectory {
  readonly calls = { admins: 0, clients: 0, contacts: 0 };
  override async admins(ids: readonly string[]): Promise<Map<string, HostAdmin>> {
    this.calls.admins += 1;
    return super.admins(ids);
  }
  override async clients(ids: readonly string[]): Promise<Map<string, HostClient>> {
    this.calls.clients += 1;
    return super.clients(ids);
  }
  override async contacts(ids: readonly string[]): Promise<Map<string, HostContact>> {
    this.calls.contacts += 1;
    return super.contacts(ids);
  }
}

/** Sam in the ticket sidebar of ticket t-100, as the API records a panel's request. */
const samAtTicket: AdminActor = { ...sam, origin: { ip: '192.0.2.7', place: { name: 'ticketSidebar', ticketId: 't-100' } } };

forEachDatabase('audit: sentences', (db) => {
  let vault: Vault;
  let host: CountingDirectory;

  before(async () => {
    const fixture = hostFixture();
    host = new CountingDirectory(fixture.data);
    vault = await openVault(db, host);
  });
  beforeEach(async () => {
    await emptyTables(vault);
    await vault.lk.settings.update(owner, { adminAccessMode: 'full' });
  });
  after(async () => { await vault.close(); });

  const newest = async (count = 1) => vault.lk.audit.list(owner, { limit: count });
  const sentences = async (events: AuditEvent[], reader: Actor = owner) => (await auditLines(vault.lk, reader, events, en)).map((l) => l.sentence);

  it('a reveal from a ticket sidebar reads as who revealed what, for which client, from where', async () => {
    const entry = await vault.lk.entries.create(owner, { name: 'vps1 root', password: 'pw-1', notes: 'rack 4', clientId: 'c-acme' });
    await vault.lk.entries.reveal(samAtTicket, entry.id);
    expect(await sentences(await newest())).to.deep.equal([
      'Sam Support revealed “vps1 root” (password, notes) for Acme Ltd, from the ticket sidebar of #t-100.',
    ]);
  });

  it('a contact is named with its client, and the sentence follows the reader’s language', async () => {
    const entry = await vault.lk.entries.create(owner, { name: 'Router', password: 'pw-r', clientId: 'c-acme', grants: [{ kind: 'contact', id: 'k-acme-dev' }] });
    await vault.lk.entries.reveal(acmeDev, entry.id);
    const [event] = await newest();
    expect(await sentences([event!])).to.deep.equal(['Dev Acme (Acme Ltd) revealed “Router” (password) for Acme Ltd.']);
    const [line] = await auditLines(vault.lk, owner, [event!], renderer.translator('fr'));
    expect(line!.sentence).to.equal('Dev Acme (Acme Ltd) a affiché « Router » (mot de passe) pour Acme Ltd.');
    expect(line!.entryName).to.equal('Router');
    expect(entry.id).to.equal(event!.entryId);
  });

  it('names a page of events with as few host look-ups for 40 rows as for 6 (one bulk look-up of clients, one of contacts)', async () => {
    for (let i = 0; i < 20; i += 1) {
      const entry = await vault.lk.entries.create(owner, {
        name: `Entry ${i}`, password: `pw-${i}`, clientId: 'c-acme', grants: [{ kind: 'contact', id: 'k-acme-dev' }],
      });
      await vault.lk.entries.reveal([sam, owner, acmeDev][i % 3]!, entry.id);
    }
    const asked = async (count: number) => {
      const events = await newest(count);
      host.calls.admins = 0;
      host.calls.clients = 0;
      host.calls.contacts = 0;
      expect(await sentences(events)).to.have.length(count);
      return { ...host.calls };
    };
    const few = await asked(6);
    expect(few.clients).to.equal(1);
    expect(few.contacts).to.equal(1);
    expect(await asked(40)).to.deep.equal(few);
  });

  it('someone or something gone since is named by what the event kept, else as gone', async () => {
    const kept = await vault.lk.entries.create(owner, { name: 'Old switch', password: 'pw-old' });
    await vault.lk.entries.reveal(owner, kept.id);
    await vault.lk.entries.delete(owner, kept.id, { version: 1 });
    const events = await newest(2);
    const ghost = { ...events[0]!, actor: { kind: 'admin', id: 'a-left' } };
    expect(await sentences([...events, ghost])).to.deep.equal([
      'Olivia Owner deleted “Old switch”.',
      'Olivia Owner revealed “an access detail since deleted” (password).',
      'staff member a-left (no longer in the host) deleted “Old switch”.',
    ]);
  });

  it('a service the host reported is named by its label, and by its id once the host forgot it', async () => {
    await vault.lk.serviceLifecycle.record({ kind: 'system' }, { serviceId: 's-acme-vps', event: 'suspended' });
    const events = await newest();
    expect(await sentences(events)).to.deep.equal(['The host reported service vps1.acme.test suspended for Acme Ltd.']);
    host.data.services = host.data.services.filter((s) => s.id !== 's-acme-vps');
    try {
      expect(await sentences(events)).to.deep.equal(['The host reported service s-acme-vps suspended for Acme Ltd.']);
    } finally {
      host.data.services = hostFixture().data.services;
    }
  });

  it('never puts a secret into a sentence or the CSV', async () => {
    const entry = await vault.lk.entries.create(owner, { name: 'Mail', password: 'S3cret-one', notes: 'n0tes-secret', clientId: 'c-acme' });
    await vault.lk.entries.update(owner, entry.id, { version: 1, password: 'S3cret-two' });
    await vault.lk.entries.reveal(owner, entry.id);
    const [old] = await vault.lk.entries.history(owner, entry.id);
    await vault.lk.entries.revealHistory(owner, entry.id, old!.id);
    await vault.lk.entries.restore(owner, entry.id, old!.id, { version: 2 });
    const text = `${(await sentences(await newest(10))).join('\n')}\n${await auditCsv(vault.lk, owner, {}, en)}`;
    expect(text).to.contain('restored version 1 of the password of “Mail”');
    for (const secret of ['S3cret-one', 'S3cret-two', 'n0tes-secret']) expect(text).to.not.contain(secret);
  });

  it('the CSV holds the sentence and the machine columns, and neutralises cells a spreadsheet would run', async () => {
    const entry = await vault.lk.entries.create(owner, { name: '=HYPERLINK("http://x.test")', clientId: 'c-acme' });
    await vault.lk.entries.reveal(samAtTicket, entry.id);
    const csv = await auditCsv(vault.lk, owner, { action: 'entry.reveal' }, en);
    const [header, row, ...rest] = csv.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(rest).to.deep.equal([]);
    expect(header).to.equal('Event number,Time (UTC),Action,What happened,Who,Who (id),Client,Client id,Access detail,Access detail id,Place,IP address');
    expect(row).to.contain(',entry.reveal,').and.to.contain(',Sam Support,admin:a-sam,Acme Ltd,c-acme,').and.to.contain(',ticketSidebar#t-100,192.0.2.7');
    // The entry's own cell starts with an apostrophe: the formula shows, it never runs.
    expect(row).to.contain(`,"'=HYPERLINK(""http://x.test"")",${entry.id},`);
  });

  it('a reader who may not read the trail gets no names', async () => {
    await vault.lk.entries.create(owner, { name: 'Switch' });
    const events = await newest();
    let refused: unknown;
    try {
      await auditLines(vault.lk, sam, events, en);
    } catch (err) {
      refused = err;
    }
    expect(refused).to.have.property('code', 'forbidden');
  });
});

describe('audit: every action has its words', () => {
  it('every action the code records is in AUDIT_ACTIONS', () => {
    const recorded = new Set<string>();
    const walk = (dir: string) => {
      for (const item of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, item.name);
        if (item.isDirectory()) walk(path);
        else if (path.endsWith('.ts')) {
          const source = readFileSync(path, 'utf8');
          for (const m of source.matchAll(/\baction: '([a-z][A-Za-z]*(?:\.[a-z][A-Za-z]*)+)'/g)) recorded.add(m[1]!);
          for (const m of source.matchAll(/_ACTIONS? = (?:\[([^\]]*)\]|'([^']+)')/g)) {
            for (const name of (m[1] ?? `'${m[2]}'`).matchAll(/'([a-z][A-Za-z]*(?:\.[a-z][A-Za-z]*)+)'/g)) recorded.add(name[1]!);
          }
        }
      }
    };
    walk(join(import.meta.dirname, '../../core'));
    walk(join(import.meta.dirname, '../../adapters'));
    expect(recorded.size).to.be.greaterThan(20);
    expect([...recorded].filter((a) => !(AUDIT_ACTIONS as readonly string[]).includes(a))).to.deep.equal([]);
  });

  for (const language of LANGUAGES) {
    it(`every action has a label and a sentence in ${language}`, () => {
      const t = renderer.translator(language);
      for (const action of AUDIT_ACTIONS) {
        expect(t(`audit.actions.${action}`), action).to.not.equal(`audit.actions.${action}`);
        expect(t(`auditSentence.${action}`), action).to.not.equal(`auditSentence.${action}`);
      }
    });
  }
});
