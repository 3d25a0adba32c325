import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptionError } from '../errors.ts';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;
const FORMAT = 'lk1';
const KEY_REF = /^[A-Za-z0-9_-]{1,40}$/;

/**
 * AES-256-GCM with a fresh random 96-bit nonce per message. The sealed text is
 * `lk1.<keyRef>.<nonce>.<ciphertext>.<tag>` (base64url), so every ciphertext
 * names the key it was made under.
 */
export function seal(key: Uint8Array, keyRef: string, plaintext: Uint8Array, aad: string): string {
  if (!KEY_REF.test(keyRef)) throw new Error('key reference must be 1-40 characters of [A-Za-z0-9_-]');
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [FORMAT, keyRef, b64(nonce), b64(body), b64(cipher.getAuthTag())].join('.');
}

export interface SealedParts {
  keyRef: string;
  nonce: Buffer;
  body: Buffer;
  tag: Buffer;
}

export function parseSealed(sealed: string): SealedParts {
  const parts = sealed.split('.');
  if (parts.length !== 5 || parts[0] !== FORMAT) throw new DecryptionError('not a Latchkey ciphertext');
  const [, keyRef, nonce, body, tag] = parts as [string, string, string, string, string];
  const parsed = { keyRef, nonce: unb64(nonce), body: unb64(body), tag: unb64(tag) };
  if (parsed.nonce.length !== NONCE_BYTES || parsed.tag.length !== TAG_BYTES) {
    throw new DecryptionError('malformed nonce or tag');
  }
  return parsed;
}

export function open(key: Uint8Array, sealed: string | SealedParts, aad: string): Buffer {
  const { nonce, body, tag } = typeof sealed === 'string' ? parseSealed(sealed) : sealed;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new DecryptionError('authentication failed (tampered, moved, or wrong key)');
  }
}

export function newKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

function unb64(text: string): Buffer {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new DecryptionError('malformed encoding');
  return Buffer.from(text, 'base64url');
}
