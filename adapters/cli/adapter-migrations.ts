import type { Migration } from '../../core/index.ts';
import { zendeskMigrations } from '../zendesk/index.ts';

/** The tables of the host's adapter (LATCHKEY_HOST), which only that host's installs have. */
export function adapterMigrationsOf(hostKind: string | undefined): readonly Migration[] {
  return hostKind === 'zendesk' ? zendeskMigrations : [];
}
