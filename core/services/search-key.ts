import type { Knex } from 'knex';
import { blindTerm } from '../crypto/blind-index.ts';
import { titleWordPrefixes } from '../domain/title-words.ts';
import type { EntryCipher } from '../crypto/entry-cipher.ts';
import type { WrappedKey } from '../ports/key-provider.ts';
import type { TableNames } from '../store/table-names.ts';

/** The row of the notes' search key; one key serves every entry. */
const NOTES_KEY_ID = 'notes';
/** What the search key is wrapped for, as an entry's data key is wrapped for its entry. */
const WRAP_CONTEXT = 'search-key:notes';
/** The key never changes, so neither does its version (newDataKey's first): rotation re-wraps it under the new KEK. */
const KEY_VERSION = 1;

type KeyRow = { kek_id: string; wrapped_key: string };

/**
 * The key of the notes' blind index (note-terms.ts): 32 random bytes made
 * once, stored wrapped under the active KEK, unwrapped on first use and kept
 * in this instance's memory from then on. Never logged, never in an answer.
 */
export class SearchKey {
  #key: Buffer | null = null;

  constructor(
    private readonly knex: Knex, private readonly tables: TableNames, private readonly cipher: EntryCipher, private readonly now: () => number,
  ) {}

  /** The key, made and stored the first time anything is indexed. */
  async open(): Promise<Buffer> {
    if (this.#key) return this.#key;
    let row = await this.read();
    if (!row) {
      const { wrapped } = await this.cipher.newDataKey(WRAP_CONTEXT);
      // Another instance may store its own at the same moment: the first stored is the key, for both.
      await this.knex(this.tables.searchKeys)
        .insert({ id: NOTES_KEY_ID, kek_id: wrapped.keyId, wrapped_key: wrapped.blob, created_at: this.now() })
        .onConflict('id').ignore();
      row = (await this.read())!;
    }
    return this.unwrap(row);
  }

  /** The key if one was ever made, else null: a search must not write, and nothing is indexed without it. */
  async ifMade(): Promise<Buffer | null> {
    if (this.#key) return this.#key;
    const row = await this.read();
    return row ? this.unwrap(row) : null;
  }

  /** The terms notes are found by (none without notes, or without a word of 3 letters on their first line). */
  async termsOf(notes: string | null | undefined): Promise<string[]> {
    const prefixes = notes ? titleWordPrefixes(notes) : [];
    if (prefixes.length === 0) return [];
    const key = await this.open();
    return prefixes.map((prefix) => blindTerm(key, prefix));
  }

  /** The blind term of a folded word prefix; null while no key was made (nothing is indexed then). */
  async term(prefix: string): Promise<string | null> {
    const key = await this.ifMade();
    return key && blindTerm(key, prefix);
  }

  /** Whether the key is wrapped under a KEK other than `active`: rotation has it to do. */
  async pendingRewrap(active: string): Promise<number> {
    const row = await this.read();
    return row && row.kek_id !== active ? 1 : 0;
  }

  /** Re-wraps the key under the active KEK (written only while it still names the KEK it was read with). */
  async rewrap(active: string): Promise<number> {
    const row = await this.read();
    if (!row || row.kek_id === active) return 0;
    const wrapped = await this.cipher.rewrap(WRAP_CONTEXT, KEY_VERSION, wrappedOf(row));
    return this.knex(this.tables.searchKeys).where({ id: NOTES_KEY_ID, kek_id: row.kek_id })
      .update({ kek_id: wrapped.keyId, wrapped_key: wrapped.blob });
  }

  /** Whether the keyring opens the stored key: null when it does (or none was made), else its KEK id and why not. */
  async problem(): Promise<{ keyId: string; reason: string } | null> {
    const row = await this.read();
    if (!row) return null;
    try {
      await this.cipher.openDataKey(WRAP_CONTEXT, KEY_VERSION, wrappedOf(row));
      return null;
    } catch (err) {
      return { keyId: row.kek_id, reason: err instanceof Error ? err.message.split('\n')[0]!.slice(0, 200) : 'does not unwrap' };
    }
  }

  private async read(): Promise<KeyRow | undefined> {
    return await this.knex(this.tables.searchKeys).select('kek_id', 'wrapped_key').where('id', NOTES_KEY_ID).first() as KeyRow | undefined;
  }

  private async unwrap(row: KeyRow): Promise<Buffer> {
    const { key } = await this.cipher.openDataKey(WRAP_CONTEXT, KEY_VERSION, wrappedOf(row));
    this.#key = Buffer.from(key);
    return this.#key;
  }
}

function wrappedOf(row: KeyRow): WrappedKey {
  return { keyId: row.kek_id, blob: row.wrapped_key };
}
