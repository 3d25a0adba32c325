import { createHmac, hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigurationError, DecryptionError } from '../errors.ts';
import type { KeyProvider, WrappedKey } from '../ports/key-provider.ts';
import { KEY_BYTES, newKey, open, parseSealed, seal } from './aes-gcm.ts';

const KEY_ID = /^[A-Za-z0-9_-]{1,40}$/;

/**
 * The default KeyProvider: several local KEKs by id, the first one active.
 * Configured as `id:base64key` pairs separated by commas or new lines, from
 * `LATCHKEY_KEYS` or from the file named by `LATCHKEY_KEYS_FILE`.
 */
export class Keyring implements KeyProvider {
  readonly activeKeyId: string;
  readonly #keys: ReadonlyMap<string, Uint8Array>;
  readonly #macKeys = new Map<string, Buffer>();

  constructor(keys: ReadonlyArray<{ id: string; key: Uint8Array }>, activeKeyId?: string) {
    if (keys.length === 0) throw new ConfigurationError('the keyring holds no key-encryption key');
    const map = new Map<string, Uint8Array>();
    // MySQL/MariaDB compare kek_id without regard to case, so "k1" and "K1" would
    // look like the same key to rotation (it would skip rows it must re-wrap).
    const folded = new Set<string>();
    for (const { id, key } of keys) {
      if (!KEY_ID.test(id)) throw new ConfigurationError(`key id "${id}" must be 1-40 characters of [A-Za-z0-9_-]`);
      if (key.length !== KEY_BYTES) throw new ConfigurationError(`key "${id}" must be ${KEY_BYTES} bytes (base64 of 32 random bytes)`);
      if (folded.has(id.toLowerCase())) throw new ConfigurationError(`key id "${id}" appears twice (key ids are compared without regard to case)`);
      folded.add(id.toLowerCase());
      map.set(id, Uint8Array.from(key));
    }
    this.#keys = map;
    this.activeKeyId = activeKeyId ?? keys[0]!.id;
    if (!map.has(this.activeKeyId)) throw new ConfigurationError(`active key "${this.activeKeyId}" is not in the keyring`);
  }

  static parse(spec: string, source: string): Keyring {
    const pairs = spec.split(/[\s,]+/).filter(Boolean);
    if (pairs.length === 0) throw new ConfigurationError(`${source} is empty: generate a key with "npx latchkey keys generate"`);
    return new Keyring(pairs.map((pair) => {
      const colon = pair.indexOf(':');
      if (colon <= 0) throw new ConfigurationError(`${source}: each key is written as id:base64key`);
      return { id: pair.slice(0, colon), key: Buffer.from(pair.slice(colon + 1), 'base64') };
    }));
  }

  /** Reads LATCHKEY_KEYS, else the file named by LATCHKEY_KEYS_FILE; a clear error when neither is set. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): Keyring {
    if (env.LATCHKEY_KEYS) return Keyring.parse(env.LATCHKEY_KEYS, 'LATCHKEY_KEYS');
    if (env.LATCHKEY_KEYS_FILE) return Keyring.fromFile(env.LATCHKEY_KEYS_FILE);
    throw new ConfigurationError(
      'no encryption key configured: set LATCHKEY_KEYS (or LATCHKEY_KEYS_FILE) to the output of "npx latchkey keys generate"',
    );
  }

  static fromFile(path: string): Keyring {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw new ConfigurationError(`cannot read the key file ${path}`);
    }
    return Keyring.parse(text, path);
  }

  /** A new keyring line `id:base64key`, for `latchkey keys generate`. */
  static generate(id = `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`): string {
    return `${id}:${newKey().toString('base64')}`;
  }

  hasKey(id: string): boolean {
    return this.#keys.has(id);
  }

  async wrapKey(dataKey: Uint8Array, context: string): Promise<WrappedKey> {
    const kek = this.#keys.get(this.activeKeyId)!;
    return { keyId: this.activeKeyId, blob: seal(kek, this.activeKeyId, dataKey, wrapAad(context)) };
  }

  async unwrapKey(wrapped: WrappedKey, context: string): Promise<Uint8Array> {
    const parts = parseSealed(wrapped.blob);
    if (parts.keyRef !== wrapped.keyId) throw new DecryptionError('wrapped key names another key');
    const kek = this.#keys.get(wrapped.keyId);
    if (!kek) throw new DecryptionError(`key-encryption key "${wrapped.keyId}" is not in the keyring`);
    return open(kek, parts, wrapAad(context));
  }

  /**
   * HMAC-SHA-256 under a key derived from KEK `keyId` with HKDF and its own
   * label: the KEK itself never MACs, and a MAC says nothing about it.
   */
  async mac(keyId: string, message: string): Promise<string> {
    let macKey = this.#macKeys.get(keyId);
    if (!macKey) {
      const kek = this.#keys.get(keyId);
      if (!kek) throw new ConfigurationError(`key "${keyId}" is not in the keyring`);
      macKey = Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), MAC_KEY_LABEL, KEY_BYTES));
      this.#macKeys.set(keyId, macKey);
    }
    return createHmac('sha256', macKey).update(message, 'utf8').digest('hex');
  }
}

/** HKDF's info for the audit MAC key: distinct from every other use of a KEK. */
const MAC_KEY_LABEL = 'latchkey:audit-mac-key:v1';

function wrapAad(context: string): string {
  return `latchkey:dek:${context}`;
}
