import { describeActor, type Actor } from '../domain/actor.ts';
import { LatchkeyError, NotFoundError } from '../errors.ts';
import { newId } from '../store/ids.ts';
import type { VaultContext } from './context.ts';
import type { ImportCounts, ImportOutcome } from './import-service.ts';

export type ImportJobStatus = 'running' | 'done' | 'failed';

/** An import as its row stands: what a page polls while it runs. */
export interface ImportJob {
  id: string;
  status: ImportJobStatus;
  /** Entries handled of those to create (a batch at a time). */
  done: number;
  total: number;
  /** Once done: the outcome's counts and how many entries were created. */
  counts: ImportCounts | null;
  created: number | null;
  /** Once failed: what went wrong, as the API's error codes name it. */
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * A running job whose row has not moved for this long is reported failed
 * (`interrupted`): the instance running it stopped (a crash, a deploy) and
 * no batch will come. A batch takes a second or so; this leaves room for a
 * slow database.
 */
export const IMPORT_STALL_MS = 5 * 60_000;

interface JobRow {
  id: string;
  actor: string;
  status: ImportJobStatus;
  done: number | string;
  total: number | string;
  counts: string | null;
  created_at: number | string;
  updated_at: number | string;
}

/**
 * The import jobs table: the instance running an import writes its progress
 * here, any instance reads it back for the one who started it.
 */
export class ImportJobs {
  constructor(private readonly ctx: VaultContext) {}

  async open(actor: Actor, total: number): Promise<ImportJob> {
    const now = this.ctx.now();
    const row: JobRow = { id: newId(now), actor: actorKey(actor), status: 'running', done: 0, total, counts: null, created_at: now, updated_at: now };
    await this.ctx.guard(() => this.ctx.knex(this.ctx.tables.importJobs).insert(row));
    return toJob(row);
  }

  async progress(id: string, done: number): Promise<void> {
    await this.ctx.guard(() => this.ctx.knex(this.ctx.tables.importJobs).where({ id }).update({ done, updated_at: this.ctx.now() }));
  }

  async finish(id: string, outcome: ImportOutcome): Promise<void> {
    await this.close(id, 'done', { ...outcome.counts, created: outcome.created });
  }

  async fail(id: string, error: string): Promise<void> {
    await this.close(id, 'failed', { error });
  }

  /** The job, for the actor who started it; anyone else is told it does not exist. */
  async read(actor: Actor, id: string): Promise<ImportJob> {
    const row = await this.ctx.guard(() => this.ctx.knex(this.ctx.tables.importJobs)
      .where({ id, actor: actorKey(actor) }).first() as Promise<JobRow | undefined>);
    if (!row) throw new NotFoundError('import');
    if (row.status === 'running' && this.ctx.now() - Number(row.updated_at) > IMPORT_STALL_MS) {
      return toJob({ ...row, status: 'failed', counts: JSON.stringify({ error: 'interrupted' }) });
    }
    return toJob(row);
  }

  private async close(id: string, status: ImportJobStatus, counts: Record<string, unknown>): Promise<void> {
    await this.ctx.guard(() => this.ctx.knex(this.ctx.tables.importJobs).where({ id })
      .update({ status, counts: JSON.stringify(counts), updated_at: this.ctx.now() }));
  }
}

/** The code of what ended an import: a Latchkey refusal's own, anything else `internal`. */
export function errorCodeOf(err: unknown): string {
  return err instanceof LatchkeyError ? err.code : 'internal';
}

function actorKey(actor: Actor): string {
  const who = describeActor(actor);
  return `${who.kind}:${who.id ?? ''}`;
}

function toJob(row: JobRow): ImportJob {
  const counts = row.counts === null ? {} : JSON.parse(row.counts) as Record<string, unknown>;
  const done = row.status === 'done';
  return {
    id: row.id,
    status: row.status,
    done: Number(row.done),
    total: Number(row.total),
    counts: done ? {
      create: Number(counts.create), alreadyThere: Number(counts.alreadyThere), skipped: Number(counts.skipped),
      invalid: Number(counts.invalid), noClient: Number(counts.noClient),
    } : null,
    created: done ? Number(counts.created) : null,
    error: row.status === 'failed' ? String(counts.error) : null,
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
  };
}
