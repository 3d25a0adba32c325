// Import throughput (issue 14): 10,000 logins of a Chrome export imported for
// one client through ImportService (read the file, plan every row, look up
// what was imported before, then batches of 200 entries a transaction, each
// entry sealed under its own data key, with its fingerprint and its audit
// event), against a raw batched INSERT of the same number of sealed rows, 200
// a statement and a transaction. The raw side is only the INSERTs: its rows
// are sealed before the clock starts.
import { performance } from 'node:perf_hooks';
import { Keyring } from '../core/index.ts';
import { EntryCipher } from '../core/crypto/entry-cipher.ts';
import type { EntryRow } from '../core/store/entry-rows.ts';
import { newId } from '../core/store/ids.ts';
import { actors, keyA, type BenchVault } from './world.ts';

export interface ImportFigures {
  entries: number;
  importRowsPerSecond: number;
  rawRowsPerSecond: number;
}

const BATCH = 200;

/** A Chrome export of `entries` logins whose names start with `tag`. */
function chromeCsv(tag: string, entries: number): string {
  const lines = ['name,url,username,password'];
  for (let i = 0; i < entries; i += 1) lines.push(`${tag} ${i},https://site${i}.example,user${i},pw-${tag}-${i}`);
  return `${lines.join('\n')}\n`;
}

export async function timeImport(vault: BenchVault, entries: number): Promise<ImportFigures> {
  // A tenth as many first, as every figure warms up: the parsers and the batch path run compiled, not cold.
  await vault.lk.imports.run(actors.manager, { format: 'chrome-csv', content: chromeCsv('warm-up', Math.ceil(entries / 10)), clientId: 'c1' });
  const content = chromeCsv('import', entries);

  const start = performance.now();
  const outcome = await vault.lk.imports.run(actors.manager, { format: 'chrome-csv', content, clientId: 'c1' });
  const importSeconds = (performance.now() - start) / 1000;
  if (outcome.created !== entries) throw new Error(`the import created ${outcome.created} of ${entries} entries: nothing comparable to measure`);

  const cipher = new EntryCipher(new Keyring([keyA]));
  const rows: EntryRow[] = [];
  for (let i = 0; i < entries; i += 1) {
    const now = Date.now();
    const id = newId(now);
    const { dataKey, wrapped } = await cipher.newDataKey(id);
    rows.push({
      id, name: `raw import ${i}`, username: `user${i}`, website_url: `https://site${i}.example`, login_url: null,
      owner_kind: 'admin', owner_id: 'a-manager', client_id: 'c1', service_id: null, contact_id: null, device_id: null, ticket_id: null,
      category_id: null, shared_with_admin: false, is_private: false, reminder_days: null, notify_on_change: false, next_reminder_at: null,
      version: 1, kek_id: wrapped.keyId, wrapped_key: wrapped.blob, key_version: dataKey.keyVersion,
      password_ct: cipher.encrypt(dataKey, 'password', `pw-import-${i}`), notes_ct: null, totp_ct: null,
      created_at: now, updated_at: now, password_changed_at: now,
    });
  }
  const rawStart = performance.now();
  for (let i = 0; i < rows.length; i += BATCH) {
    await vault.knex.transaction((trx) => trx(vault.tables.entries).insert(rows.slice(i, i + BATCH)));
  }
  const rawSeconds = (performance.now() - rawStart) / 1000;
  return { entries, importRowsPerSecond: entries / importSeconds, rawRowsPerSecond: entries / rawSeconds };
}
