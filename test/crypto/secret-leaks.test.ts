import { randomBytes } from 'node:crypto';
import { format, inspect } from 'node:util';
import { expect } from 'chai';
import {
  ConflictError, DecryptionError, Keyring, Secret, ValidationError,
  type AuditEvent, type EntryView, type HistoryItem, type Page, type RevealedSecrets,
} from '../../core/index.ts';
import type { EntryRow } from '../../core/store/entry-rows.ts';
import { forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { acme, hostFixture, owner } from '../support/host-fixture.ts';
import { openSibling } from '../support/shared-vault.ts';
import { expectNoSentinel, rejection, renderings } from './support.ts';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(length: number): string {
  return [...randomBytes(length)].map((b) => BASE32[b % 32]).join('');
}

/** Fresh per run, so a leak can never be a coincidence of fixed test data. */
function sentinels() {
  const tag = randomBytes(5).toString('hex');
  return {
    password1: `Pw1!sentinel-${tag}`,
    password2: `Pw2!sentinel-${tag}`,
    password3: `Pw3!sentinel-${tag}`,
    adminPassword: `PwAdmin!sentinel-${tag}`,
    notes1: `Notes one — sentinel ${tag} ünïcode`,
    notes2: `Notes two — sentinel ${tag}`,
    totp1: `SENTINELA${base32(23)}`,
    totp2: `SENTINELB${base32(23)}`,
    tamperedPassword: `PwTampered!sentinel-${tag}`,
    // Values that every operation refuses: they must not be echoed, nor stored.
    overlongPassword: `PwLong!sentinel-${tag}`,
    overlongNotes: `NotesLong!sentinel-${tag}`,
    badTotp: `SENTINELC${base32(20)}`,
    misspelt: `PwMisspelt!sentinel-${tag}`,
    wrongType: `PwWrongType!sentinel-${tag}`,
    stale: `PwStale!sentinel-${tag}`,
  };
}

/** The text itself, and the encodings a careless store might use. */
function encodings(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  return [value, bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')];
}

describe('Secret redaction', () => {
  const secret = new Secret('s3cr3t-sentinel-value');

  it('expose() returns the value', () => {
    expect(secret.expose()).to.equal('s3cr3t-sentinel-value');
    expect(secret.length).to.equal('s3cr3t-sentinel-value'.length);
  });

  it('a Secret never shows its value in JSON.stringify, util.inspect, String(), a template literal or util.format', () => {
    const texts = [
      ...renderings(secret), ...renderings({ nested: { secret } }), ...renderings([secret]),
      secret + '', [secret].join(','), `${secret}`, String(secret),
      format('%s %o %O %j', secret, secret, secret, secret), format(secret), format('%s', { secret }),
      inspect(new Map([['k', secret]])), JSON.stringify(structuredClone({ secret })),
    ];
    for (const text of texts) expect(text).not.to.include('s3cr3t');
    expect(JSON.stringify({ secret })).to.equal('{"secret":"[secret]"}');
    expect(`${secret}`).to.equal('[secret]');
  });

  it('a Secret has no enumerable or own property holding its value', () => {
    expect(Object.keys(secret)).to.deep.equal([]);
    expect(Object.getOwnPropertyNames(secret)).to.deep.equal([]);
    expect(JSON.stringify(Object.assign({}, secret))).to.equal('{}');
  });
});

forEachDatabase('secrets never leak', (db) => {
  const s = sentinels();
  const all = Object.values(s);
  const host = hostFixture();
  let vault: Vault;
  let entryId: string;
  const views: Array<EntryView | Page<EntryView>> = [];
  let revealed: RevealedSecrets;
  let history: HistoryItem[];
  let oldPasswords: Secret[];
  let audit: AuditEvent[];
  const errors: Record<string, Error> = {};

  before(async () => {
    vault = await openVault(db, host);
    const lk = vault.lk;

    const created = await lk.entries.create(acme, {
      name: 'Router', username: 'admin', password: s.password1, notes: s.notes1, totpSecret: s.totp1,
      websiteUrl: 'https://router.acme.test',
    });
    entryId = created.id;
    views.push(created);
    views.push(await lk.entries.create(owner, { name: 'Staff VPN', username: 'staff', password: s.adminPassword }));
    views.push(await lk.entries.update(acme, entryId, { version: 1, password: s.password2, notes: s.notes2, totpSecret: s.totp2 }));
    views.push(await lk.entries.update(acme, entryId, { version: 2, password: s.password3 }));
    views.push(await lk.entries.get(acme, entryId));
    views.push(await lk.entries.list(acme));
    views.push(await lk.entries.list(owner));
    revealed = await lk.entries.reveal(acme, entryId);
    history = await lk.entries.history(acme, entryId);
    oldPasswords = await Promise.all(history.map((h) => lk.entries.revealHistory(acme, entryId, h.id)));

    const base = { name: 'Refused', username: 'x' };
    errors.overlongPassword = await rejection(lk.entries.create(acme, { ...base, password: `${s.overlongPassword}${'x'.repeat(4200)}` }));
    errors.overlongPasswordUpdate = await rejection(lk.entries.update(acme, entryId, { version: 3, password: `${s.overlongPassword}${'x'.repeat(4200)}` }));
    errors.overlongNotes = await rejection(lk.entries.create(acme, { ...base, notes: `${s.overlongNotes}${'y'.repeat(65 * 1024)}` }));
    errors.badTotp = await rejection(lk.entries.create(acme, { ...base, totpSecret: `${s.badTotp}!!` }));
    errors.misspelt = await rejection(lk.entries.create(acme, { ...base, passwd: s.misspelt } as never));
    errors.misspeltUpdate = await rejection(lk.entries.update(acme, entryId, { version: 3, pasword: s.misspelt } as never));
    errors.wrongType = await rejection(lk.entries.create(acme, { ...base, password: { value: s.wrongType } } as never));
    errors.stale = await rejection(lk.entries.update(acme, entryId, { version: 1, password: s.stale }));

    const tampered = await lk.entries.create(acme, { name: 'Tampered', username: 't', password: s.tamperedPassword });
    const row = await vault.raw(vault.tables.entries).where('id', tampered.id).first() as EntryRow;
    await vault.raw(vault.tables.entries).where('id', tampered.id).update({ notes_ct: row.password_ct });
    errors.movedCiphertext = await rejection(lk.entries.reveal(acme, tampered.id));
    const wrongKeys = await openSibling(db, vault, host, new Keyring([{ id: 'test1', key: randomBytes(32) }]));
    try {
      errors.wrongKek = await rejection(wrongKeys.entries.reveal(acme, entryId));
    } finally {
      await wrongKeys.close();
    }

    audit = await lk.audit.list(owner, { limit: 500 });
  });

  after(async () => { await vault.close(); });

  it('reveal and history return the real secrets (so the scans below are not vacuous)', () => {
    expect(revealed.password?.expose()).to.equal(s.password3);
    expect(revealed.notes?.expose()).to.equal(s.notes2);
    expect(revealed.totpSecret?.expose()).to.equal(s.totp2);
    expect(oldPasswords.map((p) => p.expose())).to.deep.equal([s.password2, s.password1]);
    expect(audit.length).to.be.greaterThan(5);
  });

  it('an entry view never shows a secret in JSON.stringify, util.inspect, String() or a template literal', () => {
    expect(views).to.have.length(7);
    for (const view of views) expectNoSentinel(view, all, 'an entry view');
  });

  it('an entry view carries no ciphertext or wrapped key either', () => {
    for (const view of views) {
      const text = JSON.stringify(view);
      expect(text).not.to.include('lk1.');
      expect(text).not.to.match(/wrapped|_ct|kek/i);
    }
  });

  it('reveal results are Secrets that redact themselves in JSON.stringify, util.inspect, String() and template literals', () => {
    expect(revealed.password).to.be.instanceOf(Secret);
    expectNoSentinel(revealed, all, 'reveal results');
    for (const secret of [revealed.password, revealed.notes, revealed.totpSecret]) {
      expectNoSentinel(secret, all, 'a revealed secret');
      expect(`${secret}`).to.equal('[secret]');
      expect(format('%s|%o|%j', secret, secret, secret)).not.to.include('sentinel');
    }
    expect(JSON.parse(JSON.stringify(revealed))).to.deep.equal({ password: '[secret]', notes: '[secret]', totpSecret: '[secret]' });
  });

  it('history items and old passwords revealed from history never show a secret', () => {
    expect(history).to.have.length(2);
    expectNoSentinel(history, all, 'history items');
    for (const old of oldPasswords) expectNoSentinel(old, all, 'an old password');
  });

  it('a validation error for an over-long password names the field but never holds the password', () => {
    for (const err of [errors.overlongPassword!, errors.overlongPasswordUpdate!]) {
      expect(err).to.be.instanceOf(ValidationError);
      expect((err as ValidationError).field).to.equal('password');
      expectNoSentinel(err, all, 'a validation error');
    }
  });

  it('a validation error for over-long notes names the field but never holds the notes', () => {
    expect(errors.overlongNotes).to.be.instanceOf(ValidationError);
    expect((errors.overlongNotes as ValidationError).field).to.equal('notes');
    expectNoSentinel(errors.overlongNotes, all, 'a validation error');
  });

  it('a validation error for a malformed TOTP seed never holds the seed', () => {
    expect(errors.badTotp).to.be.instanceOf(ValidationError);
    expect((errors.badTotp as ValidationError).field).to.equal('totpSecret');
    expectNoSentinel(errors.badTotp, all, 'a validation error');
  });

  it('a misspelt or wrongly typed secret field is refused without echoing its value', () => {
    expect((errors.misspelt as ValidationError).field).to.equal('passwd');
    expect((errors.misspeltUpdate as ValidationError).field).to.equal('pasword');
    expect((errors.wrongType as ValidationError).field).to.equal('password');
    for (const err of [errors.misspelt, errors.misspeltUpdate, errors.wrongType]) {
      expect(err).to.be.instanceOf(ValidationError);
      expectNoSentinel(err, all, 'a validation error');
    }
  });

  it('a conflict on a stale update carrying a new password never holds the password', () => {
    expect(errors.stale).to.be.instanceOf(ConflictError);
    expectNoSentinel(errors.stale, all, 'a conflict error');
  });

  it('decryption failures (a moved ciphertext, a wrong KEK) never hold a secret', () => {
    for (const err of [errors.movedCiphertext, errors.wrongKek]) {
      expect(err).to.be.instanceOf(DecryptionError);
      expectNoSentinel(err, all, 'a decryption error');
    }
  });

  it('no row of any Latchkey table holds a secret in plaintext (nor in base64 or hex)', async () => {
    const needles = all.flatMap(encodings).map((n) => n.toLowerCase());
    const counts: Record<string, number> = {};
    for (const table of Object.values(vault.tables)) {
      if (!await vault.raw.schema.hasTable(table)) continue;
      const rows = await vault.raw(table).select('*') as Array<Record<string, unknown>>;
      counts[table] = rows.length;
      for (const row of rows) {
        for (const [column, value] of Object.entries(row)) {
          if (value === null || value === undefined) continue;
          const texts = Buffer.isBuffer(value) ? [value.toString('utf8'), value.toString('latin1')] : [String(value)];
          for (const text of texts.map((t) => t.toLowerCase())) {
            for (const needle of needles) {
              expect(text.includes(needle), `${table}.${column} holds a secret`).to.equal(false);
            }
          }
        }
      }
    }
    // The scan saw the rows it was meant to see.
    expect(counts[vault.tables.entries]).to.equal(3);
    expect(counts[vault.tables.history]).to.equal(2);
    expect(counts[vault.tables.audit]).to.equal(audit.length);
  });

  it('the audit trail never records a secret', () => {
    expect(audit.map((e) => e.action)).to.include.members(['entry.create', 'entry.update', 'entry.reveal', 'entry.history.reveal']);
    expectNoSentinel(audit, all, 'the audit trail');
    for (const event of audit) expectNoSentinel(event.details, all, `the details of ${event.action}`);
  });

  it('searching the entries for a secret finds nothing (search covers names and URLs only)', async () => {
    for (const secret of [s.password3, s.notes2, s.totp2]) {
      const page = await vault.lk.entries.list(acme, { search: secret.slice(0, 40) });
      expect(page.total, secret).to.equal(0);
    }
  });
});
