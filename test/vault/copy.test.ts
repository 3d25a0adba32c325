import { expect } from 'chai';
import {
  NotFoundError, totpCode, ValidationError, type Actor, type AuditEvent, type CopyFieldInput, type Latchkey,
} from '../../core/index.ts';
import { forEachDatabase, ManualClock, openVault, type Vault } from '../support/databases.ts';
import { acme, acmeDev, globex, hostFixture, owner, sam } from '../support/host-fixture.ts';
import { rejection } from '../support/table-rows.ts';

const SEED = 'JBSWY3DPEHPK3PXPJBSWY3DP';
/** 10:00:03 UTC: three seconds into a 30-second TOTP step. */
const START = Date.UTC(2026, 0, 1, 10, 0, 3);
const FIELDS = { password: 'Rack-Pass-4471', notes: 'vlan 42 admin pin 9917', username: 'netadmin' } as const;

/**
 * Copying one field of an entry (issue 17, "secrets on screen"): its own
 * audited action, asked for as a reveal is, opening that field alone.
 */
forEachDatabase('copying one field of an entry', (db) => {
  let clock: ManualClock;
  let vault: Vault;
  let lk: Latchkey;
  let entryId: string;

  beforeEach(async () => {
    clock = new ManualClock(START);
    vault = await openVault(db, hostFixture(), { clock });
    lk = vault.lk;
    await lk.settings.update(owner, { adminAccessMode: 'full', securityAlerts: { newPlace: { enabled: false } } });
    entryId = (await lk.entries.create(sam, {
      name: 'Rack switch', clientId: 'c-acme', username: FIELDS.username, password: FIELDS.password, notes: FIELDS.notes, totpSecret: SEED,
      grants: [{ kind: 'client', id: 'c-acme' }, { kind: 'contact', id: 'k-acme-dev' }],
    })).id;
  });
  afterEach(async () => { await vault.close(); });

  const entryEvents = async (): Promise<AuditEvent[]> => (await lk.audit.list(owner, { entryId })).filter((e) => e.action !== 'entry.create');
  const copy = (field: CopyFieldInput['field'], actor: Actor = owner, id = entryId) => lk.entries.copy(actor, id, { field });

  it('a copied password is audited as entry.copy with the field, and as no reveal', async () => {
    const copied = await copy('password');
    expect(copied.field).to.equal('password');
    expect(copied.value.expose()).to.equal(FIELDS.password);
    expect(copied.secondsLeft).to.equal(null);
    const events = await entryEvents();
    expect(events.map((e) => [e.action, e.details])).to.deep.equal([['entry.copy', { field: 'password' }]]);
    expect(events[0]!.actor).to.deep.include({ kind: 'admin', id: 'a-owner' });
  });

  it('copying a password opens only the password: damaged notes and TOTP ciphertexts do not stop it, while a reveal fails on them', async () => {
    const sealed = await vault.raw(vault.tables.entries).first('notes_ct', 'totp_ct').where('id', entryId) as { notes_ct: string; totp_ct: string };
    // Each other field's ciphertext swapped for the other's: still well formed, but bound to the wrong field, so it cannot open.
    await vault.raw(vault.tables.entries).where('id', entryId).update({ notes_ct: sealed.totp_ct, totp_ct: sealed.notes_ct });
    expect((await copy('password')).value.expose()).to.equal(FIELDS.password);
    let revealed = true;
    try {
      await lk.entries.reveal(owner, entryId);
    } catch {
      revealed = false;
    }
    expect(revealed, 'the reveal opens every field').to.equal(false);
  });

  it('each field is copied as itself, a TOTP as the code of the moment with its seconds left, never the seed', async () => {
    expect((await copy('username')).value.expose()).to.equal(FIELDS.username);
    expect((await copy('notes')).value.expose()).to.equal(FIELDS.notes);
    const totp = await copy('totp');
    expect(totp.value.expose()).to.equal(totpCode(SEED, new Date(START)).code);
    expect(totp.secondsLeft).to.equal(27);
    clock.advanceSeconds(27);
    const next = await copy('totp');
    expect(next.value.expose()).to.equal(totpCode(SEED, new Date(START + 27_000)).code).and.not.to.equal(totp.value.expose());
    expect(next.secondsLeft).to.equal(30);
    expect((await entryEvents()).map((e) => e.details?.field)).to.deep.equal(['totp', 'totp', 'notes', 'username']);
  });

  it('the current TOTP code alone, for a panel whose code ran out, is audited as a reveal of the TOTP', async () => {
    clock.advanceSeconds(26);
    const totp = await lk.entries.currentTotp(owner, entryId);
    expect(totp).to.deep.include({ secondsLeft: 1 });
    expect(totp.code.expose()).to.equal(totpCode(SEED, new Date(START + 26_000)).code);
    expect((await entryEvents()).map((e) => [e.action, e.details])).to.deep.equal([['entry.reveal', { fields: ['totpSecret'] }]]);
  });

  it('a field the entry does not have is not found, and nothing is audited', async () => {
    const bare = await lk.entries.create(owner, { name: 'Bare', clientId: 'c-acme' });
    for (const field of ['username', 'password', 'totp', 'notes'] as const) {
      expect((await rejection(copy(field, owner, bare.id), NotFoundError)).message).to.include(field);
    }
    await rejection(lk.entries.currentTotp(owner, bare.id), NotFoundError);
    expect(await lk.audit.list(owner, { entryId: bare.id, action: 'entry.copy' })).to.deep.equal([]);
  });

  it('a field hidden from a client is not found for it, while the fields it may read copy', async () => {
    await lk.entries.update(sam, entryId, {
      version: 1, clientFieldAccess: { username: 'read', password: 'hidden', urls: 'read', notes: 'read', totp: 'hidden' },
    });
    expect((await copy('username', acmeDev)).value.expose()).to.equal(FIELDS.username);
    expect((await copy('notes', acmeDev)).value.expose()).to.equal(FIELDS.notes);
    await rejection(copy('password', acmeDev), NotFoundError);
    await rejection(copy('totp', acmeDev), NotFoundError);
    await rejection(lk.entries.currentTotp(acmeDev, entryId), NotFoundError);
    expect((await lk.audit.list(owner, { entryId, action: 'entry.copy' })).map((e) => e.details?.field)).to.deep.equal(['notes', 'username']);
  });

  it('whoever may not see the entry copies nothing from it: it is not found, and nothing is audited', async () => {
    await rejection(copy('password', globex), NotFoundError);
    await lk.settings.update(owner, { adminAccessMode: 'restricted' });
    const own = await lk.entries.create(acme, { name: 'Own router', password: 'own-pw' });
    await rejection(lk.entries.copy(sam, own.id, { field: 'password' }), NotFoundError);
    // A contact who is not granted the client's own entry sees none of it.
    await rejection(lk.entries.copy(acmeDev, own.id, { field: 'password' }), NotFoundError);
    expect(await lk.audit.list(owner, { action: 'entry.copy' })).to.deep.equal([]);
  });

  it('a field name that is not one of username, password, totp and notes is refused, naming `field`', async () => {
    for (const field of ['seed', 'totpSecret', '', null, 3]) {
      const refused = await rejection(lk.entries.copy(owner, entryId, { field } as unknown as CopyFieldInput), ValidationError);
      expect(refused.issues.map((i) => i.field)).to.deep.equal(['field']);
    }
    await rejection(lk.entries.copy(owner, entryId, {} as CopyFieldInput), ValidationError);
    expect(await entryEvents()).to.deep.equal([]);
  });

  it("a service's username and password copy from the host, audited with the service as the entry; it has no notes or TOTP", async () => {
    const service = 'service:s-acme-vps';
    expect((await copy('password', sam, service)).value.expose()).to.equal('acme-vps-root-pw');
    expect((await copy('username', sam, service)).value.expose()).to.equal('root');
    await rejection(copy('notes', sam, service), NotFoundError);
    await rejection(copy('totp', sam, service), NotFoundError);
    await rejection(lk.entries.currentTotp(sam, service), NotFoundError);
    const events = await lk.audit.list(owner, { entryId: service });
    expect(events.map((e) => [e.action, e.details])).to.deep.equal([
      ['entry.copy', { field: 'username', source: 'service' }],
      ['entry.copy', { field: 'password', source: 'service' }],
    ]);
  });

  it('copies count toward the reveal-burst alert as reveals do: the N+1th within the window alerts', async () => {
    await lk.settings.update(owner, { securityAlerts: { revealBurst: { enabled: true, count: 2, minutes: 10 } } });
    await copy('password');
    await lk.entries.reveal(owner, entryId);
    expect(await lk.alerts.recent(owner), 'N').to.deep.equal([]);
    await copy('username');
    expect((await lk.alerts.recent(owner)).map((a) => `${a.rule} ${a.person}`)).to.deep.equal(['revealBurst admin:a-owner']);
  });
});
