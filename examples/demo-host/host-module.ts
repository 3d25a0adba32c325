// For the command line: `LATCHKEY_HOST_MODULE=examples/demo-host/host-module.ts npx latchkey reminders run`
// gives the CLI the demo host's directory, as a real host gives its own.
import { join, resolve } from 'node:path';
import type { HostDirectory } from '../../core/index.ts';
import { openHostDatabase } from './database.ts';
import { DemoDirectory } from './demo-directory.ts';
import { HostSecrets, ServicePasswords } from './secrets.ts';

export function createHostDirectory(): HostDirectory {
  const dataDir = resolve(process.env.LATCHKEY_DATA_DIR ?? './data');
  const knex = openHostDatabase(process.env.LATCHKEY_DATABASE_URL ?? `sqlite:${join(dataDir, 'demo.sqlite')}`);
  const passwords = new ServicePasswords(HostSecrets.load(dataDir).derive('service-passwords'));
  return new DemoDirectory(knex, passwords);
}
