import { HostUnavailableError, type HostDirectory } from '../../core/index.ts';
import { hostFixture } from './host-fixture.ts';

/**
 * The fixture's directory, failing every look-up with HostUnavailableError
 * (`detail`, what an adapter would log, and a 45 s Retry-After) while `down`
 * is set: a host platform that stopped answering.
 */
export function switchableHost(detail: string): { directory: HostDirectory; setDown(down: boolean): void } {
  let down = false;
  const host = hostFixture();
  const directory = new Proxy(host, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => (down
        ? Promise.reject(new HostUnavailableError(detail, { retryAfterSeconds: 45 }))
        : (value as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
  return { directory, setDown: (value) => { down = value; } };
}
