/**
 * Ids the contract asks for besides the fixture's known ones.
 */

/**
 * An id shaped like `id` that the host does not have: the trailing number
 * moved far past any fixture's (`12` → `900000012`, `zendesk:4242` →
 * `zendesk:900004242`), else a suffix (`c-acme` → `c-acme-missing-3`). Shaped
 * like a real id so that it reaches the host's query rather than being
 * turned away by a format check.
 */
export function absentIdLike(id: string, n: number): string {
  const digits = /\d+$/.exec(id);
  if (digits) return `${id.slice(0, digits.index)}${900_000_000 + n}`;
  return `${id}-missing-${n}`;
}

/**
 * Other spellings of `id` that a careless adapter matches: SQL compares
 * `' 1'`, `'01'` and `'1.0'` equal to the integer 1, and case-insensitive
 * collations match `'C-ACME'` to `'c-acme'`. None of them is the id.
 */
export function otherSpellings(id: string): string[] {
  const spellings = [` ${id}`, `${id} `, `0${id}`, `+${id}`, `${id}.0`, `${id}abc`, id.toUpperCase(), id.toLowerCase(), `${id}\n`];
  return [...new Set(spellings)].filter((s) => s !== id);
}

/**
 * Ids no host has: empty, blank, text where numbers are expected, negative,
 * fractional, huge, injected SQL, LIKE wildcards, and the names a plain
 * object answers to ('__proto__', 'constructor') when used as a map.
 */
export const IMPOSSIBLE_IDS: readonly string[] = [
  '', ' ', '0', '-1', '1.5', '1e3', 'abc', 'NaN', 'null', 'undefined', "1' OR '1'='1", '1; DROP TABLE clients',
  '99999999999999999999999999', 'x'.repeat(500), '%', '_', '*', '__proto__', 'constructor', 'toString', 'hasOwnProperty',
];
