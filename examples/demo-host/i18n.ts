import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type TFunction } from 'i18next';

/** The demo host speaks what Latchkey speaks; its strings live in `locales/<lng>/demo.json`. */
export const DEMO_LANGUAGES = ['en', 'fr', 'de', 'es', 'it'] as const;
export type DemoLanguage = (typeof DEMO_LANGUAGES)[number];

export const LANGUAGE_LABELS: Record<DemoLanguage, string> = {
  en: 'English', fr: 'Français', de: 'Deutsch', es: 'Español', it: 'Italiano',
};

const LOCALES_DIR = fileURLToPath(new URL('../../locales/', import.meta.url));

export function isLanguage(value: unknown): value is DemoLanguage {
  return typeof value === 'string' && (DEMO_LANGUAGES as readonly string[]).includes(value);
}

/** `fr-CA`, `FR`, `fr_FR` → `fr`; anything we do not speak → null. */
export function normaliseLanguage(value: unknown): DemoLanguage | null {
  if (typeof value !== 'string') return null;
  const code = value.trim().slice(0, 2).toLowerCase();
  return isLanguage(code) ? code : null;
}

/** The first language of an Accept-Language header that we speak, by its q order. */
export function fromAcceptLanguage(header: string | undefined): DemoLanguage | null {
  if (!header) return null;
  const ranked = header.split(',').map((part, index) => {
    const [tag, ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
    return { tag: tag ?? '', q: q === undefined ? 1 : Number(q), index };
  }).filter((r) => r.q > 0).sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    const language = normaliseLanguage(tag);
    if (language) return language;
  }
  return null;
}

export type Translate = TFunction<'demo'>;

/** One i18next instance for the demo host, loaded synchronously at start. */
export class DemoI18n {
  readonly #i18n = i18next.createInstance();

  constructor(localesDir = LOCALES_DIR) {
    const resources: Record<string, { demo: Record<string, unknown> }> = {};
    for (const language of DEMO_LANGUAGES) {
      resources[language] = { demo: JSON.parse(readFileSync(join(localesDir, language, 'demo.json'), 'utf8')) };
    }
    void this.#i18n.init({
      initAsync: false,
      resources,
      ns: ['demo'],
      defaultNS: 'demo',
      fallbackLng: false,
      supportedLngs: [...DEMO_LANGUAGES],
      // Handlebars escapes what `{{t ...}}` returns; escaping here as well would double it.
      interpolation: { escapeValue: false },
      returnNull: false,
      showSupportNotice: false,
    });
  }

  t(language: DemoLanguage): Translate {
    return this.#i18n.getFixedT(language, 'demo');
  }
}
