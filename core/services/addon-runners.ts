import type { VaultSettings } from '../domain/settings.ts';
import type { HostAdmin } from '../ports/host-directory.ts';
import { canDo } from '../policy/access-policy.ts';
import type { ActorFacts } from '../policy/facts.ts';
import type { VaultContext } from './context.ts';
import type { Recipient } from './mail-outbox.ts';

/** An admin as the policy sees it, from the directory's record (as resolveActor reads it). */
export function hostAdminFacts(admin: HostAdmin): ActorFacts {
  return { kind: 'admin', adminId: admin.id, roleId: admin.roleId, active: !admin.disabled, addonManager: admin.addonManager };
}

/** The enabled admins who may run the addon (the host's addon managers, and extended-permission roles): who hears of alerts and reviews. */
export async function addonRunners(ctx: VaultContext, settings: VaultSettings): Promise<Recipient[]> {
  const admins = await ctx.host.allAdmins();
  return admins.filter((admin) => canDo(hostAdminFacts(admin), 'changeSettings', settings)).map((admin) => ({ kind: 'admin', id: admin.id }));
}
