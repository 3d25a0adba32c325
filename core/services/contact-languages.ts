import { pickLanguage, LANGUAGES, type Language } from '../render/languages.ts';
import type { VaultContext } from './context.ts';

/** A person of the client area: the account holder (no contact) or one of its contacts. */
export interface ClientPerson {
  clientId: string;
  contactId?: string | null;
}

/**
 * The language each client-area person reads Latchkey in: the one they chose
 * in the client area's switcher, kept here per person (a contact's choice is
 * not its colleagues'), else the host's own for that contact when the host
 * keeps one. Panels, errors and mail follow it; no cookie is involved, so the
 * choice follows the person to any browser.
 */
export class ContactLanguages {
  constructor(private readonly ctx: VaultContext) {}

  /** The person's language, or null when neither they nor the host chose one (the client's language applies). */
  async of(person: ClientPerson): Promise<Language | null> {
    return this.ctx.guard(async () => {
      const row = await this.ctx.knex(this.ctx.tables.contactLanguages).select('language')
        .where(keyOf(person)).first() as { language: string } | undefined;
      if (row) return pickLanguage(row.language);
      if (!person.contactId) return null;
      const contact = (await this.ctx.host.contacts([person.contactId])).get(person.contactId);
      return contact?.language ? pickLanguage(contact.language) : null;
    });
  }

  /** Keeps the person's choice (replacing an earlier one). */
  async choose(person: ClientPerson, language: Language): Promise<void> {
    if (!(LANGUAGES as readonly string[]).includes(language)) throw new Error(`not a language Latchkey speaks: ${language}`);
    const key = keyOf(person);
    const now = this.ctx.now();
    await this.ctx.guard(() => this.ctx.knex.transaction(async (trx) => {
      await trx(this.ctx.tables.contactLanguages).where(key).delete();
      await trx(this.ctx.tables.contactLanguages).insert({ ...key, language, updated_at: now });
    }));
  }
}

function keyOf(person: ClientPerson): { client_id: string; contact_id: string } {
  // The account holder has no contact id: an empty one keeps the key's columns not null.
  return { client_id: person.clientId, contact_id: person.contactId ?? '' };
}
