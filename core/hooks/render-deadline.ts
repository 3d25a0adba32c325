import { HostUnavailableError } from '../errors.ts';
import type { Hook } from './hook-contract.ts';

/** How long a panel may take, all look-ups included, unless createHooks is told otherwise. */
export const DEFAULT_RENDER_DEADLINE_MS = 5_000;

/**
 * Gives a hook one overall deadline: past it, the render fails with
 * HostUnavailableError (the "unavailable" state, a 503) instead of waiting on
 * a slow host for as long as its calls take. The abandoned work finishes in
 * the background and its result is dropped.
 */
export function withDeadline(hook: Hook, deadlineMs: number): Hook {
  return (actor, context, surface) => {
    const work = hook(actor, context, surface);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new HostUnavailableError(`the panel did not finish within ${deadlineMs} ms`, {
        code: 'render_deadline',
        retryAfterSeconds: Math.max(1, Math.ceil(deadlineMs / 1000)),
      })), deadlineMs);
      timer.unref();
    });
    // Once the deadline has answered, a late failure of the work is nobody's to handle.
    work.catch(() => undefined);
    return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
  };
}
