import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { ESLint } from 'eslint';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `ruleId: message` of every problem ESLint (eslint.config.js) finds in `source` placed at `path`. */
async function problems(eslint: ESLint, path: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: join(ROOT, path) });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('each folder has one front door (npm run lint)', function () {
  this.timeout(60_000);
  const eslint = new ESLint({ cwd: ROOT });

  it('the lint finds nothing in core, adapters, migrations, the testing kit or the examples', async () => {
    const results = await eslint.lintFiles(['core', 'adapters', 'migrations', 'examples']);
    expect(results.map((r) => r.filePath)).to.include(join(ROOT, 'adapters/express/mount.ts'));
    const found = results.flatMap((r) => r.messages.map((m) => `${r.filePath.slice(ROOT.length)}:${m.line} ${m.ruleId}: ${m.message}`));
    expect(found).to.deep.equal([]);
  });

  it('an adapter entering core or another adapter other than by its index.ts is refused; front doors and its own files pass', async () => {
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
      'export { issue, lazy, createLatchkey, mountLatchkey, checkLink, express };',
      'export type { LatchkeyMount };',
    ].join('\n');
    expect(await problems(eslint, 'adapters/zendesk/example.ts', source)).to.deep.equal([
      'latchkey/front-door: core/validation/rules.ts is inside core: import core/index.ts instead',
      'latchkey/front-door: adapters/express/mount.ts is inside adapters/express: import adapters/express/index.ts instead',
      'latchkey/front-door: adapters/smtp/smtp-mailer.ts is inside adapters/smtp: import adapters/smtp/index.ts instead',
      'latchkey/front-door: adapters/memory/memory-directory.ts is inside adapters/memory: import adapters/memory/index.ts instead',
      'latchkey/front-door: core/render/renderer.ts is inside core: import core/index.ts instead',
    ]);
  });

  it('migrations may read core\'s table names; the testing kit may not reach inside core', async () => {
    expect(await problems(eslint, 'migrations/0001_vault_schema.ts', "import type { TableNames } from '../core/store/table-names.ts';\nexport type T = TableNames;")).to.deep.equal([]);
    expect(await problems(eslint, 'adapters/testing/host-directory-contract.ts', "import { Secret } from '../../core/domain/secret.ts';\nexport { Secret };")).to.deep.equal([
      'latchkey/front-door: core/domain/secret.ts is inside core: import core/index.ts instead',
    ]);
  });

  it('core and the Express mount log through the Logger port, never the console', async () => {
    for (const path of ['core/services/example.ts', 'adapters/express/example.ts']) {
      expect(await problems(eslint, path, "console.warn('x');\nexport {};")).to.deep.equal(['no-console: Unexpected console statement.']);
    }
    expect(await problems(eslint, 'adapters/cli/example.ts', "console.log('x');\nexport {};")).to.deep.equal([]);
  });

  it('core imports neither Express nor any adapter or example', async () => {
    const found = await problems(eslint, 'core/services/example.ts', [
      "import express from 'express';",
      "import { WhmcsApi } from '../../adapters/whmcs/index.ts';",
      "import { seed } from '../../examples/demo-host/index.ts';",
      'export { express, WhmcsApi, seed };',
    ].join('\n'));
    expect(found).to.have.length(3);
    expect(found[0]).to.match(/^no-restricted-imports: .*Express/);
    expect(found[1]).to.match(/^no-restricted-imports: .*core knows no adapter/);
    expect(found[2]).to.match(/^no-restricted-imports: .*core knows no adapter/);
  });
});
