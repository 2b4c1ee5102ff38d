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

/** The options of a plain decimal number, the only ones {@link decimalFormatter} takes. */
export interface DecimalOptions {
  minimumFractionDigits?: number;
  maximumFractionDigits?: number;
  useGrouping?: boolean;
}

const DECIMAL_OPTIONS: ReadonlySet<string> = new Set(['minimumFractionDigits', 'maximumFractionDigits', 'useGrouping']);

/** Adds one unit in the last place to a string of decimal digits (`'199'` → `'200'`, `'99'` → `'100'`). */
function incremented(digits: string): string {
  let i = digits.length - 1;
  while (i >= 0 && digits[i] === '9') i--;
  if (i < 0) return `1${'0'.repeat(digits.length)}`;
  return digits.slice(0, i) + String(Number(digits[i]) + 1) + '0'.repeat(digits.length - i - 1);
}

/**
 * A plain decimal number as zh-CN and en write it, without `Intl`: both locales group thousands
 * with commas and mark decimals with a full stop, and creating a page's first `Intl.NumberFormat`
 * loads ICU's number data — 13–19 ms of `<cb-data-table>`'s first render in the benchmark's profile
 * (its count and numeric columns), on a fast machine. The text is Intl's: the number's shortest
 * decimal form rounded half away from zero (`1.005` → `1.01`), a negative that rounds to zero keeps
 * its sign (`-0`), and numbers JavaScript writes with an exponent (below 1e-6, from 1e21) are left
 * to an `Intl.NumberFormat`, made on first need.
 */
export function decimalFormatter(options: DecimalOptions, locale: SupportedLocale): (value: number) => string {
  const minimum = options.minimumFractionDigits ?? 0;
  const maximum = options.maximumFractionDigits ?? Math.max(minimum, 3);
  if (!Number.isInteger(minimum) || !Number.isInteger(maximum) || minimum < 0 || maximum > 100 || minimum > maximum) {
    throw new RangeError(`fraction digits ${minimum}–${maximum} out of range`);
  }
  const grouping = options.useGrouping !== false;
  let intl: Intl.NumberFormat | undefined;
  return (value) => {
    const text = String(Math.abs(value));
    if (text.includes('e') || !Number.isFinite(value)) return (intl ??= cached(`number|${locale}|${JSON.stringify(options)}`, () => new Intl.NumberFormat(locale, options))).format(value);
    const point = text.indexOf('.');
    let whole = point < 0 ? text : text.slice(0, point);
    let fraction = point < 0 ? '' : text.slice(point + 1);
    if (fraction.length > maximum) {
      const up = fraction.charCodeAt(maximum) >= 53; // the first dropped digit is 5 or more
      fraction = fraction.slice(0, maximum);
      if (up) {
        const digits = incremented(whole + fraction);
        whole = digits.slice(0, digits.length - fraction.length);
        fraction = digits.slice(digits.length - fraction.length);
      }
    }
    let end = fraction.length;
    while (end > minimum && fraction[end - 1] === '0') end--;
    fraction = fraction.slice(0, end).padEnd(minimum, '0');
    const sign = value < 0 || Object.is(value, -0) ? '-' : '';
    return `${sign}${grouping ? whole.replace(/\B(?=(\d{3})+$)/g, ',') : whole}${fraction ? `.${fraction}` : ''}`;
  };
}

/** Formatters of {@link formatNumber}, by locale and options. */
const numberFormatters = new Map<string, (value: number) => string>();

/** Locale-aware number: zh-CN and en both group thousands with commas (`12,345.6`). */
export function formatNumber(
  value: number | null | undefined,
  options: Intl.NumberFormatOptions = {},
  locale: SupportedLocale = getLocale(),
): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return EMPTY_VALUE;
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = numberFormatters.get(key);
  if (format === undefined) {
    if (Object.keys(options).every((name) => DECIMAL_OPTIONS.has(name))) format = decimalFormatter(options as DecimalOptions, locale);
    else {
      const intl = new Intl.NumberFormat(locale, options);
      format = (n) => intl.format(n);
    }
    numberFormatters.set(key, format);
  }
  return format(value);
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
  const number = decimalFormatter({ maximumFractionDigits }, locale);
  return (squareMetres) => {
    if (squareMetres === null || squareMetres === undefined || !Number.isFinite(squareMetres)) return EMPTY_VALUE;
    const inSquareMetres = `${number(squareMetres)} ${labels.m2}`;
    const inMu = `${number(squareMetresToMu(squareMetres))} ${labels.mu}`;
    if (unit === 'mu') return inMu;
    if (unit === 'both') return locale === 'zh-CN' ? `${inSquareMetres}（${inMu}）` : `${inSquareMetres} (${inMu})`;
    return inSquareMetres;
  };
}
