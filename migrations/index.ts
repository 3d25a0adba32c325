import type { Knex } from 'knex';
import type { TableNames } from '../core/store/table-names.ts';
import * as vaultSchema from './0001_vault_schema.ts';
import * as reminders from './0002_reminders.ts';
import * as zendeskLinks from './0003_zendesk_links.ts';
import * as outboxSentIndex from './0004_outbox_sent_index.ts';
import * as staffPrivateEntries from './0005_staff_private_entries.ts';
import * as keyedAuditChain from './0006_keyed_audit_chain.ts';
import * as listIndexes from './0007_list_indexes.ts';
import * as apiTokens from './0008_api_tokens.ts';
import * as importFingerprints from './0010_import_fingerprints.ts';
import * as importJobs from './0011_import_jobs.ts';
import * as stepUp from './0012_step_up.ts';
import * as alertsReviews from './0013_alerts_reviews.ts';
import * as tagsLanguages from './0014_tags_languages.ts';
import * as visibilityLevels from './0015_visibility_levels.ts';
import * as listSearch from './0016_list_search.ts';
import * as auditFilters from './0017_audit_filters.ts';
import * as noteTerms from './0018_note_terms.ts';
import * as categorySort from './0019_category_sort.ts';

export interface Migration {
  name: string;
  up(knex: Knex, tables: TableNames): Promise<void>;
  down(knex: Knex, tables: TableNames): Promise<void>;
}

/** In order; a new migration is appended here, never inserted. */
export const migrations: readonly Migration[] = [
  { name: '0001_vault_schema', ...vaultSchema },
  { name: '0002_reminders', ...reminders },
  { name: '0003_zendesk_links', ...zendeskLinks },
  { name: '0004_outbox_sent_index', ...outboxSentIndex },
  { name: '0005_staff_private_entries', ...staffPrivateEntries },
  { name: '0006_keyed_audit_chain', ...keyedAuditChain },
  { name: '0007_list_indexes', ...listIndexes },
  { name: '0008_api_tokens', ...apiTokens },
  { name: '0010_import_fingerprints', ...importFingerprints },
  { name: '0011_import_jobs', ...importJobs },
  { name: '0012_step_up', ...stepUp },
  { name: '0013_alerts_reviews', ...alertsReviews },
  { name: '0014_tags_languages', ...tagsLanguages },
  { name: '0015_visibility_levels', ...visibilityLevels },
  { name: '0016_list_search', ...listSearch },
  { name: '0017_audit_filters', ...auditFilters },
  { name: '0018_note_terms', ...noteTerms },
  { name: '0019_category_sort', ...categorySort },
];
