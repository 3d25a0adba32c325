import type { HostDirectory } from '../../core/index.ts';
import { hostFixture } from './host-fixture.ts';

/** How a look-up of a host without a timeout of its own goes wrong: a raw error of its own driver, or no answer ever. */
export type HostFault = 'throws' | 'hangs';

/** What the raw error says: a driver quoting its connection, password included, as some do. */
export const RAW_FAULT_MESSAGE = 'connect ECONNREFUSED 10.0.0.7:5432 (user billing, password host-db-pw)';

/**
 * The fixture's directory with one method faulted at a time (`fault(name,
 * kind)`, `fault(null)` to heal): a host platform whose own code fails with
 * a plain Error (an ECONNREFUSED from its driver) or never answers, as a
 * directory over a database without a query timeout can.
 */
export function faultyHost(): { directory: HostDirectory; fault(method: keyof HostDirectory | null, kind?: HostFault): void } {
  let faulted: { method: keyof HostDirectory; kind: HostFault } | null = null;
  const host = hostFixture();
  const directory = new Proxy(host, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (faulted?.method !== property) return (value as (...a: unknown[]) => unknown).apply(target, args);
        return faulted.kind === 'hangs'
          ? new Promise(() => undefined)
          : Promise.reject(Object.assign(new Error(RAW_FAULT_MESSAGE), { code: 'ECONNREFUSED' }));
      };
    },
  });
  return {
    directory,
    fault: (method, kind = 'throws') => { faulted = method ? { method, kind } : null; },
  };
}
