/** What a settings list of people chosen by name says, by locale key. */
export interface IdPickListWords {
  label: string;
  hint: string;
  none: string;
  now: string;
  remove: string;
  unknown: string;
  added: string;
}

/** A settings list of people chosen by name (templates/partials/id-pick-list.hbs): the ids it sends, the names it shows. */
export interface IdPickList {
  ids: string;
  names: Array<{ id: string; name: string | null }>;
  /** The API path its picker searches. */
  source: string;
  words: IdPickListWords;
}

export const EXCLUDED_CLIENT_WORDS: IdPickListWords = {
  label: 'settings.excludedClientsByName', hint: 'settings.excludedClientsPickHint', none: 'settings.noExcludedClients',
  now: 'settings.excludedClientsNow', remove: 'settings.removeExcluded', unknown: 'settings.unknownClient', added: 'settings.excludedAdded',
};

export const RESTRICTED_CONTACT_WORDS: IdPickListWords = {
  label: 'settings.restrictedContacts', hint: 'settings.restrictedContactsPickHint', none: 'settings.noRestrictedContacts',
  now: 'settings.restrictedContactsNow', remove: 'settings.removeRestricted', unknown: 'settings.unknownContact', added: 'settings.restrictedAdded',
};

/** The list for these ids, each named from `names` (null when the host no longer knows it: the page says so). */
export function idPickList(
  ids: readonly string[], names: ReadonlyMap<string, { name: string }>, source: string, words: IdPickListWords,
): IdPickList {
  return { ids: ids.join(', '), names: ids.map((id) => ({ id, name: names.get(id)?.name ?? null })), source, words };
}
