import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSandbox, type TestSandbox } from './harness.js';
import { workOrdersService } from '../src/services/workorders/index.js';
import { jsonValueSql } from '../src/services/process-runtime.js';

/**
 * The work-order service against a real sandbox on loopback (contract check on: every response is
 * also validated against openapi/workorders.yaml).
 */

type Json = Record<string, any>;

const DENGHU = '440605011020';

function order(overrides: Json = {}): Json {
  return {
    channel: 'TOWN_PLATFORM',
    type: 'COMPLAINT',
    category: { levelOne: '城乡建设', levelTwo: '市容环境', levelThree: '噪音扰民', levelFour: '夜间施工噪音' },
    title: '桂城街道灯湖东路工地夜间施工噪音扰民',
    content: '市民反映灯湖东路12号附近工地连续多晚施工至凌晨一点，噪音很大影响休息，要求相关部门核查处理。',
    regionCode: DENGHU,
    address: '佛山市南海区桂城街道灯湖东路12号附近',
    reporter: { name: '黄丽华', phone: '13760286620', anonymous: false, wantsReply: true },
    emergencyLevel: 'normal',
    ...overrides,
  };
}

const endOfDay = (date: string) => new Date(`${date}T23:59:59+08:00`).toISOString();

describe('work orders', () => {
  let s: TestSandbox;

  const setClock = (iso: string | null) => s.hook('clock', { now: iso });

  /** A request as one demo client; tokens are fetched per call because tests move the clock past their lifetime. */
  const call = async (client: string | null, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const res = await s.api(path, {
      method: init.body !== undefined ? 'POST' : 'GET',
      headers,
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
      token: client ? await s.token(client) : undefined,
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as Json };
  };

  const actOn = (client: string, id: string, action: Json) => call(client, `/workorders/${id}/actions`, { body: action });

  const step = async (client: string, id: string, action: Json): Promise<Json> => {
    const res = await actOn(client, id, action);
    assert.equal(res.status, 200, `${action.action} by ${client}: ${JSON.stringify(res.body)}`);
    return res.body.item;
  };

  const create = async (client: string, body: Json, headers: Record<string, string> = {}) => call(client, '/workorders', { body, headers });

  before(async () => {
    s = await startTestSandbox();
  });
  after(async () => {
    await s.close();
  });

  describe('registering', () => {
    it('receives an order with deadlines in working days by type', async () => {
      await setClock('2026-11-02T09:00:00+08:00');
      try {
        const res = await create('demo-town-guicheng', order());
        assert.equal(res.status, 201);
        assert.match(res.body.orderNo, /^GD-20261102-\d{6}$/);
        assert.equal(res.body.status, 'RECEIVED');
        assert.equal(res.body.stage, 'DISPATCH');
        // 投诉: 15 working days from receipt (no holidays in November 2026); total = 15 + 3.
        assert.equal(res.body.handleDeadline, endOfDay('2026-11-23'));
        assert.equal(res.body.totalDeadline, endOfDay('2026-11-26'));
        assert.equal(res.body.townName, '桂城街道');
        assert.deepEqual(res.body.allowedActions, ['dispatch'], 'the town platform dispatches; voiding is the district’s');
        const emergency = await create('demo-town-guicheng', order({ emergencyLevel: 'emergency' }));
        assert.equal(emergency.body.handleDeadline, endOfDay('2026-11-02'), 'an emergency is due the same day');
      } finally {
        await setClock(null);
      }
    });

    it('names invalid fields, keeps the place inside the caller region and the point inside the district', async () => {
      const phone = await create('demo-town-guicheng', order({ reporter: { name: '黄丽华', phone: '1376028662', anonymous: false } }));
      assert.equal(phone.status, 400);
      assert.deepEqual(phone.body.errors.map((e: Json) => e.name), ['body/reporter/phone']);
      const nameless = await create('demo-town-guicheng', order({ reporter: { name: null, phone: '0757-86281234', anonymous: false } }));
      assert.equal(nameless.status, 400);
      assert.equal(nameless.body.errors[0].name, 'body/reporter/name');
      const unknown = await create('demo-district', order({ regionCode: '440605011999' }));
      assert.equal(unknown.status, 400);
      assert.equal(unknown.body.errors[0].name, 'body/regionCode');
      assert.equal((await create('demo-town-guicheng', order({ regionCode: '440605124201' }))).status, 403);
      assert.equal((await create('demo-dept-agri', order())).status, 403, 'departments do not register orders');
      assert.equal((await create('demo-town-guicheng', order({ location: [116.39, 39.9] }))).status, 422);
      const anonymous = await create('demo-village-tangbian', order({ regionCode: '440605124201', reporter: { name: null, phone: null, anonymous: true } }));
      assert.equal(anonymous.status, 201);
      assert.equal(anonymous.body.reporterName, null);
    });

    it('creates once per Idempotency-Key', async () => {
      const key = `workorders-create-${Date.now()}`;
      const first = await create('demo-town-guicheng', order(), { 'idempotency-key': key });
      const again = await create('demo-town-guicheng', order(), { 'idempotency-key': key });
      assert.equal(again.body.id, first.body.id);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      const stats = await s.hook<{ effects: Record<string, number> }>('stats');
      assert.equal(stats.effects[key], 1);
      assert.equal((await create('demo-town-guicheng', order({ title: '另一件事' }), { 'idempotency-key': key })).status, 422);
    });
  });

  describe('the lifecycle', () => {
    it('goes through return, re-dispatch, extension, callback, reopening and closing', async () => {
      await setClock('2026-11-02T09:00:00+08:00');
      try {
        const id = (await create('demo-town-guicheng', order())).body.id as string;
        let item = await step('demo-district', id, { action: 'dispatch', deptCode: 'AGRI', remark: '请核查' });
        assert.equal(item.status, 'DISPATCHED');
        assert.equal(item.signDeadline, endOfDay('2026-11-03'));
        assert.equal((await actOn('demo-dept-natres', id, { action: 'sign' })).status, 403, 'only the assigned office signs');
        assert.equal((await actOn('demo-village-tangbian', id, { action: 'urge' })).status, 403, 'villages do not act on orders');

        item = await step('demo-dept-agri', id, { action: 'return', reasonCode: 'OUT_OF_REMIT', reason: '夜间施工噪音不属于农业农村部门职责', suggestedDept: 'TOWN' });
        assert.equal(item.status, 'RETURNED');
        assert.equal(item.assignee, null);
        assert.equal(item.returned.reasonCode, 'OUT_OF_REMIT');
        assert.equal(item.flags.returned, true);

        item = await step('demo-town-guicheng', id, { action: 'redispatch', deptCode: 'TOWN' });
        assert.deepEqual([item.status, item.assignee.deptName], ['REDISPATCHED', '桂城街道办事处']);
        await step('demo-town-guicheng', id, { action: 'sign' });
        item = await step('demo-town-guicheng', id, { action: 'process', opinion: '已安排执法队员夜间巡查' });
        assert.equal(item.status, 'PROCESSING');

        await setClock('2026-11-10T10:00:00+08:00');
        item = await step('demo-town-guicheng', id, { action: 'request-extension', workingDays: 5, reason: '需协调住建部门联合处置' });
        assert.equal(item.status, 'EXTENSION_REQUESTED');
        assert.equal((await actOn('demo-town-guicheng', id, { action: 'approve-extension' })).status, 403, 'the supervision centre decides');
        item = await step('demo-district', id, { action: 'approve-extension' });
        assert.equal(item.status, 'EXTENDED');
        assert.equal(item.handleDeadline, endOfDay('2026-11-30'), 'five working days after 23 November');
        assert.equal(item.totalDeadline, endOfDay('2026-12-03'));
        const tooMuch = await actOn('demo-town-guicheng', id, { action: 'request-extension', workingDays: 6, reason: '再延期' });
        assert.equal(tooMuch.status, 422);

        item = await step('demo-town-guicheng', id, { action: 'reply', resultCode: 0, result: '已责令施工单位夜间停止高噪声作业', replyContent: '您好，已处理。' });
        assert.equal(item.status, 'REPLIED');
        item = await step('demo-district', id, { action: 'verify', checkResult: 1, method: 'phone' });
        assert.equal(item.status, 'CALLBACK');
        const early = await actOn('demo-district', id, { action: 'close' });
        assert.equal(early.status, 409, 'no closing before the citizen was reached');
        assert.equal(early.body.code, 'callback-required');
        const incomplete = await actOn('demo-district', id, { action: 'callback', reached: true });
        assert.equal(incomplete.status, 400);
        assert.equal(incomplete.body.errors[0].name, 'body/satisfaction');

        item = await step('demo-district', id, { action: 'callback', reached: true, satisfaction: 0, solved: 1, dissatisfyReason: '夜间仍在施工' });
        assert.equal(item.callback.satisfactionLabel.zh, '不满意');
        item = await step('demo-district', id, { action: 'reopen', reason: '回访不满意：夜间仍在施工' });
        assert.equal(item.status, 'REOPENED');
        assert.equal(item.handleDeadline, endOfDay('2026-12-01'), 'a fresh 15 working days from the reopening');
        assert.equal(item.callback, null);

        await step('demo-town-guicheng', id, { action: 'reply', resultCode: 0, result: '已查封违规施工设备' });
        item = await step('demo-district', id, { action: 'start-verification', method: 'onsite', checker: '网格员 梁敏' });
        assert.equal(item.status, 'VERIFYING');
        await step('demo-district', id, { action: 'verify', checkResult: 1 });
        await step('demo-district', id, { action: 'callback', reached: true, satisfaction: 3, solved: 0 });
        item = await step('demo-district', id, { action: 'close', evaluation: '按时办结' });
        assert.equal(item.status, 'CLOSED');
        assert.deepEqual([item.flags.returned, item.flags.extended, item.flags.reopened], [true, true, true]);
        assert.deepEqual(item.counts, { urge: 0, supervise: 0, return: 1, extension: 1, reopen: 1, callbackAttempts: 2 });

        const timeline = (await call('demo-town-guicheng', `/workorders/${id}/timeline`)).body;
        assert.equal(timeline.kind, 'workorder');
        assert.deepEqual(timeline.steps.map((st: Json) => [st.key, st.state]), [
          ['RECEIVE', 'done'], ['DISPATCH', 'done'], ['SIGN', 'done'], ['HANDLE', 'done'], ['VERIFY', 'done'], ['CALLBACK', 'done'], ['CLOSE', 'done'],
        ]);
        assert.equal(timeline.completion.satisfaction, 3);
        assert.equal(timeline.flags.reopened, true);
        assert.equal(timeline.nextAction.actor, 'none');
        assert.deepEqual(timeline.events.map((e: Json) => e.action), [
          'create', 'dispatch', 'return', 'redispatch', 'sign', 'process', 'request-extension', 'approve-extension', 'reply', 'verify',
          'callback', 'reopen', 'reply', 'start-verification', 'verify', 'callback', 'close',
        ]);
        const reopenWindow = await actOn('demo-district', id, { action: 'reopen', reason: '再次投诉' });
        assert.equal(reopenWindow.status, 200, 'a closed order may be reopened within the window');
      } finally {
        await setClock(null);
      }
    });

    it('refuses a return after the return window and an extension after the deadline', async () => {
      await setClock('2026-11-02T09:00:00+08:00');
      try {
        const id = (await create('demo-town-guicheng', order({ type: 'CONSULT' }))).body.id as string;
        await step('demo-district', id, { action: 'dispatch', deptCode: 'NATRES' });
        await setClock('2026-11-05T09:00:00+08:00');
        const late = await actOn('demo-dept-natres', id, { action: 'return', reasonCode: 'OUT_OF_REMIT', reason: '不属本部门职责' });
        assert.equal(late.status, 409);
        assert.equal(late.body.code, 'return-window-passed');
        await step('demo-dept-natres', id, { action: 'sign' });
        await setClock('2026-11-06T09:00:00+08:00');
        const item = (await call('demo-dept-natres', `/workorders/${id}`)).body;
        assert.equal(item.flags.overdue, true, '咨询: 3 working days from 2 November');
        const extension = await actOn('demo-dept-natres', id, { action: 'request-extension', workingDays: 2, reason: '补充材料' });
        assert.equal(extension.status, 409);
        assert.equal(extension.body.code, 'deadline-passed');
        const overdue = (await call('demo-district', '/workorders?overdue=true&limit=1000')).body;
        assert.ok(overdue.items.some((o: Json) => o.id === id));
        assert.ok(overdue.items.every((o: Json) => o.flags.overdue));
      } finally {
        await setClock(null);
      }
    });

    it('stops the clock while suspended and moves the deadlines by the working days it stood still', async () => {
      await setClock('2026-11-02T09:00:00+08:00');
      try {
        const id = (await create('demo-town-guicheng', order({ type: 'CONSULT' }))).body.id as string;
        await step('demo-district', id, { action: 'dispatch', deptCode: 'TOWN' });
        await setClock('2026-11-03T09:00:00+08:00');
        assert.equal((await step('demo-town-guicheng', id, { action: 'suspend', reason: '诉求人暂时无法联系' })).status, 'SUSPENDED');
        await setClock('2026-11-05T09:00:00+08:00');
        const resumed = await step('demo-town-guicheng', id, { action: 'resume' });
        assert.equal(resumed.status, 'RESUMED');
        // Due 5 November; suspended 3 → 5 November (two working days) → due 9 November.
        assert.equal(resumed.handleDeadline, endOfDay('2026-11-09'));
        assert.equal((await step('demo-town-guicheng', id, { action: 'sign' })).status, 'SIGNED', 'it continues where it stopped');
      } finally {
        await setClock(null);
      }
    });

    it('urges and supervises without changing the status, and voids before dispatch', async () => {
      const id = (await create('demo-town-guicheng', order())).body.id as string;
      await step('demo-district', id, { action: 'dispatch', deptCode: 'AGRI' });
      let item = await step('demo-town-guicheng', id, { action: 'urge', remark: '市民再次来电' });
      assert.deepEqual([item.status, item.counts.urge, item.flags.urged], ['DISPATCHED', 1, true]);
      assert.equal((await actOn('demo-town-guicheng', id, { action: 'supervise', reason: '反复投诉' })).status, 403);
      item = await step('demo-district', id, { action: 'supervise', reason: '反复投诉，列为督办件' });
      assert.deepEqual([item.status, item.flags.supervised], ['DISPATCHED', true]);
      const supervised = (await call('demo-district', '/workorders?supervised=true&limit=1000')).body;
      assert.ok(supervised.items.some((o: Json) => o.id === id));
      assert.ok(supervised.items.every((o: Json) => o.flags.supervised));

      const duplicate = (await create('demo-town-guicheng', order())).body.id as string;
      assert.equal((await step('demo-district', duplicate, { action: 'void', reason: '重复工单' })).status, 'VOID');
      assert.equal((await actOn('demo-district', duplicate, { action: 'dispatch', deptCode: 'AGRI' })).status, 409);
    });
  });

  describe('reading', () => {
    it('scopes orders by the place of the request and masks the reporter by role', async () => {
      const id = (await create('demo-town-guicheng', order())).body.id as string;
      const guicheng = (await call('demo-town-guicheng', '/workorders?limit=1000')).body;
      assert.ok(guicheng.items.length > 1);
      assert.ok(guicheng.items.every((o: Json) => o.townCode === '440605011'));
      assert.equal((await call('demo-town-shishan', `/workorders/${id}`)).status, 404);
      assert.equal((await call('demo-village-tangbian', `/workorders/${id}`)).status, 404);
      assert.equal((await call(null, '/workorders')).status, 401);

      const district = (await call('demo-district', `/workorders/${id}`)).body;
      const department = (await call('demo-dept-agri', `/workorders/${id}`)).body;
      const town = (await call('demo-town-guicheng', `/workorders/${id}/timeline`)).body;
      assert.deepEqual([district.reporterName, district.reporterPhone], ['黄丽华', '13760286620']);
      assert.deepEqual([department.reporterName, department.reporterPhone], ['黄丽华', '137****6620']);
      assert.deepEqual([town.applicant.name, town.applicant.phone, town.applicant.idNumber], ['黄丽华', '137****6620', null]);
      assert.deepEqual(department.masking.fields, ['reporterPhone', 'reporter.phone']);
      const audit = s.ctx.db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'read-unmasked' AND target = ?").get(id) as { n: number };
      assert.equal(audit.n, 1);
    });

    it('lists with filters and a cursor, and counts statistics that agree with the list', async () => {
      const all = (await call('demo-district', '/workorders?limit=1000')).body;
      const pages: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Json = (await call('demo-district', `/workorders?limit=33${cursor ? `&cursor=${cursor}` : ''}`)).body;
        pages.push(...page.items.map((o: Json) => o.id));
        cursor = page.page.nextCursor;
      } while (cursor);
      assert.deepEqual(pages, all.items.map((o: Json) => o.id));
      const received = all.items.map((o: Json) => o.receivedAt);
      assert.deepEqual(received, [...received].sort().reverse());

      const stats = (await call('demo-district', '/workorders/stats')).body;
      assert.equal(stats.total, all.page.total);
      assert.equal(stats.byStatus.reduce((sum: number, row: Json) => sum + row.count, 0), stats.total);
      assert.equal(stats.open + stats.closed + stats.void, stats.total);
      const overdue = (await call('demo-district', '/workorders?overdue=true&limit=1')).body.page.total;
      assert.equal(stats.flags.overdue, overdue);
      assert.equal(stats.satisfaction.distribution.reduce((sum: number, row: Json) => sum + row.count, 0), stats.satisfaction.responses);
      assert.ok(stats.satisfaction.responses > 0);

      const complaints = (await call('demo-district', '/workorders?type=COMPLAINT&status=CLOSED&limit=1000')).body;
      assert.ok(complaints.items.every((o: Json) => o.type === 'COMPLAINT' && o.status === 'CLOSED'));
      const byTown = (await call('demo-town-guicheng', '/workorders/stats')).body;
      assert.equal(byTown.regionCode, '440605011');
      assert.ok(byTown.total < stats.total);
      const natres = (await call('demo-dept-natres', '/workorders?assigneeDept=NATRES&limit=1000')).body;
      assert.ok(natres.items.every((o: Json) => o.assignee?.deptCode === 'NATRES'));
    });

    it('searches text as plain text on either store: Latin letters in any case, a backslash as itself', async () => {
      const upper = (await call('demo-district', '/workorders?q=GD-&limit=1')).body.page.total;
      assert.ok(upper > 0);
      assert.equal((await call('demo-district', '/workorders?q=gd-&limit=1')).body.page.total, upper);
      // PostgreSQL's LIKE would read `噪\音` as 噪音 (its default escape), and find the noise complaints.
      const backslash = await call('demo-district', `/workorders?q=${encodeURIComponent('噪\\音')}&limit=1`);
      assert.equal(backslash.status, 200, JSON.stringify(backslash.body));
      assert.equal(backslash.body.page.total, 0);
    });

    it('reads values inside the stored documents in SQL on either store', async () => {
      let detail: Json | undefined;
      for (const { id } of (await call('demo-district', '/workorders?limit=20')).body.items as Json[]) {
        detail = (await call('demo-district', `/workorders/${id}`)).body;
        if (detail.location) break;
      }
      assert.ok(detail?.location, 'an order with a location');
      const { dialect } = s.ctx.db;
      const row = s.ctx.db.prepare(
        `SELECT ${jsonValueSql(dialect, 'document', ['location', 1], 'number')} AS lat, ${jsonValueSql(dialect, 'document', ['reporter', 'phone'])} AS phone,
           ${jsonValueSql(dialect, 'document', ['no_such_key'])} AS absent FROM work_orders WHERE id = ?`,
      ).get(detail.id) as { lat: number; phone: string; absent: null };
      assert.deepEqual(row, { lat: detail.location[1], phone: detail.reporter.phone, absent: null });
      assert.equal(typeof row.lat, 'number');
      assert.throws(() => jsonValueSql(dialect, 'document', ["x') OR 1 = 1 --"]));
    });

    it('streams the events of an order', async () => {
      const id = (await create('demo-town-guicheng', order())).body.id as string;
      const token = await s.token('demo-town-guicheng');
      const controller = new AbortController();
      const res = await fetch(`${s.url}/api/v1/workorders/${id}/events?lastEventId=0`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
      assert.equal(res.status, 200);
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      const dispatched = step('demo-district', id, { action: 'dispatch', deptCode: 'TOWN' });
      while (!text.includes('"action":"dispatch"')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      await dispatched;
      controller.abort();
      assert.match(text, /"action":"create"/, 'lastEventId=0 replays the whole history first');
      assert.match(text, /event: status\ndata: .*"action":"dispatch"/);
    });

    it('lets the simulation move open orders along their lifecycle', async () => {
      const count = () => (s.ctx.db.prepare("SELECT COUNT(*) AS n FROM process_events WHERE kind = 'workorder'").get() as { n: number }).n;
      const before = count();
      const stop = workOrdersService.start!({ ...s.ctx, config: { ...s.ctx.config, simulationIntervalMs: 25 } });
      try {
        await new Promise((resolve) => setTimeout(resolve, 400));
      } finally {
        stop();
      }
      assert.ok(count() > before);
    });

    it('publishes the process definition with the configured limits', async () => {
      const def = (await call('demo-dept-agri', '/workorders/process-definition')).body;
      assert.equal(def.kind, 'workorder');
      assert.deepEqual(def.stages.map((st: Json) => st.key), ['RECEIVE', 'DISPATCH', 'SIGN', 'HANDLE', 'VERIFY', 'CALLBACK', 'CLOSE']);
      assert.equal(def.config.slaWorkingDays.COMPLAINT, 15);
      assert.equal(def.config.returnWindowWorkingDays, 2);
    });
  });
});
