import { HostUnavailableError } from '../errors.ts';
import type { HostDirectory } from '../ports/host-directory.ts';

/** How long a picker waits for each answer of the host directory, unless createLatchkey is told otherwise. */
export const DEFAULT_HOST_SEARCH_DEADLINE_MS = 10_000;
/** How long any other call of the host directory may take, unless createLatchkey is told otherwise. */
export const DEFAULT_HOST_DEADLINE_MS = 10_000;

/**
 * The host directory as Latchkey asks it (and, with a deadline of their own, the pickers): every call answers within
 * `deadlineMs` or fails with HostUnavailableError, the "platform not
 * answering" 503 a picker's user can act on. A directory without a timeout
 * of its own (a query on a database that stopped answering) then never
 * leaves a picker waiting, and whatever its own code throws (a driver's
 * ECONNREFUSED, a TypeError) is the host failing, neither Latchkey's vault
 * nor a bug of Latchkey's. The message, which is logged, names the call and
 * the error's kind only: a driver's words may quote a query or a password.
 * An abandoned call finishes in the background and its answer is dropped.
 */
export function boundedHost(host: HostDirectory, deadlineMs: number): HostDirectory {
  return new Proxy(host, {
    get(target, property, receiver) {
      const member = Reflect.get(target, property, receiver) as unknown;
      if (typeof member !== 'function') return member;
      const call = String(property);
      return (...args: unknown[]) => within(call, deadlineMs, () => (member as (...a: unknown[]) => Promise<unknown>).apply(target, args));
    },
  });
}

async function within<T>(call: string, deadlineMs: number, ask: () => Promise<T>): Promise<T> {
  const work = new Promise<T>((resolve) => resolve(ask()));
  // Once the deadline has answered, a late failure of the call is nobody's to handle.
  work.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HostUnavailableError(`the host directory's ${call} did not answer within ${deadlineMs} ms`, {
      code: 'host_deadline',
      retryAfterSeconds: Math.max(1, Math.ceil(deadlineMs / 1000)),
    })), deadlineMs);
    timer.unref();
  });
  try {
    return await Promise.race([work, deadline]);
  } catch (err) {
    if (err instanceof HostUnavailableError) throw err;
    const code = (err as { code?: unknown } | null)?.code;
    const kind = `${err instanceof Error ? err.name : typeof err}${typeof code === 'string' ? ` ${code.slice(0, 40)}` : ''}`;
    throw new HostUnavailableError(`the host directory's ${call} failed (${kind})`);
  } finally {
    clearTimeout(timer);
  }
}
