import type { AdminActor } from '../domain/actor.ts';
import { ValidationError } from '../errors.ts';
import { issue } from '../validation/rules.ts';
import type { Latchkey } from '../latchkey.ts';
import { AUDIT_ACTIONS } from '../services/audit-actions.ts';
import type { AuditEvent } from '../services/audit-service.ts';
import type { AuditExportQuery } from '../validation/schemas.ts';
import { auditLines, type Translate } from './audit-lines.ts';

const PAGE_SIZE = 50;

/** The audit page's filters (and the log's, for those the page splits), each with its label's key under `audit.`. */
const AUDIT_FILTERS: Record<string, string> = {
  clientId: 'client', actor: 'actor', actorId: 'actor', actorKind: 'actor', entryId: 'entry', action: 'action', from: 'from', to: 'to',
};

/** The filters as the page's query string gives them: `actor` is `admin:<id>` or `client:<id>`, as the picker keys people. */
export interface AuditPageParams {
  clientId?: string;
  actor?: string;
  entryId?: string;
  action?: string;
  from?: string;
  to?: string;
  beforeSeq?: string;
}

/**
 * The audit page: a page of sentences, newest first, filtered by client,
 * person and entry (each chosen by name in a picker, shown by name once
 * chosen), action and days; the next page by keyset; and the same filters'
 * CSV. A filter the log cannot take comes back on the page, named, not as an
 * error page.
 */
export async function auditPageModel(
  lk: Latchkey, actor: AdminActor, params: Readonly<Record<string, string>>, t: Translate,
  urls: { page: (query: Record<string, string>) => string; csv: (query: Record<string, string>) => string },
) {
  const given: AuditPageParams = {
    clientId: params.clientId || undefined, actor: params.actor || undefined, entryId: params.entryId || undefined,
    action: params.action || undefined, from: params.from || undefined, to: params.to || undefined,
  };
  const beforeSeq = params.beforeSeq ? Number.parseInt(params.beforeSeq, 10) || undefined : undefined;
  let events: AuditEvent[] = [];
  let filter: AuditExportQuery = {};
  let filterProblem: { field: string; labelKey: string; message: string } | null = null;
  try {
    filter = toQuery(given);
    events = await lk.audit.list(actor, { ...filter, ...beforeSeq === undefined ? {} : { beforeSeq }, limit: PAGE_SIZE });
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const problem = err.issues[0]!;
    const field = AUDIT_FILTERS[problem.field] ? problem.field : 'clientId';
    filterProblem = { field: pageField(field), labelKey: `audit.${AUDIT_FILTERS[field]!}`, message: t(`validation.${problem.rule}`, problem.params ?? {}) };
  }
  const [lines, chosen] = await Promise.all([auditLines(lk, actor, events, t), chosenNames(lk, actor, filter, given, t)]);
  const kept = definedOnly(given);
  const last = events.at(-1);
  return {
    filterProblem,
    invalid: Object.fromEntries(['clientId', 'actor', 'entryId', 'action', 'from', 'to'].map((f) => [f, filterProblem?.field === f])),
    filter: { clientId: given.clientId ?? '', actor: given.actor ?? '', entryId: given.entryId ?? '', action: given.action ?? '', from: given.from ?? '', to: given.to ?? '' },
    chosen,
    actions: AUDIT_ACTIONS.map((a) => ({ action: a, selected: a === given.action })),
    lines: lines.map((line) => ({ seq: line.event.seq, at: line.event.at, sentence: line.sentence, ip: line.event.ip ?? '', action: line.event.action })),
    older: events.length === PAGE_SIZE && last ? urls.page({ ...kept, beforeSeq: String(last.seq) }) : null,
    newest: beforeSeq !== undefined ? urls.page(kept) : null,
    csvUrl: filterProblem ? null : urls.csv(definedOnly(filter)),
  };
}

/** The page's filters as the log's query: `actor` split into kind and id. */
export function toQuery(given: AuditPageParams): AuditExportQuery {
  const query: AuditExportQuery = {};
  if (given.clientId) query.clientId = given.clientId;
  if (given.entryId) query.entryId = given.entryId;
  if (given.action) query.action = given.action;
  if (given.from) query.from = given.from;
  if (given.to) query.to = given.to;
  if (given.actor) {
    const at = given.actor.indexOf(':');
    const kind = at > 0 ? given.actor.slice(0, at) : '';
    if (kind === 'admin' || kind === 'client') {
      query.actorKind = kind;
      query.actorId = given.actor.slice(at + 1);
    } else {
      throw new ValidationError([issue('actor', 'invalid')]);
    }
  }
  return query;
}

/** The names the pickers show for what is chosen: a filter is never shown as a raw id when the name is known. */
async function chosenNames(lk: Latchkey, actor: AdminActor, query: AuditExportQuery, given: AuditPageParams, t: Translate) {
  const adminId = query.actorKind === 'admin' ? query.actorId : undefined;
  const clientId = query.clientId === undefined ? undefined : String(query.clientId);
  const clientIds = [clientId, query.actorKind === 'client' ? query.actorId : undefined].filter((id): id is string => id !== undefined);
  const [admins, clients, subjects] = await Promise.all([
    adminId ? lk.host.admins([adminId]) : Promise.resolve(new Map<string, { name: string }>()),
    clientIds.length > 0 ? lk.host.clients(clientIds) : Promise.resolve(new Map<string, { name: string }>()),
    query.entryId ? lk.audit.subjectNames(actor, { entryIds: [query.entryId], categoryIds: [] }) : null,
  ]);
  const actorName = adminId ? admins.get(adminId)?.name ?? t('auditLine.goneAdmin', { id: adminId })
    : query.actorKind === 'client' && query.actorId ? clients.get(query.actorId)?.name ?? t('auditLine.goneClient', { id: query.actorId }) : given.actor ?? '';
  return {
    client: clientId ? clients.get(clientId)?.name ?? t('auditLine.goneClient', { id: clientId }) : '',
    actor: actorName,
    entry: query.entryId ? subjects?.entries.get(query.entryId) ?? t('auditLine.goneEntry') : '',
  };
}

/** The page's field a log field is typed in. */
function pageField(field: string): string {
  return field === 'actorId' || field === 'actorKind' ? 'actor' : field;
}

function definedOnly(filter: object): Record<string, string> {
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)]));
}
