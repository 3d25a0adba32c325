/** The languages Latchkey speaks; every key exists in each (a test checks). */
export const LANGUAGES = ['en', 'fr', 'de', 'es', 'it'] as const;
export type Language = (typeof LANGUAGES)[number];

export const LANGUAGE_NAMES: Record<Language, string> = {
  en: 'English', fr: 'Français', de: 'Deutsch', es: 'Español', it: 'Italiano',
};

/**
 * Hosts name languages their own way ("french", "fr-CA", "Deutsch"): take the
 * first one we recognise, else English.
 */
export function pickLanguage(...candidates: Array<string | null | undefined>): Language {
  for (const candidate of candidates) {
    if (!candidate) continue;
    const lower = candidate.trim().toLowerCase();
    const code = lower.slice(0, 2);
    if ((LANGUAGES as readonly string[]).includes(code) && (lower.length === 2 || /^[a-z]{2}[-_]/.test(lower))) return code as Language;
    const byName: Record<string, Language> = {
      english: 'en', french: 'fr', francais: 'fr', français: 'fr', german: 'de', deutsch: 'de',
      spanish: 'es', espanol: 'es', español: 'es', italian: 'it', italiano: 'it',
    };
    if (byName[lower]) return byName[lower];
  }
  return 'en';
}
