import express, { type Router } from 'express';
import { asUnavailable, DatabaseUnavailableError, HostUnavailableError, type Latchkey, type Logger } from '../../core/index.ts';

/**
 * One thing the service needs to answer requests. `probe` resolves to null
 * when it is fine, or to a short reason naming what is wrong; it may throw,
 * which reads as "unreachable". Reasons reach the caller of `/readyz`, so they
 * name the part and the symptom, never an address, a credential or a stack.
 */
export interface ReadinessCheck {
  name: string;
  probe(): Promise<string | null>;
}

export interface HealthRoutesOptions {
  checks: readonly ReadinessCheck[];
  /** Milliseconds each check may take before it counts as down (default 3 000). */
  timeoutMs?: number;
  /** Where the full cause of a failing check goes (the answer carries only the short reason). */
  logger?: Logger;
}

/**
 * `GET /healthz`: the process answers (200, nothing else is looked at, so a
 * supervisor restarts only a process that is stuck). `GET /readyz`: every check
 * passes (200), or 503 with `{ ready: false, down: [{ check, reason }] }`, so a
 * load balancer sends no traffic to an instance whose database or host is away.
 */
export function healthRoutes(options: HealthRoutesOptions): Router {
  const timeoutMs = options.timeoutMs ?? 3000;
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ ok: true });
  });
  router.get('/readyz', async (_req, res) => {
    const down = (await Promise.all(options.checks.map(async (check) => {
      const reason = await probeWithin(check, timeoutMs, options.logger);
      return reason === null ? null : { check: check.name, reason };
    }))).filter((d) => d !== null);
    res.set('Cache-Control', 'no-store').status(down.length === 0 ? 200 : 503).json(down.length === 0 ? { ready: true } : { ready: false, down });
  });
  return router;
}

async function probeWithin(check: ReadinessCheck, timeoutMs: number, logger: Logger | undefined): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
  });
  try {
    return await Promise.race([check.probe(), late]);
  } catch (err) {
    const reason = asUnavailable(err);
    logger?.warn(`latchkey: not ready: ${check.name}: ${reason instanceof Error ? reason.message.split('\n')[0]!.slice(0, 200) : String(reason)}`);
    if (reason instanceof DatabaseUnavailableError || reason instanceof HostUnavailableError) return 'unreachable';
    return 'failing';
  } finally {
    clearTimeout(timer);
  }
}

/** Latchkey's own database answers and has every migration applied (pending ones are named). */
export function databaseReadiness(lk: Latchkey): ReadinessCheck {
  return {
    name: 'database',
    probe: async () => {
      const { pending } = await lk.migrator.status();
      return pending.length === 0 ? null : `migrations pending: ${pending.join(', ')}`;
    },
  };
}

/** The host platform answers: `call` makes one cheap request to it (WHMCS: GetAdminDetails). */
export function hostReadiness(call: () => Promise<unknown>, name = 'host'): ReadinessCheck {
  return {
    name,
    probe: async () => {
      await call();
      return null;
    },
  };
}
