import { z } from 'zod';
import type { Actor } from '../domain/actor.ts';
import type { EntryView } from '../domain/entry.ts';
import { spreadsheetCsv } from '../import/csv-cells.ts';
import { LATCHKEY_EXPORT_FORMAT, LATCHKEY_EXPORT_VERSION, type ExportedEntry } from '../import/formats/latchkey-json.ts';
import { hostId, ownId } from '../validation/schemas.ts';
import { validate } from '../validation/validate.ts';
import { ForbiddenError } from '../errors.ts';
import { withinRequest } from './request-scope.ts';
import type { CategoryService } from './category-service.ts';
import type { VaultContext } from './context.ts';
import type { EntryService } from './entry-service.ts';

export const exportRequestSchema = z.strictObject({
  format: z.enum(['csv', 'json']),
  /** One client's entries, or one category's; neither: everything the actor may see. */
  clientId: hostId.optional(),
  categoryId: ownId.optional(),
});
export type ExportRequest = z.input<typeof exportRequestSchema>;

export interface ExportFile {
  fileName: string;
  contentType: string;
  body: string;
  /** Entries in the file, and how many of them with their secrets. */
  entries: number;
  revealed: number;
}

/** Entry ids one audit event names at most: an audit row's details must stay well under 64 KiB. */
const IDS_PER_EVENT = 1000;
const PAGE = 500;

export const CSV_COLUMNS = [
  'name', 'username', 'password', 'website_url', 'login_url', 'notes', 'totp', 'client_id', 'client', 'category', 'tags',
] as const;

/**
 * Moving out: every entry the actor may see, with its secrets where the actor
 * may reveal them. Exporting a secret counts as revealing it: one
 * `entries.export` event (per thousand entries) names the entries.
 */
export class ExportService {
  constructor(private readonly ctx: VaultContext, private readonly entries: EntryService, private readonly categories: CategoryService) {}

  /** One request: the actor and the settings are read once, not again for every entry the file holds. */
  export(actor: Actor, request: ExportRequest): Promise<ExportFile> {
    return withinRequest(() => this.exportOnce(actor, request));
  }

  private async exportOnce(actor: Actor, request: ExportRequest): Promise<ExportFile> {
    const data = validate(exportRequestSchema, request);
    const own = await this.clientScope(actor);
    const exported: ExportedEntry[] = [];
    const revealedIds: string[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.entries.list(actor, { clientId: data.clientId, categoryId: data.categoryId, ...own, offset, limit: PAGE });
      const [clients, categories] = await Promise.all([
        this.ctx.guard(() => this.ctx.host.clients([...new Set(page.items.map((e) => e.clientId).filter((c): c is string => c !== null))])),
        this.categories.namesOf([...new Set(page.items.map((e) => e.categoryId).filter((c): c is string => c !== null))]),
      ]);
      for (const entry of page.items) {
        const secrets = await this.entries.secretsForExport(actor, entry.id);
        if (secrets) revealedIds.push(entry.id);
        exported.push(exportedEntry(entry, secrets && {
          password: secrets.password?.expose() ?? null, notes: secrets.notes?.expose() ?? null, totpSecret: secrets.totpSecret?.expose() ?? null,
        }, entry.clientId === null ? null : clients.get(entry.clientId)?.name ?? null, entry.categoryId === null ? null : categories.get(entry.categoryId) ?? null));
      }
      if (offset + PAGE >= page.total || page.items.length === 0) break;
    }
    await this.audit(actor, data, exported.map((e) => e.id), revealedIds.length);
    const stamp = this.ctx.clock.now().toISOString();
    const fileName = `latchkey-export-${stamp.slice(0, 10)}.${data.format}`;
    if (data.format === 'json') {
      const body = `${JSON.stringify({ format: LATCHKEY_EXPORT_FORMAT, version: LATCHKEY_EXPORT_VERSION, exportedAt: stamp, entries: exported }, null, 2)}\n`;
      return { fileName, contentType: 'application/json; charset=utf-8', body, entries: exported.length, revealed: revealedIds.length };
    }
    const body = spreadsheetCsv(CSV_COLUMNS, exported.map((e) => [
      e.name, e.username, e.password ?? '', e.websiteUrl ?? '', e.loginUrl ?? '', e.notes ?? '', e.totpSecret ?? '',
      e.clientId ?? '', e.clientName ?? '', e.category ?? '', (e.tags ?? []).join(', '),
    ]));
    return { fileName, contentType: 'text/csv; charset=utf-8', body, entries: exported.length, revealed: revealedIds.length };
  }

  /** A client exports only the entries it owns, and only when an admin allows it. */
  private async clientScope(actor: Actor): Promise<{ ownerKind?: 'client'; ownerId?: string }> {
    if (actor.kind !== 'client') return {};
    const settings = await this.ctx.guard(() => this.ctx.settings());
    if (!settings.clientImportExport) throw new ForbiddenError('export here; an admin allows it in the settings');
    return { ownerKind: 'client', ownerId: actor.clientId };
  }

  private async audit(actor: Actor, data: z.output<typeof exportRequestSchema>, ids: string[], revealed: number): Promise<void> {
    const parts = Math.max(1, Math.ceil(ids.length / IDS_PER_EVENT));
    await this.ctx.guard(() => this.ctx.knex.transaction(async (trx) => {
      await this.ctx.audit.lock(trx, this.ctx.now());
      for (let part = 0; part < parts; part += 1) {
        await this.ctx.record(trx, actor, {
          action: 'entries.export', clientId: data.clientId ?? null,
          details: {
            format: data.format, categoryId: data.categoryId ?? null, entries: ids.length, revealed,
            part: part + 1, parts, entryIds: ids.slice(part * IDS_PER_EVENT, (part + 1) * IDS_PER_EVENT),
          },
        });
      }
    }));
  }
}

function exportedEntry(
  e: EntryView, secrets: { password: string | null; notes: string | null; totpSecret: string | null } | null,
  clientName: string | null, category: string | null,
): ExportedEntry {
  return {
    id: e.id, name: e.name, username: e.username,
    password: secrets?.password ?? null, websiteUrl: e.websiteUrl, loginUrl: e.loginUrl,
    notes: secrets?.notes ?? null, totpSecret: secrets?.totpSecret ?? null,
    clientId: e.clientId, clientName, category,
    serviceId: e.links.serviceId, contactId: e.links.contactId, deviceId: e.links.deviceId, ticketId: e.links.ticketId,
    reminderDays: e.reminderDays, updatedAt: e.updatedAt.toISOString(), tags: e.tags,
  };
}
