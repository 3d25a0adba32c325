import { parse } from 'csv-parse/sync';
import { ImportFormatError } from './import-format-error.ts';

export interface CsvRecord {
  /** The 1-based line the record starts on. */
  line: number;
  /** Cell by lower-cased, trimmed header. */
  cells: Map<string, string>;
}

export interface CsvTable {
  /** Lower-cased, trimmed headers, in file order. */
  headers: string[];
  records: CsvRecord[];
}

/**
 * A CSV file with a header row, as spreadsheets and password managers write
 * it: a byte-order mark, CRLF, quoted cells holding commas, quotes and line
 * breaks. Rows shorter or longer than the header are an error of that row.
 */
export function readCsv(text: string): CsvTable {
  let rows: Array<{ record: string[]; info: { lines: number } }>;
  try {
    rows = parse(text, { bom: true, info: true, skip_empty_lines: true, relax_column_count: true }) as unknown as typeof rows;
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw new ImportFormatError(`the CSV file cannot be read${line ? ` (line ${line})` : ''}: ${(err as Error).message.split('\n')[0]}`);
  }
  const [head, ...body] = rows;
  if (!head) throw new ImportFormatError('the CSV file is empty');
  const headers = head.record.map((h) => h.trim().toLowerCase());
  const records = body.map(({ record, info }) => {
    const cells = new Map<string, string>();
    headers.forEach((h, i) => { if (h !== '' && !cells.has(h)) cells.set(h, record[i] ?? ''); });
    return { line: info.lines - lineBreaks(record), cells };
  });
  return { headers, records };
}

/** csv-parse reports the line a record ends on; quoted cells may span lines. */
function lineBreaks(record: string[]): number {
  return record.reduce((n, cell) => n + (cell.match(/\r\n|\n|\r/g)?.length ?? 0), 0);
}

/** The first of `names` the table has, lower-cased. */
export function cell(record: CsvRecord, ...names: string[]): string {
  for (const name of names) {
    const value = record.cells.get(name);
    if (value !== undefined) return value;
  }
  return '';
}

/** Refuses a file that lacks a column the format always writes, naming it. */
export function requireColumns(table: CsvTable, format: string, ...columns: string[]): void {
  const missing = columns.filter((c) => !table.headers.includes(c));
  if (missing.length > 0) throw new ImportFormatError(`not a ${format} file: the header lacks ${missing.join(', ')}`);
}
