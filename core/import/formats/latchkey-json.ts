import { z } from 'zod';
import { readJsonExport } from '../json-file.ts';
import { emptyRow, withTags, type SourceRow } from '../source-row.ts';

export const LATCHKEY_EXPORT_FORMAT = 'latchkey-export';
export const LATCHKEY_EXPORT_VERSION = 1;

const nullableText = z.string().nullable();

/** One entry of Latchkey's own export: every field, link and category an actor may see. */
export const exportedEntrySchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  username: z.string(),
  password: nullableText,
  websiteUrl: nullableText,
  loginUrl: nullableText,
  notes: nullableText,
  totpSecret: nullableText,
  clientId: nullableText,
  clientName: nullableText,
  category: nullableText,
  serviceId: nullableText,
  contactId: nullableText,
  deviceId: nullableText,
  ticketId: nullableText,
  reminderDays: z.number().int().nullable(),
  updatedAt: z.string(),
  /** Since tags existed; exports written before have none. */
  tags: z.array(z.string()).optional(),
});
export type ExportedEntry = z.infer<typeof exportedEntrySchema>;

export const latchkeyExportSchema = z.strictObject({
  format: z.literal(LATCHKEY_EXPORT_FORMAT),
  version: z.literal(LATCHKEY_EXPORT_VERSION),
  exportedAt: z.string(),
  entries: z.array(exportedEntrySchema),
});

/** Latchkey's JSON export: lossless, links and client ids included (the client is matched by id). */
export function parseLatchkeyJson(text: string): SourceRow[] {
  const data = readJsonExport(text, latchkeyExportSchema, `Latchkey export (format ${LATCHKEY_EXPORT_FORMAT}, version ${LATCHKEY_EXPORT_VERSION})`);
  return data.entries.map((e, index) => {
    const row = emptyRow(index + 1);
    row.name = e.name;
    row.username = e.username;
    row.password = e.password ?? '';
    row.urls = [e.websiteUrl, e.loginUrl].filter((u): u is string => u !== null);
    row.notes = e.notes ?? '';
    row.totp = e.totpSecret ?? '';
    row.folder = e.category ?? '';
    row.owner = e.clientId ?? '';
    withTags(row, e.tags ?? []);
    row.exact = {
      websiteUrl: e.websiteUrl, loginUrl: e.loginUrl, serviceId: e.serviceId, contactId: e.contactId,
      deviceId: e.deviceId, ticketId: e.ticketId, reminderDays: e.reminderDays,
    };
    return row;
  });
}
