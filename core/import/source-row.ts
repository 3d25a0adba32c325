import { createHash } from 'node:crypto';

/**
 * One record of an import file, the same whatever tool wrote it: what every
 * format's parser produces, and what the import service turns into an entry.
 */
export interface SourceRow {
  /** Where the record starts in the file (1-based line; for JSON and XML, the record's position). */
  line: number;
  name: string;
  username: string;
  password: string;
  /** Every address the record names, in its order: the first becomes the website, the second the login page. */
  urls: string[];
  notes: string;
  /** A base32 seed or an otpauth:// URI, as the tool exported it. */
  totp: string;
  /** The tool's folder, group or collection path ("Servers/Linux"), or ''. */
  folder: string;
  /** What the tool says the record belongs to (an organization, a client's email or id), or ''. */
  owner: string;
  /** Custom fields, kept in the notes since entries have no such fields. */
  fields: Array<{ name: string; value: string }>;
  /** Why the tool's record cannot become an entry (a card, an identity), or null. */
  skip: string | null;
  /**
   * The tool's tags, where it has them. Absent rather than empty, so that a
   * record without tags keeps the fingerprint it had before tags existed.
   */
  tags?: string[];
  /** What only Latchkey's own export carries, for a lossless round trip. */
  exact?: ExactFields;
}

export interface ExactFields {
  websiteUrl: string | null;
  loginUrl: string | null;
  serviceId: string | null;
  contactId: string | null;
  deviceId: string | null;
  ticketId: string | null;
  reminderDays: number | null;
}

export function emptyRow(line: number): SourceRow {
  return { line, name: '', username: '', password: '', urls: [], notes: '', totp: '', folder: '', owner: '', fields: [], skip: null };
}

/** Tags as tools write them in one cell or element: separated by commas or semicolons. */
export function tagsIn(text: string): string[] {
  return text.split(/[,;]/).map((tag) => tag.trim()).filter((tag) => tag !== '');
}

/** Sets the record's tags when it has any (see `tags`). */
export function withTags(row: SourceRow, tags: readonly string[]): void {
  if (tags.length > 0) row.tags = [...tags];
}

/**
 * A stable fingerprint of what a record holds, so importing the same file
 * again creates nothing. The line is left out: the same record moved within
 * the file is still the same record.
 */
export function fingerprintOf(row: SourceRow): string {
  const { line: _line, skip: _skip, ...content } = row;
  return createHash('sha256').update(JSON.stringify(content)).digest('base64url');
}
