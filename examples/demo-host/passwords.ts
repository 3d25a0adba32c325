import argon2 from 'argon2';

/**
 * The demo host's own logins (admins and client contacts) are stored as
 * argon2id hashes: 64 MiB, 3 passes, 4 lanes (argon2's defaults, above the
 * OWASP minimum).
 */
const OPTIONS = { type: argon2.argon2id, memoryCost: 65536, timeCost: 3, parallelism: 4 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

let dummy: Promise<string> | null = null;

/**
 * Checks a password against a stored hash. With no hash (unknown user, or a
 * contact without a login) it still does the same work against a dummy hash,
 * so the answer takes as long either way and does not tell who exists.
 */
export async function verifyPassword(hash: string | null | undefined, password: string): Promise<boolean> {
  if (!hash) {
    dummy ??= hashPassword('not-a-real-password');
    await argon2.verify(await dummy, password).catch(() => false);
    return false;
  }
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}
