import { expect } from 'chai';
import { LimitExceededError, type Latchkey } from '../../core/index.ts';
import { forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { acme, hostFixture, owner } from '../support/host-fixture.ts';
import { countRows, emptyTables, rejection, snapshotTables } from '../support/table-rows.ts';

forEachDatabase('entries: created many at once (an import\'s batch)', (db) => {
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

  it('an entry the rules refuse is answered with its problems and not written; the others are, each sealed and audited as create would', async () => {
    const results = await lk.entries.createMany(owner, [
      { input: { name: 'Router', password: 'pw-router', clientId: 'c-acme', serviceId: 's-acme-vps' } },
      { input: { name: 'Stray', clientId: 'c-acme', serviceId: 's-globex-vps' } },
      { input: { name: '', password: 'x' } },
      { input: { name: 'Mail', password: 'pw-mail', totpSecret: 'JBSWY3DPEHPK3PXP' } },
    ]);
    expect(results.map((r) => r.ok)).to.deep.equal([true, false, false, true]);
    expect((results[1] as { issues: Array<{ field: string; rule: string }> }).issues.map((i) => [i.field, i.rule])).to.deep.equal([['serviceId', 'otherClient']]);
    expect((results[2] as { issues: Array<{ field: string }> }).issues[0]!.field).to.equal('name');
    const created = results.filter((r): r is { ok: true; id: string } => r.ok).map((r) => r.id);
    expect((await lk.entries.reveal(owner, created[0]!)).password?.expose()).to.equal('pw-router');
    expect((await lk.entries.reveal(owner, created[1]!)).password?.expose()).to.equal('pw-mail');
    const keys = await vault.raw(vault.tables.entries).whereIn('id', created).pluck('wrapped_key');
    expect(new Set(keys).size).to.equal(2);
    const events = await lk.audit.list(owner, { action: 'entry.create', limit: 10 });
    expect(events.map((e) => e.entryId)).to.have.members(created);
    expect((await lk.audit.verify()).ok).to.equal(true);
  });

  it('a client\'s batch may fill its entry limit exactly; one entry more is refused whole, and nothing of it is written', async () => {
    await lk.settings.update(owner, { clientEntryLimit: 3 });
    await lk.entries.create(acme, { name: 'Own 1' });
    const filled = await lk.entries.createMany(acme, [{ input: { name: 'Own 2' } }, { input: { name: 'Own 3' } }]);
    expect(filled.every((r) => r.ok)).to.equal(true);
    const before = await snapshotTables(vault);
    const refusal = await rejection(lk.entries.createMany(acme, [{ input: { name: 'Own 4' }, fingerprint: { scope: 'client:c-acme', fingerprint: 'f'.repeat(43) } }]), LimitExceededError);
    expect(refusal.limit).to.equal(3);
    expect(await snapshotTables(vault)).to.deep.equal(before);
  });

  it('each fingerprint is written with its entry, and a refused entry leaves none', async () => {
    const results = await lk.entries.createMany(owner, [
      { input: { name: 'Kept' }, fingerprint: { scope: 'admin:a-owner', fingerprint: 'a'.repeat(43) } },
      { input: { name: 'Bad', websiteUrl: 'javascript:alert(1)' }, fingerprint: { scope: 'admin:a-owner', fingerprint: 'b'.repeat(43) } },
    ]);
    const rows = await vault.raw(vault.tables.importFingerprints).select('fingerprint', 'entry_id');
    expect(rows).to.deep.equal([{ fingerprint: 'a'.repeat(43), entry_id: (results[0] as { id: string }).id }]);
    expect(await countRows(vault, vault.tables.entries)).to.equal(1);
  });
});
