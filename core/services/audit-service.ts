import { z } from 'zod';
import type { Actor } from '../domain/actor.ts';
import { AuditTrailBrokenError, ForbiddenError } from '../errors.ts';
import { canDo } from '../policy/access-policy.ts';
import { toDate } from '../store/entry-rows.ts';
import type { AuditRow } from '../store/audit-log.ts';
import type { HostDirectory } from '../ports/host-directory.ts';
import { auditQuerySchema, type AuditQuery } from '../validation/schemas.ts';
import { textOf } from '../validation/text.ts';
import { validate } from '../validation/validate.ts';
import { sameMac } from '../store/audit-seal.ts';
import type { AuditCheckpoint } from './audit-checkpoint.ts';
import type { VaultContext } from './context.ts';

export interface AuditEvent {
  seq: number;
  at: Date;
  actor: { kind: string; id: string | null };
  action: string;
  entryId: string | null;
  clientId: string | null;
  categoryId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown> | null;
}

/** What `recordAddonChange` writes: which section did what, and to which client if any. */
export interface AddonChange {
  section: string;
  action: string;
  /** The client the change concerns: the audit log's client filter finds it. */
  clientId?: string | null;
  details?: Record<string, string | number | boolean | null>;
}

/** Entry and category names by id, as `subjectNames` found them. */
export interface SubjectNames {
  entries: Map<string, string>;
  categories: Map<string, string>;
}

const DAY_MS = 86_400_000;
/** Longer than any wait for the chain's lock (MySQL gives up on a lock after 50 s by default). */
const SPAN_SLACK_MS = 5 * 60_000;

/** Suggestions an audit picker gets at most. */
export const AUDIT_SUGGESTIONS = 20;

/** An audit picker's query: `?search=<text>`. */
export const auditSearchSchema = z.strictObject({ search: z.string().max(100).superRefine(textOf('line')) });

/** Someone the trail may name, keyed as the audit filter takes them. */
export interface AuditSuggestion {
  id: string;
  name: string;
  kind: 'admin' | 'client';
}

export type AuditVerdict = { ok: true; events: number } | { ok: false; seq: number; reason: string };

export interface AuditVerifyOptions {
  /**
   * Checkpoints kept outside the database (parseAuditCheckpoints reads a
   * file of them): the chain must still hold every one, which finds it cut,
   * emptied or rolled back to before the newest.
   */
  checkpoints?: readonly AuditCheckpoint[];
}

export class AuditService {
  /** `pickerHost`: the directory as pickers ask it (boundedHost), for the actor picker. */
  constructor(private readonly ctx: VaultContext, private readonly pickerHost: HostDirectory) {}

  /** Newest first; page on with `beforeSeq` set to the last seq seen. */
  async list(actor: Actor, query: AuditQuery = {}): Promise<AuditEvent[]> {
    const q = validate(auditQuerySchema, query);
    return this.ctx.guard(async () => {
      const { facts, settings } = await this.ctx.decisionInputs(actor);
      if (!canDo(facts, 'readAudit', settings) && actor.kind !== 'system') throw new ForbiddenError('read the audit log');
      const qb = this.ctx.knex(this.ctx.tables.audit).select('*').orderBy('seq', 'desc').limit(q.limit);
      if (q.clientId !== undefined) qb.where('client_id', q.clientId);
      if (q.entryId !== undefined) qb.where('entry_id', q.entryId);
      if (q.actorKind !== undefined) qb.where('actor_kind', q.actorKind);
      if (q.actorId !== undefined) qb.where('actor_id', q.actorId);
      if (q.action !== undefined) qb.where('action', q.action);
      if (q.beforeSeq !== undefined) qb.where('seq', '<', q.beforeSeq);
      if (q.from !== undefined || q.to !== undefined) {
        const from = q.from === undefined ? null : Date.parse(`${q.from}T00:00:00Z`);
        const until = q.to === undefined ? null : Date.parse(`${q.to}T00:00:00Z`) + DAY_MS;
        const span = await this.seqSpan(from, until);
        if (span.after !== null) qb.where('seq', '>', span.after);
        if (span.before !== null) qb.where('seq', '<', span.before);
        if (from !== null) qb.where('at', '>=', from);
        if (until !== null) qb.where('at', '<', until);
      }
      const rows = await qb as AuditRow[];
      return rows.map((row) => ({
        seq: Number(row.seq),
        at: toDate(row.at),
        actor: { kind: row.actor_kind, id: row.actor_id },
        action: row.action,
        entryId: row.entry_id,
        clientId: row.client_id,
        categoryId: row.category_id,
        ip: row.ip,
        userAgent: row.user_agent,
        details: row.details ? JSON.parse(row.details) as Record<string, unknown> : null,
      }));
    });
  }

  /**
   * The names events point at, as they are now: entries and categories by id,
   * one query each. One that is gone is missing from its map (the event's own
   * details may still name it). For whoever may read the trail.
   */
  async subjectNames(actor: Actor, ids: { entryIds: readonly string[]; categoryIds: readonly string[] }): Promise<SubjectNames> {
    return this.ctx.guard(async () => {
      await this.requireReader(actor);
      const entryIds = [...new Set(ids.entryIds)];
      const categoryIds = [...new Set(ids.categoryIds)];
      const t = this.ctx.tables;
      const [entries, categories] = await Promise.all([
        entryIds.length === 0 ? [] : this.ctx.knex(t.entries).select('id', 'name').whereIn('id', entryIds) as Promise<Array<{ id: string; name: string }>>,
        categoryIds.length === 0 ? [] : this.ctx.knex(t.categories).select('id', 'name').whereIn('id', categoryIds) as Promise<Array<{ id: string; name: string }>>,
      ]);
      return { entries: new Map(entries.map((r) => [r.id, r.name])), categories: new Map(categories.map((r) => [r.id, r.name])) };
    });
  }

  /**
   * Who the trail may name, by part of their name (or a client's email), for
   * the audit page's actor picker: staff first, then clients, at most
   * `AUDIT_SUGGESTIONS` in all, each keyed as the audit filter takes it
   * (`admin:<id>`, `client:<id>`). Fewer than two characters answer none.
   */
  async findActors(actor: Actor, query: unknown): Promise<AuditSuggestion[]> {
    const { search } = validate(auditSearchSchema, query);
    return this.ctx.guard(async () => {
      await this.requireReader(actor);
      const text = search.trim().toLowerCase();
      if (text.length < 2) return [];
      const [admins, clients] = await Promise.all([this.pickerHost.allAdmins(), this.pickerHost.findClients(text, AUDIT_SUGGESTIONS)]);
      const staff = admins.filter((a) => a.name.toLowerCase().includes(text) || a.email.toLowerCase().includes(text))
        .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
        .map((a) => ({ id: `admin:${a.id}`, name: a.name, kind: 'admin' as const }));
      return [...staff, ...clients.map((c) => ({ id: `client:${c.id}`, name: c.name, kind: 'client' as const }))].slice(0, AUDIT_SUGGESTIONS);
    });
  }

  /**
   * Entries by part of their name, for the audit page's entry picker: ids and
   * names only (what the trail already shows its readers), at most
   * `AUDIT_SUGGESTIONS`, by name. Fewer than two characters answer none.
   */
  async findEntries(actor: Actor, query: unknown): Promise<Array<{ id: string; name: string; clientId: string | null }>> {
    const { search } = validate(auditSearchSchema, query);
    return this.ctx.guard(async () => {
      await this.requireReader(actor);
      const text = search.trim();
      if (text.length < 2) return [];
      // '!' as the escape character: a backslash means something else to MySQL and to SQLite.
      const pattern = `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
      return await this.ctx.knex(this.ctx.tables.entries).select('id', 'name', { clientId: 'client_id' })
        .whereRaw(`name LIKE ? ESCAPE '!'`, [pattern])
        .orderBy([{ column: 'name' }, { column: 'id' }]).limit(AUDIT_SUGGESTIONS) as Array<{ id: string; name: string; clientId: string | null }>;
    });
  }

  /**
   * Bounds of the sequence numbers of a span of time, by at most one probe
   * each down the time index. One lock orders every append, but each event is
   * stamped as it asks for the lock, so two events can be stamped out of
   * order by as long as a wait for the lock lasts (under SPAN_SLACK_MS): every
   * event of the span comes after the last one stamped SPAN_SLACK_MS before
   * it starts, and before the first one stamped SPAN_SLACK_MS after it ends.
   * The caller keeps the time condition: the bounds only narrow the walk.
   */
  private async seqSpan(from: number | null, until: number | null): Promise<{ after: number | null; before: number | null }> {
    const t = this.ctx.tables.audit;
    const seqOf = (row: { seq: number | string } | undefined) => row === undefined ? null : Number(row.seq);
    const [earlier, later] = await Promise.all([
      from === null ? undefined : this.ctx.knex(t).first('seq').where('at', '<', from - SPAN_SLACK_MS)
        .orderBy([{ column: 'at', order: 'desc' }, { column: 'seq', order: 'desc' }]) as Promise<{ seq: number | string } | undefined>,
      until === null ? undefined : this.ctx.knex(t).first('seq').where('at', '>=', until + SPAN_SLACK_MS)
        .orderBy([{ column: 'at', order: 'asc' }, { column: 'seq', order: 'asc' }]) as Promise<{ seq: number | string } | undefined>,
    ]);
    // No event before the span: it starts with the log; none after: it runs to the log's end.
    return { after: from === null ? null : seqOf(earlier) ?? 0, before: until === null ? null : seqOf(later) ?? Number.MAX_SAFE_INTEGER };
  }

  private async requireReader(actor: Actor): Promise<void> {
    const { facts, settings } = await this.ctx.decisionInputs(actor);
    if (!canDo(facts, 'readAudit', settings) && actor.kind !== 'system') throw new ForbiddenError('read the audit log');
  }

  /**
   * Records, as `addon.change`, a change an addon section made outside
   * Latchkey's own tables (a link in an adapter's mapping, say): `section` and
   * `action` name it, `details` say what changed and must never hold a secret.
   * Only for admins who may run the addon.
   */
  async recordAddonChange(actor: Actor, change: AddonChange): Promise<void> {
    return this.ctx.guard(async () => {
      const { facts, settings } = await this.ctx.decisionInputs(actor);
      if (!canDo(facts, 'changeSettings', settings)) throw new ForbiddenError('record an addon change');
      await this.ctx.knex.transaction((trx) => this.ctx.record(trx, actor, {
        action: 'addon.change',
        clientId: change.clientId ?? null,
        details: { ...change.details, section: change.section, action: change.action },
      }));
    });
  }

  /**
   * Checks the whole chain (every event's MAC and link, the head), and that it
   * holds each checkpoint given; names the first break. A checkpoint whose own
   * MAC does not match is a break too: it was not made with our key.
   */
  async verify(options: AuditVerifyOptions = {}): Promise<AuditVerdict> {
    const checkpoints = options.checkpoints ?? [];
    return this.ctx.guard(async () => {
      for (const checkpoint of checkpoints) {
        if (!await this.genuine(checkpoint)) {
          return { ok: false, seq: checkpoint.seq, reason: `the checkpoint of ${checkpoint.at} is not genuine (its MAC does not match under key "${checkpoint.keyId}")` };
        }
      }
      return this.ctx.audit.verify(this.ctx.knex, checkpoints);
    });
  }

  /**
   * Verifies the chain, then vouches for where it ends now, MACed with the
   * active key, for the installer to keep outside the database. Refuses
   * (AuditTrailBrokenError) when the chain does not verify.
   */
  async checkpoint(): Promise<AuditCheckpoint> {
    return this.ctx.guard(async () => {
      const checked = await this.ctx.audit.check(this.ctx.knex);
      if (!checked.ok) throw new AuditTrailBrokenError(checked.seq, checked.reason);
      const facts = {
        seq: checked.end.seq, head: checked.end.hash, events: checked.end.seq,
        at: this.ctx.clock.now().toISOString(), keyId: this.ctx.auditSeal.activeKeyId,
      };
      return { ...facts, mac: await this.ctx.auditSeal.checkpoint(facts) };
    });
  }

  private async genuine(checkpoint: AuditCheckpoint): Promise<boolean> {
    const { mac, ...facts } = checkpoint;
    try {
      return sameMac(await this.ctx.auditSeal.checkpoint(facts), mac);
    } catch {
      return false;
    }
  }
}
