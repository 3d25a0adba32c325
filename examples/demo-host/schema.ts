import type { Knex } from 'knex';

/** The demo host's own tables, beside Latchkey's in the same database. */
export const DEMO_PREFIX = 'demo_';

export const T = {
  meta: `${DEMO_PREFIX}meta`,
  adminRoles: `${DEMO_PREFIX}admin_roles`,
  admins: `${DEMO_PREFIX}admins`,
  clientGroups: `${DEMO_PREFIX}client_groups`,
  clients: `${DEMO_PREFIX}clients`,
  contacts: `${DEMO_PREFIX}contacts`,
  productGroups: `${DEMO_PREFIX}product_groups`,
  products: `${DEMO_PREFIX}products`,
  services: `${DEMO_PREFIX}services`,
  tickets: `${DEMO_PREFIX}tickets`,
  ticketReplies: `${DEMO_PREFIX}ticket_replies`,
  devices: `${DEMO_PREFIX}devices`,
  sessions: `${DEMO_PREFIX}sessions`,
  /** What the demo's own SMTP server caught (see mailbox.ts). */
  mailbox: `${DEMO_PREFIX}mailbox`,
} as const;

export interface AdminRoleRow { id: number; name: string; addon_access: number | boolean }
export interface AdminRow {
  id: number; username: string; name: string; email: string; role_id: number; language: string;
  disabled: number | boolean; password_hash: string;
}
export interface ClientGroupRow { id: number; name: string }
export interface ClientRow {
  id: number; company: string; email: string; group_id: number | null; language: string; status: string;
  city: string; country: string; phone: string; created_at: number | string;
}
export interface ContactRow {
  id: number; client_id: number; name: string; email: string; is_main: number | boolean; job_title: string;
  password_hash: string | null;
}
export interface ProductGroupRow { id: number; name: string }
export interface ProductRow { id: number; group_id: number | null; name: string; monthly_cents: number }
export interface ServiceRow {
  id: number; client_id: number; product_id: number; label: string; status: string; username: string | null;
  password_enc: string | null; login_url: string | null; next_due_at: number | string | null;
}
export interface TicketRow {
  id: number; ref: string; client_id: number; contact_id: number | null; service_id: number | null; subject: string;
  status: string; priority: string; department: string; created_at: number | string; updated_at: number | string;
}
export interface TicketReplyRow {
  id: number; ticket_id: number; author_kind: 'admin' | 'client'; author_admin_id: number | null; author_contact_id: number | null;
  message: string; created_at: number | string;
}
export interface DeviceRow { id: number; client_id: number; name: string; kind: string }
export interface SessionRow {
  id_hash: string; kind: 'admin' | 'client'; admin_id: number | null; client_id: number | null; contact_id: number | null;
  expires_at: number | string; created_at: number | string;
}

/** Creates the demo tables that do not exist yet. Safe to run on every start. */
export async function ensureSchema(knex: Knex): Promise<void> {
  // knex.schema is a new builder on every access: one per statement.
  const create = async (name: string, build: (t: Knex.CreateTableBuilder) => void) => {
    if (!(await knex.schema.hasTable(name))) await knex.schema.createTable(name, build);
  };
  await create(T.meta, (t) => {
    t.string('key', 64).primary();
    t.text('value').notNullable();
  });
  await create(T.adminRoles, (t) => {
    t.increments('id');
    t.string('name', 120).notNullable();
    t.boolean('addon_access').notNullable().defaultTo(false);
  });
  await create(T.admins, (t) => {
    t.increments('id');
    t.string('username', 64).notNullable().unique();
    t.string('name', 120).notNullable();
    t.string('email', 190).notNullable();
    t.integer('role_id').unsigned().notNullable().references('id').inTable(T.adminRoles);
    t.string('language', 8).notNullable().defaultTo('en');
    t.boolean('disabled').notNullable().defaultTo(false);
    t.string('password_hash', 255).notNullable();
  });
  await create(T.clientGroups, (t) => {
    t.increments('id');
    t.string('name', 120).notNullable();
  });
  await create(T.clients, (t) => {
    t.increments('id');
    t.string('company', 190).notNullable();
    t.string('email', 190).notNullable();
    t.integer('group_id').unsigned().nullable().references('id').inTable(T.clientGroups);
    t.string('language', 8).notNullable().defaultTo('en');
    t.string('status', 20).notNullable().defaultTo('Active');
    t.string('city', 120).notNullable().defaultTo('');
    t.string('country', 2).notNullable().defaultTo('');
    t.string('phone', 40).notNullable().defaultTo('');
    t.bigInteger('created_at').notNullable();
  });
  await create(T.contacts, (t) => {
    t.increments('id');
    t.integer('client_id').unsigned().notNullable().references('id').inTable(T.clients);
    t.string('name', 190).notNullable();
    t.string('email', 190).notNullable().unique();
    t.boolean('is_main').notNullable().defaultTo(false);
    t.string('job_title', 120).notNullable().defaultTo('');
    // Only contacts who may sign in to the client area have a password.
    t.string('password_hash', 255).nullable();
    t.index(['client_id']);
  });
  await create(T.productGroups, (t) => {
    t.increments('id');
    t.string('name', 120).notNullable();
  });
  await create(T.products, (t) => {
    t.increments('id');
    t.integer('group_id').unsigned().nullable().references('id').inTable(T.productGroups);
    t.string('name', 190).notNullable();
    t.integer('monthly_cents').notNullable();
  });
  await create(T.services, (t) => {
    t.increments('id');
    t.integer('client_id').unsigned().notNullable().references('id').inTable(T.clients);
    t.integer('product_id').unsigned().notNullable().references('id').inTable(T.products);
    t.string('label', 190).notNullable();
    t.string('status', 20).notNullable().defaultTo('Active');
    t.string('username', 190).nullable();
    // AES-256-GCM under the demo host's own key: the host keeps these, as billing platforms do.
    t.text('password_enc').nullable();
    t.string('login_url', 2048).nullable();
    t.bigInteger('next_due_at').nullable();
    t.index(['client_id']);
  });
  await create(T.tickets, (t) => {
    t.increments('id');
    t.string('ref', 20).notNullable().unique();
    t.integer('client_id').unsigned().notNullable().references('id').inTable(T.clients);
    t.integer('contact_id').unsigned().nullable().references('id').inTable(T.contacts);
    t.integer('service_id').unsigned().nullable().references('id').inTable(T.services);
    t.string('subject', 255).notNullable();
    t.string('status', 20).notNullable();
    t.string('priority', 10).notNullable().defaultTo('Medium');
    t.string('department', 40).notNullable().defaultTo('support');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['client_id']);
    t.index(['status', 'updated_at']);
  });
  await create(T.ticketReplies, (t) => {
    t.increments('id');
    t.integer('ticket_id').unsigned().notNullable().references('id').inTable(T.tickets);
    t.string('author_kind', 10).notNullable();
    t.integer('author_admin_id').unsigned().nullable().references('id').inTable(T.admins);
    t.integer('author_contact_id').unsigned().nullable().references('id').inTable(T.contacts);
    t.text('message').notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['ticket_id', 'created_at']);
  });
  await create(T.devices, (t) => {
    t.increments('id');
    t.integer('client_id').unsigned().notNullable().references('id').inTable(T.clients);
    t.string('name', 190).notNullable();
    t.string('kind', 40).notNullable();
    t.index(['client_id']);
  });
  await create(T.sessions, (t) => {
    // SHA-256 of the random session id; the id itself is only ever in the cookie.
    t.string('id_hash', 64).primary();
    t.string('kind', 10).notNullable();
    t.integer('admin_id').unsigned().nullable();
    t.integer('client_id').unsigned().nullable();
    t.integer('contact_id').unsigned().nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.index(['expires_at']);
  });
  await create(T.mailbox, (t) => {
    t.increments('id');
    t.bigInteger('received_at').notNullable();
    t.string('envelope_from', 320).notNullable();
    t.text('envelope_to').notNullable();
    t.string('from_header', 500).notNullable();
    t.text('to_header').notNullable();
    t.string('subject', 1000).notNullable();
    t.string('message_id', 255).notNullable();
    t.text('text_body', 'mediumtext').nullable();
    t.text('html_body', 'mediumtext').nullable();
    t.text('raw', 'mediumtext').notNullable();
  });
}

export async function readMeta(knex: Knex, key: string): Promise<string | null> {
  const row = await knex(T.meta).select('value').where('key', key).first() as { value: string } | undefined;
  return row?.value ?? null;
}

export async function writeMeta(knex: Knex | Knex.Transaction, key: string, value: string): Promise<void> {
  const updated = await knex(T.meta).where('key', key).update({ value });
  if (updated === 0) await knex(T.meta).insert({ key, value });
}

/** Knex gives booleans back as 0/1 on SQLite and MySQL. */
export function bool(value: number | boolean | null | undefined): boolean {
  return value === true || value === 1;
}

/** BIGINT columns come back as strings from mysql2 with supportBigNumbers. */
export function num(value: number | string | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}
