import { LRUCache } from 'lru-cache';

/**
 * WHMCS look-ups remembered for `ttlMs` (an LRU cache bounded to `maxEntries`,
 * least recently used first out), with a look-up already on its way shared
 * rather than repeated. `null` is a value here: an id WHMCS does not know is
 * remembered as absent, so the cache holds each value in a box.
 */
export class TtlCache<V> {
  readonly #entries: LRUCache<string, { value: V }> | null;
  readonly #pending = new Map<string, Promise<V>>();

  /** A `ttlMs` of 0 or less remembers nothing (LRUCache would read 0 as "forever"). */
  constructor(ttlMs: number, now: () => number = Date.now, maxEntries = 20_000) {
    // ttlResolution 0: ask the clock on every read, so an injected clock is believed at once.
    this.#entries = ttlMs > 0 ? new LRUCache({ max: maxEntries, ttl: ttlMs, ttlResolution: 0, perf: { now } }) : null;
  }

  has(key: string): boolean {
    return this.#entries?.has(key) ?? false;
  }

  /** The remembered value, or undefined when there is none or it expired. */
  get(key: string): V | undefined {
    return this.#entries?.get(key)?.value;
  }

  set(key: string, value: V): void {
    this.#entries?.set(key, { value });
  }

  /** The remembered value, or the loader's, remembered; concurrent callers share one load. */
  async load(key: string, loader: () => Promise<V>): Promise<V> {
    const hit = this.#entries?.get(key);
    if (hit) return hit.value;
    const pending = this.#pending.get(key);
    if (pending) return pending;
    const promise = loader().then((value) => {
      this.set(key, value);
      return value;
    }).finally(() => this.#pending.delete(key));
    this.#pending.set(key, promise);
    return promise;
  }

  clear(): void {
    this.#entries?.clear();
  }
}

/** Runs `fn` over `items` with at most `limit` at once, answering in order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
