import { z } from 'zod';
import { cell, readCsv, requireColumns } from '../csv-table.ts';
import { readJsonExport } from '../json-file.ts';
import { emptyRow, type SourceRow } from '../source-row.ts';

/** Bitwarden's item types: 1 login, 2 secure note, 3 card, 4 identity, 5 SSH key. */
const LOGIN = 1;
const SECURE_NOTE = 2;

const exportSchema = z.object({
  encrypted: z.literal(false, { error: 'an encrypted Bitwarden export cannot be read: export it unencrypted (.json)' }).optional(),
  folders: z.array(z.object({ id: z.string(), name: z.string() })).optional(),
  collections: z.array(z.object({ id: z.string(), name: z.string() })).optional(),
  items: z.array(z.object({
    type: z.number(),
    name: z.string().nullish(),
    notes: z.string().nullish(),
    folderId: z.string().nullish(),
    collectionIds: z.array(z.string()).nullish(),
    fields: z.array(z.object({ name: z.string().nullish(), value: z.string().nullish() })).nullish(),
    login: z.object({
      username: z.string().nullish(),
      password: z.string().nullish(),
      totp: z.string().nullish(),
      uris: z.array(z.object({ uri: z.string().nullish() })).nullish(),
    }).nullish(),
  })),
});

/** Bitwarden's unencrypted JSON export (personal or organization vault). */
export function parseBitwardenJson(text: string): SourceRow[] {
  const data = readJsonExport(text, exportSchema, 'Bitwarden JSON export', 'encrypted');
  const folders = new Map([...(data.folders ?? []), ...(data.collections ?? [])].map((f) => [f.id, f.name]));
  return data.items.map((item, index) => {
    const row = emptyRow(index + 1);
    row.name = item.name ?? '';
    row.notes = item.notes ?? '';
    row.folder = folders.get(item.folderId ?? item.collectionIds?.[0] ?? '') ?? '';
    row.username = item.login?.username ?? '';
    row.password = item.login?.password ?? '';
    row.totp = item.login?.totp ?? '';
    row.urls = (item.login?.uris ?? []).map((u) => u.uri ?? '').filter((u) => u !== '');
    row.fields = (item.fields ?? []).map((f) => ({ name: f.name ?? '', value: f.value ?? '' }));
    if (item.type !== LOGIN && item.type !== SECURE_NOTE) row.skip = 'notALogin';
    return row;
  });
}

/** Bitwarden's CSV export: `folder` (or `collections` for an organization), several URIs comma-separated, fields as `name: value` lines. */
export function parseBitwardenCsv(text: string): SourceRow[] {
  const table = readCsv(text);
  requireColumns(table, 'Bitwarden CSV', 'type', 'name', 'login_uri', 'login_username', 'login_password');
  return table.records.map((record) => {
    const row = emptyRow(record.line);
    row.name = cell(record, 'name');
    row.notes = cell(record, 'notes');
    row.folder = cell(record, 'folder', 'collections').split(',')[0]!.trim();
    row.username = cell(record, 'login_username');
    row.password = cell(record, 'login_password');
    row.totp = cell(record, 'login_totp');
    row.urls = cell(record, 'login_uri').split(',').map((u) => u.trim()).filter((u) => u !== '');
    row.fields = cell(record, 'fields').split(/\r?\n/).filter((l) => l.trim() !== '').map((l) => {
      const colon = l.indexOf(': ');
      return colon < 0 ? { name: l, value: '' } : { name: l.slice(0, colon), value: l.slice(colon + 2) };
    });
    const type = cell(record, 'type').toLowerCase();
    if (type !== 'login' && type !== 'note') row.skip = 'notALogin';
    return row;
  });
}
