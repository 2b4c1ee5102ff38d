import chineseDays from 'chinese-days';

/**
 * Working-day arithmetic on the State Council holiday calendar (chinese-days keeps the official
 * 放假/调休 days per year). Legal time limits of approvals and work orders count working days in
 * Asia/Shanghai; years the package does not know yet fall back to Monday–Friday.
 */
const SHANGHAI = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of an instant in Asia/Shanghai. */
export function shanghaiDate(instant: Date): string {
  return SHANGHAI.format(instant);
}

/** The instant of 00:00 Asia/Shanghai on a `YYYY-MM-DD` date. */
function startOfShanghaiDay(date: string): Date {
  return new Date(`${date}T00:00:00+08:00`);
}

function nextDate(date: string, delta: number): string {
  return shanghaiDate(new Date(startOfShanghaiDay(date).getTime() + delta * DAY_MS + 12 * 3_600_000));
}

export class WorkdayCalendar {
  isWorkday(date: string): boolean {
    return chineseDays.isWorkday(date);
  }

  /**
   * The deadline `days` working days after `start`: counting starts the day after (as the 12345 rules
   * and the homestead notice do), and the deadline is the end (23:59:59 Shanghai) of the last working day.
   */
  addWorkdays(start: Date, days: number): Date {
    let date = shanghaiDate(start);
    let remaining = days;
    while (remaining > 0) {
      date = nextDate(date, 1);
      if (this.isWorkday(date)) remaining -= 1;
    }
    return new Date(startOfShanghaiDay(date).getTime() + DAY_MS - 1000);
  }

  /** Working days after `from`'s day up to and including `to`'s day (negative when `to` is earlier). */
  workdaysBetween(from: Date, to: Date): number {
    if (to < from) return -this.workdaysBetween(to, from);
    const end = shanghaiDate(to);
    let date = shanghaiDate(from);
    let count = 0;
    while (date < end) {
      date = nextDate(date, 1);
      if (this.isWorkday(date)) count += 1;
    }
    return count;
  }
}
