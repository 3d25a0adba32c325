import type { Actor } from '../domain/actor.ts';
import { ForbiddenError } from '../errors.ts';
import { spreadsheetCsv } from '../import/csv-cells.ts';
import { can, canDo } from '../policy/access-policy.ts';
import { accessReasons, type AccessReason } from '../policy/access-reasons.ts';
import type { ActorFacts } from '../policy/facts.ts';
import { resolveActor } from '../policy/resolve-actor.ts';
import type { EntryRow } from '../store/entry-rows.ts';
import { rowFactColumns, toRowFacts, type RowFactColumns } from '../store/row-facts.ts';
import type { VaultContext } from './context.ts';
import { linkedServiceStatuses, vaultEntryFacts } from './entry-facts.ts';

/** One person who sees one entry, and every reason they do. */
export interface AccessLine {
  entryId: string;
  entryName: string;
  person: { kind: 'admin' | 'client' | 'contact'; id: string; name: string };
  reasons: AccessReason[];
  canEdit: boolean;
}

/** A client whose data a staff member reaches, and how many of its entries. */
export interface ReachedClient {
  clientId: string;
  clientName: string;
  entries: number;
}

type ReportRow = Pick<EntryRow, 'id' | 'name' | 'owner_kind' | 'owner_id' | 'client_id' | 'category_id' | 'shared_with_admin' | 'is_private' | 'service_id'> & RowFactColumns;
const COLUMNS = ['id', 'name', 'owner_kind', 'owner_id', 'client_id', 'category_id', 'shared_with_admin', 'is_private', 'service_id'] as const;
const PAGE = 500;

/**
 * Effective access, decided by the reference policy itself (`can` and
 * `accessReasons`), so the report cannot drift from what every action checks:
 * for a client, who sees each of its entries and why; for a staff member,
 * which clients' data they reach. For those who may read the audit log.
 */
export class AccessReportService {
  constructor(private readonly ctx: VaultContext) {}

  async forClient(actor: Actor, clientId: string): Promise<AccessLine[]> {
    return this.ctx.guard(async () => {
      const settings = await this.allowed(actor);
      const host = this.ctx.host;
      const [admins, clients, contacts] = await Promise.all([host.allAdmins(), host.clients([clientId]), host.contactsOfClients([clientId])]);
      const people: Array<{ person: AccessLine['person']; facts: ActorFacts }> = [];
      for (const admin of admins) people.push({ person: { kind: 'admin', id: admin.id, name: admin.name }, facts: await resolveActor({ kind: 'admin', adminId: admin.id }, host) });
      const client = clients.get(clientId);
      if (client) people.push({ person: { kind: 'client', id: client.id, name: client.name }, facts: await resolveActor({ kind: 'client', clientId }, host) });
      for (const contact of contacts.filter((k) => !k.isMain)) {
        people.push({ person: { kind: 'contact', id: contact.id, name: contact.name }, facts: await resolveActor({ kind: 'client', clientId, contactId: contact.id }, host) });
      }
      const lines: AccessLine[] = [];
      await this.eachPage((q) => q.where('e.client_id', clientId), async (rows, facts) => {
        for (const row of rows) {
          const entry = facts.get(row.id)!;
          for (const { person, facts: who } of people) {
            const reasons = accessReasons(who, entry, settings);
            if (reasons.length > 0) lines.push({ entryId: row.id, entryName: row.name, person, reasons, canEdit: can(who, 'update', entry, settings) });
          }
        }
      });
      return lines;
    });
  }

  async forStaff(actor: Actor, adminId: string): Promise<ReachedClient[]> {
    return this.ctx.guard(async () => {
      const settings = await this.allowed(actor);
      const who = await resolveActor({ kind: 'admin', adminId }, this.ctx.host);
      const counts = new Map<string, number>();
      await this.eachPage((q) => q.whereNotNull('e.client_id'), async (rows, facts) => {
        for (const row of rows) {
          if (can(who, 'view', facts.get(row.id)!, settings)) counts.set(row.client_id!, (counts.get(row.client_id!) ?? 0) + 1);
        }
      });
      const names = await this.ctx.host.clients([...counts.keys()]);
      return [...counts].map(([clientId, entries]) => ({ clientId, clientName: names.get(clientId)?.name ?? clientId, entries }))
        .sort((a, b) => a.clientName.localeCompare(b.clientName));
    });
  }

  /** The client report as CSV, formula-safe for spreadsheets; `header` is the column titles in the reader's language. */
  static csv(lines: readonly AccessLine[], header: readonly [string, string, string, string, string, string]): string {
    return spreadsheetCsv(header, lines.map((l) => [
      l.entryName, l.person.kind, l.person.name, l.person.id, l.reasons.map(describeReason).join('; '), l.canEdit ? 'yes' : 'no',
    ]));
  }

  private async allowed(actor: Actor) {
    const { facts, settings } = await this.ctx.decisionInputs(actor);
    // The system (a CLI, a scheduled export) reads it too, as it reads the audit log.
    if (!canDo(facts, 'readAudit', settings) && actor.kind !== 'system') throw new ForbiddenError('read the effective access report');
    return settings;
  }

  /** The vault entries a filter selects, in pages by id, each with what the policy needs of it. */
  private async eachPage(
    filter: (q: ReturnType<VaultContext['knex']>) => unknown,
    body: (rows: ReportRow[], facts: Map<string, ReturnType<typeof vaultEntryFacts>>) => Promise<void>,
  ): Promise<void> {
    const { knex, tables: t, dialect } = this.ctx;
    let after = '';
    for (;;) {
      const q = knex({ e: t.entries }).select(COLUMNS.map((c) => `e.${c}`)).select(rowFactColumns(knex, t, dialect, null))
        .where('e.id', '>', after).orderBy('e.id').limit(PAGE);
      filter(q);
      const rows = await q as ReportRow[];
      const statuses = await linkedServiceStatuses(this.ctx.host, rows);
      const facts = new Map(rows.map((row) => {
        const f = toRowFacts(row.id, row.category_id, row);
        return [row.id, vaultEntryFacts(row, f.grants, f.members, statuses.get(row.id) ?? null)];
      }));
      await body(rows, facts);
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]!.id;
    }
  }
}

/** A reason as one short token for the CSV (`mode:restricted`, `roleGrant:r1`...). */
export function describeReason(reason: AccessReason): string {
  switch (reason.kind) {
    case 'extendedRole': case 'roleGrant': return `${reason.kind}:${reason.roleId}`;
    case 'category': return `category:${reason.categoryId}`;
    case 'mode': return `mode:${reason.mode}`;
    default: return reason.kind;
  }
}
