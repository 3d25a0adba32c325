import { z } from 'zod';
import { readCsv, requireColumns } from '../csv-table.ts';
import { emptyRow, tagsIn, withTags, type SourceRow } from '../source-row.ts';

const column = z.string().trim().min(1).max(100).transform((c) => c.toLowerCase());

/** Which column of the user's CSV holds what; only `name` is required. */
export const columnMappingSchema = z.strictObject({
  name: column,
  username: column.optional(),
  password: column.optional(),
  url: column.optional(),
  loginUrl: column.optional(),
  notes: column.optional(),
  totp: column.optional(),
  folder: column.optional(),
  owner: column.optional(),
  /** Tags separated by commas or semicolons (Latchkey's own CSV export has a `tags` column). */
  tags: column.optional(),
});
export type ColumnMapping = z.output<typeof columnMappingSchema>;

/** Any CSV with a header row, read through the column mapping the user chose. */
export function parseGenericCsv(mapping: ColumnMapping): (text: string) => SourceRow[] {
  return (text) => {
    const table = readCsv(text);
    requireColumns(table, 'CSV matching the chosen columns', ...Object.values(mapping).filter((c): c is string => c !== undefined));
    const get = (cells: Map<string, string>, c: string | undefined) => (c === undefined ? '' : cells.get(c) ?? '');
    return table.records.map((record) => {
      const row = emptyRow(record.line);
      row.name = get(record.cells, mapping.name);
      row.username = get(record.cells, mapping.username);
      row.password = get(record.cells, mapping.password);
      row.urls = [get(record.cells, mapping.url), get(record.cells, mapping.loginUrl)].filter((u) => u !== '');
      row.notes = get(record.cells, mapping.notes);
      row.totp = get(record.cells, mapping.totp);
      row.folder = get(record.cells, mapping.folder);
      row.owner = get(record.cells, mapping.owner);
      withTags(row, tagsIn(get(record.cells, mapping.tags)));
      return row;
    });
  };
}
