/**
 * Every reason an input can be refused, with its English wording. Edges
 * translate `rule` with the `validation.<rule>` key of the user's language;
 * the English message stays on the error for logs and API clients.
 */
export const RULES = {
  required: () => 'is required',
  invalid: () => 'is invalid',
  mustBeText: () => 'must be text',
  mustBeNumber: () => 'must be a number',
  mustBeWholeNumber: () => 'must be a whole number',
  mustBeYesNo: () => 'must be true or false',
  mustBeList: () => 'must be a list',
  mustBeObject: () => 'must be an object',
  tooLong: (p) => `must be at most ${p.max} characters`,
  tooLarge: (p) => `must be at most ${p.max}`,
  tooSmall: (p) => `must be at least ${p.min}`,
  tooMany: (p) => `must hold at most ${p.max} items`,
  maxBytes: (p) => `must be at most ${p.size}`,
  oneOf: (p) => `must be one of ${p.values}`,
  unknownField: () => 'is not a known field',
  givenOnce: () => 'must be given once',
  httpUrl: () => 'must be an http:// or https:// address',
  totpSeed: () => 'must be a base32 TOTP seed',
  hostId: () => 'must be an id of 1-64 letters, digits or _.:@-',
  latchkeyId: () => 'must be a Latchkey id',
  oneCharacterClass: () => 'choose at least one character class',
  notInHost: () => 'does not exist in the host',
  otherClient: () => 'belongs to another client',
  ownClientOnly: () => 'must be your own client id',
  clientSharesWithContacts: () => 'clients share with their own contacts only',
  notAnAdmin: () => 'is not an admin of the host',
  notAnAdminRole: () => 'is not an admin role of the host',
  entryClientOnly: () => "must be the entry's own client",
  entryClientContactOnly: () => "must be a contact of the entry's client",
  notYourCategory: () => 'is not a category you can file entries in',
  clientCategoryContactsOnly: () => 'client categories hold contacts only',
  clientChoosesMembers: () => 'who is in a client\'s category is the client\'s choice; staff may rename or delete it',
  notYourContact: () => 'is not one of your contacts',
  unknownMember: () => 'is not known in the host',
  badJson: () => 'request body must be valid JSON',
  badPathEncoding: () => 'request path is not valid URL encoding',
  badId: () => 'is not a valid id',
  controlCharacter: (p) => `must not contain control characters (${p.char})`,
  invisibleCharacter: (p) => `must not contain invisible or text-direction characters (${p.char})`,
  unpairedSurrogate: () => 'contains an invalid character (an unpaired UTF-16 surrogate)',
  entryId: () => 'must be a Latchkey id or service:<host id>',
  noClientMatch: () => 'matches no client',
  severalClientsMatch: () => 'matches several clients',
  categoriesNotAllowed: () => 'creating categories is not allowed for you',
  unreadableFile: (p) => `cannot be read as ${p.format}: ${p.reason}`,
  wrongCode: () => 'is not a valid code',
  noPendingEnrolment: () => 'no authenticator app is being set up',
  alreadyEnrolled: () => 'an authenticator app is already set up; a manager can reset it',
  tagComma: () => 'a tag cannot contain a comma',
  tooWeak: (p) => `is too weak: its strength is ${p.score} of 4, and at least ${p.min} is required`,
  levelDisagreesWithCanEdit: () => 'disagrees with canEdit: give the level alone',
  fieldNotEditable: () => 'may not be changed by you on this entry',
  staffSetsFieldAccess: () => 'only staff choose what the client may do with each field',
  needsClient: () => 'needs one client: give clientId too',
  isoDay: () => 'must be a date written YYYY-MM-DD',
  endBeforeStart: () => 'must not be before the start date',
} satisfies Record<string, (params: Record<string, string | number>) => string>;

export type Rule = keyof typeof RULES;

/** Every rule's name, for schemas that describe refusals (the OpenAPI document's 400). */
export const RULE_NAMES = Object.keys(RULES) as [Rule, ...Rule[]];

export interface Issue {
  field: string;
  rule: Rule;
  params?: Record<string, string | number>;
  message: string;
}

/** One refused field, worded in English from its rule. */
export function issue(field: string, rule: Rule, params: Record<string, string | number> = {}): Issue {
  return { field, rule, params, message: RULES[rule](params) };
}

export function isRule(value: string): value is Rule {
  return Object.hasOwn(RULES, value);
}
