import { z } from 'zod';
import type { Actor } from '../domain/actor.ts';
import type { Issue } from '../validation/rules.ts';
import { issue } from '../validation/rules.ts';
import { ForbiddenError, ValidationError } from '../errors.ts';
import { columnMappingSchema } from '../import/formats/generic-csv.ts';
import { IMPORT_FORMATS, readImportFile } from '../import/import-formats.ts';
import { totpSeedOf } from '../import/otpauth.ts';
import { fingerprintOf, type SourceRow } from '../import/source-row.ts';
import type { HostClient } from '../ports/host-directory.ts';
import { canDo } from '../policy/access-policy.ts';
import { hostId } from '../validation/schemas.ts';
import { createEntrySchema, type CreateEntryInput } from '../validation/schemas.ts';
import { validate } from '../validation/validate.ts';
import type { CategoryService } from './category-service.ts';
import type { VaultContext } from './context.ts';
import type { EntryService } from './entry-service.ts';
import { errorCodeOf, ImportJobs, type ImportJob } from './import-jobs.ts';
import type { Logger } from '../ports/logger.ts';

/** Entries written per transaction: large enough to pay each commit once for many rows, small enough to report progress often. */
export const IMPORT_BATCH = 200;

/** The largest file an import reads: far above any real vault's export, far below what would hurt the server. */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

export const importRequestSchema = z.strictObject({
  format: z.enum(IMPORT_FORMATS),
  content: z.string().refine((s) => Buffer.byteLength(s, 'utf8') <= MAX_IMPORT_BYTES, { message: 'maxBytes', params: { size: '20 MiB' } }),
  /** The generic CSV's columns. */
  columns: columnMappingSchema.optional(),
  /** Every row goes to this client. */
  clientId: hostId.nullable().optional(),
  /** Or each row's owner column (organization, client email, id) names its client. */
  matchClientsBy: z.enum(['id', 'email', 'name']).optional(),
  /** Folder and group names become categories (created when missing). */
  foldersAsCategories: z.boolean().default(false),
});
export type ImportRequest = z.input<typeof importRequestSchema>;

export type ImportRowStatus = 'create' | 'alreadyThere' | 'skipped' | 'invalid' | 'noClient';

export interface ImportRowPlan {
  line: number;
  name: string;
  status: ImportRowStatus;
  clientId: string | null;
  clientName: string | null;
  category: string | null;
  /** Why a row is invalid or has no client: the field and the rule, as validation errors name them. */
  problems: Issue[];
  /** Why the tool's record is not imported (`notALogin`, `archived`), for skipped rows. */
  reason: string | null;
}

export interface ImportCounts {
  create: number;
  alreadyThere: number;
  skipped: number;
  invalid: number;
  noClient: number;
}

export interface ImportPreview {
  rows: ImportRowPlan[];
  counts: ImportCounts;
}

/** Told after each batch: entries handled so far, of how many. */
export type ImportProgress = (done: number, total: number) => void | Promise<void>;

export interface ImportOutcome extends ImportPreview {
  /** Entries created, as planned rows that failed only when written (a link the host no longer has) are counted invalid. */
  created: number;
}

interface Planned extends ImportRowPlan {
  input: CreateEntryInput | null;
  scope: string;
  fingerprint: string;
}

/**
 * Moving in: reads another tool's export, shows what each record would
 * become (preview), then creates only the records that are valid and not
 * already imported, each through the entry service (its own data key, its own
 * audit event), with one `entries.import` event summing it up.
 */
export class ImportService {
  private readonly running = new Set<Promise<void>>();
  private readonly jobs: ImportJobs;

  constructor(
    private readonly ctx: VaultContext, private readonly entries: EntryService, private readonly categories: CategoryService,
    private readonly logger: Logger,
  ) {
    this.jobs = new ImportJobs(ctx);
  }

  /** What importing would do, row by row; writes nothing. */
  async preview(actor: Actor, request: ImportRequest): Promise<ImportPreview> {
    const planned = await this.plan(actor, validate(importRequestSchema, request));
    return summary(planned);
  }

  /** Imports the valid new rows; `onProgress(done, total)` after each. */
  async run(actor: Actor, request: ImportRequest, onProgress?: ImportProgress): Promise<ImportOutcome> {
    const data = validate(importRequestSchema, request);
    return this.runPlanned(actor, data, await this.plan(actor, data), onProgress);
  }

  /**
   * Plans the import at once (bad input is refused here, before anything is
   * written), then runs it in the background of this instance, as a job any
   * instance can report on (`job`): its row is updated after every batch.
   */
  async start(actor: Actor, request: ImportRequest): Promise<ImportJob> {
    const data = validate(importRequestSchema, request);
    const planned = await this.plan(actor, data);
    const job = await this.jobs.open(actor, planned.filter((p) => p.status === 'create').length);
    const running = this.runPlanned(actor, data, planned, (done) => this.jobs.progress(job.id, done))
      .then((outcome) => this.jobs.finish(job.id, outcome), async (err: unknown) => {
        this.logger.error(`latchkey import ${job.id} failed: ${err instanceof Error ? err.name : 'unknown error'}`);
        await this.jobs.fail(job.id, errorCodeOf(err));
      })
      .catch((err: unknown) => this.logger.error(`latchkey import ${job.id}: its job row could not be closed: ${err instanceof Error ? err.name : 'unknown error'}`))
      .finally(() => this.running.delete(running));
    this.running.add(running);
    return job;
  }

  /** The actor's own import job, as its row stands now (any instance may be running it). */
  job(actor: Actor, id: string): Promise<ImportJob> {
    return this.jobs.read(actor, id);
  }

  /** Resolves once every import this instance started has ended (a graceful stop, a test). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private async runPlanned(actor: Actor, data: z.output<typeof importRequestSchema>, planned: Planned[], onProgress?: ImportProgress): Promise<ImportOutcome> {
    const toCreate = planned.filter((p) => p.status === 'create');
    const categoryIds = data.foldersAsCategories ? await this.categoryIds(actor, toCreate) : new Map<string, string>();
    const write = (batch: Planned[]) => this.entries.createMany(actor, batch.map((row) => {
      const categoryId = row.category === null ? undefined : categoryIds.get(row.category);
      return { input: { ...row.input!, ...(categoryId ? { categoryId } : {}) }, fingerprint: { scope: row.scope, fingerprint: row.fingerprint } };
    }));
    const batches: Planned[][] = [];
    for (let i = 0; i < toCreate.length; i += IMPORT_BATCH) batches.push(toCreate.slice(i, i + IMPORT_BATCH));
    let created = 0;
    let done = 0;
    // One transaction a batch, each entry still its own data key, event and fingerprint. The next
    // batch is checked and sealed (CPU) while the one before it is written (the database).
    let pending = batches.length > 0 ? write(batches[0]!) : null;
    for (const [b, batch] of batches.entries()) {
      const following = b + 1 < batches.length ? write(batches[b + 1]!) : null;
      // Awaited in turn below; marked handled now so a failure while an earlier batch is awaited is not "unhandled".
      following?.catch(() => undefined);
      const results = await pending!;
      results.forEach((result, i) => {
        if (result.ok) created += 1;
        else {
          // Valid when planned, refused when written: a link the host no longer has, say.
          batch[i]!.status = 'invalid';
          batch[i]!.problems = result.issues;
        }
      });
      done += batch.length;
      await onProgress?.(done, toCreate.length);
      pending = following;
    }
    const outcome = { ...summary(planned), created };
    await this.ctx.guard(() => this.ctx.knex.transaction(async (trx) => {
      await this.ctx.audit.lock(trx, this.ctx.now());
      await this.ctx.record(trx, actor, {
        action: 'entries.import', clientId: data.clientId ?? null,
        details: { format: data.format, created, ...outcome.counts },
      });
    }));
    return outcome;
  }

  private async plan(actor: Actor, data: z.output<typeof importRequestSchema>): Promise<Planned[]> {
    const records = readImportFile(data.format, data.content, data.columns);
    return this.ctx.guard(async () => {
      const { facts, settings } = await this.ctx.decisionInputs(actor);
      if (facts.kind === 'system' || !facts.active) throw new ForbiddenError('import');
      if (facts.kind === 'client' && !settings.clientImportExport) throw new ForbiddenError('import here; an admin allows it in the settings');
      if (facts.kind === 'client' && (data.clientId != null || data.matchClientsBy !== undefined)) {
        throw new ValidationError([issue(data.clientId != null ? 'clientId' : 'matchClientsBy', 'ownClientOnly')]);
      }
      if (data.clientId != null && data.matchClientsBy !== undefined) throw new ValidationError([issue('matchClientsBy', 'givenOnce')]);
      if (facts.kind === 'admin' && data.foldersAsCategories && !canDo(facts, 'manageAdminCategories', settings)) {
        throw new ValidationError([issue('foldersAsCategories', 'categoriesNotAllowed')]);
      }
      const matchBy = data.matchClientsBy ?? (data.format === 'latchkey-json' && data.clientId == null && facts.kind === 'admin' ? 'id' : undefined);
      const clients = await this.clientsOf(records, facts.kind === 'client' ? { fixed: facts.clientId } : data.clientId != null ? { fixed: data.clientId } : matchBy ? { matchBy } : { none: true });
      const ownScope = facts.kind === 'client' ? `client:${facts.clientId}` : `admin:${facts.adminId}`;
      const seen = new Set<string>();
      const planned = records.map((record): Planned => {
        const client = clients(record);
        const scope = client.kind === 'client' ? `client:${client.client.id}` : ownScope;
        const plan: Planned = {
          line: record.line, name: record.name, status: 'create',
          clientId: client.kind === 'client' ? client.client.id : null,
          clientName: client.kind === 'client' ? client.client.name : null,
          category: data.foldersAsCategories && record.folder.trim() !== '' ? record.folder.trim().slice(0, 255) : null,
          problems: [], reason: record.skip, input: null, scope, fingerprint: fingerprintOf(record),
        };
        if (record.skip !== null) return { ...plan, status: 'skipped' };
        if (client.kind === 'unmatched') return { ...plan, status: 'noClient', problems: [issue('owner', client.rule)] };
        const key = `${scope}\n${plan.fingerprint}`;
        if (seen.has(key)) return { ...plan, status: 'alreadyThere' };
        seen.add(key);
        const input = entryInputOf(record, plan.clientId);
        try {
          validate(createEntrySchema, input);
        } catch (err) {
          if (err instanceof ValidationError) return { ...plan, status: 'invalid', problems: [...err.issues] };
          throw err;
        }
        return { ...plan, input };
      });
      await this.markAlreadyThere(planned);
      return planned;
    });
  }

  /**
   * Rows whose record was imported before into the same place, and whose
   * entry still exists: per scope, a thousand fingerprints a statement, each
   * a look-up by primary key.
   */
  private async markAlreadyThere(planned: Planned[]): Promise<void> {
    const t = this.ctx.tables;
    const byScope = new Map<string, Planned[]>();
    for (const p of planned) {
      if (p.status !== 'create') continue;
      const list = byScope.get(p.scope);
      if (list) list.push(p);
      else byScope.set(p.scope, [p]);
    }
    for (const [scope, candidates] of byScope) {
      for (let i = 0; i < candidates.length; i += 1000) {
        const chunk = candidates.slice(i, i + 1000);
        const rows = await this.ctx.knex(`${t.importFingerprints} as f`)
          .join(`${t.entries} as e`, 'e.id', 'f.entry_id')
          .where('f.scope', scope)
          .whereIn('f.fingerprint', chunk.map((p) => p.fingerprint))
          .select('f.fingerprint') as Array<{ fingerprint: string }>;
        const found = new Set(rows.map((r) => r.fingerprint));
        for (const p of chunk) if (found.has(p.fingerprint)) p.status = 'alreadyThere';
      }
    }
  }

  /** Whose each record is: one fixed client, the staff member's own, or the client the owner column names. */
  private async clientsOf(
    records: SourceRow[], target: { fixed: string } | { matchBy: 'id' | 'email' | 'name' } | { none: true },
  ): Promise<(record: SourceRow) => { kind: 'client'; client: HostClient } | { kind: 'own' } | { kind: 'unmatched'; rule: 'noClientMatch' | 'severalClientsMatch' }> {
    if ('none' in target) return () => ({ kind: 'own' });
    if ('fixed' in target) {
      const client = (await this.ctx.host.clients([target.fixed])).get(target.fixed);
      if (!client) throw new ValidationError([issue('clientId', 'notInHost')]);
      return () => ({ kind: 'client', client });
    }
    const owners = [...new Set(records.map((r) => r.owner.trim()).filter((o) => o !== ''))];
    const found = new Map<string, HostClient | 'several'>();
    if (target.matchBy === 'id') {
      const byId = await this.ctx.host.clients(owners.filter((o) => hostId.safeParse(o).success));
      for (const [id, client] of byId) found.set(id, client);
    } else {
      for (const owner of owners) {
        const wanted = owner.toLowerCase();
        const hits = (await this.ctx.host.findClients(owner, 10))
          .filter((c) => (target.matchBy === 'email' ? c.email : c.name).toLowerCase() === wanted);
        if (hits.length === 1) found.set(owner, hits[0]!);
        else if (hits.length > 1) found.set(owner, 'several');
      }
    }
    return (record) => {
      const hit = found.get(record.owner.trim());
      if (hit === undefined) return { kind: 'unmatched', rule: 'noClientMatch' };
      if (hit === 'several') return { kind: 'unmatched', rule: 'severalClientsMatch' };
      return { kind: 'client', client: hit };
    };
  }

  /** The category for each folder name: an existing one of that name the actor files into, or a new one. */
  private async categoryIds(actor: Actor, rows: Planned[]): Promise<Map<string, string>> {
    const names = [...new Set(rows.map((r) => r.category).filter((c): c is string => c !== null))];
    const ids = new Map<string, string>();
    if (names.length === 0) return ids;
    const existing = await this.categories.list(actor);
    for (const name of names) {
      const same = existing.find((c) => c.name.toLowerCase() === name.toLowerCase() && (c.owner.kind === 'admin' || c.owner.id === ownerIdOf(actor)));
      ids.set(name, same ? same.id : (await this.categories.create(actor, { name })).id);
    }
    return ids;
  }
}

function ownerIdOf(actor: Actor): string {
  return actor.kind === 'client' ? actor.clientId : actor.kind === 'admin' ? actor.adminId : '';
}

/**
 * An entry from a record: the first address is the website, the second the
 * login page; further addresses and custom fields are kept in the notes.
 * Addresses without a scheme ("example.com") are taken as https.
 */
function entryInputOf(record: SourceRow, clientId: string | null): CreateEntryInput {
  const urls = record.urls.map(withScheme);
  const exact = record.exact;
  const extra = [
    ...(exact ? [] : urls.slice(2).map((u) => `URL: ${u}`)),
    ...record.fields.map((f) => `${f.name}: ${f.value}`),
  ];
  const notes = [record.notes, extra.join('\n')].filter((n) => n !== '').join('\n\n');
  const totp = totpSeedOf(record.totp);
  return {
    name: record.name.trim() === '' ? hostOf(urls[0]) : record.name,
    username: record.username,
    ...(record.password !== '' ? { password: record.password } : {}),
    websiteUrl: exact ? exact.websiteUrl : urls[0] ?? null,
    loginUrl: exact ? exact.loginUrl : urls[1] ?? null,
    ...(notes !== '' ? { notes } : {}),
    ...(totp !== '' ? { totpSecret: totp } : {}),
    clientId,
    ...(record.tags ? { tags: record.tags } : {}),
    ...(exact ? {
      serviceId: exact.serviceId, contactId: exact.contactId, deviceId: exact.deviceId, ticketId: exact.ticketId,
      reminderDays: exact.reminderDays,
    } : {}),
  };
}

function withScheme(url: string): string {
  const trimmed = url.trim();
  return /^[a-z0-9.-]+\.[a-z]{2,}(?:[:/?#]|$)/i.test(trimmed) ? `https://${trimmed}` : trimmed;
}

function hostOf(url: string | undefined): string {
  if (url === undefined) return '';
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

function summary(planned: Planned[]): ImportPreview {
  const counts: ImportCounts = { create: 0, alreadyThere: 0, skipped: 0, invalid: 0, noClient: 0 };
  for (const p of planned) counts[p.status] += 1;
  return { rows: planned.map(({ input: _i, scope: _s, fingerprint: _f, ...row }) => row), counts };
}
