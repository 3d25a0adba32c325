import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ConfigurationError, DecryptionError, Keyring, totpCode, type Latchkey } from '../../core/index.ts';
import { parseSealed } from '../../core/crypto/aes-gcm.ts';
import type { EntryRow, HistoryRow } from '../../core/store/entry-rows.ts';
import { forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { acme, hostFixture } from '../support/host-fixture.ts';
import { openSibling } from '../support/shared-vault.ts';
import { expectDecryptionError, rejection, thrown } from './support.ts';

function b64key(bytes = 32): string {
  return randomBytes(bytes).toString('base64');
}

function configError(body: () => unknown): ConfigurationError {
  const err = thrown(body);
  expect(err, `${err.name}: ${err.message}`).to.be.instanceOf(ConfigurationError);
  return err as ConfigurationError;
}

describe('Keyring configuration', () => {
  it('Keyring.fromEnv({}) refuses to start with a ConfigurationError naming LATCHKEY_KEYS', () => {
    const err = configError(() => Keyring.fromEnv({}));
    expect(err.message).to.include('LATCHKEY_KEYS');
    expect(err.message).to.include('keys generate');
    expect(err.code).to.equal('configuration');
  });

  it('an empty LATCHKEY_KEYS is a ConfigurationError naming it', () => {
    for (const value of ['', ' ', ',', '\n , \n']) {
      expect(configError(() => Keyring.fromEnv({ LATCHKEY_KEYS: value })).message, JSON.stringify(value)).to.include('LATCHKEY_KEYS');
    }
  });

  it('an empty keyring is refused', () => {
    configError(() => new Keyring([]));
  });

  it('a key that is not 32 bytes is refused', () => {
    for (const key of ['', b64key(16), b64key(31), b64key(33), b64key(64), 'not-base64-at-all!!']) {
      const err = configError(() => Keyring.parse(`k1:${key}`, 'LATCHKEY_KEYS'));
      expect(err.message).to.include('32 bytes');
    }
    configError(() => new Keyring([{ id: 'k1', key: randomBytes(24) }]));
  });

  it('key ids outside 1-40 characters of [A-Za-z0-9_-] are refused', () => {
    for (const id of ['x'.repeat(41), 'bad!id', 'k.1', 'k/1', 'clé', 'k 1', '']) {
      configError(() => new Keyring([{ id, key: randomBytes(32) }]));
    }
    for (const spec of [`bad!id:${b64key()}`, `k.1:${b64key()}`, `${'x'.repeat(41)}:${b64key()}`]) {
      configError(() => Keyring.parse(spec, 'LATCHKEY_KEYS'));
    }
    expect(new Keyring([{ id: 'x'.repeat(40), key: randomBytes(32) }]).activeKeyId).to.equal('x'.repeat(40));
    expect(new Keyring([{ id: 'Key_2026-01', key: randomBytes(32) }]).activeKeyId).to.equal('Key_2026-01');
  });

  it('a key written without its id is refused', () => {
    for (const spec of [b64key(), `:${b64key()}`]) {
      expect(configError(() => Keyring.parse(spec, 'LATCHKEY_KEYS')).message).to.include('id:base64key');
    }
  });

  it('the same key id twice is refused, also when the two differ only in case', () => {
    configError(() => Keyring.parse(`k1:${b64key()},k1:${b64key()}`, 'LATCHKEY_KEYS'));
    // MariaDB compares kek_id without regard to case: rotation from "k1" to "K1" would skip every row.
    configError(() => Keyring.parse(`K1:${b64key()},k1:${b64key()}`, 'LATCHKEY_KEYS'));
  });

  it('an explicit active key must be in the keyring', () => {
    configError(() => new Keyring([{ id: 'k1', key: randomBytes(32) }], 'k2'));
    expect(new Keyring([{ id: 'k1', key: randomBytes(32) }, { id: 'k2', key: randomBytes(32) }], 'k2').activeKeyId).to.equal('k2');
  });

  it('errors about a bad key never show the key material', () => {
    const material = [b64key(31), b64key(33), b64key(32)];
    const specs = [`k1:${material[0]}`, `k1:${material[1]}`, material[2]!, `bad!id:${material[2]}`, `k1:${material[2]},k1:${material[2]}`];
    for (const spec of specs) {
      const err = configError(() => Keyring.parse(spec, 'LATCHKEY_KEYS'));
      for (const key of material) {
        expect(`${err.message}\n${err.stack}`).not.to.include(key);
        expect(`${err.message}\n${err.stack}`).not.to.include(key.slice(0, 16));
      }
    }
  });

  it('Keyring.parse reads several keys separated by commas or new lines; the first one is active', () => {
    const ring = Keyring.parse(`kB:${b64key()}, kA:${b64key()}\n\nkOld:${b64key()}\n`, 'LATCHKEY_KEYS');
    expect(ring.activeKeyId).to.equal('kB');
    for (const id of ['kA', 'kB', 'kOld']) expect(ring.hasKey(id), id).to.equal(true);
    expect(ring.hasKey('kC')).to.equal(false);
  });

  it('fromEnv reads LATCHKEY_KEYS first, LATCHKEY_KEYS_FILE otherwise; an unreadable file is a ConfigurationError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-keys-'));
    try {
      const file = join(dir, 'keys');
      writeFileSync(file, `fileKey:${b64key()}\nolder:${b64key()}\n`);
      expect(Keyring.fromEnv({ LATCHKEY_KEYS_FILE: file }).activeKeyId).to.equal('fileKey');
      expect(Keyring.fromEnv({ LATCHKEY_KEYS: `envKey:${b64key()}`, LATCHKEY_KEYS_FILE: file }).activeKeyId).to.equal('envKey');
      expect(Keyring.fromFile(file).hasKey('older')).to.equal(true);
      configError(() => Keyring.fromEnv({ LATCHKEY_KEYS_FILE: join(dir, 'missing') }));
      writeFileSync(file, '\n');
      configError(() => Keyring.fromFile(file));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Keyring.generate prints a fresh id:base64key line that parses back to a 32-byte key', () => {
    const line = Keyring.generate('kNew');
    expect(line).to.match(/^kNew:[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(line.split(':')[1]!, 'base64')).to.have.length(32);
    expect(Keyring.parse(line, 'LATCHKEY_KEYS').activeKeyId).to.equal('kNew');
    expect(Keyring.generate('kNew')).not.to.equal(line);
    expect(Keyring.parse(Keyring.generate(), 'LATCHKEY_KEYS').activeKeyId).to.match(/^k\d{8}$/);
  });
});

describe('Keyring wrapping', () => {
  const dataKey = randomBytes(32);

  it('wraps under the active key, names it, and unwraps to the same data key', async () => {
    const ring = new Keyring([{ id: 'kA', key: randomBytes(32) }, { id: 'kB', key: randomBytes(32) }]);
    const wrapped = await ring.wrapKey(dataKey, 'entry-1:1');
    expect(wrapped.keyId).to.equal('kA');
    expect(parseSealed(wrapped.blob).keyRef).to.equal('kA');
    expect(wrapped.blob).not.to.include(dataKey.toString('base64url'));
    expect(Buffer.from(await ring.unwrapKey(wrapped, 'entry-1:1')).equals(dataKey)).to.equal(true);
  });

  it('a wrapped key unwraps only for the context it was wrapped for', async () => {
    const ring = new Keyring([{ id: 'kA', key: randomBytes(32) }]);
    const wrapped = await ring.wrapKey(dataKey, 'entry-1:1');
    await expectDecryptionError(ring.unwrapKey(wrapped, 'entry-2:1'));
    await expectDecryptionError(ring.unwrapKey(wrapped, 'entry-1:2'));
  });

  it('a wrapped key whose keyId disagrees with its blob fails with DecryptionError', async () => {
    const ring = new Keyring([{ id: 'kA', key: randomBytes(32) }, { id: 'kB', key: randomBytes(32) }]);
    const wrapped = await ring.wrapKey(dataKey, 'entry-1:1');
    await expectDecryptionError(ring.unwrapKey({ ...wrapped, keyId: 'kB' }, 'entry-1:1'));
  });

  it('a wrapped key under an unknown KEK id fails with DecryptionError naming the id', async () => {
    const wrapped = await new Keyring([{ id: 'kGone', key: randomBytes(32) }]).wrapKey(dataKey, 'entry-1:1');
    const err = await expectDecryptionError(new Keyring([{ id: 'kA', key: randomBytes(32) }]).unwrapKey(wrapped, 'entry-1:1'));
    expect(err.message).to.include('kGone');
  });

  it('a KEK with the same id but other bytes fails with DecryptionError', async () => {
    const wrapped = await new Keyring([{ id: 'kA', key: randomBytes(32) }]).wrapKey(dataKey, 'entry-1:1');
    await expectDecryptionError(new Keyring([{ id: 'kA', key: randomBytes(32) }]).unwrapKey(wrapped, 'entry-1:1'));
  });

  it('changing the key bytes given to the keyring afterwards does not change the keyring', async () => {
    const bytes = randomBytes(32);
    const ring = new Keyring([{ id: 'kA', key: bytes }]);
    const wrapped = await ring.wrapKey(dataKey, 'c');
    bytes.fill(0);
    expect(Buffer.from(await ring.unwrapKey(wrapped, 'c')).equals(dataKey)).to.equal(true);
  });
});

describe('Keyring MACs (the audit trail\'s key)', () => {
  const bytes = randomBytes(32);
  const ring = new Keyring([{ id: 'kA', key: bytes }, { id: 'kB', key: randomBytes(32) }]);

  it('the same message under the same key gives the same MAC, in another keyring holding the same key too', async () => {
    const mac = await ring.mac('kA', 'message');
    expect(mac).to.match(/^[0-9a-f]{64}$/);
    expect(await ring.mac('kA', 'message')).to.equal(mac);
    expect(await new Keyring([{ id: 'kA', key: bytes }]).mac('kA', 'message')).to.equal(mac);
  });

  it('another message, another key id, or the same id with other bytes gives another MAC', async () => {
    const mac = await ring.mac('kA', 'message');
    expect(await ring.mac('kA', 'messagf')).not.to.equal(mac);
    expect(await ring.mac('kB', 'message')).not.to.equal(mac);
    expect(await new Keyring([{ id: 'kA', key: randomBytes(32) }]).mac('kA', 'message')).not.to.equal(mac);
  });

  it('the MAC key is derived from the KEK, never the KEK itself', async () => {
    const underKek = createHmac('sha256', bytes).update('message').digest('hex');
    expect(await ring.mac('kA', 'message')).not.to.equal(underKek);
  });

  it('a key id the keyring does not hold is refused, naming it', async () => {
    const err = await rejection(ring.mac('kZ', 'message'));
    expect(err).to.be.instanceOf(ConfigurationError);
    expect(err.message).to.include('"kZ"');
  });
});

forEachDatabase('key rotation', (db) => {
  const host = hostFixture();
  const keyA = { id: 'kA', key: randomBytes(32) };
  const keyB = { id: 'kB', key: randomBytes(32) };
  let vault: Vault;
  const siblings: Latchkey[] = [];
  /** entry id → the password it should reveal. */
  let passwords: Map<string, string>;

  async function sibling(...keys: Array<{ id: string; key: Uint8Array }>): Promise<Latchkey> {
    const lk = await openSibling(db, vault, host, new Keyring(keys));
    siblings.push(lk);
    return lk;
  }

  async function rows(): Promise<EntryRow[]> {
    return await vault.raw(vault.tables.entries).orderBy('id') as EntryRow[];
  }

  async function expectAllReveal(lk: Latchkey): Promise<void> {
    for (const [id, password] of passwords) {
      expect((await lk.entries.reveal(acme, id)).password?.expose(), id).to.equal(password);
    }
    const withHistory = [...passwords.keys()][0]!;
    const [old] = await lk.entries.history(acme, withHistory);
    expect((await lk.entries.revealHistory(acme, withHistory, old!.id)).expose()).to.equal(`old-password-0`);
  }

  beforeEach(async () => {
    vault = await openVault(db, host, { keys: new Keyring([keyA]) });
    passwords = new Map();
    for (let i = 0; i < 5; i++) {
      const entry = await vault.lk.entries.create(acme, { name: `Entry ${i}`, username: 'u', password: `old-password-${i}`, notes: `notes ${i}` });
      passwords.set(entry.id, `password-${i}`);
      await vault.lk.entries.update(acme, entry.id, { version: 1, password: `password-${i}` });
    }
  });

  afterEach(async () => {
    while (siblings.length > 0) await siblings.pop()!.close();
    await vault.close();
  });

  it('new entries are wrapped under the active KEK, which their row names', async () => {
    for (const row of await rows()) {
      expect(row.kek_id).to.equal('kA');
      expect(parseSealed(row.wrapped_key).keyRef).to.equal('kA');
    }
    expect(await vault.lk.keyRotation.pending()).to.equal(0);
    const rotated = await sibling(keyB, keyA);
    const created = await rotated.entries.create(acme, { name: 'Under B', username: 'u', password: 'pw-b' });
    const row = await vault.raw(vault.tables.entries).where('id', created.id).first() as EntryRow;
    expect(row.kek_id).to.equal('kB');
  });

  it('rewrapAll moves every data key (and the notes\' search key) to the new active KEK in batches, leaves field ciphertexts alone, and every entry still reveals', async () => {
    const before = await rows();
    const historyBefore = await vault.raw(vault.tables.history).orderBy('id') as HistoryRow[];
    const rotated = await sibling(keyB, keyA);
    // Five entries' data keys and the search key their notes are indexed under.
    expect(await rotated.keyRotation.pending()).to.equal(6);
    const batches: number[] = [];
    expect(await rotated.keyRotation.rewrapAll(2, (done) => batches.push(done))).to.equal(6);
    expect(batches).to.deep.equal([2, 4, 5]);
    const [searchKey] = await vault.raw(vault.tables.searchKeys).select('kek_id') as Array<{ kek_id: string }>;
    expect(searchKey!.kek_id).to.equal('kB');
    expect(await rotated.keyRotation.pending()).to.equal(0);

    const after = await rows();
    for (const [i, row] of after.entries()) {
      expect(row.kek_id).to.equal('kB');
      expect(parseSealed(row.wrapped_key).keyRef).to.equal('kB');
      expect(row.wrapped_key).not.to.equal(before[i]!.wrapped_key);
      expect([row.password_ct, row.notes_ct, row.key_version, row.version]).to.deep.equal(
        [before[i]!.password_ct, before[i]!.notes_ct, before[i]!.key_version, before[i]!.version]);
    }
    expect(await vault.raw(vault.tables.history).orderBy('id')).to.deep.equal(historyBefore);
    await expectAllReveal(rotated);
  });

  it('after rotation a keyring with only the new KEK reveals every entry, and the old KEK alone no longer does', async () => {
    await (await sibling(keyB, keyA)).keyRotation.rewrapAll(2);
    await expectAllReveal(await sibling(keyB));
    const [id] = [...passwords.keys()];
    await expectDecryptionError(vault.lk.entries.reveal(acme, id!));
  });

  it('a person\'s sealed TOTP seed is re-wrapped too: after rotation the new KEK alone opens it to check their code', async () => {
    const { seed } = await vault.lk.stepUp.beginTotp(acme);
    const rotated = await sibling(keyB, keyA);
    expect(await rotated.keyRotation.pending()).to.equal(7);
    expect(await rotated.keyRotation.rewrapAll(2)).to.equal(7);
    expect(await rotated.keyRotation.pending()).to.equal(0);
    const [factor] = await vault.raw(vault.tables.stepUpFactors).select('kek_id') as Array<{ kek_id: string }>;
    expect(factor!.kek_id).to.equal('kB');
    const onlyB = await sibling(keyB);
    const confirmed = await onlyB.stepUp.confirmTotp(acme, null, { code: totpCode(seed.expose(), new Date()).code });
    expect(confirmed.recoveryCodes).to.not.be.empty;
  });

  /** The key rotation events on the audit trail, oldest first, as action and details. */
  async function rotationEvents(lk: Latchkey): Promise<Array<[string, unknown]>> {
    const events = await lk.audit.list({ kind: 'system' }, { limit: 500 });
    return events.filter((e) => e.action.startsWith('key.rotation.')).reverse().map((e) => [e.action, e.details]);
  }

  it('a rotation run is on the audit trail: started with the data keys to re-wrap, finished with those it re-wrapped', async () => {
    const rotated = await sibling(keyB, keyA);
    await rotated.keyRotation.rewrapAll(2);
    expect(await rotationEvents(rotated)).to.deep.equal([
      ['key.rotation.started', { keyId: 'kB', pending: 6 }],
      ['key.rotation.finished', { keyId: 'kB', rewrapped: 6 }],
    ]);
    const [started] = await rotated.audit.list({ kind: 'system' }, { action: 'key.rotation.started' });
    expect(started!.actor).to.deep.equal({ kind: 'system', id: null });
    // Nothing left to do: a second run records nothing.
    expect(await rotated.keyRotation.rewrapAll(2)).to.equal(0);
    expect(await rotationEvents(rotated)).to.have.length(2);
  });

  it('after rotation the old key can leave the keyring: the trail it sealed still verifies under the new one', async () => {
    const before = await vault.lk.audit.verify();
    expect(before.ok).to.equal(true);
    await (await sibling(keyB, keyA)).keyRotation.rewrapAll(2);
    const onlyB = await sibling(keyB);
    expect(await onlyB.audit.verify()).to.deep.equal({ ok: true, events: (before as { events: number }).events + 2 });
    await onlyB.entries.create(acme, { name: 'Under B only' });
    expect(await onlyB.audit.verify()).to.deep.equal({ ok: true, events: (before as { events: number }).events + 3 });
  });

  it('an instance still on the old keyring during a key change writes on; the whole keyring verifies what it doubted', async () => {
    const rotated = await sibling(keyB, keyA);
    await rotated.entries.create(acme, { name: 'Under B' });
    // The head is now sealed with kB, which this instance does not hold: it records its doubt and writes on.
    await vault.lk.entries.create(acme, { name: 'Under A, during the roll-out' });
    const actions = (await vault.lk.audit.list({ kind: 'system' }, { limit: 2 })).map((e) => e.action);
    expect(actions).to.deep.equal(['entry.create', 'audit.head.unverified']);
    expect(await rotated.audit.verify()).to.have.property('ok', true);
    const oldOnly = await vault.lk.audit.verify();
    expect(oldOnly.ok, 'the old keyring alone cannot clear the doubt').to.equal(false);
  });

  it('rotation is resumable: a run that stops after one batch leaves the rest pending, entries stay readable, and a second run finishes', async () => {
    const rotated = await sibling(keyB, keyA);
    const crash = new Error('simulated crash after the first batch');
    const err = await rejection(rotated.keyRotation.rewrapAll(1, () => { throw crash; }));
    expect(err).to.equal(crash);
    expect(await rotated.keyRotation.pending()).to.equal(5);
    expect((await rows()).map((r) => r.kek_id).sort()).to.deep.equal(['kA', 'kA', 'kA', 'kA', 'kB']);
    await expectAllReveal(rotated);

    const batches: number[] = [];
    expect(await rotated.keyRotation.rewrapAll(1, (done) => batches.push(done))).to.equal(5);
    expect(batches).to.deep.equal([1, 2, 3, 4]);
    expect(await rotated.keyRotation.pending()).to.equal(0);
    expect(await rotated.keyRotation.rewrapAll(1)).to.equal(0);
    expect((await rows()).every((r) => r.kek_id === 'kB')).to.equal(true);
    await expectAllReveal(await sibling(keyB));
    expect(await rotationEvents(rotated), 'the second run picked up where the first stopped').to.deep.equal([
      ['key.rotation.started', { keyId: 'kB', pending: 6 }],
      ['key.rotation.resumed', { keyId: 'kB', pending: 5 }],
      ['key.rotation.finished', { keyId: 'kB', rewrapped: 5 }],
    ]);
    expect(await rotated.audit.verify()).to.have.property('ok', true);
  });

  it('two rotations running at once both finish and every entry ends under the new KEK', async () => {
    const [one, two] = [await sibling(keyB, keyA), await sibling(keyB, keyA)];
    const done = await Promise.all([one.keyRotation.rewrapAll(1), two.keyRotation.rewrapAll(2)]);
    expect(done[0] + done[1]).to.be.at.least(6);
    expect(await one.keyRotation.pending()).to.equal(0);
    await expectAllReveal(await sibling(keyB));
  });

  it('rotation without the old KEK fails with DecryptionError and changes nothing', async () => {
    const before = await rows();
    const onlyB = await sibling(keyB);
    expect(await onlyB.keyRotation.pending()).to.equal(6);
    const err = await expectDecryptionError(onlyB.keyRotation.rewrapAll(2));
    expect(err).to.be.instanceOf(DecryptionError);
    expect(await rows()).to.deep.equal(before);
    await expectAllReveal(vault.lk);
  });
});
