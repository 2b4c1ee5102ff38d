import type { CommonOperations } from '@citybrain/contract';
import { boundaryOf, bboxOf, centroidOf, findRegion, towns, villages } from '@citybrain/domain';
import { getMeta, setMeta, type Db } from '../../db.js';
import type { BusEvent } from '../../events.js';
import type { SandboxService } from '../../context.js';
import { requirePermission } from '../../auth.js';
import { notFound, unauthorized, unprocessable } from '../../problems.js';
import { calendarYearProblem, type CalendarYear, type WorkdayCalendar } from '../../workdays.js';
import { migrateProcessEvents, PROCESS_EVENTS_POSTGRES, rebaseDeadlines } from '../process-runtime.js';
import { applicationStore } from '../approvals/store.js';
import { workOrderStore } from '../workorders/store.js';

interface RegionRecord {
  code: string;
  name: string;
  level: 'district' | 'town' | 'village';
  parentCode: string;
  urbanRuralType: string | null;
  validFrom: string | null;
  validTo: string | null;
}

// The statistical codes in our data are those of the 2023 release of 统计用区划代码.
const VALID_FROM = '2023-01-01';

function regionRecord(code: string): RegionRecord | undefined {
  const region = findRegion(code);
  if (!region) return undefined;
  const village = villages.find((v) => v.code === code);
  return {
    code: region.code,
    name: region.name,
    level: region.level,
    parentCode: region.parentCode,
    urbanRuralType: village?.urbanRuralType ?? null,
    validFrom: VALID_FROM,
    validTo: null,
  };
}

function childrenOf(parent: string): RegionRecord[] {
  if (parent === '440605') return towns.map((t) => regionRecord(t.code)!);
  const town = towns.find((t) => t.code === parent);
  if (town) return town.villages.map((v) => regionRecord(v.code)!);
  if (parent.length === 4 || parent.length === 2) return [regionRecord('440605')!];
  return [];
}

function basicCredentials(header: string | undefined): { id?: string; secret?: string } {
  if (!header?.toLowerCase().startsWith('basic ')) return {};
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return {};
  // RFC 6749 §2.3.1: both parts are form-urlencoded; a malformed escape is a failed client authentication.
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    throw unauthorized('Basic 凭据中的 client_id 或 client_secret 编码无效');
  }
}

const STORED_YEAR = /^calendar:(\d{4})$/;

/** The years loaded through `PUT /common/calendar/{year}`: they outlive restarts and override the files. */
export function storedCalendarYears(db: Db): Record<string, CalendarYear> {
  const rows = db.prepare("SELECT key, value FROM sandbox_meta WHERE key LIKE 'calendar:%'").all() as { key: string; value: string }[];
  return Object.fromEntries(rows.flatMap((row) => {
    const year = STORED_YEAR.exec(row.key)?.[1];
    return year ? [[year, JSON.parse(row.value) as CalendarYear]] : [];
  }));
}

/** The bus topic on which a stored calendar year is announced; the event's id is the year. */
export const CALENDAR_TOPIC = 'calendar';

/** A calendar year stored through the API, as the event that announced it. */
export function storedCalendarEvent(db: Db, year: string): BusEvent | undefined {
  const stored = /^\d{4}$/.test(year) ? getMeta(db, `calendar:${year}`) : undefined;
  return stored === undefined ? undefined : { id: year, type: 'calendar', data: JSON.parse(stored) as CalendarYear };
}

function calendarYearDocument(workdays: WorkdayCalendar, year: number) {
  const doc = workdays.year(year);
  return { year, official: doc !== undefined, timezone: 'Asia/Shanghai' as const, source: doc?.source ?? null, holidays: doc?.holidays ?? [], workdays: doc?.workdays ?? [] };
}

/** Auth endpoints, the administrative divisions and the holiday calendar shared by every service. */
export const commonService: SandboxService<keyof CommonOperations> = {
  name: 'common',
  migrations: [{ id: 'process/001-events', sqlite: migrateProcessEvents, postgres: PROCESS_EVENTS_POSTGRES }],
  seed() {},
  handlers: {
    issueToken(req, reply, ctx) {
      const body = req.body;
      // client_secret_basic takes precedence over credentials in the form, as RFC 6749 §2.3.1 prefers it.
      const basic = basicCredentials(req.headers.authorization);
      const client = ctx.tokens.authenticateClient(basic.id ?? body.client_id, basic.secret ?? body.client_secret);
      reply.header('cache-control', 'no-store');
      return ctx.tokens.issue(client);
    },
    getPrincipal(req) {
      return req.principal;
    },
    listRegions(req) {
      const query = req.query;
      let items = childrenOf(query.parent ?? '440605');
      const q = query.q?.trim();
      if (q) {
        const all = [regionRecord('440605')!, ...towns.map((t) => regionRecord(t.code)!), ...villages.map((v) => regionRecord(v.code)!)];
        items = all.filter((r) => r.name.includes(q) || r.code.startsWith(q));
      }
      return { items };
    },
    listCalendarYears(_req, _reply, ctx) {
      const years = ctx.workdays.officialYears.map((year) => {
        const { notice, published } = ctx.workdays.year(year)!.source;
        return { year, notice, published };
      });
      return { timezone: 'Asia/Shanghai', years };
    },
    getCalendarYear(req, _reply, ctx) {
      return calendarYearDocument(ctx.workdays, req.params.year);
    },
    putCalendarYear(req, _reply, ctx) {
      requirePermission(req, 'calendar:admin');
      const { year } = req.params;
      const doc = req.body;
      const problem = calendarYearProblem(year, doc);
      if (problem) throw unprocessable(problem, 'invalid-calendar');
      const before = ctx.workdays.snapshot();
      const after = before.snapshot();
      after.setYear(year, doc);
      // Deadlines already set past the year's start were counted without this schedule: recount them
      // in the same transaction that stores it, so no reader sees one without the other.
      ctx.db.transaction(() => {
        setMeta(ctx.db, `calendar:${year}`, JSON.stringify(doc));
        rebaseDeadlines(ctx.db, applicationStore, year, before, after);
        rebaseDeadlines(ctx.db, workOrderStore, year, before, after);
        ctx.audit(req, 'calendar.replace', `calendar/${year}`, [], doc.source.notice);
      })();
      ctx.workdays.setYear(year, doc);
      // Other instances on the database hold the calendar in memory too: they load the year on this event.
      ctx.events.publish(CALENDAR_TOPIC, { id: String(year), type: 'calendar', data: doc });
      return calendarYearDocument(ctx.workdays, year);
    },
    getRegion(req) {
      const { code } = req.params;
      const record = regionRecord(code);
      const boundary = boundaryOf(code);
      if (!record || !boundary) throw notFound(`区划 ${code} 不存在`);
      const ancestors: RegionRecord[] = [];
      for (let parent = record.parentCode; parent.length >= 6; ) {
        const ancestor = regionRecord(parent);
        if (!ancestor) break;
        ancestors.unshift(ancestor);
        parent = ancestor.parentCode;
      }
      return { ...record, ancestors, bbox: bboxOf(boundary.geometry), centroid: centroidOf(boundary.geometry), geometry: boundary.geometry };
    },
  },
};
