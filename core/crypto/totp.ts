import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

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

/** A new random 160-bit seed in base32, as authenticator apps take it. */
export function newTotpSeed(): string {
  const bytes = randomBytes(20);
  let bits = 0;
  let buffer = 0;
  let out = '';
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/**
 * The 30-second step a code belongs to, if it is the code of the current step
 * or of the one before or after (phones' clocks drift); null otherwise.
 */
export function totpStepOf(base32Seed: string, code: string, at: Date, step = 30): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const counter = Math.floor(at.getTime() / 1000 / step);
  for (const drift of [0, -1, 1]) {
    const candidate = totpCode(base32Seed, new Date((counter + drift) * step * 1000), step).code;
    if (timingSafeEqual(Buffer.from(candidate), Buffer.from(code))) return counter + drift;
  }
  return null;
}
