import { z } from 'zod';
import type { Actor } from '../domain/actor.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import type { MailFacts } from '../mail/mail-composer.ts';
import { canDo } from '../policy/access-policy.ts';
import type { ActorFacts } from '../policy/facts.ts';
import type { HostAdmin } from '../ports/host-directory.ts';
import { hostId } from '../validation/schemas.ts';
import { validate } from '../validation/validate.ts';
import type { VaultContext } from './context.ts';
import type { EntryService } from './entry-service.ts';
import { enqueueServiceEnded, type Recipient, type ServiceEndedPayload } from './mail-outbox.ts';

/** What the host may say happened to one of its services (WHMCS's AfterModuleCreate, ...Suspend, ...Unsuspend, ...Terminate). */
export const SERVICE_EVENTS = ['created', 'suspended', 'unsuspended', 'terminated'] as const;
export type ServiceEvent = (typeof SERVICE_EVENTS)[number];

export const serviceEventSchema = z.strictObject({
  serviceId: hostId,
  event: z.enum(SERVICE_EVENTS),
  /** The host's admin who did it; absent when the host's own automation did (overdue suspension, say). */
  adminId: hostId.optional(),
});
export type ServiceEventInput = z.input<typeof serviceEventSchema>;

export interface ServiceEventOutcome {
  serviceId: string;
  clientId: string;
  event: ServiceEvent;
  /** Rotation reminders queued: on `terminated`, one per admin who runs the addon, when staff keep entries linked to the service. */
  reminders: number;
}

/**
 * What happens in the vault when the host changes a service's life. The
 * service's status itself stays the host's (the directory answers it, and the
 * access rules read it there); this records the change in the audit trail and,
 * when a service ends, asks the admins who run the addon to rotate what staff
 * kept for it: the server's root login, the panel's reseller account...
 */
export class ServiceLifecycle {
  constructor(private readonly ctx: VaultContext) {}

  /**
   * The host reports a service event. Only the host speaks here, as the
   * system actor (a signed host token, or an in-process host); `adminId` says
   * which of its admins acted, for the audit trail. An unknown service is
   * NotFoundError and nothing is written.
   */
  async record(actor: Actor, input: ServiceEventInput): Promise<ServiceEventOutcome> {
    const data = validate(serviceEventSchema, input);
    if (actor.kind !== 'system') throw new ForbiddenError('report a service event');
    return this.ctx.guard(async () => {
      const service = (await this.ctx.host.services([data.serviceId])).get(data.serviceId);
      if (!service) throw new NotFoundError('service');
      const recipients = data.event === 'terminated' ? await this.#addonRunners() : [];
      const product = (await this.ctx.host.products([service.productId])).get(service.productId);
      const name = product ? `${product.name} — ${service.label}` : service.label;
      const t = this.ctx.tables;
      const reminders = await this.ctx.knex.transaction(async (trx) => {
        const staffEntries = Number((await trx(t.entries).where({ service_id: service.id, owner_kind: 'admin' })
          .count({ n: '*' }).first() as { n: number | string } | undefined)?.n ?? 0);
        await this.ctx.record(trx, actor, {
          action: `service.${data.event}`,
          // The service's credentials appear as the entry `service:<id>`: the audit log's entry filter shows its reveals and its life together.
          entryId: `service:${service.id}`,
          clientId: service.clientId,
          details: { serviceId: service.id, ...(data.adminId ? { adminId: data.adminId } : {}), ...(data.event === 'terminated' ? { staffEntries } : {}) },
        });
        if (staffEntries === 0) return 0;
        return enqueueServiceEnded(trx, this.ctx, { id: service.id, name, clientId: service.clientId }, recipients);
      });
      return { serviceId: service.id, clientId: service.clientId, event: data.event, reminders };
    });
  }

  /** The enabled admins who may run the addon (the host's addon managers, and extended-permission roles). */
  async #addonRunners(): Promise<Recipient[]> {
    const [admins, settings] = await Promise.all([this.ctx.host.allAdmins(), this.ctx.settings()]);
    return admins.filter((admin) => canDo(adminFacts(admin), 'changeSettings', settings)).map((admin) => ({ kind: 'admin', id: admin.id }));
  }
}

/** An admin as the policy sees it, from the directory's record (as resolveActor reads it). */
function adminFacts(admin: HostAdmin): ActorFacts {
  return { kind: 'admin', adminId: admin.id, roleId: admin.roleId, active: !admin.disabled, addonManager: admin.addonManager };
}

/**
 * The facts of a service-ended notice as its recipient may read them now: the
 * staff entries linked to the service that the recipient may see, or null (no
 * mail) when there are none left or the recipient no longer runs the addon.
 */
export async function serviceEndedFacts(
  ctx: VaultContext,
  entries: EntryService,
  payload: ServiceEndedPayload,
  person: { name: string; language: string | null; actor: Actor },
): Promise<MailFacts | null> {
  const { facts, settings } = await ctx.decisionInputs(person.actor);
  if (!canDo(facts, 'changeSettings', settings)) return null;
  const kept = await entries.list(person.actor, { serviceId: payload.serviceId, ownerKind: 'admin', limit: 500 });
  if (kept.items.length === 0) return null;
  const client = (await ctx.host.clients([payload.clientId])).get(payload.clientId);
  return {
    kind: 'service_ended',
    language: person.language,
    recipientName: person.name,
    entryName: '',
    clientName: client?.name ?? null,
    loginUrl: null,
    serviceName: payload.serviceName,
    entryNames: kept.items.map((entry) => entry.name),
  };
}
