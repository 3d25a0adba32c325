import type { Knex } from 'knex';
import { bool, num, T } from './schema.ts';
import { SERVICE_ACTIONS, type ServiceAction } from './service-actions.ts';

/** The open statuses of a ticket; `Closed` is the only closed one. */
export const OPEN_TICKET_STATUSES = ['Open', 'Answered', 'Customer-Reply', 'In Progress'];
/** Statuses that wait for staff. */
export const AWAITING_STAFF = ['Open', 'Customer-Reply'];

export interface AdminAccount {
  id: number; username: string; name: string; email: string; roleId: number; roleName: string; language: string;
  disabled: boolean; addonAccess: boolean;
}

export interface ClientAccount {
  clientId: number; contactId: number; company: string; contactName: string; isMain: boolean; language: string; status: string;
}

/**
 * The demo host's own reads for its pages. Each page makes a handful of
 * queries whatever the number of rows (joins and grouped counts, no N+1).
 */
export class HostData {
  constructor(private readonly knex: Knex) {}

  async adminByUsername(username: string): Promise<(AdminAccount & { passwordHash: string }) | null> {
    const row = await this.#admins().where('a.username', username.trim().toLowerCase()).first();
    return row ? { ...toAdmin(row), passwordHash: row.password_hash } : null;
  }

  async admin(id: number): Promise<AdminAccount | null> {
    const row = await this.#admins().where('a.id', id).first();
    return row ? toAdmin(row) : null;
  }

  async contactByEmail(email: string): Promise<{ id: number; clientId: number; passwordHash: string | null } | null> {
    const row = await this.knex(T.contacts).select('id', 'client_id', 'password_hash').where('email', email.trim().toLowerCase()).first();
    return row ? { id: row.id, clientId: row.client_id, passwordHash: row.password_hash } : null;
  }

  async clientAccount(clientId: number, contactId: number): Promise<ClientAccount | null> {
    const row = await this.knex(`${T.contacts} as k`)
      .join(`${T.clients} as c`, 'c.id', 'k.client_id')
      .select('c.id as client_id', 'k.id as contact_id', 'c.company', 'k.name', 'k.is_main', 'c.language', 'c.status')
      .where('k.id', contactId).andWhere('c.id', clientId).first();
    if (!row) return null;
    return {
      clientId: row.client_id, contactId: row.contact_id, company: row.company, contactName: row.name,
      isMain: bool(row.is_main), language: row.language, status: row.status,
    };
  }

  async dashboardCounts(): Promise<{ clients: number; services: number; openTickets: number; awaiting: number }> {
    const [clients, services, open, awaiting] = await Promise.all([
      this.knex(T.clients).where('status', 'Active').count({ n: '*' }).first(),
      this.knex(T.services).where('status', 'Active').count({ n: '*' }).first(),
      this.knex(T.tickets).whereIn('status', OPEN_TICKET_STATUSES).count({ n: '*' }).first(),
      this.knex(T.tickets).whereIn('status', AWAITING_STAFF).count({ n: '*' }).first(),
    ]);
    return { clients: Number(clients?.n ?? 0), services: Number(services?.n ?? 0), openTickets: Number(open?.n ?? 0), awaiting: Number(awaiting?.n ?? 0) };
  }

  async clients(): Promise<Array<Record<string, unknown>>> {
    const services = this.knex(T.services).select('client_id').count({ n: '*' }).where('status', 'Active').groupBy('client_id').as('s');
    const tickets = this.knex(T.tickets).select('client_id').count({ n: '*' }).whereIn('status', OPEN_TICKET_STATUSES).groupBy('client_id').as('t');
    const rows = await this.knex(`${T.clients} as c`)
      .leftJoin(`${T.clientGroups} as g`, 'g.id', 'c.group_id')
      .leftJoin(`${T.contacts} as k`, (j) => j.on('k.client_id', 'c.id').andOnVal('k.is_main', '=', true))
      .leftJoin(services, 's.client_id', 'c.id')
      .leftJoin(tickets, 't.client_id', 'c.id')
      .select('c.id', 'c.company', 'c.email', 'c.status', 'c.city', 'c.country', 'c.language', 'c.created_at',
        'g.name as group_name', 'k.name as contact_name', 's.n as services', 't.n as open_tickets')
      .orderBy('c.company');
    return rows.map((r) => ({ ...r, services: Number(r.services ?? 0), open_tickets: Number(r.open_tickets ?? 0), created_at: num(r.created_at) }));
  }

  async client(id: number): Promise<Record<string, unknown> | null> {
    const row = await this.knex(`${T.clients} as c`)
      .leftJoin(`${T.clientGroups} as g`, 'g.id', 'c.group_id')
      .select('c.*', 'g.name as group_name')
      .where('c.id', id).first();
    return row ? { ...row, created_at: num(row.created_at) } : null;
  }

  async contactsOf(clientId: number): Promise<Array<Record<string, unknown>>> {
    const rows = await this.knex(T.contacts).select('id', 'name', 'email', 'is_main', 'job_title', 'password_hash')
      .where('client_id', clientId).orderBy([{ column: 'is_main', order: 'desc' }, 'name']);
    return rows.map(({ password_hash, ...r }) => ({ ...r, is_main: bool(r.is_main), can_login: password_hash !== null }));
  }

  async servicesOf(clientId: number): Promise<Array<Record<string, unknown>>> {
    const rows = await this.knex(`${T.services} as s`)
      .join(`${T.products} as p`, 'p.id', 's.product_id')
      .leftJoin(`${T.productGroups} as pg`, 'pg.id', 'p.group_id')
      .select('s.id', 's.label', 's.status', 's.username', 's.login_url', 's.next_due_at', 'p.name as product', 'pg.name as product_group', 'p.monthly_cents')
      .where('s.client_id', clientId).orderBy('s.id');
    return rows.map((r) => ({ ...r, next_due_at: num(r.next_due_at) }));
  }

  /**
   * Suspends, unsuspends or terminates a service, if its status allows it
   * (checked in the update itself, so two staff clicking at once change it
   * once). Answers the service's client, 'unknown' when there is no such
   * service, 'refused' when its status does not allow the action.
   */
  async changeServiceStatus(id: number, action: ServiceAction): Promise<{ clientId: number } | 'unknown' | 'refused'> {
    const { from, to } = SERVICE_ACTIONS[action];
    return this.knex.transaction(async (trx) => {
      const changed = await trx(T.services).where('id', id).whereIn('status', [...from]).update({ status: to });
      const row = await trx(T.services).select('client_id').where('id', id).first() as { client_id: number } | undefined;
      if (!row) return 'unknown';
      return changed === 0 ? 'refused' : { clientId: Number(row.client_id) };
    });
  }

  /** A contact with its client's name, for the contact's page. */
  async contact(id: number): Promise<Record<string, unknown> | null> {
    const row = await this.knex(`${T.contacts} as k`)
      .join(`${T.clients} as c`, 'c.id', 'k.client_id')
      .select('k.id', 'k.name', 'k.email', 'k.job_title', 'k.is_main', 'k.password_hash', 'c.id as client_id', 'c.company')
      .where('k.id', id).first();
    if (!row) return null;
    const { password_hash, ...contact } = row;
    return { ...contact, is_main: bool(row.is_main), can_login: password_hash !== null };
  }

  /** A device with its client's name, for the device's page. */
  async device(id: number): Promise<Record<string, unknown> | null> {
    const row = await this.knex(`${T.devices} as d`)
      .join(`${T.clients} as c`, 'c.id', 'd.client_id')
      .select('d.id', 'd.name', 'd.kind', 'c.id as client_id', 'c.company')
      .where('d.id', id).first();
    return row ?? null;
  }

  async devicesOf(clientId: number): Promise<Array<Record<string, unknown>>> {
    return this.knex(T.devices).select('id', 'name', 'kind').where('client_id', clientId).orderBy('name');
  }

  async tickets(filter: { clientId?: number; open?: boolean } = {}): Promise<Array<Record<string, unknown>>> {
    const qb = this.knex(`${T.tickets} as t`)
      .join(`${T.clients} as c`, 'c.id', 't.client_id')
      .leftJoin(`${T.contacts} as k`, 'k.id', 't.contact_id')
      .leftJoin(`${T.services} as s`, 's.id', 't.service_id')
      .select('t.id', 't.ref', 't.subject', 't.status', 't.priority', 't.department', 't.created_at', 't.updated_at',
        'c.id as client_id', 'c.company', 'k.name as contact_name', 's.label as service_label')
      .orderBy('t.updated_at', 'desc');
    if (filter.clientId !== undefined) qb.where('t.client_id', filter.clientId);
    if (filter.open) qb.whereIn('t.status', OPEN_TICKET_STATUSES);
    const rows = await qb;
    return rows.map((r) => ({ ...r, created_at: num(r.created_at), updated_at: num(r.updated_at) }));
  }

  async ticket(id: number): Promise<Record<string, unknown> | null> {
    const row = await this.knex(`${T.tickets} as t`)
      .join(`${T.clients} as c`, 'c.id', 't.client_id')
      .leftJoin(`${T.clientGroups} as g`, 'g.id', 'c.group_id')
      .leftJoin(`${T.contacts} as k`, 'k.id', 't.contact_id')
      .leftJoin(`${T.services} as s`, 's.id', 't.service_id')
      .leftJoin(`${T.products} as p`, 'p.id', 's.product_id')
      .select('t.*', 'c.company', 'c.email as client_email', 'c.language as client_language', 'g.name as group_name',
        'k.name as contact_name', 'k.email as contact_email', 's.label as service_label', 's.status as service_status',
        'p.name as product')
      .where('t.id', id).first();
    return row ? { ...row, created_at: num(row.created_at), updated_at: num(row.updated_at) } : null;
  }

  async thread(ticketId: number): Promise<Array<Record<string, unknown>>> {
    const rows = await this.knex(`${T.ticketReplies} as r`)
      .leftJoin(`${T.admins} as a`, 'a.id', 'r.author_admin_id')
      .leftJoin(`${T.contacts} as k`, 'k.id', 'r.author_contact_id')
      .select('r.id', 'r.author_kind', 'r.message', 'r.created_at', 'a.name as admin_name', 'k.name as contact_name')
      .where('r.ticket_id', ticketId).orderBy([{ column: 'r.created_at' }, { column: 'r.id' }]);
    return rows.map((r) => ({
      ...r, created_at: num(r.created_at), staff: r.author_kind === 'admin', author: r.author_kind === 'admin' ? r.admin_name : r.contact_name,
      paragraphs: String(r.message).split(/\n{2,}/),
    }));
  }

  async reply(ticketId: number, adminId: number, message: string, status: string): Promise<void> {
    const now = Date.now();
    await this.knex.transaction(async (trx) => {
      await trx(T.ticketReplies).insert({
        ticket_id: ticketId, author_kind: 'admin', author_admin_id: adminId, author_contact_id: null, message, created_at: now,
      });
      await trx(T.tickets).where('id', ticketId).update({ status, updated_at: now });
    });
  }

  #admins(): Knex.QueryBuilder {
    return this.knex(`${T.admins} as a`).join(`${T.adminRoles} as r`, 'r.id', 'a.role_id')
      .select('a.*', 'r.name as role_name', 'r.addon_access');
  }
}

function toAdmin(row: Record<string, unknown>): AdminAccount {
  return {
    id: row.id as number,
    username: row.username as string,
    name: row.name as string,
    email: row.email as string,
    roleId: row.role_id as number,
    roleName: row.role_name as string,
    language: row.language as string,
    disabled: bool(row.disabled as number),
    addonAccess: bool(row.addon_access as number),
  };
}
