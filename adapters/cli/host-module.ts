import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigurationError, type HostDirectory } from '../../core/index.ts';

/**
 * LATCHKEY_HOST_MODULE: a module of the installer's whose `createHostDirectory()`
 * returns the platform's HostDirectory (the people mail goes to, the platform
 * behind Zendesk).
 */
export async function loadHostModule(modulePath: string): Promise<HostDirectory> {
  const loaded = await import(pathToFileURL(resolve(modulePath)).href) as { createHostDirectory?: () => HostDirectory | Promise<HostDirectory> };
  if (typeof loaded.createHostDirectory !== 'function') {
    throw new ConfigurationError(`${modulePath} (LATCHKEY_HOST_MODULE) does not export createHostDirectory()`);
  }
  return loaded.createHostDirectory();
}
