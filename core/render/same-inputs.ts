/**
 * Whether two inputs of a reused fragment are the same data: the same
 * primitives, dates of the same instant, arrays and plain objects of the same
 * length, keys and values, compared all the way down. Anything else (a class
 * instance, a function) is the same only as the very same value, so a kept
 * fragment is never handed out for inputs it was not made from. Unlike a JSON
 * key it allocates nothing, and it stops at the first difference.
 */
export function sameInputs(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameInputs(a[i], b[i])) return false;
    return true;
  }
  if (!isPlain(a) || !isPlain(b)) return false;
  // for…in rather than Object.keys: no arrays made for a comparison that runs for every row of every render.
  // Plain objects inherit no enumerable keys, so for…in sees their own keys only.
  let keys = 0;
  for (const key in a) {
    if (!Object.hasOwn(b, key) || !sameInputs((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
    keys += 1;
  }
  for (const key in b) if (Object.hasOwn(b, key)) keys -= 1;
  return keys === 0;
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
