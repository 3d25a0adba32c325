import type { Knex } from 'knex';
import type { TableNames } from '../core/store/table-names.ts';

/** Every drain deletes sent mail past its keeping time: find it by index, not by reading the whole outbox. */
export async function up(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.alterTable(t.outbox, (o) => {
    o.index(['status', 'sent_at'], `${t.outbox}_sent`);
  });
}

export async function down(knex: Knex, t: TableNames): Promise<void> {
  await knex.schema.alterTable(t.outbox, (o) => {
    o.dropIndex(['status', 'sent_at'], `${t.outbox}_sent`);
  });
}
