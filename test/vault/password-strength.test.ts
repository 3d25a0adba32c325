import { expect } from 'chai';
import { ValidationError, type Latchkey } from '../../core/index.ts';
import { forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { acme, globex, hostFixture, owner } from '../support/host-fixture.ts';
import { emptyTables, rejection, snapshotTables } from '../support/table-rows.ts';

/** Passwords whose zxcvbn score (with the dictionaries the server loads) is the key. */
const SCORED = { 0: 'password', 1: 'gz7Rk2', 2: 'gz7Rk2pQ', 3: 'gz7Rk2pQx9', 4: 'gz7Rk2pQx9Lm' } as const;

/**
 * A password is saved only as strong as its entry's minimum: the staff
 * minimum for staff entries, the minimum of the owning client's group for
 * client entries. A refusal is a 400 naming `password`, its score and the
 * score required, and writes nothing.
 */
forEachDatabase('entries: minimum password strength', (db) => {
  let vault: Vault;
  let lk: Latchkey;

  before(async () => {
    vault = await openVault(db, hostFixture());
    lk = vault.lk;
  });
  beforeEach(async () => {
    await emptyTables(vault);
    // Olivia's role is extended: she edits every entry, clients' own included.
    await lk.settings.update(owner, {
      adminAccessMode: 'full', extendedAdminRoleIds: ['r-full'],
      passwordPolicy: { staffMinimumScore: 3, clientGroupMinimumScores: { 'g-retail': 3 } },
    });
  });
  after(async () => { await vault.close(); });

  async function expectTooWeak(action: Promise<unknown>, score: number, min: number): Promise<void> {
    const before = await snapshotTables(vault);
    const err = await rejection(action, ValidationError);
    expect(err.issues).to.have.length(1);
    expect(err.issues[0]).to.deep.include({ field: 'password', rule: 'tooWeak', params: { score, min } });
    expect(err.issues[0]!.message).to.contain(`at least ${min}`);
    expect(await snapshotTables(vault)).to.deep.equal(before);
  }

  it('a staff entry\'s password one below the staff minimum is refused; one at the minimum is saved', async () => {
    await expectTooWeak(lk.entries.create(owner, { name: 'Core switch', password: SCORED[2] }), 2, 3);
    expect((await lk.entries.create(owner, { name: 'Core switch', password: SCORED[3] })).hasPassword).to.equal(true);
  });

  it('a client entry follows its group\'s minimum; a group the settings do not name accepts any password', async () => {
    await expectTooWeak(lk.entries.create(acme, { name: 'Shop', password: SCORED[2] }), 2, 3);
    expect((await lk.entries.create(acme, { name: 'Shop', password: SCORED[3] })).hasPassword).to.equal(true);
    // Globex is a reseller: no minimum for its group.
    expect((await lk.entries.create(globex, { name: 'Wifi', password: SCORED[0] })).hasPassword).to.equal(true);
  });

  it('staff setting the password of a client\'s own entry meet the client group\'s minimum', async () => {
    const entry = await lk.entries.create(acme, { name: 'Shop', password: SCORED[4] });
    await expectTooWeak(lk.entries.update(owner, entry.id, { version: entry.version, password: SCORED[2] }), 2, 3);
    expect((await lk.entries.update(owner, entry.id, { version: entry.version, password: SCORED[3] })).version).to.equal(entry.version + 1);
  });

  it('an update to a weaker password is refused; an update that leaves an old weak password alone is not', async () => {
    await lk.settings.update(owner, { passwordPolicy: { staffMinimumScore: 0 } });
    const entry = await lk.entries.create(owner, { name: 'Legacy FTP', username: 'ftp', password: SCORED[1] });
    await lk.settings.update(owner, { passwordPolicy: { staffMinimumScore: 3 } });
    await expectTooWeak(lk.entries.update(owner, entry.id, { version: entry.version, password: SCORED[2] }), 2, 3);
    const renamed = await lk.entries.update(owner, entry.id, { version: entry.version, name: 'Legacy FTP (old)', password: SCORED[1] });
    expect(renamed.version).to.equal(entry.version + 1);
  });

  it('a minimum of 0 accepts any password, even "1"', async () => {
    await lk.settings.update(owner, { passwordPolicy: { staffMinimumScore: 0, clientGroupMinimumScores: {} } });
    expect((await lk.entries.create(owner, { name: 'Any', password: '1' })).hasPassword).to.equal(true);
    expect((await lk.entries.create(acme, { name: 'Any', password: '1' })).hasPassword).to.equal(true);
  });

  it('an imported record with a password below the minimum is reported by line and field, and not created', async () => {
    const content = `title,secret\nStrong,${SCORED[3]}\nWeak,${SCORED[1]}\n`;
    const outcome = await lk.imports.run(owner, { format: 'csv', content, columns: { name: 'title', password: 'secret' } });
    expect(outcome.created).to.equal(1);
    expect((await lk.entries.list(owner)).items.map((e) => e.name)).to.deep.equal(['Strong']);
  });

  it('a minimum outside 0 to 4 is refused naming the setting', async () => {
    const err = await rejection(lk.settings.update(owner, { passwordPolicy: { staffMinimumScore: 5 } }), ValidationError);
    expect(err.issues[0]).to.include({ field: 'passwordPolicy.staffMinimumScore', rule: 'tooLarge' });
  });
});
