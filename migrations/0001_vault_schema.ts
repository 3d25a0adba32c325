import type { Knex } from 'knex';
import type { TableNames } from '../core/store/table-names.ts';
import { AUDIT_HEAD_KEY, GENESIS_HASH } from '../core/store/audit-log.ts';

// Times are BIGINT milliseconds since the epoch: identical on SQLite and MySQL,
// free of server time zones, and cheap to index and compare.

function utf8(knex: Knex, t: Knex.CreateTableBuilder): void {
  if (knex.client.config.client === 'mysql2') {
    t.charset('utf8mb4');
    t.collate('utf8mb4_unicode_ci');
  }
}

const HOST_ID = 64;
const OWN_ID = 36;

/**
 * Ids compare byte for byte on every database: MySQL's default collations are
 * case-insensitive, which would let key id "k1" match "K1" or host id "a" match "A".
 */
function exact(knex: Knex, column: Knex.ColumnBuilder): Knex.ColumnBuilder {
  return knex.client.config.client === 'mysql2' ? column.collate('utf8mb4_bin') : column;
}

export async function up(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.createTable(t.entries, (e) => {
    utf8(knex, e);
    exact(knex, e.string('id', OWN_ID)).primary();
    e.string('name', 255).notNullable();
    e.string('username', 255).notNullable().defaultTo('');
    e.string('website_url', 2048).nullable();
    e.string('login_url', 2048).nullable();
    exact(knex, e.string('owner_kind', 8)).notNullable();
    exact(knex, e.string('owner_id', HOST_ID)).notNullable();
    exact(knex, e.string('client_id', HOST_ID)).nullable();
    exact(knex, e.string('service_id', HOST_ID)).nullable();
    exact(knex, e.string('contact_id', HOST_ID)).nullable();
    exact(knex, e.string('device_id', HOST_ID)).nullable();
    exact(knex, e.string('ticket_id', HOST_ID)).nullable();
    exact(knex, e.string('category_id', OWN_ID)).nullable();
    e.boolean('shared_with_admin').notNullable().defaultTo(false);
    e.integer('reminder_days').nullable();
    e.boolean('notify_on_change').notNullable().defaultTo(false);
    e.bigInteger('next_reminder_at').nullable();
    e.integer('version').notNullable().defaultTo(1);
    exact(knex, e.string('kek_id', 40)).notNullable();
    e.text('wrapped_key').notNullable();
    e.integer('key_version').notNullable().defaultTo(1);
    e.text('password_ct').nullable();
    e.text('notes_ct', 'mediumtext').nullable();
    e.text('totp_ct').nullable();
    e.bigInteger('created_at').notNullable();
    e.bigInteger('updated_at').notNullable();
    e.bigInteger('password_changed_at').nullable();
    e.index(['client_id', 'name'], `${t.entries}_client`);
    e.index(['owner_kind', 'owner_id'], `${t.entries}_owner`);
    e.index(['category_id'], `${t.entries}_category`);
    e.index(['service_id'], `${t.entries}_service`);
    e.index(['contact_id'], `${t.entries}_contact`);
    e.index(['device_id'], `${t.entries}_device`);
    e.index(['ticket_id'], `${t.entries}_ticket`);
    e.index(['next_reminder_at'], `${t.entries}_reminder`);
    e.index(['kek_id'], `${t.entries}_kek`);
  });

  await knex.schema.createTable(t.grants, (g) => {
    utf8(knex, g);
    exact(knex, g.string('entry_id', OWN_ID)).notNullable();
    exact(knex, g.string('principal_kind', 16)).notNullable();
    exact(knex, g.string('principal_id', HOST_ID)).notNullable();
    g.boolean('can_edit').notNullable().defaultTo(false);
    g.primary(['entry_id', 'principal_kind', 'principal_id']);
    g.index(['principal_kind', 'principal_id', 'entry_id'], `${t.grants}_principal`);
  });

  await knex.schema.createTable(t.categories, (c) => {
    utf8(knex, c);
    exact(knex, c.string('id', OWN_ID)).primary();
    c.string('name', 255).notNullable();
    exact(knex, c.string('owner_kind', 8)).notNullable();
    exact(knex, c.string('owner_id', HOST_ID)).notNullable();
    c.bigInteger('created_at').notNullable();
    c.bigInteger('updated_at').notNullable();
    c.index(['owner_kind', 'owner_id', 'name'], `${t.categories}_owner`);
  });

  await knex.schema.createTable(t.categoryMembers, (m) => {
    utf8(knex, m);
    exact(knex, m.string('category_id', OWN_ID)).notNullable();
    exact(knex, m.string('member_kind', 16)).notNullable();
    exact(knex, m.string('member_id', HOST_ID)).notNullable();
    m.boolean('can_edit').notNullable().defaultTo(false);
    m.primary(['category_id', 'member_kind', 'member_id']);
    m.index(['member_kind', 'member_id', 'category_id'], `${t.categoryMembers}_member`);
  });

  await knex.schema.createTable(t.history, (h) => {
    utf8(knex, h);
    exact(knex, h.string('id', OWN_ID)).primary();
    exact(knex, h.string('entry_id', OWN_ID)).notNullable();
    h.integer('version').notNullable();
    h.integer('key_version').notNullable();
    h.text('password_ct').notNullable();
    h.bigInteger('changed_at').notNullable();
    exact(knex, h.string('changed_by_kind', 8)).notNullable();
    exact(knex, h.string('changed_by_id', 140)).nullable();
    h.index(['entry_id', 'version'], `${t.history}_entry`);
  });

  await knex.schema.createTable(t.audit, (a) => {
    utf8(knex, a);
    a.bigInteger('seq').primary();
    a.bigInteger('at').notNullable();
    exact(knex, a.string('actor_kind', 8)).notNullable();
    exact(knex, a.string('actor_id', 140)).nullable();
    exact(knex, a.string('action', 40)).notNullable();
    exact(knex, a.string('entry_id', 80)).nullable();
    exact(knex, a.string('client_id', HOST_ID)).nullable();
    exact(knex, a.string('category_id', OWN_ID)).nullable();
    a.string('ip', 64).nullable();
    a.string('user_agent', 512).nullable();
    a.text('details').nullable();
    exact(knex, a.string('prev_hash', 64)).notNullable();
    exact(knex, a.string('hash', 64)).notNullable();
    a.index(['entry_id', 'seq'], `${t.audit}_entry`);
    a.index(['client_id', 'seq'], `${t.audit}_client`);
    a.index(['actor_kind', 'actor_id', 'seq'], `${t.audit}_actor`);
    a.index(['action', 'seq'], `${t.audit}_action`);
  });

  await knex.schema.createTable(t.settings, (s) => {
    utf8(knex, s);
    exact(knex, s.string('key', 64)).primary();
    s.text('value').notNullable();
    s.bigInteger('updated_at').notNullable();
  });

  // The audit chain's head: appenders lock this row, so it exists from the start.
  await knex(t.settings).insert({ key: AUDIT_HEAD_KEY, value: JSON.stringify({ seq: 0, hash: GENESIS_HASH }), updated_at: Date.now() });

  await knex.schema.createTable(t.outbox, (o) => {
    utf8(knex, o);
    o.bigIncrements('id').primary();
    exact(knex, o.string('dedupe_key', 191)).notNullable().unique({ indexName: `${t.outbox}_dedupe` });
    exact(knex, o.string('kind', 32)).notNullable();
    exact(knex, o.string('entry_id', OWN_ID)).nullable();
    exact(knex, o.string('recipient_kind', 8)).notNullable();
    exact(knex, o.string('recipient_id', HOST_ID)).notNullable();
    o.text('payload', 'mediumtext').notNullable();
    exact(knex, o.string('status', 16)).notNullable().defaultTo('pending');
    o.integer('attempts').notNullable().defaultTo(0);
    o.bigInteger('next_attempt_at').notNullable();
    o.string('claimed_by', 64).nullable();
    o.bigInteger('claimed_until').nullable();
    o.text('last_error').nullable();
    o.bigInteger('created_at').notNullable();
    o.bigInteger('sent_at').nullable();
    o.index(['status', 'next_attempt_at'], `${t.outbox}_due`);
  });

  await knex.schema.createTable(t.leases, (l) => {
    utf8(knex, l);
    exact(knex, l.string('name', 64)).primary();
    exact(knex, l.string('holder', 64)).notNullable();
    l.bigInteger('expires_at').notNullable();
  });

  await knex.schema.createTable(t.usedTokens, (u) => {
    utf8(knex, u);
    exact(knex, u.string('jti', 128)).primary();
    u.bigInteger('expires_at').notNullable();
    u.index(['expires_at'], `${t.usedTokens}_expiry`);
  });
}

export async function down(knex: Knex, t: TableNames): Promise<void> {
  for (const table of [t.usedTokens, t.leases, t.outbox, t.settings, t.audit, t.history, t.categoryMembers, t.categories, t.grants, t.entries]) {
    await knex.schema.dropTableIfExists(table);
  }
}
