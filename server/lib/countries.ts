// The package's plain entry (its browser one): its Node entry parses and registers all ~80 languages
// it ships (1.5 MB of heap kept by a started server, more while loading) for the two Porte speaks.
import countries from 'i18n-iso-countries/index.js';
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import fr from 'i18n-iso-countries/langs/fr.json' with { type: 'json' };

// A maintained ISO 3166-1 list (i18n-iso-countries) rather than our own copy that would go stale.
countries.registerLocale(en);
countries.registerLocale(fr);

export type Language = 'en' | 'fr';

export const isCountryCode = (code: string): boolean => /^[A-Z]{2}$/.test(code) && countries.isValid(code);

/** Every alpha-2 code with its name in `language`, sorted for a `<select>` in that language. */
export function countryOptions(language: Language): { code: string; name: string }[] {
  const names = countries.getNames(language, { select: 'official' });
  return Object.entries(names)
    .map(([code, name]) => ({ code, name }))
    .sort((a, b) => a.name.localeCompare(b.name, language));
}
