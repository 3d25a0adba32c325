import type { Knex } from 'knex';
import { migrations, type Migration } from '../../migrations/index.ts';
import type { TableNames } from './table-names.ts';

/** Feeds our migration list to knex's migrator, with every table name under the prefix. */
class PrefixedSource implements Knex.MigrationSource<Migration> {
  constructor(private readonly tables: TableNames) {}
  async getMigrations(): Promise<Migration[]> {
    return [...migrations];
  }
  getMigrationName(migration: Migration): string {
    return migration.name;
  }
  async getMigration(migration: Migration): Promise<Knex.Migration> {
    return {
      up: (knex: Knex) => migration.up(knex, this.tables),
      down: (knex: Knex) => migration.down(knex, this.tables),
    };
  }
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
}

export class Migrator {
  readonly #config: Knex.MigratorConfig;

  constructor(private readonly knex: Knex, tables: TableNames) {
    this.#config = {
      migrationSource: new PrefixedSource(tables),
      tableName: tables.migrations,
    };
  }

  async latest(): Promise<string[]> {
    const [, names] = await this.knex.migrate.latest(this.#config);
    return names as string[];
  }

  async rollback(all = false): Promise<string[]> {
    const [, names] = await this.knex.migrate.rollback(this.#config, all);
    return names as string[];
  }

  async status(): Promise<MigrationStatus> {
    const [applied, pending] = await this.knex.migrate.list(this.#config) as [Array<{ name: string } | string>, Migration[]];
    return {
      applied: applied.map((m) => (typeof m === 'string' ? m : m.name)),
      pending: pending.map((m) => m.name),
    };
  }
}
