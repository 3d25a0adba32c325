import type { Knex } from 'knex';
import { DEFAULT_TABLE_PREFIX } from '../../core/index.ts';
import { zendeskLinksTable } from './links-migration.ts';
import {
  checkLink, normaliseZendeskId, type ZendeskLink, type ZendeskLinkInput, type ZendeskLinkKind, type ZendeskMapping,
} from './mapping.ts';

export interface KnexZendeskMappingOptions {
  /** The Zendesk account these links belong to: its subdomain (`acme` for acme.zendesk.com). */
  account: string;
  /** Latchkey's table prefix (default `latchkey_`); the table is `<prefix>zendesk_links` (`zendeskMigrations`). */
  tablePrefix?: string;
  /** Or the table's full name. */
  table?: string;
}

interface Row {
  kind: string;
  zendesk_id: string;
  latchkey_id: string;
  label: string | null;
}

/**
 * Links in Latchkey's own database (the `zendesk_links` table of
 * `zendeskMigrations`, under Latchkey's table prefix), shared by every app instance. Pass the
 * knex instance Latchkey uses (`createLatchkey({ database: { knex } })`).
 */
export class KnexZendeskMapping implements ZendeskMapping {
  readonly #table: string;
  readonly #account: string;

  constructor(private readonly knex: Knex, options: KnexZendeskMappingOptions) {
    if (!/^[A-Za-z0-9_.-]{1,100}$/.test(options.account)) throw new TypeError('KnexZendeskMapping: account must be a Zendesk subdomain');
    this.#account = options.account;
    this.#table = options.table ?? zendeskLinksTable({ prefix: options.tablePrefix ?? DEFAULT_TABLE_PREFIX });
  }

  async find(kind: ZendeskLinkKind, zendeskIds: readonly string[]): Promise<Map<string, ZendeskLink>> {
    const wanted = new Map<string, string[]>();
    for (const raw of zendeskIds) {
      const id = normaliseZendeskId(kind, raw);
      if (id !== null) wanted.set(id, [...(wanted.get(id) ?? []), raw]);
    }
    const found = new Map<string, ZendeskLink>();
    if (wanted.size === 0) return found;
    const rows = await this.knex(this.#table)
      .select('kind', 'zendesk_id', 'latchkey_id', 'label')
      .where({ account: this.#account, kind })
      .whereIn('zendesk_id', [...wanted.keys()]) as Row[];
    for (const row of rows) {
      for (const raw of wanted.get(row.zendesk_id) ?? []) found.set(raw, toLink(row));
    }
    return found;
  }

  async link(input: ZendeskLinkInput): Promise<ZendeskLink> {
    const link = checkLink(input);
    await this.knex(this.#table)
      .insert({
        account: this.#account, kind: link.kind, zendesk_id: link.zendeskId,
        latchkey_id: link.latchkeyId, label: link.label, updated_at: Date.now(),
      })
      .onConflict(['account', 'kind', 'zendesk_id'])
      .merge(['latchkey_id', 'label', 'updated_at']);
    return link;
  }

  async unlink(kind: ZendeskLinkKind, zendeskId: string): Promise<boolean> {
    const id = normaliseZendeskId(kind, zendeskId);
    if (id === null) return false;
    const removed = await this.knex(this.#table).where({ account: this.#account, kind, zendesk_id: id }).delete();
    return removed > 0;
  }

  async list(kind?: ZendeskLinkKind): Promise<ZendeskLink[]> {
    const query = this.knex(this.#table).select('kind', 'zendesk_id', 'latchkey_id', 'label').where({ account: this.#account });
    if (kind) query.andWhere({ kind });
    const rows = await query.orderBy([{ column: 'kind' }, { column: 'zendesk_id' }]) as Row[];
    return rows.map(toLink);
  }

  async newest(kind: ZendeskLinkKind, limit: number): Promise<{ links: ZendeskLink[]; total: number }> {
    const ofKind = () => this.knex(this.#table).where({ account: this.#account, kind });
    // Zendesk ids are digits without leading zeros: longer is larger, then text order is number order.
    const [rows, counted] = await Promise.all([
      ofKind().select('kind', 'zendesk_id', 'latchkey_id', 'label')
        .orderByRaw('length(zendesk_id) desc').orderBy('zendesk_id', 'desc').limit(limit) as Promise<Row[]>,
      ofKind().count({ n: '*' }).first() as Promise<{ n: number | string } | undefined>,
    ]);
    return { links: rows.map(toLink), total: Number(counted?.n ?? 0) };
  }
}

function toLink(row: Row): ZendeskLink {
  return { kind: row.kind as ZendeskLinkKind, zendeskId: row.zendesk_id, latchkeyId: row.latchkey_id, label: row.label ?? null };
}
