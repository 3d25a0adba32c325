import { createHmac } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * The current RFC 6238 code (SHA-1, 6 digits, 30-second steps: what control
 * panels and authenticator apps use), so staff can log in without the phone.
 */
export function totpCode(base32Seed: string, at: Date, step = 30, digits = 6): { code: string; secondsLeft: number } {
  const key = decodeBase32(base32Seed);
  const seconds = Math.floor(at.getTime() / 1000);
  const counter = Math.floor(seconds / step);
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return { code: binary.toString().padStart(digits, '0'), secondsLeft: step - (seconds % step) };
}

function decodeBase32(seed: string): Buffer {
  const clean = seed.replace(/[\s=-]/g, '').toUpperCase();
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of clean) {
    const value = BASE32.indexOf(char);
    if (value < 0) throw new Error('not a base32 seed');
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bytes.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}
