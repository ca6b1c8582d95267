/**
 * The UI's language: @lit/localize in runtime mode. English is in the source; Tamil and Hindi
 * load on demand (locales/*.ts). The first choice is the one remembered in localStorage, then the
 * browser's languages, then English. Components call updateWhenLocaleChanges(this) and wrap their
 * strings in the msg function.
 */
import { configureLocalization } from '@lit/localize';
import type { LocaleModule } from '@lit/localize';

export const SOURCE_LOCALE = 'en';
export const TARGET_LOCALES = ['ta', 'hi'] as const;
export type Locale = typeof SOURCE_LOCALE | (typeof TARGET_LOCALES)[number];

/** Each language in its own name, for the picker. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', ta: 'தமிழ்', hi: 'हिन्दी' };

const STORAGE_KEY = 'digitboard.locale';

// One import per locale (not a template path): Vite splits each into its own chunk.
const loaders: Record<(typeof TARGET_LOCALES)[number], () => Promise<LocaleModule>> = {
  ta: () => import('./locales/ta.js'),
  hi: () => import('./locales/hi.js'),
};

const { getLocale, setLocale: setLitLocale } = configureLocalization({
  sourceLocale: SOURCE_LOCALE,
  targetLocales: TARGET_LOCALES,
  loadLocale: (locale) => loaders[locale as keyof typeof loaders](),
});

export { getLocale };

const isLocale = (value: string | null | undefined): value is Locale =>
  value === SOURCE_LOCALE || (TARGET_LOCALES as readonly string[]).includes(value ?? '');

/** The remembered choice, else the first of the browser's languages we have, else English. */
export function preferredLocale(): Locale {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage can be disabled: the browser's languages decide.
  }
  if (isLocale(stored)) return stored;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const primary = tag.toLowerCase().split('-')[0];
    if (isLocale(primary)) return primary;
  }
  return SOURCE_LOCALE;
}

/** Switches the UI's language (components re-render when it has loaded); `remember` keeps the choice. */
export async function setLocale(locale: Locale, remember = false): Promise<void> {
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, locale);
    } catch {
      // As above: the choice then lasts for this page only.
    }
  }
  await setLitLocale(locale);
  document.documentElement.lang = locale;
}
