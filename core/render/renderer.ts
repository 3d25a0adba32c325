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
import { sameInputs } from './same-inputs.ts';

const TEMPLATES_DIR = packageFile('templates');
const LOCALES_DIR = packageFile('locales');
/** How many parameterless strings a language keeps ready; past it they are looked up each time. */
const PLAIN_STRINGS_KEPT = 2_000;
const HELPERS = ['t', 'safeUrl', 'eq', 'not', 'and', 'or', 'includes', 'languageName', 'date', 'number', 'json', 'concat', 'lkStrings', 'reuse'] as const;
/**
 * What `{{reuse}}` keeps: fragments (a panel's dialogs, a list's rows) by language and inputs, up to this many
 * characters of HTML and keys in all, the least recently used going first.
 */
const REUSED_CHARACTERS_KEPT = 8 * 2 ** 20;
/** What a kept fragment's inputs are counted as against that size: about what a list row's model takes. */
const INPUTS_CHARACTERS = 1_024;
/** Fragments one `{{reuse}}` slot keeps (a row as readers with different rights see it), the newest first. */
const FRAGMENTS_PER_SLOT = 8;

interface KeptFragment {
  inputs: Record<string, unknown>;
  html: Handlebars.SafeString;
}
const COMPILE_OPTIONS: CompileOptions = { strict: false, preventIndent: true, knownHelpers: Object.fromEntries(HELPERS.map((h) => [h, true])) };
/** `{{name}}` or `{{name, number}}`: what the renderer fills in itself, as i18next would. */
const PLACEHOLDER = /\{\{\s*(\w+)\s*(?:,\s*(number)\s*)?\}\}/g;

/** A string's text between placeholders, or a placeholder (`{{name}}`, `{{name, number}}`). */
type Part = string | { name: string; number: boolean };

interface KeptStrings {
  plain: Map<string, string>;
  templates: Map<string, Part[] | null>;
}

/** Whether a helper's hash has any parameter (without building the array of its keys). */
function hasAny(hash: Record<string, unknown>): boolean {
  for (const _ in hash) return true;
  return false;
}

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
  readonly #kept = new Map<string, KeptStrings>();
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
      data: { t: this.translator(options.language, namespace), language: options.language, namespace, ...this.#keptStrings(options.language, namespace) },
    });
  }

  /**
   * Strings without parameters, by key, and those with `{{name}}` placeholders only, cut into their parts,
   * for one language and namespace: each looked up once, then reused by every render.
   */
  #keptStrings(language: Language, namespace: string): KeptStrings {
    const key = `${language}:${namespace}`;
    let kept = this.#kept.get(key);
    if (!kept) {
      kept = { plain: new Map(), templates: new Map() };
      this.#kept.set(key, kept);
    }
    return kept;
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
   * The stored string of `key` cut into text and placeholders when it has
   * `{{name}}` (or `{{name, number}}`) placeholders only, which the renderer
   * fills in as i18next would; else null (i18next fills it in).
   */
  #simpleTemplate(language: Language, namespace: string, key: string): Part[] | null {
    const stored: unknown = this.#i18n.getResource(language, namespace, key);
    if (typeof stored !== 'string' || stored === '' || stored.includes('$t(') || /\{\{(?!\s*\w+\s*(?:,\s*number\s*)?\}\})/.test(stored)) return null;
    const parts: Part[] = [];
    let at = 0;
    for (const match of stored.matchAll(PLACEHOLDER)) {
      if (match.index > at) parts.push(stored.slice(at, match.index));
      parts.push({ name: match[1]!, number: match[2] === 'number' });
      at = match.index + match[0].length;
    }
    if (at < stored.length) parts.push(stored.slice(at));
    return parts;
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
      if (hasAny(hash)) {
        if ('count' in hash || 'context' in hash) return t(key, hash);
        const language = options.data.language as Language;
        const templates = options.data.templates as Map<string, Part[] | null>;
        let parts = templates.get(key);
        if (parts === undefined) {
          parts = self.#simpleTemplate(language, options.data.namespace as string, key);
          if (templates.size < PLAIN_STRINGS_KEPT) templates.set(key, parts);
        }
        if (parts === null) return t(key, hash);
        let text = '';
        for (const part of parts) {
          if (typeof part === 'string') {
            text += part;
            continue;
          }
          const value = hash[part.name];
          // A number format given something else than a number: i18next says what becomes of it.
          if (part.number && typeof value !== 'number') return t(key, hash);
          text += part.number ? numberFormat(language).format(value as number) : value === undefined || value === null ? '' : String(value);
        }
        return text;
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
    // `{{reuse "partial" a=… b=…}}` renders the partial with the hash as its whole context (nothing else is
    // in reach), so the same language and hash give the same HTML: made once, then reused by every render.
    // The panels' dialogs are the same for every sidebar of a staff member and make a third of its markup;
    // a list's row is the same for everyone who sees the entry alike, until the entry or their rights change.
    // `key=…` names the slot (a row's entry id): the fragments kept there are told apart by comparing their
    // inputs with the render's (sameInputs), which costs far less than writing the inputs out as a key.
    const reused = new LRUCache<string, KeptFragment[]>({
      maxSize: REUSED_CHARACTERS_KEPT,
      sizeCalculation: (kept, slot) => slot.length + kept.reduce((sum, fragment) => sum + fragment.html.toString().length + INPUTS_CHARACTERS, 0),
    });
    const compiledPartials = new Map<string, Handlebars.TemplateDelegate>();
    hbs.registerHelper('reuse', function (name: string, options: Handlebars.HelperOptions) {
      const data = options.data as { language: string; namespace: string };
      const { key, ...inputs } = options.hash as Record<string, unknown>;
      const slot = `${data.language}:${data.namespace}:${name}:${String(key ?? '')}`;
      const kept = reused.get(slot) ?? [];
      const found = kept.find((fragment) => sameInputs(fragment.inputs, inputs));
      if (found) return found.html;
      let partial = compiledPartials.get(name);
      if (!partial) {
        const source = hbs.partials[name] as unknown;
        if (typeof source !== 'string') throw new Error(`no partial "${name}"`);
        partial = hbs.compile(source, COMPILE_OPTIONS);
        compiledPartials.set(name, partial);
      }
      const { t, plain, templates } = options.data as { t: TFunction } & KeptStrings;
      const html = new hbs.SafeString(partial({ ...inputs }, { data: { t, language: data.language, namespace: data.namespace, plain, templates } }));
      // A copy: the caller may change its models after the render, and the kept fragment must keep what it was made from.
      // Inputs that cannot be copied (a function) are not kept: the fragment is made again next time.
      let copy: Record<string, unknown>;
      try {
        copy = structuredClone(inputs);
      } catch {
        return html;
      }
      reused.set(slot, [{ inputs: copy, html }, ...kept].slice(0, FRAGMENTS_PER_SLOT));
      return html;
    });
    // The browser script's strings as the JSON of an attribute, the same for every render in a language: built and escaped once.
    const scriptStrings = new Map<string, Handlebars.SafeString>();
    hbs.registerHelper('lkStrings', (options: Handlebars.HelperOptions) => {
      const key = `${options.data.language as string}:${options.data.namespace as string}`;
      let json = scriptStrings.get(key);
      if (!json) {
        json = new hbs.SafeString(hbs.Utils.escapeExpression(JSON.stringify((options.data.t as TFunction)('js', { returnObjects: true }))));
        scriptStrings.set(key, json);
      }
      return json;
    });
  }
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    return d.isDirectory() ? walk(path) : [path];
  });
}
