import type { Secret } from './secret.ts';

/** The fields of an entry a person can copy to the clipboard, each audited as `entry.copy`. */
export const COPY_FIELDS = ['username', 'password', 'totp', 'notes'] as const;
export type CopyField = (typeof COPY_FIELDS)[number];

/**
 * One field as copying hands it out. A TOTP is copied as its current code,
 * never its seed, with the seconds the code has left (null for other fields).
 */
export interface CopiedField {
  field: CopyField;
  value: Secret;
  secondsLeft: number | null;
}

/** An entry's current TOTP code, and the seconds before the next one. */
export interface CurrentTotp {
  code: Secret;
  secondsLeft: number;
}
