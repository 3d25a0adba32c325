import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import Handlebars from 'handlebars';
import { LRUCache } from 'lru-cache';
type CompileOptions = NonNullable<Parameters<typeof Handlebars.compile>[1]>;
import i18next, { type Resource, type TFunction } from 'i18next';
import { packageFile } from '../package-root.ts';
import { LANGUAGES, LANGUAGE_NAMES, type Language } from './languages.ts';
import { checkDateFormat, dateWriter, type DateFormat } from './date-format.ts';
import { safeHttpUrl } from './safe-url.ts';

const TEMPLATES_DIR = packageFile('templates');
const LOCALES_DIR = packageFile('locales');
/** How many parameterless strings a language keeps ready; past it they are looked up each time. */
const PLAIN_STRINGS_KEPT = 2_000;
const HELPERS = ['t', 'safeUrl', 'eq', 'not', 'and', 'or', 'includes', 'languageName', 'date', 'number', 'json', 'concat', 'lkStrings', 'reuse'] as const;
/** Fragments `{{reuse}}` keeps: one per language, place and set of inputs a panel's dialogs are rendered with. */
const REUSED_FRAGMENTS_KEPT = 500;
const COMPILE_OPTIONS: CompileOptions = { strict: false, preventIndent: true, knownHelpers: Object.fromEntries(HELPERS.map((h) => [h, true])) };
/** `{{name}}` or `{{name, number}}`: what the renderer fills in itself, as i18next would. */
const PLACEHOLDER = /\{\{\s*(\w+)\s*(?:,\s*(number)\s*)?\}\}/g;

export interface RenderOptions {
  language: Language;
  /** i18next namespace for `{{t}}` (default `latchkey`). */
  namespace?: string;
}

/**
 * Renders Handlebars views from `templates/` with strings from `locales/`.
 * Handlebars escapes every `{{value}}`; the only raw output is `{{> partial}}`
 * and `{{{fragment}}}` of HTML this renderer made itself. Links go through
 * `safeUrl`, which lets only http(s) through.
 */
export class Renderer {
  readonly #hbs = Handlebars.create();
  readonly #views = new Map<string, Handlebars.TemplateDelegate>();
  /** Templates given as source (addon sections), compiled once each. */
  readonly #sources = new Map<string, Handlebars.TemplateDelegate>();
  readonly #i18n = i18next.createInstance();
  readonly #translators = new Map<string, TFunction>();
  readonly #plain = new Map<string, Map<string, string>>();
  readonly #dateFormat: DateFormat;

  /** `dateFormat`: how the host writes dates (`{{date}}`); by default each language's own way, in UTC. */
  constructor(options: { templatesDir?: string; localesDir?: string; extraNamespaces?: string[]; dateFormat?: DateFormat } = {}) {
    this.#dateFormat = checkDateFormat(options.dateFormat ?? {});
    const templatesDir = options.templatesDir ?? TEMPLATES_DIR;
    const localesDir = options.localesDir ?? LOCALES_DIR;
    const namespaces = ['latchkey', ...(options.extraNamespaces ?? [])];
    const resources: Resource = {};
    for (const language of LANGUAGES) {
      resources[language] = {};
      for (const ns of namespaces) {
        resources[language]![ns] = JSON.parse(readFileSync(join(localesDir, language, `${ns}.json`), 'utf8'));
      }
    }
    void this.#i18n.init({
      initAsync: false,
      resources,
      ns: namespaces,
      defaultNS: 'latchkey',
      fallbackLng: false,
      supportedLngs: [...LANGUAGES],
      interpolation: { escapeValue: false },
      returnNull: false,
      showSupportNotice: false,
    });
    this.#registerHelpers();
    for (const file of walk(templatesDir).filter((f) => f.endsWith('.hbs'))) {
      const name = relative(templatesDir, file).split(sep).join('/').replace(/\.hbs$/, '');
      const source = readFileSync(file, 'utf8');
      if (name.startsWith('partials/')) this.#hbs.registerPartial(name.slice('partials/'.length), source);
      else this.#views.set(name, this.#hbs.compile(source, COMPILE_OPTIONS));
    }
  }

  /** `view` is a path under templates/ without `.hbs`, e.g. `hooks/client-summary`. */
  render(view: string, model: object, options: RenderOptions): string {
    const template = this.#views.get(view);
    if (!template) throw new Error(`no template "${view}"`);
    return this.#run(template, model, options);
  }

  /**
   * Renders Handlebars `source` that is not under templates/ (an adapter's
   * addon section) with the same partials, helpers and strings as the views.
   */
  renderSource(source: string, model: object, options: RenderOptions): string {
    let template = this.#sources.get(source);
    if (!template) {
      template = this.#hbs.compile(source, COMPILE_OPTIONS);
      this.#sources.set(source, template);
    }
    return this.#run(template, model, options);
  }

  #run(template: Handlebars.TemplateDelegate, model: object, options: RenderOptions): string {
    const namespace = options.namespace ?? 'latchkey';
    return template(model, {
      data: { t: this.translator(options.language, namespace), language: options.language, namespace, plain: this.#plainStrings(options.language, namespace) },
    });
  }

  /** Strings without parameters, by key, for one language and namespace: each looked up once, then reused by every render. */
  #plainStrings(language: Language, namespace: string): Map<string, string> {
    const key = `${language}:${namespace}`;
    let strings = this.#plain.get(key);
    if (!strings) {
      strings = new Map();
      this.#plain.set(key, strings);
    }
    return strings;
  }

  /** One fixed `t` per language and namespace, made once (every render asks for one). */
  translator(language: Language, namespace = 'latchkey'): TFunction {
    const key = `${language}:${namespace}`;
    let t = this.#translators.get(key);
    if (!t) {
      t = this.#i18n.getFixedT(language, namespace);
      this.#translators.set(key, t);
    }
    return t;
  }

  /**
   * The stored string of `key` when it is plain text with `{{name}}`
   * placeholders only (what i18next would fill in as is), else null.
   */
  #simpleTemplate(language: Language, namespace: string, key: string, plain: Map<string, string>): string | null {
    const cacheKey = `\u0000raw:${key}`;
    const known = plain.get(cacheKey);
    if (known !== undefined) return known === '' ? null : known;
    const stored: unknown = this.#i18n.getResource(language, namespace, key);
    const simple = typeof stored === 'string' && stored !== '' && !stored.includes('$t(') && !/\{\{(?!\s*\w+\s*(?:,\s*number\s*)?\}\})/.test(stored) ? stored : null;
    if (plain.size < PLAIN_STRINGS_KEPT) plain.set(cacheKey, simple ?? '');
    return simple;
  }

  #registerHelpers(): void {
    const hbs = this.#hbs;
    // Counts in the user's language (12,345 / 12 345 / 12.345): one format per language, made once.
    const numberFormats = new Map<string, Intl.NumberFormat>();
    const numberFormat = (language: string) => {
      let format = numberFormats.get(language);
      if (!format) {
        format = new Intl.NumberFormat(language);
        numberFormats.set(language, format);
      }
      return format;
    };
    const self = this;
    hbs.registerHelper('t', function (this: unknown, key: string, options: Handlebars.HelperOptions) {
      const t = options.data.t as TFunction;
      const hash = options.hash as Record<string, unknown>;
      // A panel asks for the same labels on every row: those without parameters are translated once,
      // and a plain "{{name}}" string is filled in here (no plural, no nesting: i18next does those).
      const plain = options.data.plain as Map<string, string>;
      if (Object.keys(hash).length > 0) {
        if ('count' in hash || 'context' in hash) return t(key, hash);
        const raw = self.#simpleTemplate(options.data.language as Language, options.data.namespace as string, key, plain);
        if (raw === null) return t(key, hash);
        const language = options.data.language as string;
        let unformatted = false;
        const text = raw.replace(PLACEHOLDER, (_, name: string, format: string | undefined) => {
          const value = hash[name];
          if (format !== 'number') return String(value ?? '');
          if (typeof value !== 'number') unformatted = true;
          return typeof value === 'number' ? numberFormat(language).format(value) : '';
        });
        // A number format given something else than a number: i18next says what becomes of it.
        return unformatted ? t(key, hash) : text;
      }
      let text = plain.get(key);
      if (text === undefined) {
        text = t(key);
        // Keys come from templates (some built from a stored value, like an audit action): kept bounded.
        if (plain.size < PLAIN_STRINGS_KEPT) plain.set(key, text);
      }
      return text;
    });
    hbs.registerHelper('safeUrl', (value: unknown) => safeHttpUrl(value));
    hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    hbs.registerHelper('not', (a: unknown) => !a);
    hbs.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
    hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
    hbs.registerHelper('includes', (list: unknown, value: unknown) => Array.isArray(list) && list.includes(value));
    hbs.registerHelper('languageName', (code: Language) => LANGUAGE_NAMES[code] ?? code);
    // A date formatter is costly to build and a panel formats a date per row: one per language, built once.
    const dateWriters = new Map<string, (value: Date) => string>();
    hbs.registerHelper('date', function (value: unknown, options: Handlebars.HelperOptions) {
      if (!(value instanceof Date) || value.getTime() === 0) return '';
      const language = options.data.language as string;
      let write = dateWriters.get(language);
      if (!write) {
        write = dateWriter(language, self.#dateFormat);
        dateWriters.set(language, write);
      }
      return write(value);
    });
    // Counts in the user's language: 12,345 in English, 12 345 in French, 12.345 in German.

    hbs.registerHelper('number', function (value: unknown, options: Handlebars.HelperOptions) {
      // A database may hand a count over as a string or a bigint; anything else not a number shows as it is.
      const n = typeof value === 'number' ? value : typeof value === 'bigint' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) ? Number(value) : NaN;
      if (!Number.isFinite(n)) return value === null || value === undefined ? '' : String(value);
      const language = options.data.language as string;
      return numberFormat(language).format(n);
    });
    hbs.registerHelper('json', (value: unknown) => JSON.stringify(value ?? null));
    hbs.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map(String).join(''));
    // The browser script's strings, the same object for every render in a language: built once.
    const scriptStrings = new Map<string, unknown>();
    // `{{reuse "partial" a=… b=…}}` renders the partial with the hash as its whole context (nothing else is
    // in reach), so the same language and hash give the same HTML: made once, then reused by every render.
    // The panels' dialogs are the same for every sidebar of a staff member and make a third of its markup.
    const reused = new LRUCache<string, Handlebars.SafeString>({ max: REUSED_FRAGMENTS_KEPT });
    const compiledPartials = new Map<string, Handlebars.TemplateDelegate>();
    hbs.registerHelper('reuse', function (name: string, options: Handlebars.HelperOptions) {
      const data = options.data as { language: string; namespace: string };
      const key = `${data.language}:${data.namespace}:${name}:${JSON.stringify(options.hash)}`;
      let html = reused.get(key);
      if (!html) {
        let partial = compiledPartials.get(name);
        if (!partial) {
          const source = hbs.partials[name] as unknown;
          if (typeof source !== 'string') throw new Error(`no partial "${name}"`);
          partial = hbs.compile(source, COMPILE_OPTIONS);
          compiledPartials.set(name, partial);
        }
        html = new hbs.SafeString(partial({ ...options.hash }, { data: { t: options.data.t, language: data.language, namespace: data.namespace, plain: options.data.plain } }));
        reused.set(key, html);
      }
      return html;
    });
    hbs.registerHelper('lkStrings', (options: Handlebars.HelperOptions) => {
      const key = `${options.data.language as string}:${options.data.namespace as string}`;
      if (!scriptStrings.has(key)) scriptStrings.set(key, (options.data.t as TFunction)('js', { returnObjects: true }));
      return scriptStrings.get(key);
    });
  }
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    return d.isDirectory() ? walk(path) : [path];
  });
}
