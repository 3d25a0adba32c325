import { stringify } from 'csv-stringify/sync';

/**
 * A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or
 * carriage return first) gets a leading apostrophe, as OWASP's CSV injection
 * guidance recommends; the apostrophe shows, the formula never runs.
 */
export function neutralized(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * CSV as spreadsheet users expect it: UTF-8 with a byte-order mark (so Excel
 * reads accents right), a header row, CRLF line ends, every cell neutralized.
 */
export function spreadsheetCsv(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  return `\uFEFF${stringify([header, ...rows.map((r) => r.map(neutralized))], { record_delimiter: 'windows', quoted_string: false })}`;
}
