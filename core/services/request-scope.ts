import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What one request has already read (the settings, who the actor is, the
 * actor's categories), so the several services a page calls share one read
 * instead of each reading again. It lives only as long as the request: the
 * next request reads afresh, so a change made by another app instance on the
 * same database counts from the next request on, and a revoked admin is
 * refused from the next request on.
 */
export class RequestMemo {
  readonly #values = new Map<string, Promise<unknown>>();
  /** The panel stamp of the kept read this request used instead of the database (see panel-cache.ts). */
  #reliedOnStamp: string | null | undefined = undefined;
  /** The panel stamp a statement of this request read along with its rows. */
  #seenStamp: string | null | undefined = undefined;

  /**
   * `provesKeptReads`: a panel render, which proves current whatever it takes
   * from an earlier render before it is returned (panel-cache.ts); any other
   * request reads from the database.
   */
  constructor(readonly provesKeptReads = false) {}

  /** This request uses a kept read of the settings and categories, current while the stamp is `stamp`. */
  relyOnStamp(stamp: string | null): void {
    this.#reliedOnStamp = stamp;
  }

  reliedOnStamp(): string | null | undefined {
    return this.#reliedOnStamp;
  }

  sawStamp(stamp: string | null): void {
    this.#seenStamp = stamp;
  }

  seenStamp(): string | null | undefined {
    return this.#seenStamp;
  }

  /** The value under `key`, loaded once per request; a failed load fails every caller of this request alike. */
  once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let value = this.#values.get(key) as Promise<T> | undefined;
    if (!value) {
      value = load();
      this.#values.set(key, value);
    }
    return value;
  }

  /** Whether this request already read (or is reading) `key`. */
  has(key: string): boolean {
    return this.#values.has(key);
  }

  /** After a write this request made: the next read sees it. A key ending in `*` forgets every key it starts. */
  forget(key: string): void {
    if (!key.endsWith('*')) {
      this.#values.delete(key);
      return;
    }
    for (const known of [...this.#values.keys()]) if (known.startsWith(key.slice(0, -1))) this.#values.delete(known);
  }
}

const scope = new AsyncLocalStorage<RequestMemo>();

/** Runs `body` as one request: the services it calls share their reads. Nested calls join the outer request. */
export function withinRequest<T>(body: () => Promise<T>, memo: RequestMemo = new RequestMemo()): Promise<T> {
  return scope.getStore() ? body() : scope.run(memo, body);
}

/** The memo of the request being served, or none outside `withinRequest` (every call then reads afresh). */
export function currentRequest(): RequestMemo | undefined {
  return scope.getStore();
}

/** Loads through the current request's memo, or directly outside a request. */
export function oncePerRequest<T>(key: string, load: () => Promise<T>): Promise<T> {
  const memo = scope.getStore();
  return memo ? memo.once(key, load) : load();
}
