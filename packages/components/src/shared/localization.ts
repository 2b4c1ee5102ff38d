import { configureLocalization, type LocaleModule } from '@lit/localize';
import { textOf } from './text.js';
import { warnOnce } from './warn-once.js';

/**
 * Localization with @lit/localize in runtime mode.
 *
 * The source strings are written in Chinese, and zh-CN is lit-localize's *source*
 * locale: it is active from the first render without loading anything, so pages
 * never flash English before Chinese. English is a *target* locale whose templates
 * load on demand (a separate chunk in the ESM build).
 *
 * Every `msg()` call carries an explicit, readable `id` (`'status.retry'`), and the
 * English templates in `src/locales/en.ts` are keyed by those ids;
 * `npm run check:locales -w @citybrain/components` verifies both sides match.
 *
 * The locale is page-wide: lit-localize keeps one active locale per copy of the
 * library, and every `cb-*` element re-renders when it changes.
 */

export const sourceLocale = 'zh-CN';
export const targetLocales = ['en'] as const;
export type SupportedLocale = typeof sourceLocale | (typeof targetLocales)[number];
export const supportedLocales: readonly SupportedLocale[] = [sourceLocale, ...targetLocales];

const localeLoaders: Record<(typeof targetLocales)[number], () => Promise<LocaleModule>> = {
  en: () => import('../locales/en.js'),
};

type LocalizationRuntime = ReturnType<typeof configureLocalization>;

function configure(): LocalizationRuntime | undefined {
  try {
    return configureLocalization({
      sourceLocale,
      targetLocales,
      loadLocale: (locale) => localeLoaders[locale as keyof typeof localeLoaders](),
    });
  } catch {
    // lit-localize allows one configuration per module instance. An application
    // that bundles @citybrain/components beside its own lit-localize setup has
    // already configured it; the elements then render their Chinese source text.
    warnOnce(
      'localize:configured',
      '@lit/localize was already configured by the page; cb-* elements stay in zh-CN.',
    );
    return undefined;
  }
}

const runtime = configure();

/**
 * Maps a BCP 47 tag to a supported locale: any Chinese tag (`zh`, `zh-Hans-CN`,
 * `zh-HK`) to zh-CN, any English tag (`en-GB`) to en. Returns undefined otherwise.
 */
export function matchLocale(tag: string | null | undefined): SupportedLocale | undefined {
  const language = textOf(tag)?.trim().toLowerCase().split(/[-_]/)[0];
  if (language === 'zh') return 'zh-CN';
  if (language === 'en') return 'en';
  return undefined;
}

/** The active locale of every `cb-*` element on the page. */
export function getLocale(): SupportedLocale {
  return (runtime?.getLocale() as SupportedLocale | undefined) ?? sourceLocale;
}

/**
 * Switches every `cb-*` element on the page to `locale` (`'zh-CN'`, `'en'`, or any tag
 * {@link matchLocale} accepts). Resolves when the new strings have rendered-ready;
 * an unsupported locale warns once and leaves the current one active. Never rejects.
 */
export async function setLocale(locale: string): Promise<SupportedLocale> {
  const supported = matchLocale(locale);
  if (supported === undefined) {
    warnOnce(
      `locale:${locale}`,
      `Unsupported locale "${locale}"; supported: ${supportedLocales.join(', ')}. Keeping ${getLocale()}.`,
    );
    return getLocale();
  }
  if (runtime === undefined) return getLocale();
  try {
    await runtime.setLocale(supported);
  } catch (error) {
    // A failed chunk load (offline, CSP) must not break the page: stay in Chinese.
    warnOnce(`locale-load:${supported}`, `Could not load the ${supported} strings: ${String(error)}`);
  }
  return getLocale();
}
