import type { Knex } from 'knex';
import type { Actor } from '../domain/actor.ts';
import type { EntryRow } from '../store/entry-rows.ts';
import type { VaultContext } from './context.ts';

/** The mails about one entry, whose text admins may write on the settings page. */
export type MailKind = 'reminder' | 'password_changed';
/** Every mail the outbox carries: those above, and the notice that a service ended (Latchkey's own text). */
export type OutboxMailKind = MailKind | 'service_ended' | 'security_alert' | 'access_review';
export type RecipientKind = 'admin' | 'client' | 'contact';

export interface Recipient {
  kind: RecipientKind;
  id: string;
}

/** What an outbox row asks the dispatcher to compose; rendered at send time, in the recipient's language. */
export type OutboxPayload = EntryMailPayload | ServiceEndedPayload | SecurityAlertPayload | AccessReviewPayload;

/** A mail about one entry: its rotation reminder or a change notice. */
export interface EntryMailPayload {
  kind: MailKind;
  entryId: string;
  recipient: Recipient;
  /** reminder: how old the password is, in days. */
  days?: number;
  /**
   * password_changed: when the password this notice is about was set (ms). If
   * it has changed again by the time the mail goes out, the mail does not
   * carry a password: it would be the later one, which its own notice carries.
   */
  passwordChangedAt?: number;
  /** password_changed: the history version the password was set back to, when it was a restore. */
  restoredVersion?: number;
}

/**
 * The host terminated a service: the addon manager is asked to rotate the
 * staff-held entries linked to it. Which entries is read at send time, as the
 * recipient may see them then; the service's name is kept from the moment it
 * ended, since a host may forget a terminated service.
 */
export interface ServiceEndedPayload {
  kind: 'service_ended';
  serviceId: string;
  serviceName: string;
  clientId: string;
  recipient: Recipient;
}

/** A security alert for an addon runner: the rule, whom it names, and its counts (never a secret). */
export interface SecurityAlertPayload {
  kind: 'security_alert';
  alertId: string;
  rule: string;
  person: string;
  details: Record<string, string | number | null>;
  recipient: Recipient;
}

/** The reminder that an access review is due, `days` after the last one. */
export interface AccessReviewPayload {
  kind: 'access_review';
  days: number;
  recipient: Recipient;
}

/** Who receives mail for an actor: an admin, a client account, or one contact. */
export function recipientOf(actor: Actor): Recipient | null {
  switch (actor.kind) {
    case 'admin': return { kind: 'admin', id: actor.adminId };
    case 'client': return actor.contactId ? { kind: 'contact', id: actor.contactId } : { kind: 'client', id: actor.clientId };
    case 'system': return null;
  }
}

function ownerOf(row: Pick<EntryRow, 'owner_kind' | 'owner_id'>): Recipient {
  return { kind: row.owner_kind, id: row.owner_id };
}

async function watchersOf(trx: Knex.Transaction, ctx: VaultContext, entryId: string): Promise<Recipient[]> {
  return (await watchersOfEntries(trx, ctx, [entryId])).get(entryId) ?? [];
}

/** Watchers of several entries in one query, by entry id. */
async function watchersOfEntries(trx: Knex.Transaction, ctx: VaultContext, entryIds: string[]): Promise<Map<string, Recipient[]>> {
  const rows = await trx(ctx.tables.watchers).select('entry_id', 'principal_kind', 'principal_id').whereIn('entry_id', entryIds) as
    Array<{ entry_id: string; principal_kind: RecipientKind; principal_id: string }>;
  const byEntry = new Map<string, Recipient[]>();
  for (const r of rows) byEntry.set(r.entry_id, [...byEntry.get(r.entry_id) ?? [], { kind: r.principal_kind, id: r.principal_id }]);
  return byEntry;
}

function unique(recipients: Recipient[]): Recipient[] {
  const seen = new Map(recipients.map((r) => [`${r.kind}:${r.id}`, r]));
  return [...seen.values()];
}

/**
 * Writes one outbox row per recipient in the caller's transaction, so the mail
 * exists exactly when the change that causes it commits. The dedupe key makes
 * a second enqueue of the same message a no-op.
 */
async function enqueue(trx: Knex.Transaction, ctx: VaultContext, dedupePrefix: string, payloads: OutboxPayload[]): Promise<number> {
  return enqueueMany(trx, ctx, payloads.map((payload) => ({ dedupePrefix, payload })));
}

/** Rows inserted per statement: SQLite allows some thousands of bound values per statement. */
const INSERT_CHUNK = 100;

async function enqueueMany(trx: Knex.Transaction, ctx: VaultContext, items: Array<{ dedupePrefix: string; payload: OutboxPayload }>): Promise<number> {
  if (items.length === 0) return 0;
  const now = ctx.now();
  const rows = items.map(({ dedupePrefix, payload: p }) => ({
    dedupe_key: `${dedupePrefix}:${p.recipient.kind}:${p.recipient.id}`.slice(0, 191),
    kind: p.kind,
    entry_id: 'entryId' in p ? p.entryId : null,
    recipient_kind: p.recipient.kind,
    recipient_id: p.recipient.id,
    payload: JSON.stringify(p),
    status: 'pending',
    attempts: 0,
    next_attempt_at: now,
    created_at: now,
  }));
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await trx(ctx.tables.outbox).insert(rows.slice(i, i + INSERT_CHUNK)).onConflict('dedupe_key').ignore();
  }
  return rows.length;
}

/** A changed password: the owner if it asked, and everyone watching the entry, except whoever made the change. */
export async function enqueueChangeNotices(
  trx: Knex.Transaction, ctx: VaultContext, row: EntryRow, actor: Actor, restoredVersion?: number,
): Promise<void> {
  const changer = recipientOf(actor);
  const recipients = unique([...(row.notify_on_change ? [ownerOf(row)] : []), ...await watchersOf(trx, ctx, row.id)])
    .filter((r) => !(changer && r.kind === changer.kind && r.id === changer.id));
  await enqueue(trx, ctx, `changed:${row.id}:${row.version}`, recipients.map((recipient) => ({
    kind: 'password_changed', entryId: row.id, recipient,
    ...(row.password_changed_at === null ? {} : { passwordChangedAt: Number(row.password_changed_at) }),
    ...(restoredVersion === undefined ? {} : { restoredVersion }),
  })));
}

/** One entry's due reminder: which entry, the due time it was reminded for, and how old its password is. */
export interface DueReminder {
  row: Pick<EntryRow, 'id' | 'owner_kind' | 'owner_id'>;
  dueAt: number;
  days: number;
}

/**
 * Due reminders: for each entry its owner and everyone watching it, once per
 * due date; one query for the watchers of them all and few inserts.
 */
export async function enqueueReminders(trx: Knex.Transaction, ctx: VaultContext, due: readonly DueReminder[]): Promise<number> {
  if (due.length === 0) return 0;
  const watchers = await watchersOfEntries(trx, ctx, due.map((d) => d.row.id));
  return enqueueMany(trx, ctx, due.flatMap(({ row, dueAt, days }) =>
    unique([ownerOf(row), ...watchers.get(row.id) ?? []]).map((recipient) => ({
      dedupePrefix: `reminder:${row.id}:${dueAt}`,
      payload: { kind: 'reminder' as const, entryId: row.id, recipient, days },
    }))));
}

/** One service-ended notice per recipient, written in the transaction that records the termination. */
export async function enqueueServiceEnded(
  trx: Knex.Transaction, ctx: VaultContext, service: { id: string; name: string; clientId: string }, recipients: readonly Recipient[],
): Promise<number> {
  return enqueue(trx, ctx, `service_ended:${service.id}:${ctx.now()}`, unique([...recipients]).map((recipient) => ({
    kind: 'service_ended', serviceId: service.id, serviceName: service.name, clientId: service.clientId, recipient,
  })));
}

/** One mail per addon runner for an alert, in the transaction that raises it. */
export async function enqueueSecurityAlert(
  trx: Knex.Transaction, ctx: VaultContext, alert: { id: string; rule: string; person: string; details: SecurityAlertPayload['details'] }, recipients: readonly Recipient[],
): Promise<number> {
  return enqueue(trx, ctx, `alert:${alert.id}`, unique([...recipients]).map((recipient) => ({
    kind: 'security_alert', alertId: alert.id, rule: alert.rule, person: alert.person, details: alert.details, recipient,
  })));
}

/** The review reminder for each addon runner; `dedupe` names the period it is for, so a period reminds once. */
export async function enqueueAccessReview(trx: Knex.Transaction, ctx: VaultContext, dedupe: string, days: number, recipients: readonly Recipient[]): Promise<number> {
  return enqueue(trx, ctx, `access_review:${dedupe}`, unique([...recipients]).map((recipient) => ({ kind: 'access_review', days, recipient })));
}
