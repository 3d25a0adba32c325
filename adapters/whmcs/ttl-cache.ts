/**
 * A small time-limited cache: remembered values expire after `ttlMs`, and a
 * look-up already on its way is shared rather than repeated. Bounded: past
 * `maxEntries` the oldest entries go first.
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, { value: V; expires: number }>();
  readonly #pending = new Map<string, Promise<V>>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 20_000,
  ) {}

  has(key: string): boolean {
    return this.#fresh(key) !== undefined;
  }

  /** The remembered value, or undefined when there is none or it expired. */
  get(key: string): V | undefined {
    return this.#fresh(key)?.value;
  }

  set(key: string, value: V): void {
    if (this.ttlMs <= 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, { value, expires: this.now() + this.ttlMs });
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  /** The remembered value, or the loader's, remembered; concurrent callers share one load. */
  async load(key: string, loader: () => Promise<V>): Promise<V> {
    const hit = this.#fresh(key);
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
    this.#entries.clear();
  }

  #fresh(key: string): { value: V; expires: number } | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
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
