import { inspect } from 'node:util';
import { expect } from 'chai';
import { DecryptionError } from '../../core/index.ts';
import { parseSealed } from '../../core/crypto/aes-gcm.ts';

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(Error);
    return err as Error;
  }
  expect.fail('expected the call to fail, but it succeeded');
}

/** The error a function throws; fails the test when it returns. */
export function thrown(body: () => unknown): Error {
  try {
    body();
  } catch (err) {
    expect(err).to.be.instanceOf(Error);
    return err as Error;
  }
  expect.fail('expected the call to throw, but it returned');
}

/** Fails unless the promise rejects with a typed DecryptionError (never garbage, never another error). */
export async function expectDecryptionError(promise: Promise<unknown>): Promise<DecryptionError> {
  const err = await rejection(promise);
  expect(err, `${err.name}: ${err.message}`).to.be.instanceOf(DecryptionError);
  expect((err as DecryptionError).code).to.equal('decryption_failed');
  return err as DecryptionError;
}

export type SealedPart = 'nonce' | 'body' | 'tag';

/** A copy of a sealed text with one byte of one part XOR-ed with `mask` (`at` counts from the end when negative). */
export function flipByte(sealed: string, part: SealedPart, at: number, mask = 0x01): string {
  const parts = parseSealed(sealed);
  const bytes = Buffer.from(parts[part]);
  const index = at < 0 ? bytes.length + at : at;
  if (index < 0 || index >= bytes.length) throw new Error(`no byte ${at} in a ${bytes.length}-byte ${part}`);
  bytes[index] = bytes[index]! ^ mask;
  return reassemble({ ...parts, [part]: bytes });
}

export function reassemble(parts: { keyRef: string; nonce: Uint8Array; body: Uint8Array; tag: Uint8Array }): string {
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
  return ['lk1', parts.keyRef, b64(parts.nonce), b64(parts.body), b64(parts.tag)].join('.');
}

/**
 * Every way a value is commonly turned into text by accident: JSON, inspect
 * (also with hidden properties and without custom inspectors), String(), a
 * template literal, and util.format's %s/%o/%O/%j.
 */
export function renderings(value: unknown): string[] {
  const texts = [
    JSON.stringify(value) ?? '',
    inspect(value, { depth: Infinity }),
    inspect(value, { depth: Infinity, showHidden: true }),
    inspect(value, { depth: Infinity, showHidden: true, customInspect: false, getters: true }),
    String(value),
    `${value as string}`,
    inspect(value, { depth: Infinity, colors: true }),
  ];
  if (value instanceof Error) {
    texts.push(value.message, value.stack ?? '', JSON.stringify({ ...value }));
  }
  return texts;
}

/** Asserts that no rendering of `value` holds any of the sentinels (compared without regard to case). */
export function expectNoSentinel(value: unknown, sentinels: readonly string[], what: string): void {
  for (const text of renderings(value)) {
    for (const sentinel of sentinels) {
      expect(text.toLowerCase().includes(sentinel.toLowerCase()), `${what} leaks a secret: ${text.slice(0, 300)}`).to.equal(false);
    }
  }
}
