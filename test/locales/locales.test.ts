import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

/**
 * The translations keep up with English: same keys (every plural category the
 * language needs), nothing empty, every `{{placeholder}}` kept; and every key a
 * template names literally exists in English. Touches no database.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LOCALES_DIR = join(ROOT, 'locales');
const TEMPLATES_DIR = join(ROOT, 'templates');
const LANGUAGES = ['fr', 'de', 'es', 'it'] as const;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type PluralType = 'cardinal' | 'ordinal';

const PLURAL_CATEGORIES = ['zero', 'one', 'two', 'few', 'many', 'other'] as const;
const PLURAL_SUFFIX = new RegExp(`^(.+?)_(ordinal_)?(${PLURAL_CATEGORIES.join('|')})$`);

function readJson(path: string): Json {
  return JSON.parse(readFileSync(path, 'utf8')) as Json;
}

/** `{ a: { b: 'x' } }` → `Map { 'a.b' => 'x' }`; non-string leaves are kept as they are, to be reported. */
function flatten(node: Json, prefix = '', out = new Map<string, Json>()): Map<string, Json> {
  if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
    for (const [key, value] of Object.entries(node)) flatten(value, prefix ? `${prefix}.${key}` : key, out);
  } else {
    out.set(prefix, node);
  }
  return out;
}

interface PluralKey { base: string; type: PluralType; category: string }

function pluralKey(key: string): PluralKey | undefined {
  const m = PLURAL_SUFFIX.exec(key);
  if (!m) return undefined;
  return { base: m[1]!, type: m[2] ? 'ordinal' : 'cardinal', category: m[3]! };
}

function pluralSuffix(type: PluralType, category: string): string {
  return type === 'ordinal' ? `_ordinal_${category}` : `_${category}`;
}

/** Names inside `{{…}}`, without i18next formats (`{{count, number}}` → `count`). */
function placeholders(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/\{\{-?\s*([^}]+?)\s*\}\}/g)) names.add(m[1]!.split(',')[0]!.trim());
  return names;
}

/**
 * What each language must have, from English: plain keys as they are; for each
 * plural base key in English, one key per plural category the language's
 * `Intl.PluralRules` knows.
 */
function expectedKeys(english: Map<string, Json>, language: string): Map<string, { englishKey: string; optional?: boolean }> {
  const expected = new Map<string, { englishKey: string; optional?: boolean }>();
  const bases = new Map<string, { type: PluralType; englishKeys: string[] }>();
  for (const key of english.keys()) {
    const plural = pluralKey(key);
    // `x_one` is a plural form only if English has the matching `x_other`.
    if (plural && english.has(`${plural.base}${pluralSuffix(plural.type, 'other')}`)) {
      const id = `${plural.type}:${plural.base}`;
      const entry = bases.get(id) ?? { type: plural.type, englishKeys: [] };
      entry.englishKeys.push(key);
      bases.set(id, entry);
    } else {
      expected.set(key, { englishKey: key });
    }
  }
  for (const [id, { type, englishKeys }] of bases) {
    const base = id.slice(id.indexOf(':') + 1);
    const englishOther = `${base}${pluralSuffix(type, 'other')}`;
    for (const category of new Intl.PluralRules(language, { type }).resolvedOptions().pluralCategories) {
      expected.set(`${base}${pluralSuffix(type, category)}`, { englishKey: englishOther });
    }
    // i18next's `_zero` is an optional extra, not an Intl category: allowed when English has it.
    if (type === 'cardinal' && englishKeys.includes(`${base}_zero`) && !expected.has(`${base}_zero`)) {
      expected.set(`${base}_zero`, { englishKey: `${base}_zero`, optional: true });
    }
  }
  return expected;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    return d.isDirectory() ? walk(path) : [path];
  });
}

const namespaces = readdirSync(join(LOCALES_DIR, 'en')).filter((f) => f.endsWith('.json')).sort();

describe('locales: translations match English', () => {
  it('finds at least the latchkey namespace in locales/en', () => {
    expect(namespaces).to.include('latchkey.json');
  });

  for (const file of namespaces) {
    describe(`namespace ${file.replace(/\.json$/, '')}`, () => {
      const english = flatten(readJson(join(LOCALES_DIR, 'en', file)));

      it('English itself has only non-empty strings', () => {
        const bad = [...english].filter(([, v]) => typeof v !== 'string' || v.trim() === '').map(([k]) => k);
        expect(bad, `en/${file}: keys without a non-empty string value: ${bad.join(', ')}`).to.deep.equal([]);
      });

      for (const language of LANGUAGES) {
        describe(language, () => {
          const path = join(LOCALES_DIR, language, file);
          const load = (): Map<string, Json> => {
            expect(existsSync(path), `${language}: locales/${language}/${file} is missing`).to.equal(true);
            return flatten(readJson(path));
          };

          it('has every key of English, with each plural form the language needs, and no other key', () => {
            const translated = load();
            const expected = expectedKeys(english, language);
            const missing = [...expected].filter(([k, e]) => !e.optional && !translated.has(k)).map(([k]) => k);
            const extra = [...translated.keys()].filter((k) => !expected.has(k));
            const problems = [
              ...missing.map((k) => `missing key "${k}"`),
              ...extra.map((k) => `key "${k}" is not in English (or is a plural form ${language} does not use)`),
            ];
            expect(problems, `${language}/${file}: ${problems.join('; ')}`).to.deep.equal([]);
          });

          it('has no empty value', () => {
            const translated = load();
            const empty = [...translated].filter(([, v]) => typeof v !== 'string' || v.trim() === '').map(([k]) => k);
            expect(empty, `${language}/${file}: empty or non-string value for ${empty.map((k) => `"${k}"`).join(', ')}`).to.deep.equal([]);
          });

          it('keeps every {{placeholder}} of English and adds none', () => {
            const translated = load();
            const problems: string[] = [];
            for (const [key, { englishKey }] of expectedKeys(english, language)) {
              const value = translated.get(key);
              const source = english.get(englishKey);
              if (typeof value !== 'string' || typeof source !== 'string') continue; // reported above
              const wanted = placeholders(source);
              const got = placeholders(value);
              // A singular form may spell the number out ("un accès"): {{count}} is optional there.
              const plural = pluralKey(key);
              if (plural && ['zero', 'one', 'two'].includes(plural.category)) wanted.delete('count');
              for (const name of wanted) if (!got.has(name)) problems.push(`"${key}" lacks {{${name}}}`);
              for (const name of got) if (!placeholders(source).has(name)) problems.push(`"${key}" has {{${name}}}, which English lacks`);
            }
            expect(problems, `${language}/${file}: ${problems.join('; ')}`).to.deep.equal([]);
          });
        });
      }
    });
  }
});

describe('locales: keys used by templates', () => {
  const english = flatten(readJson(join(LOCALES_DIR, 'en', 'latchkey.json')));
  const exists = (key: string): boolean =>
    typeof english.get(key) === 'string' ||
    PLURAL_CATEGORIES.some((c) => typeof english.get(`${key}_${c}`) === 'string');
  const templates = walk(TEMPLATES_DIR).filter((f) => f.endsWith('.hbs')).sort();

  /** `{{t "key" …}}` / `{{t 'key' …}}` (also `{{~t …}}`); dynamic keys such as `(concat …)` are skipped. */
  function literalKeys(source: string): string[] {
    return [...source.matchAll(/\{\{~?\s*t\s+(["'])([^"']+)\1/g)].map((m) => m[2]!);
  }

  it('finds templates that translate', () => {
    expect(templates.some((f) => literalKeys(readFileSync(f, 'utf8')).length > 0)).to.equal(true);
  });

  it('every literal {{t "…"}} key exists in locales/en/latchkey.json', () => {
    const missing: string[] = [];
    for (const file of templates) {
      for (const key of literalKeys(readFileSync(file, 'utf8'))) {
        if (!exists(key)) missing.push(`"${key}" (templates/${relative(TEMPLATES_DIR, file)})`);
      }
    }
    expect(missing, `en/latchkey.json lacks key(s) used by templates: ${missing.join(', ')}`).to.deep.equal([]);
  });

  it('every literal key handed to a partial (emptyKey="…", legendKey="…", hintKey="…") exists too', () => {
    const missing: string[] = [];
    for (const file of templates) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\b\w+Key=(["'])([\w.-]+)\1/g)) {
        if (!exists(m[2]!)) missing.push(`"${m[2]}" (templates/${relative(TEMPLATES_DIR, file)})`);
      }
    }
    expect(missing, `en/latchkey.json lacks key(s) passed to partials: ${missing.join(', ')}`).to.deep.equal([]);
  });
});
