import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { DEMO_LANGUAGES, isLanguage, LANGUAGE_LABELS, type DemoI18n, type DemoLanguage } from './i18n.ts';
import { safeHttpUrl } from '../../core/index.ts';

const VIEWS_DIR = fileURLToPath(new URL('./views/', import.meta.url));

/**
 * The demo host's pages: Handlebars views under `views/`, every string through
 * i18next (`{{t "key"}}`). Handlebars escapes every `{{value}}`; pages wrap
 * themselves in a layout partial (`{{#> layout}}`), so the only triple-brace
 * output anywhere is the HTML fragment Latchkey rendered for a panel.
 */
export class Views {
  readonly #hbs = Handlebars.create();
  readonly #views = new Map<string, Handlebars.TemplateDelegate>();

  constructor(private readonly i18n: DemoI18n, viewsDir = VIEWS_DIR) {
    this.#helpers();
    for (const file of walk(viewsDir).filter((f) => f.endsWith('.hbs'))) {
      const name = relative(viewsDir, file).split(sep).join('/').replace(/\.hbs$/, '');
      const source = readFileSync(file, 'utf8');
      if (name.startsWith('partials/')) this.#hbs.registerPartial(name.slice('partials/'.length), source);
      else this.#views.set(name, this.#hbs.compile(source, { strict: false, preventIndent: true }));
    }
  }

  render(view: string, language: DemoLanguage, model: Record<string, unknown>): string {
    const template = this.#views.get(view);
    if (!template) throw new Error(`no view "${view}"`);
    const t = this.i18n.t(language);
    const languages = DEMO_LANGUAGES.map((code) => ({ code, label: LANGUAGE_LABELS[code], current: code === language }));
    return template({ ...model, lang: language, languages }, { data: { t, language } });
  }

  #helpers(): void {
    const hbs = this.#hbs;
    hbs.registerHelper('t', (key: string, options: Handlebars.HelperOptions) =>
      (options.data.t as (k: string, o?: object) => string)(key, options.hash as object));
    hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
    hbs.registerHelper('date', (value: unknown, options: Handlebars.HelperOptions) =>
      formatDate(value, options.data.language as string, { dateStyle: 'medium' }));
    hbs.registerHelper('datetime', (value: unknown, options: Handlebars.HelperOptions) =>
      formatDate(value, options.data.language as string, { dateStyle: 'medium', timeStyle: 'short' }));
    hbs.registerHelper('money', (cents: unknown, options: Handlebars.HelperOptions) =>
      typeof cents === 'number'
        ? new Intl.NumberFormat(options.data.language as string, { style: 'currency', currency: 'EUR' }).format(cents / 100)
        : '');
    /** Only http(s) URLs become links; anything else (javascript:, data:) renders as no link at all. */
    hbs.registerHelper('safeUrl', (value: unknown) => safeHttpUrl(value));
    /** `Customer-Reply` → `customer-reply`: a CSS modifier and a translation key. */
    hbs.registerHelper('slug', (value: unknown) => String(value ?? '').toLowerCase().replace(/[^a-z0-9]+/g, '-'));
    hbs.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map(String).join(''));
    hbs.registerHelper('country', (code: unknown, options: Handlebars.HelperOptions) => {
      if (typeof code !== 'string' || !/^[A-Z]{2}$/.test(code)) return '';
      return new Intl.DisplayNames([options.data.language as string], { type: 'region' }).of(code) ?? code;
    });
    hbs.registerHelper('languageName', (code: unknown) => (isLanguage(code) ? LANGUAGE_LABELS[code] : String(code ?? '')));
    hbs.registerHelper('firstName', (name: unknown) => String(name ?? '').trim().split(/\s+/)[0] ?? '');
    hbs.registerHelper('initials', (name: unknown) =>
      String(name ?? '').split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0]!.toUpperCase()).join(''));
  }
}

function formatDate(value: unknown, language: string, style: Intl.DateTimeFormatOptions): string {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : value instanceof Date ? value.getTime() : NaN;
  if (!Number.isFinite(ms)) return '';
  return new Intl.DateTimeFormat(language, style).format(new Date(ms));
}

export { safeHttpUrl };

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    return d.isDirectory() ? walk(path) : [path];
  });
}
