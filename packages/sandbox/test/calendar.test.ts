import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import chineseDays from 'chinese-days';
import { startTestSandbox, type TestSandbox } from './harness.js';
import { workOrderBody } from './reliability/support.js';
import { readHolidayCalendar, SHIPPED_CALENDAR, WorkdayCalendar } from '../src/workdays.js';

/**
 * The holiday calendar as data: the shipped State Council schedules, deadlines in a year without one
 * marked provisional, and an operator loading a year (by file or by the district administrator's PUT)
 * that recounts the deadlines already set in it.
 */

type Json = Record<string, any>;

/** Test data only — NOT the State Council's 2027 schedule, which this project does not ship until its notice is at hand. */
const TEST_2027 = {
  source: { issuer: '测试', notice: '测试用日历（非官方）', title: '2027 年测试日历', published: '2026-11-30' },
  holidays: [{ name: '元旦', from: '2027-01-01', to: '2027-01-03' }],
  workdays: [],
};

const DAY_MS = 86_400_000;

describe('holiday calendar data', () => {
  it('ships only years with their notice, and each agrees day by day with the chinese-days package', () => {
    const file = readHolidayCalendar(SHIPPED_CALENDAR);
    const calendar = new WorkdayCalendar(file.years);
    assert.ok(!('2027' in file.years), 'no 2027 schedule is shipped without its notice');
    for (const [year, doc] of Object.entries(file.years)) {
      assert.match(doc.source.notice, /^国办发明电〔\d{4}〕\d+号$/);
      for (let day = Date.parse(`${year}-01-01`); day <= Date.parse(`${year}-12-31`); day += DAY_MS) {
        const date = new Date(day).toISOString().slice(0, 10);
        assert.equal(calendar.isWorkday(date), chineseDays.isWorkday(date), date);
      }
    }
  });

  it('counts a year without a schedule Monday to Friday and calls its days provisional', () => {
    const calendar = new WorkdayCalendar();
    assert.equal(calendar.isWorkday('2027-01-01'), true, 'a Friday, no schedule loaded');
    assert.equal(calendar.isProvisional('2027-01-01'), true);
    assert.equal(calendar.isProvisional(new Date('2026-12-31T23:59:59+08:00')), false, 'read in Asia/Shanghai');
    calendar.setYear(2027, TEST_2027);
    assert.equal(calendar.isWorkday('2027-01-01'), false);
    assert.equal(calendar.isProvisional('2027-01-01'), false);
  });
});

describe('the calendar through the API', () => {
  let s: TestSandbox;
  const call = async (client: string | null, path: string, init: { method?: string; body?: unknown } = {}) => {
    const res = await s.api(path, {
      method: init.method ?? (init.body !== undefined ? 'POST' : 'GET'),
      headers: init.body !== undefined ? { 'content-type': 'application/json' } : {},
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
      token: client ? await s.token(client) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as Json };
  };
  /** The order's stored handling deadline and the timeline's total time limit. */
  const deadlinesOf = async (id: string) => {
    const order = await call('demo-town-guicheng', `/workorders/${id}`);
    const timeline = await call('demo-town-guicheng', `/workorders/${id}/timeline`);
    return { handleDeadline: order.body.handleDeadline as string, total: timeline.body.totalDeadline };
  };

  before(async () => {
    s = await startTestSandbox();
  });
  after(async () => {
    s.ctx.clock.set(null);
    await s.close();
  });

  it('lists the shipped years and answers a year without a schedule as unofficial, to anyone', async () => {
    const list = await call(null, '/common/calendar');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.years.map((y: Json) => y.year), [2021, 2022, 2023, 2024, 2025, 2026]);
    const y2026 = await call(null, '/common/calendar/2026');
    assert.equal(y2026.body.official, true);
    assert.equal(y2026.body.source.notice, '国办发明电〔2025〕7号');
    assert.ok(y2026.body.workdays.some((w: Json) => w.date === '2026-10-10'));
    const y2027 = await call(null, '/common/calendar/2027');
    assert.deepEqual(y2027.body, { year: 2027, official: false, timezone: 'Asia/Shanghai', source: null, holidays: [], workdays: [] });
    assert.equal((await call(null, '/common/calendar/20x7')).status, 400);
  });

  it('marks a deadline across 2026-12-31 provisional, then recounts it when the district loads 2027', async () => {
    s.ctx.clock.set(new Date('2026-12-21T10:00:00+08:00'));
    const created = await call('demo-town-guicheng', '/workorders', { body: workOrderBody() });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id;
    // COMPLAINT: 15 working days to handle, 18 in all. Weekdays only after 2026: 2027-01-01 (a Friday) counts.
    let { handleDeadline, total } = await deadlinesOf(id);
    assert.equal(handleDeadline, new Date('2027-01-11T23:59:59+08:00').toISOString());
    assert.equal(total.dueAt, new Date('2027-01-14T23:59:59+08:00').toISOString());
    assert.equal(total.provisional, true);

    assert.equal((await call(null, '/common/calendar/2027', { method: 'PUT', body: TEST_2027 })).status, 401);
    assert.equal((await call('demo-town-guicheng', '/common/calendar/2027', { method: 'PUT', body: TEST_2027 })).status, 403);
    const clash = await call('demo-district', '/common/calendar/2027', {
      method: 'PUT', body: { ...TEST_2027, workdays: [{ date: '2027-01-02', for: '元旦' }] },
    });
    assert.equal(clash.status, 422, 'a day that is both a holiday and a working day');
    const outside = await call('demo-district', '/common/calendar/2027', {
      method: 'PUT', body: { ...TEST_2027, holidays: [{ name: '元旦', from: '2027-01-01', to: '2028-01-03' }] },
    });
    assert.equal(outside.status, 422, 'a date outside the year');
    ({ handleDeadline, total } = await deadlinesOf(id));
    assert.equal(total.provisional, true, 'refused schedules change nothing');

    const loaded = await call('demo-district', '/common/calendar/2027', { method: 'PUT', body: TEST_2027 });
    assert.equal(loaded.status, 200, JSON.stringify(loaded.body));
    assert.equal(loaded.body.official, true);
    const recounted = await deadlinesOf(id);
    assert.equal(recounted.handleDeadline, new Date('2027-01-12T23:59:59+08:00').toISOString(), 'New Year is off: one working day later');
    assert.equal(recounted.total.dueAt, new Date('2027-01-15T23:59:59+08:00').toISOString());
    assert.equal(recounted.total.provisional, false);

    const later = await call('demo-town-guicheng', '/workorders', { body: workOrderBody() });
    assert.deepEqual(await deadlinesOf(later.body.id), recounted, 'new orders count on the loaded schedule');
  });
});

describe('an operator calendar', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cb-calendar-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('adds a year from a file, and the year loaded by PUT outlives a restart', async () => {
    const file = join(dir, 'calendar.json');
    writeFileSync(file, JSON.stringify({ format: 1, years: { 2027: TEST_2027 } }));
    const fromFile = await startTestSandbox({ holidayCalendarFile: file });
    try {
      assert.equal((await fromFile.api('/common/calendar/2027').then((r) => r.json()) as Json).official, true);
    } finally {
      await fromFile.close();
    }

    const dbPath = join(dir, 'sandbox.db');
    const first = await startTestSandbox({ dbPath });
    try {
      const res = await first.api('/common/calendar/2027', {
        method: 'PUT', token: await first.token('demo-district'),
        headers: { 'content-type': 'application/json' }, body: JSON.stringify(TEST_2027),
      });
      assert.equal(res.status, 200);
    } finally {
      await first.close();
    }
    const second = await startTestSandbox({ dbPath });
    try {
      const year = (await second.api('/common/calendar/2027').then((r) => r.json())) as Json;
      assert.equal(year.official, true);
      assert.equal(year.source.notice, TEST_2027.source.notice);
    } finally {
      await second.close();
    }
  });

  it('refuses to start on a file that is not JSON, naming the file', async () => {
    const file = join(dir, 'truncated.json');
    writeFileSync(file, '{"format": 1, "years": {"2027": ');
    await assert.rejects(startTestSandbox({ holidayCalendarFile: file }), (error: Error) => error.message.includes(file) && /JSON/.test(error.message));
  });

  it('refuses to start on a file with a broken year, naming the file and the problem', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, JSON.stringify({ format: 1, years: { 2027: { ...TEST_2027, holidays: [{ name: '元旦', from: '2027-02-30', to: '2027-03-01' }] } } }));
    await assert.rejects(startTestSandbox({ holidayCalendarFile: file }), (error: Error) => error.message.includes(file) && error.message.includes('元旦'));
  });
});
