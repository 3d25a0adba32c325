import type { Actor } from '../domain/actor.ts';
import { spreadsheetCsv } from '../import/csv-cells.ts';
import type { Latchkey } from '../latchkey.ts';
import { auditExportQuerySchema, type AuditExportQuery } from '../validation/schemas.ts';
import { validate } from '../validation/validate.ts';
import { auditLines, type AuditLine, type Translate } from './audit-lines.ts';

/** Most events one CSV holds: a narrower filter (days, a client) gets the rest. */
export const AUDIT_CSV_MAX_EVENTS = 50_000;
/** Events read, and named, at a time: one page of the log and a few bulk look-ups each. */
const BATCH = 500;

export const AUDIT_CSV_COLUMNS = ['seq', 'time', 'action', 'sentence', 'actor', 'actorId', 'client', 'clientId', 'entry', 'entryId', 'place', 'ip'] as const;

/**
 * The audit events the filters match, newest first, as spreadsheet-safe CSV:
 * the sentence the page shows, then machine columns (ISO time, action, ids,
 * place, IP). Read a batch at a time down the log's indexes, as the page is;
 * at most AUDIT_CSV_MAX_EVENTS. Headers in the reader's language.
 */
export async function auditCsv(lk: Latchkey, actor: Actor, query: AuditExportQuery, t: Translate): Promise<string> {
  const filters = validate(auditExportQuerySchema, query);
  const rows: string[][] = [];
  let beforeSeq: number | undefined;
  for (;;) {
    const limit = Math.min(BATCH, AUDIT_CSV_MAX_EVENTS - rows.length);
    const events = await lk.audit.list(actor, { ...filters, ...beforeSeq === undefined ? {} : { beforeSeq }, limit });
    for (const line of await auditLines(lk, actor, events, t)) rows.push(csvRow(line));
    if (events.length < limit || rows.length >= AUDIT_CSV_MAX_EVENTS) break;
    beforeSeq = events.at(-1)!.seq;
  }
  return spreadsheetCsv(AUDIT_CSV_COLUMNS.map((c) => t(`auditCsv.${c}`)), rows);
}

function csvRow(line: AuditLine): string[] {
  const e = line.event;
  const place = typeof e.details?.place === 'string' ? e.details.place : '';
  const ticket = typeof e.details?.ticketId === 'string' ? e.details.ticketId : '';
  return [
    String(e.seq), e.at.toISOString(), e.action, line.sentence,
    line.actorName, e.actor.id === null ? e.actor.kind : `${e.actor.kind}:${e.actor.id}`,
    line.clientName, e.clientId ?? '', line.entryName, e.entryId ?? '',
    ticket ? `${place}#${ticket}` : place, e.ip ?? '',
  ];
}
