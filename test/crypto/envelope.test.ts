import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { DecryptionError, Keyring } from '../../core/index.ts';
import { newKey, open, parseSealed, seal } from '../../core/crypto/aes-gcm.ts';
import { EntryCipher } from '../../core/crypto/entry-cipher.ts';
import type { EntryRow, HistoryRow } from '../../core/store/entry-rows.ts';
import { forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { acme, hostFixture } from '../support/host-fixture.ts';
import { openSibling } from '../support/shared-vault.ts';
import { expectDecryptionError, flipByte, reassemble, thrown, type SealedPart } from './support.ts';

const AAD = 'latchkey:field:entry-1:password:1';

describe('AES-256-GCM sealing', () => {
  const key = newKey();
  const plaintext = Buffer.from('correct horse battery staple', 'utf8');

  it('a sealed message opens with the same key and AAD', () => {
    const sealed = seal(key, 'k1', plaintext, AAD);
    expect(open(key, sealed, AAD).toString('utf8')).to.equal('correct horse battery staple');
  });

  it('a sealed message is lk1.<keyRef>.<96-bit nonce>.<body>.<128-bit tag> and never holds the plaintext', () => {
    const sealed = seal(key, 'k1', plaintext, AAD);
    const parts = parseSealed(sealed);
    expect(sealed.split('.')[0]).to.equal('lk1');
    expect(parts.keyRef).to.equal('k1');
    expect(parts.nonce).to.have.length(12);
    expect(parts.tag).to.have.length(16);
    expect(parts.body).to.have.length(plaintext.length);
    expect(parts.body.equals(plaintext)).to.equal(false);
    expect(sealed).not.to.include('correct horse');
  });

  for (const part of ['nonce', 'body', 'tag'] as const) {
    it(`flipping any bit of the ${part} fails with DecryptionError`, () => {
      const sealed = seal(key, 'k1', plaintext, AAD);
      const length = parseSealed(sealed)[part].length;
      for (let at = 0; at < length; at++) {
        for (let bit = 0; bit < 8; bit++) {
          const err = thrown(() => open(key, flipByte(sealed, part, at, 1 << bit), AAD));
          expect(err, `byte ${at} bit ${bit}`).to.be.instanceOf(DecryptionError);
        }
      }
    });
  }

  it('a different AAD (another entry, field or key version) fails with DecryptionError', () => {
    const sealed = seal(key, 'k1', plaintext, AAD);
    for (const aad of [
      'latchkey:field:entry-2:password:1', 'latchkey:field:entry-1:notes:1', 'latchkey:field:entry-1:password:2', '', `${AAD} `,
    ]) {
      expect(thrown(() => open(key, sealed, aad)), aad).to.be.instanceOf(DecryptionError);
    }
  });

  it('a different key fails with DecryptionError', () => {
    const sealed = seal(key, 'k1', plaintext, AAD);
    expect(thrown(() => open(newKey(), sealed, AAD))).to.be.instanceOf(DecryptionError);
  });

  it('a truncated, extended or malformed ciphertext fails with DecryptionError', () => {
    const sealed = seal(key, 'k1', plaintext, AAD);
    const parts = parseSealed(sealed);
    const [, , nonce, body, tag] = sealed.split('.');
    const bad = [
      '', 'garbage', sealed.slice(0, -1), `${sealed}.extra`, sealed.replace(/^lk1\./, 'lk2.'),
      ['lk1', 'k1', nonce, body].join('.'),
      ['lk1', 'k1', nonce, body, `${tag}!`].join('.'),
      ['lk1', 'k1', nonce, `${body}+`, tag].join('.'),
      reassemble({ ...parts, nonce: parts.nonce.subarray(0, 11) }),
      reassemble({ ...parts, tag: parts.tag.subarray(0, 12) }),
      reassemble({ ...parts, body: parts.body.subarray(1) }),
      reassemble({ ...parts, body: Buffer.concat([parts.body, Buffer.from([0])]) }),
      reassemble({ ...parts, body: Buffer.alloc(0) }),
    ];
    for (const text of bad) {
      expect(thrown(() => open(key, text, AAD)), JSON.stringify(text)).to.be.instanceOf(DecryptionError);
    }
  });

  it('10,000 encryptions under one key give 10,000 distinct nonces', async () => {
    const cipher = new EntryCipher(new Keyring([{ id: 'k1', key: randomBytes(32) }]));
    const { dataKey } = await cipher.newDataKey('0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b');
    const nonces = new Set<string>();
    const lengths = new Set<number>();
    for (let i = 0; i < 10_000; i++) {
      const { nonce } = parseSealed(cipher.encrypt(dataKey, 'password', 'same plaintext every time'));
      lengths.add(nonce.length);
      nonces.add(nonce.toString('hex'));
    }
    expect([...lengths]).to.deep.equal([12]);
    expect(nonces.size).to.equal(10_000);
  });

  it('the same plaintext sealed twice gives two different ciphertexts', () => {
    expect(seal(key, 'k1', plaintext, AAD)).not.to.equal(seal(key, 'k1', plaintext, AAD));
  });
});

forEachDatabase('envelope encryption of entries', (db) => {
  let vault: Vault;
  const host = hostFixture();

  before(async () => { vault = await openVault(db, host); });
  after(async () => { await vault.close(); });

  async function create(password = 'p@ss-envelope', notes = 'notes of the envelope', totpSecret = 'JBSWY3DPEHPK3PXPJBSWY3DP'): Promise<string> {
    const view = await vault.lk.entries.create(acme, { name: 'Envelope test', username: 'ann', password, notes, totpSecret });
    return view.id;
  }

  async function row(id: string): Promise<EntryRow> {
    return await vault.raw(vault.tables.entries).where('id', id).first() as EntryRow;
  }

  async function setColumns(id: string, patch: Partial<EntryRow>): Promise<void> {
    const count = await vault.raw(vault.tables.entries).where('id', id).update(patch);
    expect(count).to.equal(1);
  }

  async function historyRows(id: string): Promise<HistoryRow[]> {
    return await vault.raw(vault.tables.history).where('entry_id', id).orderBy('version') as HistoryRow[];
  }

  it('stores only ciphertexts, each naming its key: the KEK on the wrapped key, the data key version on each field', async () => {
    const id = await create();
    const stored = await row(id);
    expect(stored.kek_id).to.equal('test1');
    expect(parseSealed(stored.wrapped_key).keyRef).to.equal('test1');
    for (const ct of [stored.password_ct, stored.notes_ct, stored.totp_ct]) {
      const parts = parseSealed(ct!);
      expect(parts.keyRef).to.equal(`d${stored.key_version}`);
      expect(parts.nonce).to.have.length(12);
      expect(parts.tag).to.have.length(16);
    }
    expect(JSON.stringify(stored)).not.to.include('p@ss-envelope');
  });

  it('each entry has its own data key', async () => {
    const [a, b] = [await row(await create()), await row(await create())];
    expect(a.wrapped_key).not.to.equal(b.wrapped_key);
    expect(a.password_ct).not.to.equal(b.password_ct);
  });

  for (const part of ['body', 'nonce', 'tag'] as const satisfies readonly SealedPart[]) {
    it(`a flipped byte in the ciphertext ${part} fails with DecryptionError`, async () => {
      const id = await create();
      const original = (await row(id)).password_ct!;
      for (const at of [0, -1]) {
        await setColumns(id, { password_ct: flipByte(original, part, at) });
        await expectDecryptionError(vault.lk.entries.reveal(acme, id));
      }
      await setColumns(id, { password_ct: original });
      expect((await vault.lk.entries.reveal(acme, id)).password?.expose()).to.equal('p@ss-envelope');
    });
  }

  it('a flipped byte in the notes or TOTP ciphertext fails with DecryptionError', async () => {
    const id = await create();
    const stored = await row(id);
    await setColumns(id, { notes_ct: flipByte(stored.notes_ct!, 'body', 3) });
    await expectDecryptionError(vault.lk.entries.reveal(acme, id));
    await setColumns(id, { notes_ct: stored.notes_ct, totp_ct: flipByte(stored.totp_ct!, 'tag', 7) });
    await expectDecryptionError(vault.lk.entries.reveal(acme, id));
  });

  it('a ciphertext naming another data key version fails with DecryptionError', async () => {
    const id = await create();
    const stored = await row(id);
    await setColumns(id, { password_ct: reassemble({ ...parseSealed(stored.password_ct!), keyRef: 'd2' }) });
    await expectDecryptionError(vault.lk.entries.reveal(acme, id));
  });

  it('a truncated or malformed ciphertext in the database fails with DecryptionError', async () => {
    const id = await create();
    const original = (await row(id)).password_ct!;
    for (const bad of ['', 'not a ciphertext', original.slice(0, original.lastIndexOf('.')), `${original}x`, original.replace('lk1.', 'lk0.')]) {
      await setColumns(id, { password_ct: bad });
      await expectDecryptionError(vault.lk.entries.reveal(acme, id));
    }
  });

  it('a ciphertext copied to another entry fails to decrypt', async () => {
    const source = await row(await create('source-password'));
    const target = await create('target-password');
    await setColumns(target, { password_ct: source.password_ct });
    await expectDecryptionError(vault.lk.entries.reveal(acme, target));
  });

  it('a whole envelope (wrapped key, key version and ciphertexts) copied to another entry fails to decrypt', async () => {
    const source = await row(await create('source-password'));
    const target = await create('target-password');
    await setColumns(target, {
      kek_id: source.kek_id, wrapped_key: source.wrapped_key, key_version: source.key_version,
      password_ct: source.password_ct, notes_ct: source.notes_ct, totp_ct: source.totp_ct,
    });
    await expectDecryptionError(vault.lk.entries.reveal(acme, target));
  });

  it('a wrapped data key copied to another entry fails to unwrap', async () => {
    const source = await row(await create());
    const target = await create();
    await setColumns(target, { wrapped_key: source.wrapped_key });
    await expectDecryptionError(vault.lk.entries.reveal(acme, target));
  });

  it('a ciphertext copied to another field of the same entry fails to decrypt', async () => {
    const id = await create();
    const stored = await row(id);
    await setColumns(id, { notes_ct: stored.password_ct });
    await expectDecryptionError(vault.lk.entries.reveal(acme, id));
    await setColumns(id, { notes_ct: stored.notes_ct, totp_ct: stored.password_ct });
    await expectDecryptionError(vault.lk.entries.reveal(acme, id));
    await setColumns(id, { totp_ct: stored.totp_ct, password_ct: stored.notes_ct });
    await expectDecryptionError(vault.lk.entries.reveal(acme, id));
  });

  it('an old password from history copied into the current password fails to decrypt, and the other way round', async () => {
    const id = await create('first-password');
    await vault.lk.entries.update(acme, id, { version: 1, password: 'second-password' });
    const [old] = await historyRows(id);
    const current = await row(id);
    await setColumns(id, { password_ct: old!.password_ct });
    await expectDecryptionError(vault.lk.entries.reveal(acme, id));
    await setColumns(id, { password_ct: current.password_ct });
    await vault.raw(vault.tables.history).where('id', old!.id).update({ password_ct: current.password_ct });
    await expectDecryptionError(vault.lk.entries.revealHistory(acme, id, old!.id));
  });

  it('a history ciphertext copied to another version of the same entry fails to decrypt', async () => {
    const id = await create('first-password');
    await vault.lk.entries.update(acme, id, { version: 1, password: 'second-password' });
    await vault.lk.entries.update(acme, id, { version: 2, password: 'third-password' });
    const [v1, v2] = await historyRows(id);
    expect((await vault.lk.entries.revealHistory(acme, id, v2!.id)).expose()).to.equal('second-password');
    await vault.raw(vault.tables.history).where('id', v2!.id).update({ password_ct: v1!.password_ct });
    await expectDecryptionError(vault.lk.entries.revealHistory(acme, id, v2!.id));
  });

  it('a history ciphertext copied to another entry fails to decrypt', async () => {
    const a = await create('a-first');
    await vault.lk.entries.update(acme, a, { version: 1, password: 'a-second' });
    const b = await create('b-first');
    await vault.lk.entries.update(acme, b, { version: 1, password: 'b-second' });
    const [ha] = await historyRows(a);
    const [hb] = await historyRows(b);
    await vault.raw(vault.tables.history).where('id', hb!.id).update({ password_ct: ha!.password_ct });
    await expectDecryptionError(vault.lk.entries.revealHistory(acme, b, hb!.id));
  });

  it('a tampered wrapped data key fails with DecryptionError', async () => {
    const id = await create();
    const stored = await row(id);
    for (const part of ['nonce', 'body', 'tag'] as const) {
      await setColumns(id, { wrapped_key: flipByte(stored.wrapped_key, part, 0) });
      await expectDecryptionError(vault.lk.entries.reveal(acme, id));
    }
  });

  it('a changed data key version fails with DecryptionError', async () => {
    const id = await create();
    await setColumns(id, { key_version: 2 });
    await expectDecryptionError(vault.lk.entries.reveal(acme, id));
  });

  it('a kek_id that disagrees with the wrapped key, or names a key not in the keyring, fails with DecryptionError', async () => {
    const id = await create();
    await setColumns(id, { kek_id: 'nope' });
    await expectDecryptionError(vault.lk.entries.reveal(acme, id));
  });

  it('updating the secrets of a tampered entry fails with DecryptionError and writes nothing', async () => {
    const id = await create();
    const original = (await row(id)).password_ct!;
    const tampered = flipByte(original, 'body', 0);
    await setColumns(id, { password_ct: tampered });
    await expectDecryptionError(vault.lk.entries.update(acme, id, { version: 1, password: 'replacement' }));
    const after = await row(id);
    expect(after.version).to.equal(1);
    expect(after.password_ct).to.equal(tampered);
    expect(await historyRows(id)).to.have.length(0);
  });

  it('a vault opened with a different KEK under the same id fails with DecryptionError', async () => {
    const id = await create();
    const wrong = await openSibling(db, vault, host, new Keyring([{ id: 'test1', key: randomBytes(32) }]));
    try {
      await expectDecryptionError(wrong.entries.reveal(acme, id));
      await expectDecryptionError(wrong.entries.update(acme, id, { version: 1, password: 'replacement' }));
    } finally {
      await wrong.close();
    }
    expect((await vault.lk.entries.reveal(acme, id)).password?.expose()).to.equal('p@ss-envelope');
  });

  it('a vault whose keyring does not hold the entry\'s KEK id fails with DecryptionError', async () => {
    const id = await create();
    const other = await openSibling(db, vault, host, new Keyring([{ id: 'other', key: randomBytes(32) }]));
    try {
      const err = await expectDecryptionError(other.entries.reveal(acme, id));
      expect(err.message).to.include('test1');
    } finally {
      await other.close();
    }
  });
});

