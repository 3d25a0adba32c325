import type { ServiceEvent } from '../../core/index.ts';

/**
 * What staff may do to a service, as WHMCS's module commands do: from which
 * of the host's statuses, to which, and the event Latchkey is told of.
 */
export const SERVICE_ACTIONS = {
  suspend: { from: ['Active'], to: 'Suspended', event: 'suspended' },
  unsuspend: { from: ['Suspended'], to: 'Active', event: 'unsuspended' },
  terminate: { from: ['Active', 'Suspended'], to: 'Terminated', event: 'terminated' },
} as const satisfies Record<string, { from: readonly string[]; to: string; event: ServiceEvent }>;

export type ServiceAction = keyof typeof SERVICE_ACTIONS;

export function isServiceAction(value: unknown): value is ServiceAction {
  return typeof value === 'string' && Object.hasOwn(SERVICE_ACTIONS, value);
}

/** The actions a service in this status offers, in the order the page shows them. */
export function actionsFor(status: unknown): ServiceAction[] {
  return (Object.keys(SERVICE_ACTIONS) as ServiceAction[])
    .filter((action) => (SERVICE_ACTIONS[action].from as readonly string[]).includes(String(status)));
}
