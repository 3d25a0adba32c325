/** Every table Latchkey owns, under the configurable prefix (the addon shares the host's database). */
export interface TableNames {
  /** The prefix itself, for an adapter's own tables (`<prefix>zendesk_links`). */
  prefix: string;
  entries: string;
  grants: string;
  categories: string;
  categoryMembers: string;
  history: string;
  audit: string;
  settings: string;
  outbox: string;
  leases: string;
  usedTokens: string;
  watchers: string;
  /** Admins' API tokens, stored as hashes (migration 0008). */
  apiTokens: string;
  /** Rate-limit counters shared by every app instance (migration 0008). */
  rateLimits: string;
  /** Which source record of an import each entry came from (core/import). */
  importFingerprints: string;
  /** Each import's progress, readable from every app instance (migration 0011). */
  importJobs: string;
  /** Second factors, recovery codes and fresh verifications (migration 0012). */
  stepUpFactors: string;
  stepUpRecoveryCodes: string;
  stepUpChallenges: string;
  stepUpVerifications: string;
  /** Entries' free tags (migration 0014). */
  tags: string;
  /** The language each client-area person chose (migration 0014). */
  contactLanguages: string;
  /** Addresses and browsers each person revealed from, as digests (migration 0013). */
  sightings: string;
  /** Each admin's host role as last seen, and when it changed (migration 0013). */
  personRoles: string;
  /** Security alerts raised, one per rule, person and window (migration 0013). */
  alerts: string;
  /** Keyed blind index of the words on entries' notes' first line (migration 0018). */
  noteTerms: string;
  /** The blind index's key, wrapped under a KEK (migration 0018). */
  searchKeys: string;
  migrations: string;
  migrationsLock: string;
}

export const DEFAULT_TABLE_PREFIX = 'latchkey_';

export function tableNames(prefix: string = DEFAULT_TABLE_PREFIX): TableNames {
  if (!/^[A-Za-z][A-Za-z0-9_]{0,30}$/.test(prefix)) {
    throw new Error('table prefix must start with a letter and hold at most 31 letters, digits or underscores');
  }
  return {
    prefix,
    entries: `${prefix}entries`,
    grants: `${prefix}entry_grants`,
    categories: `${prefix}categories`,
    categoryMembers: `${prefix}category_members`,
    history: `${prefix}entry_history`,
    audit: `${prefix}audit_events`,
    settings: `${prefix}settings`,
    outbox: `${prefix}mail_outbox`,
    leases: `${prefix}job_leases`,
    usedTokens: `${prefix}used_tokens`,
    watchers: `${prefix}entry_watchers`,
    apiTokens: `${prefix}api_tokens`,
    rateLimits: `${prefix}rate_limits`,
    importFingerprints: `${prefix}import_fingerprints`,
    importJobs: `${prefix}import_jobs`,
    stepUpFactors: `${prefix}step_up_factors`,
    stepUpRecoveryCodes: `${prefix}step_up_recovery_codes`,
    stepUpChallenges: `${prefix}step_up_challenges`,
    stepUpVerifications: `${prefix}step_up_verifications`,
    tags: `${prefix}entry_tags`,
    contactLanguages: `${prefix}contact_languages`,
    sightings: `${prefix}sightings`,
    personRoles: `${prefix}person_roles`,
    alerts: `${prefix}alerts`,
    noteTerms: `${prefix}note_terms`,
    searchKeys: `${prefix}search_keys`,
    migrations: `${prefix}migrations`,
    migrationsLock: `${prefix}migrations_lock`,
  };
}
