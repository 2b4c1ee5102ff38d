import { existsSync, readFileSync } from 'node:fs';
import { calendarFrom, type Calendar } from '@citybrain/domain';

/**
 * Working-day arithmetic on the State Council holiday calendar. The official 放假 / 调休 days are data
 * (`data/holiday-calendar.json`, one entry per year with the notice it comes from), not code: an
 * operator adds a year by file (`CITYBRAIN_HOLIDAY_CALENDAR`) or through `PUT /common/calendar/{year}`
 * without a new release. A year without an official schedule counts Monday–Friday, and deadlines that
 * fall in it are provisional (预计) until the schedule is loaded.
 */

export interface HolidayRange {
  name: string;
  from: string;
  to: string;
}

export interface AdjustedWorkday {
  date: string;
  /** The holiday this working weekend day makes up for. */
  for: string;
}

export interface CalendarYear {
  source: { issuer: string; notice: string; title: string; published: string };
  holidays: HolidayRange[];
  workdays: AdjustedWorkday[];
}

export interface HolidayCalendarFile {
  format: 1;
  name?: string;
  timezone?: string;
  years: Record<string, CalendarYear>;
}

/** The package's `data/holiday-calendar.json`, found from `src/` and from `dist/esm/` alike. */
export const SHIPPED_CALENDAR: URL = (() => {
  const candidates = ['../data/', '../../data/'].map((dir) => new URL(`${dir}holiday-calendar.json`, import.meta.url));
  const found = candidates.find((url) => existsSync(url));
  if (!found) throw new Error(`holiday-calendar.json not found at ${candidates.map((url) => url.pathname).join(' or ')}`);
  return found;
})();

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

function isCalendarDate(value: unknown, year: number): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE.exec(value);
  if (!match || Number(match[1]) !== year) return false;
  return new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
}

/**
 * What is wrong with one year's schedule, or null. A schedule is checked whole before it replaces
 * anything, so a typo in an operator's file never half-applies. Holiday ranges may start in the
 * previous year (元旦 often begins on 30 December), so only their end must lie in `year`.
 */
export function calendarYearProblem(year: number, value: unknown): string | null {
  if (!Number.isInteger(year) || year < 1949 || year > 9999) return `年份 ${year} 无效`;
  const doc = value as Partial<CalendarYear> | null;
  if (!doc || typeof doc !== 'object') return `${year} 年的日历不是对象`;
  const source = doc.source as Partial<CalendarYear['source']> | undefined;
  if (!source || typeof source !== 'object' || !['issuer', 'notice', 'title', 'published'].every((k) => typeof source[k as keyof typeof source] === 'string' && source[k as keyof typeof source]!.trim()))
    return `${year} 年的日历缺少来源（issuer、notice、title、published）`;
  if (!Array.isArray(doc.holidays) || !Array.isArray(doc.workdays)) return `${year} 年的日历需要 holidays 与 workdays 两个数组`;
  const rest = new Set<string>();
  for (const range of doc.holidays) {
    if (!range || typeof range.name !== 'string' || !range.name.trim()) return `${year} 年有未命名的假期`;
    if (!isCalendarDate(range.to, year) || !(isCalendarDate(range.from, year) || isCalendarDate(range.from, year - 1)))
      return `${year} 年的假期「${range.name}」日期无效：${String(range.from)}～${String(range.to)}`;
    if (range.from > range.to) return `${year} 年的假期「${range.name}」开始晚于结束`;
    if (Date.parse(range.to) - Date.parse(range.from) > 31 * DAY_MS) return `${year} 年的假期「${range.name}」超过 31 天`;
    for (let day = Date.parse(range.from); day <= Date.parse(range.to); day += DAY_MS) rest.add(new Date(day).toISOString().slice(0, 10));
  }
  for (const workday of doc.workdays) {
    if (!workday || !isCalendarDate(workday.date, year)) return `${year} 年的调休上班日无效：${String(workday?.date)}`;
    if (rest.has(workday.date)) return `${workday.date} 同时是假期和调休上班日`;
  }
  return null;
}

/** Reads a calendar file; throws with the file and the first problem, so a bad file stops the start. */
export function readHolidayCalendar(path: string | URL): HolidayCalendarFile {
  let file: HolidayCalendarFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as HolidayCalendarFile;
  } catch (error) {
    throw new Error(`${String(path)}: not a readable JSON holiday calendar (${(error as Error).message})`);
  }
  if (file?.format !== 1 || !file.years || typeof file.years !== 'object') throw new Error(`${String(path)}: not a holiday calendar (format 1)`);
  for (const [year, doc] of Object.entries(file.years)) {
    const problem = calendarYearProblem(Number(year), doc);
    if (problem) throw new Error(`${String(path)}: ${problem}`);
  }
  return file;
}

export class WorkdayCalendar implements Calendar {
  readonly #years = new Map<number, CalendarYear>();
  #restDays = new Set<string>();
  #workWeekends = new Set<string>();
  #arithmetic!: Calendar;

  constructor(years: Record<string, CalendarYear> = readHolidayCalendar(SHIPPED_CALENDAR).years) {
    for (const [year, doc] of Object.entries(years)) this.#years.set(Number(year), doc);
    this.#index();
  }

  /** The years with an official schedule, ascending. */
  get officialYears(): number[] {
    return [...this.#years.keys()].sort((a, b) => a - b);
  }

  year(year: number): CalendarYear | undefined {
    return this.#years.get(year);
  }

  /** A copy that later `setYear` calls leave as it is. */
  snapshot(): WorkdayCalendar {
    return new WorkdayCalendar(Object.fromEntries(this.#years));
  }

  /** Loads or replaces one year's schedule (checked by `calendarYearProblem` first). */
  setYear(year: number, doc: CalendarYear): void {
    this.#years.set(year, doc);
    this.#index();
  }

  isWorkday(date: string): boolean {
    if (this.#restDays.has(date)) return false;
    if (this.#workWeekends.has(date)) return true;
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }

  /** Whether a day (`YYYY-MM-DD`, or an instant read in Asia/Shanghai) lies in a year without an official schedule. */
  isProvisional(day: string | Date): boolean {
    const date = typeof day === 'string' ? day : new Date(day.getTime() + 8 * 3_600_000).toISOString();
    return !this.#years.has(Number(date.slice(0, 4)));
  }

  addWorkdays(start: Date, days: number): Date {
    return this.#arithmetic.addWorkdays(start, days);
  }

  workdaysBetween(from: Date, to: Date): number {
    return this.#arithmetic.workdaysBetween(from, to);
  }

  #index(): void {
    this.#restDays = new Set();
    this.#workWeekends = new Set();
    for (const doc of this.#years.values()) {
      for (const range of doc.holidays)
        for (let day = Date.parse(range.from); day <= Date.parse(range.to); day += DAY_MS) this.#restDays.add(new Date(day).toISOString().slice(0, 10));
      for (const workday of doc.workdays) this.#workWeekends.add(workday.date);
    }
    // calendarFrom memoises each date's answer; a changed schedule needs a fresh memo.
    this.#arithmetic = calendarFrom((date) => this.isWorkday(date));
  }
}
