import { ContactLanguages } from './contact-languages.ts';
import { createHash, randomBytes } from 'node:crypto';
import type { Actor } from '../domain/actor.ts';
import type { VaultSettings } from '../domain/settings.ts';
import { composeMail, type ComposedMail, type MailFacts } from '../mail/mail-composer.ts';
import { entryLinkFor, type EntryLinks } from '../mail/entry-links.ts';
import { MailRefusedError, type MailMessage, type Mailer } from '../ports/mailer.ts';
import type { Renderer } from '../render/renderer.ts';
import { DatabaseUnavailableError, HostUnavailableError, NotFoundError } from '../errors.ts';
import type { Knex } from 'knex';
import type { VaultContext } from './context.ts';
import type { EntryService } from './entry-service.ts';
import type { OutboxPayload, Recipient } from './mail-outbox.ts';
import { serviceEndedFacts } from './service-lifecycle.ts';
import { canDo } from '../policy/access-policy.ts';
import { personName } from './person-names.ts';

/** How long a worker's claim on a batch holds by default; SmtpMailer derives its timeouts from it. */
export const DEFAULT_MAIL_LEASE_MS = 60_000;

export interface DispatchOptions {
  /** Names this worker in its claims (default: random). */
  workerId?: string;
  /** Rows claimed at a time. */
  batchSize?: number;
  /**
   * How long a claim holds; a worker that dies leaves its claims to expire. A
   * batch that runs long renews the claims of its rows still to go, but one
   * send that outlasts the whole lease may be sent again by another worker:
   * give an SmtpMailer the same `leaseMs`, which keeps its timeouts under it.
   */
  leaseMs?: number;
  /**
   * After this many failed attempts a message is marked failed and kept for
   * inspection. A message the server refused for good (MailRefusedError, an
   * SMTP 5xx) is marked failed at its first attempt.
   */
  maxAttempts?: number;
  /**
   * Days a sent or dropped message stays in the outbox (default 30), for
   * "was it sent?" questions; then a drain deletes it. Failed ones stay until
   * someone looks. Nothing is sent twice for it: reminders are due again only
   * when the entry's next reminder time comes round.
   */
  keepSentDays?: number;
  /** Where the host shows an entry: each reminder links to it, for staff and for clients (see EntryLinks). */
  entryLinks?: EntryLinks;
}

interface OutboxRow {
  id: number | string;
  payload: string;
  attempts: number;
  dedupe_key: string;
}

/** The rows one batch claimed, those it still holds, and until when its claims hold unless renewed. */
interface Claim {
  rows: OutboxRow[];
  held: Set<number | string>;
  until: number;
}

export interface DispatchResult {
  sent: number;
  failed: number;
  dropped: number;
}

/**
 * Sends what the outbox holds, after the changes that wrote it committed.
 * Workers claim rows (MySQL: `FOR UPDATE SKIP LOCKED`, so several app
 * instances never take the same row; SQLite: one writer, a lease), send each
 * message, and mark it sent at once. A failure keeps the row with its error
 * and retries it later with exponential backoff.
 */
export class OutboxDispatcher {
  readonly #worker: string;
  readonly #batch: number;
  readonly #leaseMs: number;
  readonly #maxAttempts: number;
  readonly #keepSentMs: number;
  readonly #entryLinks: EntryLinks | undefined;

  constructor(
    private readonly ctx: VaultContext,
    private readonly entries: EntryService,
    private readonly renderer: Renderer,
    private readonly mailer: Mailer,
    options: DispatchOptions = {},
    private readonly languages: ContactLanguages = new ContactLanguages(ctx),
  ) {
    this.#worker = options.workerId ?? `w-${randomBytes(6).toString('hex')}`;
    this.#batch = options.batchSize ?? 50;
    this.#leaseMs = options.leaseMs ?? DEFAULT_MAIL_LEASE_MS;
    this.#maxAttempts = options.maxAttempts ?? 20;
    this.#keepSentMs = (options.keepSentDays ?? 30) * 86_400_000;
    this.#entryLinks = options.entryLinks;
  }

  /** Claims and sends batches until nothing is due. */
  async drain(): Promise<DispatchResult> {
    const total: DispatchResult = { sent: 0, failed: 0, dropped: 0 };
    for (let skipped = 0; ;) {
      const { result, claimed } = await this.batch();
      total.sent += result.sent;
      total.failed += result.failed;
      total.dropped += result.dropped;
      skipped = claimed === 0 ? skipped + 1 : 0;
      // Bounded, so a claim transaction that hangs elsewhere cannot keep this run spinning.
      if (claimed === 0 && (skipped > 50 || !(await this.othersClaiming()))) break;
    }
    await this.purgeSent();
    return total;
  }

  /** Deletes sent and dropped messages older than `keepSentDays`, a thousand at a time so no delete holds locks long. */
  private async purgeSent(): Promise<void> {
    const t = this.ctx.tables;
    const before = this.ctx.now() - this.#keepSentMs;
    await this.ctx.guard(async () => {
      for (;;) {
        const ids = (await this.ctx.knex(t.outbox).select('id').whereIn('status', ['sent', 'dropped'])
          .where('sent_at', '<', before).orderBy('id').limit(1000) as Array<{ id: number | string }>).map((r) => r.id);
        if (ids.length === 0) return;
        await this.ctx.knex(t.outbox).whereIn('id', ids).whereIn('status', ['sent', 'dropped']).delete();
        if (ids.length < 1000) return;
      }
    });
  }

  /**
   * A claim that skipped every due row (MySQL's SKIP LOCKED passes over rows
   * other workers are claiming in that instant) is not an empty outbox: while a
   * plain read still sees unclaimed due rows, wait a moment and claim again,
   * so no worker gives up while there is work it could share.
   */
  private async othersClaiming(): Promise<boolean> {
    if (this.ctx.dialect !== 'mysql') return false;
    const due = await this.ctx.guard(async () => await this.claimable(this.ctx.knex(this.ctx.tables.outbox).select('id'), this.ctx.now()).first());
    if (due === undefined) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
    return true;
  }

  private claimable<Q extends Knex.QueryBuilder>(query: Q, now: number): Q {
    return query.where('status', 'pending').where('next_attempt_at', '<=', now)
      .where((free) => free.whereNull('claimed_until').orWhere('claimed_until', '<', now)) as Q;
  }

  async runOnce(): Promise<DispatchResult> {
    return (await this.batch()).result;
  }

  private async batch(): Promise<{ result: DispatchResult; claimed: number }> {
    return this.ctx.guard(async () => {
      const claim = await this.claim();
      const result: DispatchResult = { sent: 0, failed: 0, dropped: 0 };
      if (claim.rows.length === 0) return { result, claimed: 0 };
      const settings = await this.ctx.settings();
      try {
        for (const [index, row] of claim.rows.entries()) {
          if (claim.until - this.ctx.now() < this.#leaseMs / 2) await this.renew(claim, index);
          // A row another worker took over (the lease ran out first) is its now: leave it alone.
          if (!claim.held.has(row.id)) continue;
          const outcome = await this.deliver(row, settings);
          if (outcome !== 'lost') result[outcome] += 1;
        }
      } catch (err) {
        // The host is away: give the rest back at once, so the next run (the cron's retry) can take them.
        if (err instanceof HostUnavailableError) await this.release();
        throw err;
      }
      return { result, claimed: claim.rows.length };
    });
  }

  private async claim(): Promise<Claim> {
    const t = this.ctx.tables;
    const now = this.ctx.now();
    const claimable = <Q extends Knex.QueryBuilder>(q: Q) => this.claimable(q, now);
    const until = now + this.#leaseMs;
    const ids = await this.ctx.knex.transaction(async (trx) => {
      // In the order of the due index, so a locking read stops after one batch
      // (ordered by id alone it sorts, and locks, every due row first).
      let pick = claimable(trx(t.outbox).select('id')).orderBy([{ column: 'next_attempt_at' }, { column: 'id' }]).limit(this.#batch);
      if (this.ctx.dialect === 'mysql') pick = pick.forUpdate().skipLocked();
      const found = (await pick as Array<{ id: number | string }>).map((r) => r.id);
      if (found.length > 0) {
        await claimable(trx(t.outbox).whereIn('id', found)).update({ claimed_by: this.#worker, claimed_until: until });
      }
      return found;
    });
    if (ids.length === 0) return { rows: [], held: new Set(), until };
    const rows = await this.ctx.knex(t.outbox).select('id', 'payload', 'attempts', 'dedupe_key')
      .whereIn('id', ids).where('claimed_by', this.#worker).orderBy('id') as OutboxRow[];
    return { rows, held: new Set(rows.map((r) => r.id)), until };
  }

  /**
   * A batch can outlast its lease (a slow server, a stalled connection), and
   * once the lease is over another worker may claim and send the rest of it.
   * So once less than half the lease is left, the claims on the rows still to
   * go are renewed, and any that another worker took meanwhile are dropped
   * from this batch. (Until then nobody else can hold them.)
   */
  private async renew(claim: Claim, from: number): Promise<void> {
    const t = this.ctx.tables;
    const until = this.ctx.now() + this.#leaseMs;
    const rest = claim.rows.slice(from).map((r) => r.id).filter((id) => claim.held.has(id));
    const stillMine = () => this.ctx.knex(t.outbox).whereIn('id', rest).where({ claimed_by: this.#worker, status: 'pending' });
    await stillMine().update({ claimed_until: until });
    const held = await stillMine().select('id') as Array<{ id: number | string }>;
    claim.held = new Set(held.map((r) => r.id));
    claim.until = until;
  }

  /** Sends one row; 'lost' when it could not be sent and another worker holds it by now (nothing written). */
  private async deliver(row: OutboxRow, settings: VaultSettings): Promise<keyof DispatchResult | 'lost'> {
    const t = this.ctx.tables;
    const mine = () => this.ctx.knex(t.outbox).where({ id: row.id, claimed_by: this.#worker });
    let composed;
    try {
      composed = await this.compose(JSON.parse(row.payload) as OutboxPayload, row, settings);
    } catch (err) {
      // Nobody's mail can be made while the database or the host is away: stop the run, spend no attempts.
      if (err instanceof DatabaseUnavailableError || err instanceof HostUnavailableError) throw err;
      // A message that cannot be made (a key missing from the keyring, a broken payload) fails
      // alone, with its error, like a refused send: it must not hold up every message after it.
      if (!(err instanceof NotFoundError)) return this.failed(row, err, []);
      composed = null;
    }
    if (composed === null) {
      // The entry is gone, or the recipient may no longer see it, or has no address.
      const dropped = await mine().update({ status: 'dropped', claimed_by: null, claimed_until: null, sent_at: this.ctx.now() });
      return dropped === 0 ? 'lost' : 'dropped';
    }
    try {
      await this.mailer.send(composed.message);
    } catch (err) {
      // A host that sends the mail itself (WHMCS) and does not answer: no attempt spent, the run stops.
      if (err instanceof HostUnavailableError) throw err;
      return this.failed(row, err, composed.secrets);
    }
    await mine().update({ status: 'sent', sent_at: this.ctx.now(), claimed_by: null, claimed_until: null, last_error: null });
    return 'sent';
  }

  /** Gives back every row this worker still holds, unsent and with no attempt counted. */
  private async release(): Promise<void> {
    await this.ctx.knex(this.ctx.tables.outbox).where({ claimed_by: this.#worker, status: 'pending' })
      .update({ claimed_by: null, claimed_until: null });
  }

  /**
   * Keeps the row with its error for a later attempt (exponential backoff), or
   * marks it failed (its time then says when) after the last attempt, or at
   * once when the server refused it for good. The error is kept for admins, so
   * the secrets the message carried are cut out of it first.
   */
  private async failed(row: OutboxRow, err: unknown, secrets: readonly string[]): Promise<'failed' | 'lost'> {
    const attempts = row.attempts + 1;
    const backoff = Math.min(6 * 3_600_000, 30_000 * 2 ** Math.min(attempts - 1, 16));
    const final = err instanceof MailRefusedError || attempts >= this.#maxAttempts;
    const recorded = await this.ctx.knex(this.ctx.tables.outbox).where({ id: row.id, claimed_by: this.#worker }).update({
      attempts,
      status: final ? 'failed' : 'pending',
      last_error: describeFailure(err, secrets),
      next_attempt_at: this.ctx.now() + (final ? 0 : backoff),
      claimed_by: null,
      claimed_until: null,
    });
    return recorded === 0 ? 'lost' : 'failed';
  }

  /** The message, and the secrets it carries (none, or the new password of a change notice). */
  private async compose(payload: OutboxPayload, row: OutboxRow, settings: VaultSettings): Promise<{ message: MailMessage; secrets: string[] } | null> {
    const person = await this.recipient(payload.recipient);
    if (!person?.email) return null;
    if (payload.kind === 'service_ended') {
      const ended = await serviceEndedFacts(this.ctx, this.entries, payload, person);
      return ended && this.message(composeMail(this.renderer, settings, ended), person, payload.recipient, row, []);
    }
    if (payload.kind === 'security_alert' || payload.kind === 'access_review') {
      // Only to someone who still runs the addon when the mail goes out.
      const { facts: now, settings: current } = await this.ctx.decisionInputs(person.actor);
      if (!canDo(now, 'changeSettings', current)) return null;
      const facts: MailFacts = {
        kind: payload.kind, language: person.language, recipientName: person.name, entryName: '', clientName: null, loginUrl: null,
        ...payload.kind === 'access_review'
          ? { days: payload.days }
          : { alert: { rule: payload.rule, personName: await personName(this.ctx.host, payload.person), details: payload.details } },
      };
      return this.message(composeMail(this.renderer, settings, facts), person, payload.recipient, row, []);
    }
    const actor = person.actor;
    // Mail only about what the recipient may see now: a revoked grant stops reminders too.
    const entry = await this.entries.get(actor, payload.entryId);
    // A change of a password the recipient may not see (hidden from the client) is not news to it.
    if (payload.kind === 'password_changed' && !entry.hasPassword) return null;
    const facts: MailFacts = {
      kind: payload.kind,
      language: person.language,
      recipientName: person.name,
      entryName: entry.name,
      clientName: entry.clientId ? (await this.ctx.host.clients([entry.clientId])).get(entry.clientId)?.name ?? null : null,
      loginUrl: entry.loginUrl ?? entry.websiteUrl,
      days: payload.days,
      ...payload.kind === 'reminder' ? { entryUrl: entryLinkFor(this.#entryLinks, payload.recipient.kind, { id: entry.id, clientId: entry.clientId }) } : {},
      ...payload.restoredVersion === undefined ? {} : { restoredVersion: payload.restoredVersion },
    };
    if (payload.kind === 'password_changed' && settings.includePasswordInChangeMail && entry.hasPassword) {
      const changedSince = payload.passwordChangedAt !== undefined && entry.passwordChangedAt?.getTime() !== payload.passwordChangedAt;
      if (changedSince) facts.passwordChangedAgain = true;
      else facts.newPassword = (await this.entries.reveal({ ...actor, origin: { userAgent: 'latchkey mail' } }, entry.id)).password?.expose();
    }
    const secrets = facts.newPassword ? [facts.newPassword] : [];
    return this.message(composeMail(this.renderer, settings, facts), person, payload.recipient, row, secrets);
  }

  private message(
    mail: ComposedMail, person: { name: string; email: string }, recipient: Recipient, row: OutboxRow, secrets: string[],
  ): { message: MailMessage; secrets: string[] } {
    const digest = createHash('sha256').update(row.dedupe_key).digest('hex').slice(0, 32);
    return {
      message: {
        to: person.email, toName: person.name, recipient,
        subject: mail.subject, html: mail.html, text: mail.text, messageId: `<${digest}@latchkey>`,
      },
      secrets,
    };
  }

  /** Who gets the mail, and the same person as an actor, so the policy decides what mail it may get. */
  private async recipient(r: Recipient): Promise<{ name: string; email: string; language: string | null; actor: Actor } | null> {
    const host = this.ctx.host;
    if (r.kind === 'admin') {
      const admin = (await host.admins([r.id])).get(r.id);
      return admin && !admin.disabled
        ? { name: admin.name, email: admin.email, language: admin.language, actor: { kind: 'admin', adminId: admin.id } } : null;
    }
    if (r.kind === 'client') {
      const [client, chosen] = await Promise.all([host.clients([r.id]).then((found) => found.get(r.id)), this.languages.of({ clientId: r.id })]);
      return client
        ? { name: client.name, email: client.email, language: chosen ?? client.language, actor: { kind: 'client', clientId: client.id } } : null;
    }
    const contact = (await host.contacts([r.id])).get(r.id);
    if (!contact) return null;
    const [client, chosen] = await Promise.all([
      host.clients([contact.clientId]).then((found) => found.get(contact.clientId)),
      this.languages.of({ clientId: contact.clientId, contactId: contact.id }),
    ]);
    return {
      name: contact.name, email: contact.email, language: chosen ?? client?.language ?? null,
      actor: { kind: 'client', clientId: contact.clientId, contactId: contact.id },
    };
  }
}

/** The longest error kept for an outbox row: enough for the reason, too short to carry a quoted message. */
const FAILURE_CHARS = 200;

/**
 * One line for the outbox row and the admins' dashboard: the server's answer
 * for a refusal, the error's code and message otherwise. Any secret the
 * message carried is cut out first (a server may quote what it was sent, and
 * cutting the line short first could leave half a password), then control
 * characters are flattened and the line is cut to 200 characters.
 */
function describeFailure(err: unknown, secrets: readonly string[]): string {
  const e = err as { code?: string; responseCode?: number; message?: string };
  const parts = [e?.code, e?.responseCode].filter(Boolean).join(' ');
  let text = err instanceof MailRefusedError ? err.answer : `${parts} ${String(e?.message ?? err)}`;
  for (const secret of secrets) if (secret !== '') text = text.split(secret).join('[secret]');
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/ {2,}/g, ' ').trim();
  return line.length > FAILURE_CHARS ? `${line.slice(0, FAILURE_CHARS - 1)}…` : line;
}
