import { parseBitwardenCsv, parseBitwardenJson } from './formats/bitwarden.ts';
import { parseChromeCsv, parseFirefoxCsv, parseItGlueCsv, parseLastPassCsv, parseOnePasswordCsv } from './formats/csv-tools.ts';
import { parseGenericCsv, type ColumnMapping } from './formats/generic-csv.ts';
import { parseKeepassCsv, parseKeepassXml } from './formats/keepass.ts';
import { parseLatchkeyJson } from './formats/latchkey-json.ts';
import { ImportFormatError } from './import-format-error.ts';
import type { SourceRow } from './source-row.ts';

/** The tools an import file may come from, as `--format` and the import form name them. */
export const IMPORT_FORMATS = [
  'bitwarden-json', 'bitwarden-csv', 'keepass-xml', 'keepassxc-csv', '1password-csv', 'lastpass-csv', 'passbolt-csv',
  'chrome-csv', 'firefox-csv', 'itglue-csv', 'latchkey-json', 'csv',
] as const;
export type ImportFormat = typeof IMPORT_FORMATS[number];

const PARSERS: Record<Exclude<ImportFormat, 'csv'>, (text: string) => SourceRow[]> = {
  'bitwarden-json': parseBitwardenJson,
  'bitwarden-csv': parseBitwardenCsv,
  'keepass-xml': parseKeepassXml,
  'keepassxc-csv': parseKeepassCsv('KeePassXC CSV'),
  '1password-csv': parseOnePasswordCsv,
  'lastpass-csv': parseLastPassCsv,
  'passbolt-csv': parseKeepassCsv('Passbolt CSV'),
  'chrome-csv': parseChromeCsv,
  'firefox-csv': parseFirefoxCsv,
  'itglue-csv': parseItGlueCsv,
  'latchkey-json': parseLatchkeyJson,
};

/** Every record of `text` read as `format`; the generic CSV needs the user's column mapping. */
export function readImportFile(format: ImportFormat, text: string, columns?: ColumnMapping): SourceRow[] {
  if (format === 'csv') {
    if (!columns) throw new ImportFormatError('a generic CSV import needs the column mapping (which column is the name, the username, …)');
    return parseGenericCsv(columns)(text);
  }
  return PARSERS[format](text);
}
