import type { EntryView, RevealedSecrets } from '../domain/entry.ts';
import { CLIENT_FIELDS, type ClientField, type ClientFieldAccess } from '../domain/field-access.ts';
import type { VaultSettings } from '../domain/settings.ts';
import { chosenFieldAccess } from './access-policy.ts';
import type { ActorFacts, EntryFacts } from './facts.ts';

/**
 * The fields of an entry the actor may not see at all. They are taken out of
 * everything that leaves the server for it (lists, `get`, reveals, history,
 * exports, mail), not merely left unshown by the panel.
 */
export function hiddenFields(
  actor: ActorFacts, entry: Pick<EntryFacts, 'source' | 'owner' | 'clientFieldAccess'>, settings: VaultSettings,
): ClientField[] {
  const access = chosenFieldAccess(actor, entry, settings);
  return CLIENT_FIELDS.filter((field) => access[field] === 'hidden');
}

/**
 * The entry as an actor with `access` may have it (`fieldAccess`, or in a
 * list `chosenFieldAccess`). A client gets the access it has to each field in
 * place of staff's setting.
 */
export function viewFor(actor: ActorFacts, access: ClientFieldAccess, view: EntryView): EntryView {
  // Staff, and a client with every field (its own entries), have the entry as stored.
  if (actor.kind !== 'client' || CLIENT_FIELDS.every((field) => access[field] === 'edit')) return view;
  const hidden = (field: ClientField) => access[field] === 'hidden';
  return {
    ...view,
    username: hidden('username') ? '' : view.username,
    websiteUrl: hidden('urls') ? null : view.websiteUrl,
    loginUrl: hidden('urls') ? null : view.loginUrl,
    hasPassword: hidden('password') ? false : view.hasPassword,
    passwordChangedAt: hidden('password') ? null : view.passwordChangedAt,
    hasNotes: hidden('notes') ? false : view.hasNotes,
    hasTotp: hidden('totp') ? false : view.hasTotp,
    clientFieldAccess: access,
  };
}

/** The secrets without those the actor may not see. */
export function secretsFor(hidden: readonly ClientField[], secrets: RevealedSecrets): RevealedSecrets {
  return {
    password: hidden.includes('password') ? null : secrets.password,
    notes: hidden.includes('notes') ? null : secrets.notes,
    totpSecret: hidden.includes('totp') ? null : secrets.totpSecret,
  };
}

/** Which client field each updatable input names. */
export const INPUT_FIELDS = {
  username: 'username', websiteUrl: 'urls', loginUrl: 'urls', password: 'password', notes: 'notes', totpSecret: 'totp',
} as const satisfies Record<string, ClientField>;
