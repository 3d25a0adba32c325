import { createHmac } from 'node:crypto';

/**
 * Bytes of HMAC-SHA-256 kept per term. 128 bits leave accidental collisions
 * between different words out of reach (about 2^64 distinct terms before one
 * is likely), and half the digest halves the index; as 32 hex characters the
 * term compares byte for byte as text on SQLite and MariaDB alike.
 */
export const TERM_BYTES = 16;

/**
 * A keyed blind index term: HMAC-SHA-256 of `text` under `key`, truncated.
 * Equal texts give equal terms, so the database can find them, but without
 * the key nobody can compute the term of a guessed word to look it up.
 */
export function blindTerm(key: Uint8Array, text: string): string {
  return createHmac('sha256', key).update(text, 'utf8').digest().subarray(0, TERM_BYTES).toString('hex');
}
