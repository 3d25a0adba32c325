/** Where the command line finds the database, from the same variables the hosts use. */
export interface CliEnvironment {
  databaseUrl: string;
  tablePrefix: string | undefined;
  /** LATCHKEY_HOST: which host's adapter runs beside core (`zendesk` brings its own table). */
  hostKind: string | undefined;
}

export const DEFAULT_DATABASE_URL = 'sqlite:./data/latchkey.sqlite';

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): CliEnvironment {
  return {
    databaseUrl: env.LATCHKEY_DATABASE_URL || DEFAULT_DATABASE_URL,
    tablePrefix: env.LATCHKEY_TABLE_PREFIX || undefined,
    hostKind: env.LATCHKEY_HOST?.trim().toLowerCase() || undefined,
  };
}
