import type { Knex } from 'knex';
import { LRUCache } from 'lru-cache';
import type { VaultSettings } from '../domain/settings.ts';
import { newId } from '../store/ids.ts';
import type { TableNames } from '../store/table-names.ts';
import type { CategoryReach } from './category-reach.ts';
import { currentRequest, RequestMemo, withinRequest } from './request-scope.ts';

/**
 * The settings row whose value changes, in the same transaction, with every
 * write to the settings, the categories or their members: what a panel read
 * from those tables is current exactly while the stamp is the one it read.
 */
export const PANEL_STAMP_KEY = 'panel_stamp';

/** How many actors' settings and category reach an instance keeps between renders. */
const ACTORS_KEPT = 2_000;
/**
 * A kept read is dropped after this long even if no render proved it stale:
 * the stamp covers every write Latchkey makes, this covers a hand edit of the tables.
 */
const KEPT_MS = 60_000;

export interface PanelRead {
  /** The stamp read in the same statement as the settings and the reach (null: never written). */
  stamp: string | null;
  settings: VaultSettings;
  reach: CategoryReach;
}

/**
 * The settings and each actor's category reach, kept between a staff panel's
 * renders, so that a render sends one statement instead of two. A render that
 * used a kept read proves it current in its entry list's own statement, which
 * reads the stamp along (or, when it sent none, by reading the stamp alone),
 * and is rendered again from fresh reads when the stamp moved: several app
 * instances on one database stay correct without telling each other anything.
 */
export class PanelCache {
  readonly #reads = new LRUCache<string, PanelRead>({ max: ACTORS_KEPT, ttl: KEPT_MS });

  get(key: string): PanelRead | undefined {
    return this.#reads.get(key);
  }

  keep(key: string, read: PanelRead): void {
    this.#reads.set(key, deepFreeze(read));
  }

  forgetAll(): void {
    this.#reads.clear();
  }

  /**
   * Runs a panel's render as one request. When the render relied on a kept
   * read that turned out stale, the read is forgotten and the render runs
   * once more from the database (that second run relies on nothing kept).
   */
  async render<T>(knex: Knex, t: TableNames, body: () => Promise<T>): Promise<T> {
    if (currentRequest()) return body();
    const memo = new RequestMemo(true);
    const result = await withinRequest(body, memo);
    const relied = memo.reliedOnStamp();
    if (relied === undefined) return result;
    const seenAlong = memo.seenStamp();
    const seen = seenAlong !== undefined ? seenAlong : await readPanelStamp(knex, t);
    if (seen === relied) return result;
    this.forgetAll();
    return withinRequest(body, new RequestMemo());
  }
}

/** Gives the stamp a new value: call inside the transaction that writes the settings or a category. */
export async function movePanelStamp(trx: Knex.Transaction, t: TableNames, now: number): Promise<void> {
  await trx(t.settings).insert({ key: PANEL_STAMP_KEY, value: newId(now), updated_at: now }).onConflict('key').merge(['value', 'updated_at']);
}

/** The stamp as a scalar subquery, for a statement that proves a kept read current by reading it along. */
export function panelStampColumn(knex: Knex, t: TableNames, alias: string): Knex.Raw {
  return knex.raw('(SELECT ps.value FROM ?? AS ps WHERE ps.key = ?) AS ??', [t.settings, PANEL_STAMP_KEY, alias]);
}

export async function readPanelStamp(knex: Knex, t: TableNames): Promise<string | null> {
  const row = await knex(t.settings).select('value').where('key', PANEL_STAMP_KEY).first() as { value: string } | undefined;
  return row?.value ?? null;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
