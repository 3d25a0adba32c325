import type { Knex } from 'knex';
import type { Actor } from '../domain/actor.ts';
import { ForbiddenError } from '../errors.ts';
import { canDo } from '../policy/access-policy.ts';
import { visibleEntries } from '../policy/visibility-query.ts';
import { LISTED_COLUMNS, PRESENCE_COLUMNS, toView, type ListedRow } from '../store/entry-rows.ts';
import type { EntryView } from '../domain/entry.ts';
import type { VaultContext } from './context.ts';

const DAY_MS = 86_400_000;

export interface CountRow {
  key: string | null;
  count: number;
}

export interface VaultReport {
  total: number;
  byClient: CountRow[];
  byAdmin: CountRow[];
  byCategory: CountRow[];
  /** Entries whose password is older than their rotation period, oldest first. */
  dueForRotation: EntryView[];
}

/**
 * The addon dashboard: counts by client, owning admin and category, and what
 * is due for rotation, each one grouped query over what the actor may see.
 */
export class VaultReportService {
  constructor(private readonly ctx: VaultContext) {}

  async build(actor: Actor, options: { top?: number } = {}): Promise<VaultReport> {
    const top = options.top ?? 10;
    return this.ctx.guard(async () => {
      const { facts, settings } = await this.ctx.decisionInputs(actor);
      if (!canDo(facts, 'readAudit', settings)) throw new ForbiddenError('open the addon dashboard');
      const t = this.ctx.tables;
      const visible = () => {
        const qb = this.ctx.knex(`${t.entries} as e`);
        visibleEntries(qb, facts, settings, t);
        return qb;
      };
      const counted = (column: string, where?: (qb: Knex.QueryBuilder) => void) => {
        const qb = visible().select({ key: column }).count({ count: '*' }).groupBy(column).orderBy('count', 'desc').limit(top);
        where?.(qb);
        return qb as unknown as Promise<Array<{ key: string | null; count: number | string }>>;
      };
      const now = this.ctx.now();
      const dueQuery = visible()
        .select(LISTED_COLUMNS.map((c) => `e.${c}`))
        .select(this.ctx.knex.raw(PRESENCE_COLUMNS.join(', ')))
        .whereNotNull('e.password_changed_at')
        .where((due) => {
          due.whereRaw('e.reminder_days IS NOT NULL AND e.password_changed_at + e.reminder_days * ? <= ?', [DAY_MS, now]);
          if (settings.defaultReminderDays !== null) {
            due.orWhereRaw('e.reminder_days IS NULL AND e.password_changed_at <= ?', [now - settings.defaultReminderDays * DAY_MS]);
          }
        })
        .orderBy('e.password_changed_at')
        .limit(50) as Promise<ListedRow[]>;
      const [totalRow, byClient, byAdmin, byCategory, due] = await Promise.all([
        visible().count({ n: '*' }).first() as Promise<{ n: number | string } | undefined>,
        counted('e.client_id', (qb) => qb.whereNotNull('e.client_id')),
        counted('e.owner_id', (qb) => qb.where('e.owner_kind', 'admin')),
        // Clients' own categories are their private filing; the dashboard counts the addon's categories.
        counted('e.category_id', (qb) => qb.whereIn('e.category_id', this.ctx.knex(t.categories).select('id').where('owner_kind', 'admin'))),
        dueQuery,
      ]);
      const asCounts = (rows: Array<{ key: string | null; count: number | string }>) =>
        rows.map((r) => ({ key: r.key, count: Number(r.count) }));
      return {
        total: Number(totalRow?.n ?? 0),
        byClient: asCounts(byClient),
        byAdmin: asCounts(byAdmin),
        byCategory: asCounts(byCategory),
        dueForRotation: due.map(toView),
      };
    });
  }
}
