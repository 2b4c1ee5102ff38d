/**
 * Type-aware cell text: numbers and money grouped with their precision, dates (ISO) and times in Asia/Shanghai,
 * areas in ㎡ and 亩, enum codes as their labels, region codes as names, booleans as 是/否.
 * Always plain strings: Lit renders them as text, so hostile data can never become markup.
 */
import type { CityBrainClient } from '@citybrain/client';
import { msg } from '@lit/localize';
import { areaFormatter, dateFormatter, dateTimeOptions, decimalFormatter, EMPTY_VALUE, muToSquareMetres, toShanghaiDate, type DecimalOptions } from '../shared/format.js';
import { getLocale, type SupportedLocale } from '../shared/localization.js';
import { kindOf, labelText, textOf, type Column } from './model.js';

export type CellFormatter = (value: unknown) => string;

/** A division offered by the region filter: its code and name. */
export interface RegionOption {
  code: string;
  name: string;
}

/** Region names per client, loaded once per parent region and shared by every table on the page. */
const regionCache = new WeakMap<object, { names: Map<string, string>; parents: Set<string> }>();

function regionStore(client: object) {
  let store = regionCache.get(client);
  if (!store) regionCache.set(client, (store = { names: new Map(), parents: new Set() }));
  return store;
}

/**
 * Loads the names of the regions directly under `parent` (towns of the district, villages of a
 * town); resolves when they are known, or failed (names then stay codes).
 */
export async function loadRegions(client: CityBrainClient, parent: string): Promise<RegionOption[]> {
  const store = regionStore(client);
  store.parents.add(parent);
  try {
    const regions = await client.regions.list({ parent });
    for (const region of regions) store.names.set(region.code, region.name);
    return regions;
  } catch {
    return [];
  }
}

/**
 * The name of a region code, or undefined while it is unknown; the first miss for a town starts
 * loading its villages and calls `loaded` when they arrive.
 */
export function regionName(client: CityBrainClient | undefined, code: string, loaded: () => void): string | undefined {
  if (!client) return undefined;
  const store = regionStore(client);
  const name = store.names.get(code);
  if (name !== undefined || code.length < 9) return name;
  const parent = code.length >= 12 ? code.slice(0, 9) : code.slice(0, 6);
  if (!store.parents.has(parent)) void loadRegions(client, parent).then(loaded);
  return undefined;
}

/**
 * Number formats by locale and column shape, made once and shared by every column and table: a table
 * formats thousands of cells per render, and `formatNumber`'s cache key (a `JSON.stringify` of the
 * options on every call) showed in the profiles. Looked up once per column per render, with a short
 * key; at most a few dozen entries (two locales × integer, identifier, 0–20 decimals or free). Plain
 * decimals without `Intl` (see {@link decimalFormatter}): the table's first frame shows numbers.
 */
const numberFormats = new Map<string, (value: number) => string>();

function numberFormat(column: Column, locale: SupportedLocale): (value: number) => string {
  const integer = column.type === 'integer';
  const digits = column.precision;
  const key = `${locale}|${integer ? (column.pk ? 'id' : 'int') : (digits ?? '')}`;
  let format = numberFormats.get(key);
  if (format === undefined) {
    const options: DecimalOptions = integer
      ? // Identifiers (a primary key such as 人员编号) are not quantities: no thousands separators.
        { maximumFractionDigits: 0, useGrouping: !column.pk }
      : digits === undefined
        ? { maximumFractionDigits: 6 }
        : { minimumFractionDigits: digits, maximumFractionDigits: digits };
    format = decimalFormatter(options, locale);
    numberFormats.set(key, format);
  }
  return format;
}

/**
 * The Intl-backed format of a column type other than plain numbers, made once per column: formatting
 * a cell only runs it (formatDate and formatArea would look their formatter up on every call).
 */
function typedFormat(column: Column, locale: SupportedLocale): ((value: unknown) => string) | undefined {
  switch (column.type) {
    case 'area-sqm': {
      const area = areaFormatter({}, locale);
      return (value) => area(value as number);
    }
    case 'area-mu': {
      const area = areaFormatter({ unit: 'mu' }, locale);
      return (value) => area(muToSquareMetres(value as number));
    }
    case 'datetime': {
      const dateTime = dateFormatter(dateTimeOptions(locale), locale);
      return (value) => dateTime(value as string);
    }
    case 'year-month': {
      const month = dateFormatter({ year: 'numeric', month: 'short' }, locale);
      return (value) => month(`${value as string}-01`);
    }
    default:
      return undefined;
  }
}

/**
 * A formatter for one column's values in the current locale. It never throws: an object shows as
 * its JSON (whatever its `toString` does), a value that has no text (a cycle, a function) as
 * “无效值”, and a value a type-specific format cannot take (a symbol in a date column) as its text.
 */
export function cellFormatter(column: Column, region: (code: string) => string | undefined): CellFormatter {
  const locale = getLocale();
  const en = locale === 'en';
  const numeric = kindOf(column.type) === 'num';
  const number = numeric ? numberFormat(column, locale) : undefined;
  const typed = typedFormat(column, locale);
  const yes = msg('是', { id: 'data-table.yes' });
  const no = msg('否', { id: 'data-table.no' });
  const invalid = msg('无效值', { id: 'data-table.invalid-value' });
  const text = (value: unknown): string => {
    if (typed) return typed(value);
    switch (column.type) {
      case 'percent':
        return `${number!(value as number)}%`;
      case 'length-km':
        return `${number!(value as number)} km`;
      case 'date':
        // Calendar dates as ISO 8601 (2026-03-08) in both languages: compact and unambiguous in a
        // dense column; an instant given for a date is taken on its Beijing calendar day.
        return toShanghaiDate(value as string) ?? String(value);
      case 'boolean':
        return value === true || value === 'true' ? yes : value === false || value === 'false' ? no : String(value);
      case 'enum': {
        const label = column.options.get(String(value));
        return (label === undefined ? '' : labelText(label, en)) || String(value);
      }
      case 'region-code':
        return region(String(value)) ?? String(value);
      default:
        return number !== undefined && typeof value === 'number'
          ? number(value)
          : typeof value === 'object'
            ? (textOf(value) ?? invalid)
            : String(value);
    }
  };
  return (value) => {
    if (value === null || value === undefined || value === '') return EMPTY_VALUE;
    try {
      // Objects other than dates show as JSON: String() would run their own toString / valueOf /
      // Symbol.toPrimitive, which may be missing, not callable or throw.
      if ((typeof value === 'object' && !(value instanceof Date)) || typeof value === 'function') return textOf(value) ?? invalid;
      if (numeric) {
        // Numbers that arrive as strings (CSV-fed arrays) are still numbers; anything else shows as is.
        const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() ? Number(value) : NaN;
        return Number.isFinite(n) ? text(n) : (textOf(value) ?? invalid);
      }
      return text(value);
    } catch {
      // A value the column's format cannot take (a symbol or BigInt in a date column).
      return textOf(value) ?? invalid;
    }
  };
}

/**
 * The cell formatters of a table's columns, made once per column and locale and kept across renders:
 * a scroll re-renders the rows, not their formats. Region names are looked up through the latest
 * `region` given, so a formatter made before the client changed still finds the names.
 */
export class ColumnFormats {
  #formatters = new WeakMap<Column, CellFormatter>();
  #locale: string | undefined;
  #region: (code: string) => string | undefined = () => undefined;
  readonly #lookUpRegion = (code: string) => this.#region(code);

  /** The formatter of each of `columns`, in order. */
  for(columns: readonly Column[], region: (code: string) => string | undefined): CellFormatter[] {
    this.#region = region;
    const locale = getLocale();
    if (locale !== this.#locale) {
      this.#locale = locale;
      this.#formatters = new WeakMap();
    }
    return columns.map((column) => {
      let formatter = this.#formatters.get(column);
      if (!formatter) this.#formatters.set(column, (formatter = cellFormatter(column, this.#lookUpRegion)));
      return formatter;
    });
  }
}
