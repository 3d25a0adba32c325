/**
 * The base32 seed of a TOTP as password managers export it: a bare seed, or an
 * `otpauth://totp/...?secret=...` URI (KeePassXC, Bitwarden, 1Password).
 */
export function totpSeedOf(value: string): string {
  const trimmed = value.trim();
  if (!/^otpauth:\/\//i.test(trimmed)) return trimmed;
  try {
    return new URL(trimmed).searchParams.get('secret') ?? '';
  } catch {
    return trimmed;
  }
}
