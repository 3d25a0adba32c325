import type { Knex } from 'knex';
import { LatchkeyError } from '../errors.ts';
import { migrations, type Migration } from '../../migrations/index.ts';
import type { TableNames } from './table-names.ts';

/**
 * Feeds core's migration list, then the adapters' own (each adapter owns its
 * tables), to knex's migrator, with every table name under the prefix.
 */
class PrefixedSource implements Knex.MigrationSource<Migration> {
  constructor(private readonly tables: TableNames, private readonly list: readonly Migration[]) {}
  async getMigrations(): Promise<Migration[]> {
    return [...this.list];
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

  constructor(private readonly knex: Knex, tables: TableNames, adapterMigrations: readonly Migration[] = []) {
    const names = new Set(migrations.map((m) => m.name));
    for (const m of adapterMigrations) {
      if (names.has(m.name)) throw new LatchkeyError('configuration', `adapter migration ${m.name} is listed twice or takes a core migration's name`);
      names.add(m.name);
    }
    this.#config = {
      migrationSource: new PrefixedSource(tables, [...migrations, ...adapterMigrations]),
      tableName: tables.migrations,
    };
  }

  async latest(): Promise<string[]> {
    const [, names] = await explained(this.knex.migrate.latest(this.#config));
    return names as string[];
  }

  async rollback(all = false): Promise<string[]> {
    const [, names] = await explained(this.knex.migrate.rollback(this.#config, all));
    return names as string[];
  }

  async status(): Promise<MigrationStatus> {
    const [applied, pending] = await explained(this.knex.migrate.list(this.#config)) as [Array<{ name: string } | string>, Migration[]];
    return {
      applied: applied.map((m) => (typeof m === 'string' ? m : m.name)),
      pending: pending.map((m) => m.name),
    };
  }
}

/**
 * knex calls a database that ran an adapter's migrations, opened without that
 * adapter, "corrupt": say which adapter is missing instead.
 */
async function explained<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    const missing = err instanceof Error ? /following files are missing: (.*)$/s.exec(err.message)?.[1] : undefined;
    if (missing === undefined) throw err;
    throw new LatchkeyError('configuration', `this database ran migrations that are not configured here (${missing.trim()}): open it with the same adapters (e.g. LATCHKEY_HOST=zendesk for zendesk_ migrations)`);
  }
}
