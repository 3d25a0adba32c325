import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError, Keyring, Secret } from '../../core/index.ts';

export interface KeyringSource {
  keyring: Keyring;
  /** Where the key came from, for the start-up banner. */
  origin: 'LATCHKEY_KEYS' | 'LATCHKEY_KEYS_FILE' | 'data-dir' | 'created';
  path?: string;
}

/**
 * Latchkey's key-encryption key: LATCHKEY_KEYS or LATCHKEY_KEYS_FILE when set,
 * else `<dataDir>/latchkey.keys`, created once (mode 0600) on the first start.
 * A key is never created for a database that already holds demo data: the
 * entries in it could not be decrypted with a new key.
 */
export function loadKeyring(env: NodeJS.ProcessEnv, dataDir: string, databaseHasData: boolean): KeyringSource {
  if (env.LATCHKEY_KEYS) return { keyring: Keyring.parse(env.LATCHKEY_KEYS, 'LATCHKEY_KEYS'), origin: 'LATCHKEY_KEYS' };
  if (env.LATCHKEY_KEYS_FILE) {
    return { keyring: Keyring.fromFile(env.LATCHKEY_KEYS_FILE), origin: 'LATCHKEY_KEYS_FILE', path: env.LATCHKEY_KEYS_FILE };
  }
  const path = join(dataDir, 'latchkey.keys');
  if (existsSync(path)) {
    tightenMode(path);
    return { keyring: Keyring.fromFile(path), origin: 'data-dir', path };
  }
  if (databaseHasData) {
    throw new ConfigurationError(
      `the demo database already holds data but ${path} is missing: restore the key file, set LATCHKEY_KEYS, `
      + `or delete ${dataDir} to start afresh`,
    );
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(path, `${Keyring.generate('demo1')}\n`, { mode: 0o600, flag: 'wx' });
  return { keyring: Keyring.fromFile(path), origin: 'created', path };
}

/**
 * The demo host's own secret (`<dataDir>/demo-host.secret`, 0600): session
 * cookies, the CSRF/frame secret handed to Latchkey and the host's encryption
 * of service passwords each get their own key derived from it (HKDF).
 */
export class HostSecrets {
  readonly #root: Buffer;

  private constructor(root: Buffer) {
    this.#root = root;
  }

  static load(dataDir: string): HostSecrets {
    const path = join(dataDir, 'demo-host.secret');
    mkdirSync(dataDir, { recursive: true });
    if (!existsSync(path)) {
      try {
        writeFileSync(path, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    tightenMode(path);
    const root = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64url');
    if (root.length < 32) throw new ConfigurationError(`${path} must hold at least 32 random bytes (base64url); delete it to get a new one`);
    return new HostSecrets(root);
  }

  derive(label: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.#root, Buffer.alloc(0), `northwind-demo:${label}`, 32));
  }
}

function tightenMode(path: string): void {
  if (process.platform === 'win32') return;
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) chmodSync(path, 0o600);
}

/**
 * How the host keeps the passwords of its clients' services (cPanel accounts,
 * VPS root logins): AES-256-GCM, bound to the service id so a value copied to
 * another row does not decrypt. Latchkey reads them through the directory.
 */
export class ServicePasswords {
  constructor(private readonly key: Buffer) {}

  seal(serviceId: number, password: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(aad(serviceId));
    const body = Buffer.concat([cipher.update(password, 'utf8'), cipher.final()]);
    return `v1.${Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url')}`;
  }

  open(serviceId: number, sealed: string | null): Secret | null {
    if (!sealed) return null;
    if (!sealed.startsWith('v1.')) throw new Error(`service ${serviceId}: unknown password format`);
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAAD(aad(serviceId));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return new Secret(Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8'));
  }
}

function aad(serviceId: number): Buffer {
  return Buffer.from(`demo-service:${serviceId}:password`);
}
