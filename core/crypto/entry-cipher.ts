import { DecryptionError } from '../errors.ts';
import type { KeyProvider, WrappedKey } from '../ports/key-provider.ts';
import { newKey, open, parseSealed, seal } from './aes-gcm.ts';

/** Where a ciphertext belongs; all three parts are bound in as AAD. */
export interface FieldBinding {
  entryId: string;
  /** `password`, `notes`, `totp`, or `history:<n>` for an old password. */
  field: string;
  /** Version of the entry's data key. */
  keyVersion: number;
}

/** An entry's data key, unwrapped for the length of one operation. */
export interface OpenDataKey {
  entryId: string;
  keyVersion: number;
  key: Uint8Array;
}

/**
 * Envelope encryption for entries: each entry has its own random 256-bit data
 * key, wrapped by the provider's active KEK; secret fields are sealed with
 * that data key and bound to (entry id, field, key version).
 */
export class EntryCipher {
  constructor(private readonly keys: KeyProvider) {}

  async newDataKey(entryId: string): Promise<{ dataKey: OpenDataKey; wrapped: WrappedKey }> {
    const dataKey: OpenDataKey = { entryId, keyVersion: 1, key: newKey() };
    return { dataKey, wrapped: await this.keys.wrapKey(dataKey.key, dekContext(entryId, 1)) };
  }

  async openDataKey(entryId: string, keyVersion: number, wrapped: WrappedKey): Promise<OpenDataKey> {
    const key = await this.keys.unwrapKey(wrapped, dekContext(entryId, keyVersion));
    return { entryId, keyVersion, key };
  }

  /** Re-wraps a data key under the active KEK; field ciphertexts stay as they are. */
  async rewrap(entryId: string, keyVersion: number, wrapped: WrappedKey): Promise<WrappedKey> {
    const key = await this.keys.unwrapKey(wrapped, dekContext(entryId, keyVersion));
    return this.keys.wrapKey(key, dekContext(entryId, keyVersion));
  }

  get activeKeyId(): string {
    return this.keys.activeKeyId;
  }

  encrypt(dataKey: OpenDataKey, field: string, plaintext: string): string {
    const binding = { entryId: dataKey.entryId, field, keyVersion: dataKey.keyVersion };
    return seal(dataKey.key, `d${dataKey.keyVersion}`, Buffer.from(plaintext, 'utf8'), fieldAad(binding));
  }

  decrypt(dataKey: OpenDataKey, field: string, sealed: string): string {
    const parts = parseSealed(sealed);
    if (parts.keyRef !== `d${dataKey.keyVersion}`) throw new DecryptionError('ciphertext names another data key version');
    const binding = { entryId: dataKey.entryId, field, keyVersion: dataKey.keyVersion };
    return open(dataKey.key, parts, fieldAad(binding)).toString('utf8');
  }
}

function dekContext(entryId: string, keyVersion: number): string {
  return `${entryId}:${keyVersion}`;
}

function fieldAad(binding: FieldBinding): string {
  return `latchkey:field:${binding.entryId}:${binding.field}:${binding.keyVersion}`;
}
