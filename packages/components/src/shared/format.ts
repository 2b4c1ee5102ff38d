import { getLocale, type SupportedLocale } from './localization.js';

/**
 * Formatting of dates, numbers and land areas for display.
 *
 * Dates are always shown in China Standard Time, whatever the viewer's computer
 * says: legal deadlines and office hours are Beijing time, and a reviewer abroad
 * must see the same 办结 date as the applicant. Functions never throw: missing
 * values render as {@link EMPTY_VALUE}, unparsable ones as their raw text.
 */

export const SHANGHAI_TIME_ZONE = 'Asia/Shanghai';

/** What a missing value renders as. */
export const EMPTY_VALUE = '—';

/** 1 亩 is exactly 1/15 hectare = 10000/15 ㎡ ≈ 666.67 ㎡ (the statutory 市亩). */
export const SQUARE_METRES_PER_MU = 10000 / 15;

export type DateInput = Date | string | number | null | undefined;

const formatterCache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, create: () => T): T {
  let formatter = formatterCache.get(key) as T | undefined;
  if (formatter === undefined) {
    formatter = create();
    formatterCache.set(key, formatter);
  }
  return formatter;
}

function toDate(value: Exclude<DateInput, null | undefined>): Date {
  return value instanceof Date ? value : new Date(value);
}

function isMissing(value: unknown): value is null | undefined | '' {
  return value === null || value === undefined || value === '';
}

/**
 * Formats an instant in Asia/Shanghai. Defaults to a medium date
 * (zh-CN `2025年3月8日`, en `Mar 8, 2025`); pass Intl options for other shapes.
 */
export function formatDate(
  value: DateInput,
  options: Intl.DateTimeFormatOptions = { dateStyle: 'medium' },
  locale: SupportedLocale = getLocale(),
): string {
  return dateFormatter(options, locale)(value);
}

/**
 * {@link formatDate} with its options and locale resolved once: for callers that format many values
 * alike (a table column), which would otherwise look the Intl formatter up again for every value.
 */
export function dateFormatter(options: Intl.DateTimeFormatOptions = { dateStyle: 'medium' }, locale: SupportedLocale = getLocale()): (value: DateInput) => string {
  const resolvedOptions = { ...options, timeZone: SHANGHAI_TIME_ZONE };
  const formatter = cached(`date|${locale}|${JSON.stringify(resolvedOptions)}`, () => new Intl.DateTimeFormat(locale, resolvedOptions));
  return (value) => {
    if (isMissing(value)) return EMPTY_VALUE;
    const date = toDate(value);
    if (Number.isNaN(date.getTime())) return String(value);
    return formatter.format(date);
  };
}

/** The options of {@link formatDateTime} in `locale`. */
export const dateTimeOptions = (locale: SupportedLocale): Intl.DateTimeFormatOptions => ({
  dateStyle: 'medium',
  timeStyle: 'short',
  hourCycle: locale === 'zh-CN' ? 'h23' : undefined,
});

/** Date and minutes in Asia/Shanghai: zh-CN `2025年3月8日 14:05`, en `Mar 8, 2025, 2:05 PM`. */
export function formatDateTime(value: DateInput, locale: SupportedLocale = getLocale()): string {
  return formatDate(value, dateTimeOptions(locale), locale);
}

/**
 * The calendar day of an instant in Asia/Shanghai as `YYYY-MM-DD`, for comparing
 * with deadlines. Computed by offset because China has not observed DST since 1991.
 * Returns undefined for missing or unparsable input.
 */
export function toShanghaiDate(value: DateInput): string | undefined {
  if (isMissing(value)) return undefined;
  const time = toDate(value).getTime();
  if (Number.isNaN(time)) return undefined;
  return new Date(time + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** Locale-aware number: zh-CN and en both group thousands with commas (`12,345.6`). */
export function formatNumber(
  value: number | null | undefined,
  options: Intl.NumberFormatOptions = {},
  locale: SupportedLocale = getLocale(),
): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return EMPTY_VALUE;
  const formatter = cached(`number|${locale}|${JSON.stringify(options)}`, () => new Intl.NumberFormat(locale, options));
  return formatter.format(value);
}

export function squareMetresToMu(squareMetres: number): number {
  return squareMetres / SQUARE_METRES_PER_MU;
}

export function muToSquareMetres(mu: number): number {
  return mu * SQUARE_METRES_PER_MU;
}

export type AreaUnit = 'm2' | 'mu' | 'both';

export interface AreaFormatOptions {
  /** `m2` (㎡, the default), `mu` (亩), or `both`: `1,333.33 ㎡（2 亩）`. */
  unit?: AreaUnit;
  /** Decimal places at most; default 2. */
  maximumFractionDigits?: number;
}

const areaUnitLabels: Record<SupportedLocale, { m2: string; mu: string }> = {
  'zh-CN': { m2: '㎡', mu: '亩' },
  en: { m2: 'm²', mu: 'mu' },
};

/**
 * Formats an area given in square metres, the unit the platform stores.
 * Homestead (宅基地) limits are set in ㎡ while farmland is talked about in 亩,
 * so `both` shows each: zh-CN `1,333.33 ㎡（2 亩）`, en `1,333.33 m² (2 mu)`.
 */
export function formatArea(
  squareMetres: number | null | undefined,
  options: AreaFormatOptions = {},
  locale: SupportedLocale = getLocale(),
): string {
  return areaFormatter(options, locale)(squareMetres);
}

/** {@link formatArea} with its options and locale resolved once (see {@link dateFormatter}). */
export function areaFormatter(
  { unit = 'm2', maximumFractionDigits = 2 }: AreaFormatOptions = {},
  locale: SupportedLocale = getLocale(),
): (squareMetres: number | null | undefined) => string {
  const labels = areaUnitLabels[locale];
  const numberOptions = { maximumFractionDigits };
  const number = cached(`number|${locale}|${JSON.stringify(numberOptions)}`, () => new Intl.NumberFormat(locale, numberOptions));
  return (squareMetres) => {
    if (squareMetres === null || squareMetres === undefined || !Number.isFinite(squareMetres)) return EMPTY_VALUE;
    const inSquareMetres = `${number.format(squareMetres)} ${labels.m2}`;
    const inMu = `${number.format(squareMetresToMu(squareMetres))} ${labels.mu}`;
    if (unit === 'mu') return inMu;
    if (unit === 'both') return locale === 'zh-CN' ? `${inSquareMetres}（${inMu}）` : `${inSquareMetres} (${inMu})`;
    return inSquareMetres;
  };
}
