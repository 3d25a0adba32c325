import type { HostDirectory } from '../ports/host-directory.ts';

/**
 * The name the host gives a person as the audit trail keys them
 * (`admin:<id>`, `client:<id>`, `client:<id>/<contact>`), with the key itself
 * when the host no longer knows them; null for everyone together (`*`).
 */
export async function personName(host: HostDirectory, person: string): Promise<string | null> {
  const [kind, id = ''] = splitOnce(person, ':');
  if (kind === 'admin') return (await host.admins([id])).get(id)?.name ?? person;
  if (kind === 'client') {
    const [clientId, contactId] = splitOnce(id, '/');
    if (contactId !== undefined) return (await host.contacts([contactId])).get(contactId)?.name ?? person;
    return (await host.clients([clientId])).get(clientId)?.name ?? person;
  }
  return null;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)];
}
