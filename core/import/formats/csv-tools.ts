import { cell, readCsv, requireColumns } from '../csv-table.ts';
import { emptyRow, tagsIn, withTags, type SourceRow } from '../source-row.ts';

/** 1Password 8's CSV export: `Title, Url, Username, Password, OTPAuth, Favorite, Archived, Tags, Notes`. */
export function parseOnePasswordCsv(text: string): SourceRow[] {
  const table = readCsv(text);
  requireColumns(table, '1Password CSV', 'title', 'username', 'password');
  return table.records.map((record) => {
    const row = emptyRow(record.line);
    row.name = cell(record, 'title');
    row.username = cell(record, 'username');
    row.password = cell(record, 'password');
    row.urls = [cell(record, 'url', 'website', 'urls')].filter((u) => u !== '');
    row.notes = cell(record, 'notes', 'notesplain');
    row.totp = cell(record, 'otpauth', 'one-time password');
    row.folder = cell(record, 'tags', 'vault').split(/[,;]/)[0]!.trim();
    withTags(row, tagsIn(cell(record, 'tags')));
    if (cell(record, 'archived').toLowerCase() === 'true') row.skip = 'archived';
    return row;
  });
}

/** LastPass's CSV export: `url, username, password, totp, extra, name, grouping, fav`; secure notes have the url `http://sn`. */
export function parseLastPassCsv(text: string): SourceRow[] {
  const table = readCsv(text);
  requireColumns(table, 'LastPass CSV', 'url', 'username', 'password', 'name', 'grouping');
  return table.records.map((record) => {
    const row = emptyRow(record.line);
    row.name = cell(record, 'name');
    row.username = cell(record, 'username');
    row.password = cell(record, 'password');
    const url = cell(record, 'url');
    row.urls = url === '' || url === 'http://sn' ? [] : [url];
    row.notes = cell(record, 'extra');
    row.totp = cell(record, 'totp');
    const grouping = cell(record, 'grouping');
    row.folder = grouping === '(none)' ? '' : grouping.replace(/\\/g, '/');
    return row;
  });
}

/** Chrome's (and Edge's) passwords CSV: `name, url, username, password, note`. */
export function parseChromeCsv(text: string): SourceRow[] {
  const table = readCsv(text);
  requireColumns(table, 'Chrome CSV', 'name', 'url', 'username', 'password');
  return table.records.map((record) => {
    const row = emptyRow(record.line);
    row.name = cell(record, 'name') || hostOf(cell(record, 'url'));
    row.username = cell(record, 'username');
    row.password = cell(record, 'password');
    row.urls = [cell(record, 'url')].filter((u) => u !== '');
    row.notes = cell(record, 'note');
    return row;
  });
}

/** Firefox's logins CSV: `url, username, password, httpRealm, formActionOrigin, guid, timeCreated, …`; entries are named by site. */
export function parseFirefoxCsv(text: string): SourceRow[] {
  const table = readCsv(text);
  requireColumns(table, 'Firefox CSV', 'url', 'username', 'password', 'formactionorigin');
  return table.records.map((record) => {
    const row = emptyRow(record.line);
    const url = cell(record, 'url');
    row.name = hostOf(url);
    row.username = cell(record, 'username');
    row.password = cell(record, 'password');
    row.urls = [url, cell(record, 'formactionorigin')].filter((u, i, all) => u !== '' && all.indexOf(u) === i);
    return row;
  });
}

/**
 * IT Glue's password export (one row per password, with its organization):
 * `organization` says whose it is, `password_category` becomes the folder.
 */
export function parseItGlueCsv(text: string): SourceRow[] {
  const table = readCsv(text);
  requireColumns(table, 'IT Glue CSV', 'name', 'username', 'password');
  return table.records.map((record) => {
    const row = emptyRow(record.line);
    row.name = cell(record, 'name');
    row.username = cell(record, 'username');
    row.password = cell(record, 'password');
    row.urls = [cell(record, 'url')].filter((u) => u !== '');
    row.notes = cell(record, 'notes');
    row.totp = cell(record, 'otp_secret', 'otp');
    row.owner = cell(record, 'organization', 'organization_name');
    row.folder = cell(record, 'password_category', 'password_category_name', 'password_folder');
    if (cell(record, 'archived').toLowerCase() === 'yes' || cell(record, 'archived').toLowerCase() === 'true') row.skip = 'archived';
    return row;
  });
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}
