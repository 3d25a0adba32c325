// Reveal and create against hand-written code doing the same work in the same
// run, each round by turns with its baseline: the raw reveal reads the row by primary key, unwraps the data key,
// decrypts and appends the audit event with the same hash-chain transaction;
// the raw create seals a new entry and inserts it with its audit event in one
// transaction, through the same AuditLog.
import { Keyring } from '../core/index.ts';
import { EntryCipher } from '../core/crypto/entry-cipher.ts';
import { AuditLog } from '../core/store/audit-log.ts';
import { AuditSeal } from '../core/store/audit-seal.ts';
import type { EntryRow } from '../core/store/entry-rows.ts';
import { newId } from '../core/store/ids.ts';
import { typicalMsInTurns } from './measure.ts';
import { actors, keyA, MEASURED_CLIENT, type BenchVault } from './world.ts';

export interface WriteFigures {
  revealMs: number;
  rawRevealMs: number;
  createMs: number;
  rawCreateMs: number;
}

export async function timeWrites(vault: BenchVault, rounds: number): Promise<WriteFigures> {
  const keys = new Keyring([keyA]);
  const cipher = new EntryCipher(keys);
  const audit = new AuditLog(vault.tables, vault.knex.client.config.client === 'mysql2' ? 'mysql' : 'sqlite', new AuditSeal(keys));
  const ids = (await vault.knex(vault.tables.entries).select('id').where({ client_id: MEASURED_CLIENT, owner_kind: 'client' }) as Array<{ id: string }>).map((r) => r.id);
  const sample = (await vault.lk.entries.reveal(actors.client, ids[0]!)).password?.expose();
  if (!sample?.startsWith('pw-')) throw new Error('a seeded entry does not reveal: nothing to measure');

  const [revealMs, rawRevealMs] = await typicalMsInTurns(rounds, [(i) => vault.lk.entries.reveal(actors.client, ids[i % ids.length]!), async (i) => {
    const id = ids[i % ids.length]!;
    const row = await vault.knex(vault.tables.entries).where('id', id).first() as EntryRow;
    const dataKey = await cipher.openDataKey(id, row.key_version, { keyId: row.kek_id, blob: row.wrapped_key });
    cipher.decrypt(dataKey, 'password', row.password_ct!);
    await vault.knex.transaction((trx) => audit.append(trx, {
      actorKind: 'client', actorId: MEASURED_CLIENT, action: 'entry.reveal', entryId: id, clientId: MEASURED_CLIENT, details: { fields: ['password'] },
    }, Date.now()));
  }]) as [number, number];

  const [createMs, rawCreateMs] = await typicalMsInTurns(rounds, [(i) => vault.lk.entries.create(actors.writer, { name: `created ${i}`, password: `pw-${i}` }), async (i) => {
    const now = Date.now();
    const id = newId(now);
    const { dataKey, wrapped } = await cipher.newDataKey(id);
    const row: EntryRow = {
      id, name: `raw ${i}`, username: '', website_url: null, login_url: null, owner_kind: 'client', owner_id: 'c1', client_id: 'c1',
      service_id: null, contact_id: null, device_id: null, ticket_id: null, category_id: null, shared_with_admin: false, is_private: false,
      reminder_days: null, notify_on_change: false, next_reminder_at: null, version: 1, kek_id: wrapped.keyId, wrapped_key: wrapped.blob,
      key_version: dataKey.keyVersion, password_ct: cipher.encrypt(dataKey, 'password', `pw-${i}`), notes_ct: null, totp_ct: null,
      created_at: now, updated_at: now, password_changed_at: now,
    };
    await vault.knex.transaction(async (trx) => {
      await trx(vault.tables.entries).insert(row);
      await audit.append(trx, { actorKind: 'client', actorId: 'c1', action: 'entry.create', entryId: id, clientId: 'c1', details: { name: row.name } }, now);
    });
  }]) as [number, number];
  return { revealMs, rawRevealMs, createMs, rawCreateMs };
}
