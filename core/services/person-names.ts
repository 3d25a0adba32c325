import type { VaultContext } from './context.ts';

/**
 * The name the host gives a person as the audit trail keys them
 * (`admin:<id>`, `client:<id>`, `client:<id>/<contact>`), with the key itself
 * when the host no longer knows them; null for everyone together (`*`).
 */
export async function personName(ctx: VaultContext, person: string): Promise<string | null> {
  const [kind, id = ''] = splitOnce(person, ':');
  if (kind === 'admin') return (await ctx.host.admins([id])).get(id)?.name ?? person;
  if (kind === 'client') {
    const [clientId, contactId] = splitOnce(id, '/');
    if (contactId !== undefined) return (await ctx.host.contacts([contactId])).get(contactId)?.name ?? person;
    return (await ctx.host.clients([clientId])).get(clientId)?.name ?? person;
  }
  return null;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)];
}
