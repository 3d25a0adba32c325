// The architecture rules a reviewer would otherwise have to remember, run by
// `npm run lint` (and by test/architecture/front-doors.test.ts inside `npm test`).
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';

const ROOT = dirname(fileURLToPath(import.meta.url));

/**
 * The folder a file belongs to: core, migrations and testing are one each;
 * every adapter and every example is its own.
 */
function folderOf(path) {
  const [top, second] = path.split('/');
  return top === 'adapters' || top === 'examples' ? `${top}/${second}` : top;
}

/**
 * Migrations are core's own schema, loaded by core's migrator: they may read
 * core's table names and audit constants where they are.
 */
function mayReachInside(from, to) {
  return from === 'migrations' && to === 'core';
}

/** Each folder has one front door: another folder is entered only through its index.ts. */
const frontDoor = {
  meta: {
    type: 'problem',
    docs: { description: 'import another folder only through its index.ts' },
    messages: { deep: '{{target}} is inside {{folder}}: import {{folder}}/index.ts instead' },
    schema: [],
  },
  create(context) {
    const file = relative(ROOT, context.filename).split(sep).join('/');
    function check(node) {
      const specifier = node?.type === 'Literal' && typeof node.value === 'string' ? node.value : undefined;
      if (!specifier?.startsWith('.')) return;
      const target = normalize(join(dirname(file), specifier)).split(sep).join('/');
      const from = folderOf(file);
      const to = folderOf(target);
      if (to === from || target === `${to}/index.ts` || mayReachInside(from, to)) return;
      context.report({ node, messageId: 'deep', data: { target, folder: to } });
    }
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};

export default [
  { ignores: ['node_modules/**', 'dist/**', 'test-output/**', 'data/**', 'templates/assets/**', 'adapters/zendesk/app/**'] },
  {
    files: ['core/**/*.ts', 'adapters/**/*.ts', 'migrations/**/*.ts', 'examples/**/*.ts'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2023, sourceType: 'module' },
    plugins: { latchkey: { rules: { 'front-door': frontDoor } } },
    rules: { 'latchkey/front-door': 'error' },
  },
  {
    // Core and the Express mount log through the Logger port they are given; only its console default writes to the console.
    files: ['core/**/*.ts', 'adapters/express/**/*.ts'],
    ignores: ['core/ports/logger.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // Core knows nothing of Express or any host: hosts come in through its ports.
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'express', message: 'core knows nothing of Express: put HTTP in adapters/express' }],
        patterns: [{ group: ['**/adapters/**', '**/examples/**'], message: 'core knows no adapter or host' }],
      }],
    },
  },
];
