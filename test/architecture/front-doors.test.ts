import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The code a host or a reader of the package meets; tests may reach inside what they test. */
const SCANNED = ['core', 'adapters', 'migrations', 'testing', 'examples'];
/** Every `from '...'` and `import('...')` with a literal specifier. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

/**
 * The folder a file belongs to: core, migrations and testing are one each;
 * every adapter and every example is its own.
 */
function folderOf(path: string): string {
  const [top, second] = path.split('/');
  return top === 'adapters' || top === 'examples' ? `${top}/${second}` : top!;
}

/**
 * Migrations are core's own schema, loaded by core's migrator: they may read
 * core's table names and audit constants where they are.
 */
function mayReachInside(from: string, to: string): boolean {
  return from === 'migrations' && to === 'core';
}

/** `path: specifier` for each import of `source` (at `path`) that enters another folder other than by its index.ts. */
function deepImports(path: string, source: string): string[] {
  const found: string[] = [];
  for (const [, specifier] of source.matchAll(SPECIFIER)) {
    if (!specifier!.startsWith('.')) continue;
    const target = normalize(join(dirname(path), specifier!)).split(sep).join('/');
    const from = folderOf(path);
    const to = folderOf(target);
    if (to === from || target === `${to}/index.ts` || mayReachInside(from, to)) continue;
    found.push(`${path}: ${specifier}`);
  }
  return found;
}

function sourceFiles(): string[] {
  return SCANNED.flatMap((top) => readdirSync(join(ROOT, top), { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(ts|mts|mjs|js)$/.test(file) && !file.split(sep).includes('node_modules'))
    .map((file) => relative(ROOT, join(ROOT, top, file)).split(sep).join('/')));
}

describe('each folder has one front door', () => {
  it('no adapter, example, migration or the testing kit imports a file of another folder except its index.ts', () => {
    const files = sourceFiles();
    expect(files).to.include('adapters/express/mount.ts');
    const found = files.flatMap((file) => deepImports(file, readFileSync(join(ROOT, file), 'utf8')));
    expect(found).to.deep.equal([]);
  });

  it('sees a deep import into core or another adapter, and lets front doors and imports within a folder through', () => {
    const source = [
      "import { issue } from '../../core/validation/rules.ts';",
      "import type { LatchkeyMount } from '../express/mount.ts';",
      "export { SmtpMailer } from '../smtp/smtp-mailer.ts';",
      "const lazy = await import('../memory/memory-directory.ts');",
      "import '../../core/render/renderer.ts';",
      "import { createLatchkey } from '../../core/index.ts';",
      "import { mountLatchkey } from '../express/index.ts';",
      "import { checkLink } from './mapping.ts';",
      "import express from 'express';",
    ].join('\n');
    expect(deepImports('adapters/zendesk/example.ts', source)).to.deep.equal([
      'adapters/zendesk/example.ts: ../../core/validation/rules.ts',
      'adapters/zendesk/example.ts: ../express/mount.ts',
      'adapters/zendesk/example.ts: ../smtp/smtp-mailer.ts',
      'adapters/zendesk/example.ts: ../memory/memory-directory.ts',
      'adapters/zendesk/example.ts: ../../core/render/renderer.ts',
    ]);
    expect(deepImports('migrations/0001_vault_schema.ts', "import type { TableNames } from '../core/store/table-names.ts';")).to.deep.equal([]);
    expect(deepImports('testing/host-directory-contract.ts', "import { Secret } from '../core/domain/secret.ts';")).to.deep.equal([
      'testing/host-directory-contract.ts: ../core/domain/secret.ts',
    ]);
  });
});
