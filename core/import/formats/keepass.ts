import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { cell, readCsv, requireColumns } from '../csv-table.ts';
import { ImportFormatError } from '../import-format-error.ts';
import { emptyRow, tagsIn, withTags, type SourceRow } from '../source-row.ts';

/** KeePass keeps deleted entries here; they are not carried over. */
const RECYCLE_BIN = 'Recycle Bin';
const STANDARD_KEYS = new Set(['Title', 'UserName', 'Password', 'URL', 'Notes', 'otp', 'TOTP Seed', 'TOTP Settings']);

interface XmlString { Key?: unknown; Value?: unknown }
interface XmlEntry { String?: XmlString[]; Tags?: unknown }
interface XmlGroup { Name?: unknown; Entry?: XmlEntry[]; Group?: XmlGroup[] }

/** KeePass 2's XML export (File → Export → KeePass XML 2.x): nested groups become folder paths, the `otp` string the TOTP. */
export function parseKeepassXml(text: string): SourceRow[] {
  const source = text.replace(/^\uFEFF/, '');
  const valid = XMLValidator.validate(source);
  if (valid !== true) throw new ImportFormatError(`not a KeePass XML file: invalid XML at line ${valid.err.line} (${valid.err.msg})`);
  const parser = new XMLParser({
    ignoreAttributes: true,
    parseTagValue: false,
    trimValues: false,
    processEntities: true,
    isArray: (name) => name === 'Group' || name === 'Entry' || name === 'String',
  });
  const doc = parser.parse(source) as { KeePassFile?: { Root?: { Group?: XmlGroup[] } } };
  const roots = doc.KeePassFile?.Root?.Group;
  if (!roots) throw new ImportFormatError('not a KeePass XML file: it has no KeePassFile/Root/Group');
  const rows: SourceRow[] = [];
  const walk = (group: XmlGroup, path: string[], inRoot: boolean) => {
    const name = text0(group.Name);
    if (name === RECYCLE_BIN) return;
    // The root group is the database's name, not a folder anyone chose.
    const here = inRoot ? path : [...path, name];
    for (const entry of group.Entry ?? []) {
      const strings = new Map((entry.String ?? []).map((s) => [text0(s.Key), text0(s.Value)]));
      const row = emptyRow(rows.length + 1);
      row.name = strings.get('Title') ?? '';
      row.username = strings.get('UserName') ?? '';
      row.password = strings.get('Password') ?? '';
      row.urls = [strings.get('URL') ?? ''].filter((u) => u !== '');
      row.notes = strings.get('Notes') ?? '';
      row.totp = strings.get('otp') ?? strings.get('TOTP Seed') ?? '';
      row.folder = here.join('/');
      row.fields = [...strings].filter(([key]) => !STANDARD_KEYS.has(key)).map(([key, value]) => ({ name: key, value }));
      withTags(row, tagsIn(text0(entry.Tags)));
      rows.push(row);
    }
    for (const child of group.Group ?? []) walk(child, here, false);
  };
  for (const root of roots) walk(root, [], true);
  return rows;
}

/** The text of an XML element that may be empty (`<Value/>` parses as ''), or hold a protected value's text. */
function text0(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (value && typeof value === 'object' && '#text' in value) return String((value as { '#text': unknown })['#text']);
  return '';
}

/**
 * KeePassXC's CSV export (`Group, Title, Username, Password, URL, Notes, TOTP, …`);
 * Passbolt's default CSV export (csv-kdbx) has the same columns.
 */
export function parseKeepassCsv(format: string): (text: string) => SourceRow[] {
  return (text) => {
    const table = readCsv(text);
    requireColumns(table, format, 'title', 'username', 'password', 'url');
    return table.records.map((record) => {
      const row = emptyRow(record.line);
      row.name = cell(record, 'title');
      row.username = cell(record, 'username');
      row.password = cell(record, 'password');
      row.urls = [cell(record, 'url')].filter((u) => u !== '');
      row.notes = cell(record, 'notes');
      row.totp = cell(record, 'totp');
      // KeePassXC writes the root group's name first ("Root/Servers"); that part is no folder.
      row.folder = cell(record, 'group').split('/').slice(format === 'KeePassXC CSV' ? 1 : 0).join('/');
      // KeePassXC 2.7 and later add a `Tags` column.
      withTags(row, tagsIn(cell(record, 'tags')));
      return row;
    });
  };
}
