import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { demoLogins } from '../../examples/demo-host/app.ts';
import { DEMO_LANGUAGES } from '../../examples/demo-host/i18n.ts';
import * as data from '../../examples/demo-host/seed-data.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PLURAL = /_(zero|one|two|few|many|other)$/;

function flatten(value: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (child !== null && typeof child === 'object') for (const [k, v] of flatten(child, `${prefix}${key}.`)) out.set(k, v);
    else out.set(`${prefix}${key}`, String(child));
  }
  return out;
}

function load(language: string): Map<string, string> {
  return flatten(JSON.parse(readFileSync(join(ROOT, 'locales', language, 'demo.json'), 'utf8')));
}

/** Keys without their plural suffix: languages have different plural forms. */
function baseKeys(strings: Map<string, string>): Set<string> {
  return new Set([...strings.keys()].map((k) => k.replace(PLURAL, '')));
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)]));
}

describe('demo host: its strings in every language', () => {
  const english = load('en');

  for (const language of DEMO_LANGUAGES.filter((l) => l !== 'en')) {
    it(`has every key in ${language}, no extra ones, with the same placeholders`, () => {
      const strings = load(language);
      expect([...baseKeys(english)].filter((k) => !baseKeys(strings).has(k)), 'missing').to.deep.equal([]);
      expect([...baseKeys(strings)].filter((k) => !baseKeys(english).has(k)), 'extra').to.deep.equal([]);
      for (const [key, text] of strings) {
        const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
        const source = english.get(key) ?? english.get(key.replace(PLURAL, '_other'))!;
        expect(placeholders(text), `${language}: ${key}`).to.deep.equal(placeholders(source));
        expect(text.trim(), `${language}: ${key} is empty`).not.to.equal('');
      }
    });
  }

  it('defines every key the views name, and every key built from the demo data', () => {
    const keys = baseKeys(english);
    const named = walk(join(ROOT, 'examples/demo-host/views'))
      .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\bt "([a-zA-Z0-9_.-]+)"/g)].map((m) => m[1]!));
    const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const built = [
      ...['login.adminTitle', 'login.clientTitle', 'login.adminIntro', 'login.clientIntro'],
      ...['failed', 'missing', 'expired', 'throttled'].map((k) => `login.${k}`),
      ...['notFound', 'forbidden', 'badRequest', 'server', 'unavailable'].flatMap((k) => [`error.${k}`, `error.${k}Title`]),
      ...data.tickets.flatMap((t) => [`status.${slug(t.status)}`, `priority.${slug(t.priority)}`, `department.${t.department}`]),
      ...[...data.services, ...data.clients].map((s) => `status.${slug(s.status)}`),
      ...['Answered', 'In Progress', 'Closed'].map((s) => `status.${slug(s)}`),
      ...data.devices.map((d) => `device.${d.kind}`),
      ...demoLogins().map((l) => l.noteKey),
    ];
    expect([...new Set([...named, ...built])].filter((k) => !keys.has(k))).to.deep.equal([]);
  });
});
