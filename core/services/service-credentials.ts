import type { Actor } from '../domain/actor.ts';
import type { CopiedField, CopyField } from '../domain/copied-field.ts';
import type { EntryView, RevealedSecrets } from '../domain/entry.ts';
import { Secret } from '../domain/secret.ts';
import type { VaultSettings } from '../domain/settings.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import type { HostProduct, HostService } from '../ports/host-directory.ts';
import { can } from '../policy/access-policy.ts';
import type { ActorFacts, EntryFacts } from '../policy/facts.ts';
import { serviceListSchema } from '../validation/schemas.ts';
import { validate } from '../validation/validate.ts';
import type { VaultContext } from './context.ts';

const PREFIX = 'service:';

export function isServiceEntryId(id: string): boolean {
  return id.startsWith(PREFIX);
}

/**
 * The credentials the host keeps for a client's services ("product
 * passwords"), shown beside vault entries as read-only entries under the same
 * rules. They are the host's data: never copied into our tables.
 */
export class ServiceCredentials {
  constructor(private readonly ctx: VaultContext) {}

  async list(actor: Actor, client: string): Promise<EntryView[]> {
    const { clientId } = validate(serviceListSchema, { clientId: client });
    return this.ctx.guard(async () => {
      // Who is asking and what the client has are independent look-ups: one round, not two.
      const [{ facts, settings }, all] = await Promise.all([this.ctx.decisionInputs(actor), this.ctx.host.servicesOfClients([clientId])]);
      const services = all.filter((s) => s.username || s.password);
      const products = await this.ctx.host.products([...new Set(services.map((s) => s.productId))]);
      return services
        .filter((service) => can(facts, 'view', serviceFacts(service, products.get(service.productId)), settings))
        .map((service) => serviceView(service, products.get(service.productId)));
    });
  }

  async get(actor: Actor, id: string): Promise<EntryView> {
    return this.ctx.guard(async () => {
      const { service, product } = await this.loadVisible(actor, id, 'view');
      return serviceView(service, product);
    });
  }

  async reveal(actor: Actor, id: string): Promise<RevealedSecrets> {
    return this.ctx.guard(async () => {
      const { service, settings } = await this.loadVisible(actor, id, 'reveal');
      await this.ctx.knex.transaction((trx) => this.ctx.record(trx, actor, {
        action: 'entry.reveal', entryId: id, clientId: service.clientId, details: { fields: ['password'], source: 'service' },
      }, settings));
      return { password: service.password, notes: null, totpSecret: null };
    });
  }

  /** The service's username or password for the clipboard, audited as `entry.copy`; a service keeps no notes or TOTP. */
  async copy(actor: Actor, id: string, field: CopyField): Promise<CopiedField> {
    return this.ctx.guard(async () => {
      const { service, settings } = await this.loadVisible(actor, id, 'reveal');
      const value = field === 'password' ? service.password : field === 'username' && service.username ? new Secret(service.username) : null;
      if (!value) throw new NotFoundError(field);
      await this.ctx.knex.transaction((trx) => this.ctx.record(trx, actor, {
        action: 'entry.copy', entryId: id, clientId: service.clientId, details: { field, source: 'service' },
      }, settings));
      return { field, value, secondsLeft: null };
    });
  }

  private async loadVisible(actor: Actor, id: string, action: 'view' | 'reveal'): Promise<{ service: HostService; product: HostProduct | undefined; facts: ActorFacts; settings: VaultSettings }> {
    const { facts, settings } = await this.ctx.decisionInputs(actor);
    const serviceId = id.slice(PREFIX.length);
    const service = (await this.ctx.host.services([serviceId])).get(serviceId);
    const product = service ? (await this.ctx.host.products([service.productId])).get(service.productId) : undefined;
    const entry = service ? serviceFacts(service, product) : undefined;
    if (!service || !entry || !(service.username || service.password) || !can(facts, 'view', entry, settings)) {
      throw new NotFoundError('entry');
    }
    if (!can(facts, action, entry, settings)) throw new ForbiddenError(`${action} this entry`);
    return { service, product, facts, settings };
  }
}

export function serviceFacts(service: HostService, product: HostProduct | undefined): EntryFacts {
  return {
    source: 'service',
    owner: { kind: 'client', id: service.clientId },
    clientId: service.clientId,
    categoryId: null,
    sharedWithAdmin: false,
    private: false,
    grants: [],
    categoryMembers: [],
    service: { productId: service.productId, productGroupId: product?.groupId ?? null, status: service.status },
    linkedServiceStatus: null,
  };
}

function serviceView(service: HostService, product: HostProduct | undefined): EntryView {
  const epoch = new Date(0);
  return {
    id: `${PREFIX}${service.id}`,
    source: 'service',
    name: product ? `${product.name} — ${service.label}` : service.label,
    username: service.username ?? '',
    websiteUrl: null,
    loginUrl: service.loginUrl,
    owner: { kind: 'client', id: service.clientId },
    clientId: service.clientId,
    links: { serviceId: service.id, contactId: null, deviceId: null, ticketId: null },
    categoryId: null,
    sharedWithAdmin: false,
    private: false,
    reminderDays: null,
    notifyOnChange: false,
    clientFieldAccess: null,
    hasPassword: service.password !== null,
    hasNotes: false,
    hasTotp: false,
    version: 1,
    createdAt: epoch,
    updatedAt: epoch,
    passwordChangedAt: null,
    tags: [],
  };
}
