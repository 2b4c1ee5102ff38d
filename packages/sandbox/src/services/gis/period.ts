/**
 * OGC API – Features `datetime` on layers whose features have a period (their `period` properties,
 * YYYY-MM-DD): the days a query spans, and whether a feature's period meets them — in SQL for items
 * (repository.ts) and on tile attributes for tiles (index.ts).
 */
import { badRequest } from '../../problems.js';
import type { LayerDef } from './layers.js';

/** The days a `datetime` spans, either end open (null). */
export interface Period {
  from: string | null;
  to: string | null;
}

/** `datetime` as the days it spans (an instant is its own day; `..` leaves an end open); null when absent. */
export function parsePeriod(layer: LayerDef, datetime: string | undefined): Period | null {
  if (datetime === undefined) return null;
  if (!layer.period) {
    throw badRequest(`图层 ${layer.id} 的要素没有时间属性，不支持 datetime`, [{ name: 'query/datetime', reason: '支持 datetime 的图层：industrial-parks' }]);
  }
  const day = (part: string | undefined): string | null => (part === undefined || part === '..' || part === '' ? null : part.slice(0, 10));
  const [first, second] = datetime.split('/');
  const period = datetime.includes('/') ? { from: day(first), to: day(second) } : { from: day(first), to: day(first) };
  if (period.from === null && period.to === null) {
    throw badRequest('datetime 不能两端都开放', [{ name: 'query/datetime', reason: '例如 2023-01-01/2024-12-31 或 ../2020-12-31' }]);
  }
  if (period.from !== null && period.to !== null && period.from > period.to) {
    throw badRequest(`datetime 起点 ${period.from} 晚于终点 ${period.to}`, [{ name: 'query/datetime', reason: '起点应不晚于终点' }]);
  }
  return period;
}

/** Whether a feature running from `start` to `end` (days) meets `period`: it ends on or after its start and starts on or before its end. */
export function periodMeets(period: Period, start: unknown, end: unknown): boolean {
  if (typeof start !== 'string' || typeof end !== 'string') return false;
  return (period.from === null || end >= period.from) && (period.to === null || start <= period.to);
}
