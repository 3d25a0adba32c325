import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding Latchkey's package.json, found by walking up from this
 * file. Code runs from source (`core/`, under tsx) and from the build
 * (`dist/core/`, as installed from npm) at different depths, while
 * templates, locales and assets stay at the package root in both: a path
 * relative to this file would hold in only one of the two.
 */
function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`latchkey: no package.json above ${from}`);
  }
}

const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** A file or folder shipped with Latchkey, by its path from the package root (`'templates/assets'`). */
export function packageFile(...segments: string[]): string {
  return join(PACKAGE_ROOT, ...segments);
}
