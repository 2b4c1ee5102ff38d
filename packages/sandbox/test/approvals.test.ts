import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, labelPointOf, pointInGeometry } from '@citybrain/domain';
import { startTestSandbox, type TestSandbox } from './harness.js';
import { approvalsService } from '../src/services/approvals/index.js';

/**
 * The homestead approval service against a real sandbox on loopback (contract check on: every
 * response is also validated against openapi/approvals.yaml).
 */

interface Problem {
  status: number;
  type: string;
  detail?: string;
  code?: string;
  errors?: { name: string; reason: string }[];
}

type Json = Record<string, any>;

const TANGBIAN = '440605124201';
const TANGBIAN_POINT = labelPointOf(TANGBIAN);

/** 陈志强's household: ID numbers pass GB 11643 and agree with the ages in autumn 2026. */
function application(overrides: Json = {}): Json {
  return {
    villageCode: TANGBIAN,
    groupName: '唐边第三村民小组',
    location: TANGBIAN_POINT,
    jcxx: { xm: '陈志强', xb: '男', nl: 44, lxdh: '13926081234', sfzh: '440605198203151312', hksz: '广东省佛山市南海区狮山镇唐边村第三村民小组' },
    jtcy: [
      { xm: '李美玲', nl: 41, yhzgx: '配偶', sfzh: '440605198508212622', hkszd: '广东省佛山市南海区狮山镇唐边村' },
      { xm: '陈浩然', nl: 15, yhzgx: '儿子', sfzh: '440605201103061533', hkszd: '广东省佛山市南海区狮山镇唐边村' },
    ],
    xzjxqk: { zjdmj: 0, jzmj: 0, qszsh: '无', xzjdclqk: '其他' },
    nzjdqk: {
      zjdmj: 80, fjzdmj: 72, dz: '狮山镇唐边村第三村民小组新村二巷西侧', szdz: '村道', sznz: '陈国华宅基地', szxz: '空地', szbz: '二巷',
      dl: '建设用地', jflx: '异址新建', zfjzmj: 216, jzcs: 3, jzgd: 10.5, sfzqxlqlryj: true,
    },
    qt: { sqly: '家庭人口增加，现无宅基地，申请异址新建住房', sqr: '陈志强', sqrrq: '2026-09-01' },
    attachments: ['ID_CARD', 'HOUSEHOLD_REGISTER', 'COMMITMENT', 'RED_LINE_MAP'].map((kind) => ({
      kind, name: `${kind}.pdf`, mediaType: 'application/pdf', sizeBytes: 200_000,
    })),
    ...overrides,
  };
}

describe('homestead approvals', () => {
  let s: TestSandbox;

  const setClock = (iso: string | null) => s.hook('clock', { now: iso });

  /** A request as one demo client; tokens are fetched per call because tests move the clock past their lifetime. */
  const call = async (client: string | null, path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const res = await s.api(path, {
      method: init.method ?? (init.body !== undefined ? 'POST' : 'GET'),
      headers,
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
      token: client ? await s.token(client) : undefined,
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as Json };
  };

  const create = async (client: string, body: Json, headers: Record<string, string> = {}) =>
    call(client, '/approvals/applications', { body, headers });

  const actOn = async (client: string, id: string, action: Json) => {
    const res = await call(client, `/approvals/applications/${id}/actions`, { body: action });
    return res;
  };

  /** Acts and insists it worked; returns the new status. */
  const step = async (client: string, id: string, action: Json): Promise<string> => {
    const res = await actOn(client, id, action);
    assert.equal(res.status, 200, `${action.action} by ${client}: ${JSON.stringify(res.body)}`);
    return res.body.item.status;
  };

  before(async () => {
    s = await startTestSandbox();
  });
  after(async () => {
    await s.close();
  });

  describe('creating an application', () => {
    it('registers and submits the form, with a tracking number, a lookup code and the total limit running', async () => {
      await setClock('2026-11-02T09:00:00+08:00');
      try {
        const res = await create('demo-village-tangbian', application());
        assert.equal(res.status, 201);
        assert.match(res.body.trackingNo, /^ZJD-440605124-2026-\d{6}$/);
        assert.match(res.body.verificationCode, /^\d{6}$/);
        assert.equal(res.body.status, 'SUBMITTED');
        assert.equal(res.body.stage, 'GROUP_REVIEW');
        assert.ok(res.body.totalDueAt > res.body.submittedAt);
        assert.equal(res.headers.get('location'), `/api/v1/approvals/applications/${res.body.id}`);
      } finally {
        await setClock(null);
      }
    });

    it('names the offending field for a wrong ID check digit, a bad mobile, an area over the cap and a bad age', async () => {
      const res = await create('demo-village-tangbian', application({
        jcxx: { xm: '陈志强', xb: '男', nl: 30, lxdh: '1392608123', sfzh: '440605198203151313', hksz: '唐边村' },
        nzjdqk: { ...application().nzjdqk, zjdmj: 120, fjzdmj: 130 },
      }));
      assert.equal(res.status, 400);
      const names = (res.body as Problem).errors!.map((e) => e.name);
      assert.ok(names.includes('body/jcxx/sfzh'), names.join());
      assert.ok(names.includes('body/jcxx/lxdh'));
      assert.ok(names.includes('body/nzjdqk/zjdmj'));
      assert.ok(names.includes('body/nzjdqk/fjzdmj'));
      assert.match((res.body as Problem).errors!.find((e) => e.name === 'body/jcxx/sfzh')!.reason, /校验位/);

      const age = await create('demo-village-tangbian', application({ jcxx: { ...application().jcxx, nl: 30 } }));
      assert.equal(age.status, 400);
      assert.deepEqual((age.body as Problem).errors!.map((e) => e.name), ['body/jcxx/nl']);
    });

    it('rejects a family member with an invalid ID number and a schema violation with field names', async () => {
      const member = await create('demo-village-tangbian', application({
        jtcy: [{ xm: '李美玲', nl: 41, yhzgx: '配偶', sfzh: '440605198508212623', hkszd: '唐边村' }],
      }));
      assert.equal(member.status, 400);
      assert.equal((member.body as Problem).errors![0]!.name, 'body/jtcy/0/sfzh');

      const missing = application();
      delete missing.nzjdqk;
      const schema = await create('demo-village-tangbian', missing);
      assert.equal(schema.status, 400);
      assert.ok((schema.body as Problem).errors!.some((e) => e.name === 'body/nzjdqk'));
    });

    it('refuses a village outside the caller region (403) and a point outside the chosen village (422)', async () => {
      const foreign = await create('demo-town-guicheng', application());
      assert.equal(foreign.status, 403);
      const elsewhere = await create('demo-village-tangbian', application({ location: labelPointOf('440605011001') }));
      assert.equal(elsewhere.status, 422);
      assert.equal((elsewhere.body as Problem).errors![0]!.name, 'body/location');
      const outside = await create('demo-village-tangbian', application({ location: [116.39, 39.9] }));
      assert.equal(outside.status, 422);
    });

    it('replays the original answer for a repeated Idempotency-Key with one effect, and refuses the key with another payload', async () => {
      const key = `approvals-create-${Date.now()}`;
      const first = await create('demo-village-tangbian', application(), { 'idempotency-key': key });
      const second = await create('demo-village-tangbian', application(), { 'idempotency-key': key });
      assert.equal(first.status, 201);
      assert.equal(second.status, 201);
      assert.equal(second.body.id, first.body.id);
      assert.equal(second.headers.get('idempotent-replayed'), 'true');
      const stats = await s.hook<{ effects: Record<string, number> }>('stats');
      assert.equal(stats.effects[key], 1);
      const rows = s.ctx.db.prepare('SELECT COUNT(*) AS n FROM homestead_applications WHERE id = ?').get(first.body.id) as { n: number };
      assert.equal(rows.n, 1);

      const other = await create('demo-village-tangbian', application({ groupName: '唐边第四村民小组' }), { 'idempotency-key': key });
      assert.equal(other.status, 422);
      assert.match((other.body as Problem).type, /idempotency-key-reused/);
    });
  });

  describe('the process', () => {
    it('runs every stage with the right office, from submission to real-estate registration', async () => {
      await setClock('2026-11-02T09:00:00+08:00');
      try {
        const created = await create('demo-village-tangbian', application());
        const id = created.body.id as string;
        assert.equal(await step('demo-village-tangbian', id, { action: 'group-notice', meetingDate: '2026-11-02', noticeStartDate: '2026-11-02', noticeWorkingDays: 5 }), 'GROUP_REVIEW');

        const early = await actOn('demo-village-tangbian', id, { action: 'group-approve', opinion: '同意', leader: '陈伟明' });
        assert.equal(early.status, 409, 'the 公示 runs five working days');
        assert.equal((early.body as Problem).code, 'notice-running');

        await setClock('2026-11-09T09:30:00+08:00');
        assert.equal(await step('demo-village-tangbian', id, { action: 'group-approve', opinion: '经小组会议讨论同意，公示期满无异议', leader: '陈伟明', objections: 0 }), 'VILLAGE_REVIEW');
        assert.equal(await step('demo-village-tangbian', id, { action: 'village-approve', opinion: '符合村庄规划，同意上报', leader: '梁建华', planFit: true }), 'TOWN_ACCEPTED');
        assert.equal(await step('demo-town-shishan', id, { action: 'accept', siteVisit: { date: '2026-11-09', inspector: '黄志伟', findings: '选址符合规划' } }), 'JOINT_REVIEW');
        assert.equal(await step('demo-dept-agri', id, { action: 'joint-review', department: 'AGRI', decision: 'approve', opinion: '符合一户一宅' }), 'JOINT_REVIEW');
        assert.equal(await step('demo-dept-natres', id, { action: 'joint-review', department: 'NATRES', decision: 'approve', opinion: '符合国土空间规划' }), 'JOINT_REVIEW');
        assert.equal(await step('demo-town-shishan', id, { action: 'joint-review', department: 'OTHER', decision: 'not-applicable', opinion: '不涉及' }), 'TOWN_DECISION');
        assert.equal(await step('demo-town-shishan', id, { action: 'approve', approvalNo: '南狮宅批〔2026〕0999号', planningPermitNo: '乡字第440605202600999号', approvedAreaSqm: 80 }), 'APPROVED');
        assert.equal(await step('demo-village-tangbian', id, { action: 'book-stakeout', date: '2026-11-12' }), 'STAKEOUT_BOOKED');
        assert.equal(await step('demo-town-shishan', id, { action: 'stakeout-done', inspector: '规划建设办 何伟', measuredAreaSqm: 79.6 }), 'STAKED_OUT');
        assert.equal(await step('demo-village-tangbian', id, { action: 'start-construction', builderName: '梁国强', startDate: '2026-11-09' }), 'UNDER_CONSTRUCTION');
        assert.equal(await step('demo-village-tangbian', id, { action: 'apply-completion', completionDate: '2026-11-09' }), 'COMPLETION_APPLIED');
        assert.equal(await step('demo-town-shishan', id, { action: 'acceptance-receive' }), 'ACCEPTANCE_REVIEW');
        assert.equal(await step('demo-dept-agri', id, { action: 'acceptance-review', department: 'AGRI', decision: 'approve', opinion: '面积一致' }), 'ACCEPTANCE_REVIEW');
        assert.equal(await step('demo-dept-natres', id, { action: 'acceptance-review', department: 'NATRES', decision: 'approve', opinion: '四至一致' }), 'ACCEPTANCE_REVIEW');
        assert.equal(await step('demo-town-shishan', id, { action: 'acceptance-decision', passed: true, opinion: '验收合格' }), 'ACCEPTED');
        const agriRegisters = await actOn('demo-dept-agri', id, { action: 'register', registrationNo: '粤(2026)佛南不动产权第0309999号' });
        assert.equal(agriRegisters.status, 403, 'registration belongs to natural resources');
        assert.equal(await step('demo-dept-natres', id, { action: 'register', registrationNo: '粤(2026)佛南不动产权第0309999号' }), 'REGISTERED');

        const timeline = (await call('demo-town-shishan', `/approvals/applications/${id}/timeline`)).body;
        assert.equal(timeline.kind, 'homestead');
        assert.equal(timeline.terminal, true);
        assert.deepEqual(timeline.steps.map((st: Json) => st.state), Array(10).fill('done'));
        const joint = timeline.steps.find((st: Json) => st.key === 'JOINT_REVIEW');
        assert.deepEqual(joint.substeps.map((b: Json) => [b.key, b.state, b.handler.deptCode]), [['AGRI', 'done', 'AGRI'], ['NATRES', 'done', 'NATRES'], ['OTHER', 'skipped', 'TOWN']]);
        assert.equal(timeline.completion.approvalNo, '南狮宅批〔2026〕0999号');
        assert.equal(timeline.completion.registrationNo, '粤(2026)佛南不动产权第0309999号');
        assert.equal(timeline.nextAction.actor, 'none');
        assert.deepEqual(timeline.events.map((e: Json) => e.action).slice(0, 3), ['create', 'submit', 'group-notice']);
        assert.equal(timeline.events.length, 19, 'refused actions leave no event');
        const detail = (await call('demo-town-shishan', `/approvals/applications/${id}`)).body;
        assert.deepEqual(detail.siteVisits.map((v: Json) => v.key).sort(), ['COMPLETION', 'SITE_SELECTION', 'STAKEOUT']);
        assert.equal(detail.form.qt.cmxzfzr, '陈伟明');
        assert.deepEqual(detail.allowedActions, []);
      } finally {
        await setClock(null);
      }
    });

    it('answers 409 for an action the status does not allow and 403 for the wrong role or branch', async () => {
      const { body } = await create('demo-village-tangbian', application());
      const id = body.id as string;
      const early = await actOn('demo-town-shishan', id, { action: 'approve', approvalNo: '南狮宅批〔2026〕0001号', approvedAreaSqm: 80 });
      assert.equal(early.status, 409);
      assert.equal((early.body as Problem).type, 'https://citybrain.nanhai.gov.cn/problems/illegal-transition');
      assert.equal((await actOn('demo-village-tangbian', id, { action: 'accept' })).status, 403, 'a village does not accept for the town');
      assert.equal((await actOn('demo-dept-agri', id, { action: 'withdraw', reason: '不建了' })).status, 403, 'departments do not act for the applicant');
      const stale = await actOn('demo-village-tangbian', id, { action: 'withdraw', reason: '家庭情况变化', expectedStatus: 'JOINT_REVIEW' });
      assert.equal(stale.status, 409);
      assert.equal((stale.body as Problem).code, 'stale-status');
    });

    it('lets a department decide only its own joint-review branch', async () => {
      const id = await toJointReview();
      const foreign = await actOn('demo-dept-natres', id, { action: 'joint-review', department: 'AGRI', decision: 'approve', opinion: '代办' });
      assert.equal(foreign.status, 403);
      assert.equal(await step('demo-dept-agri', id, { action: 'joint-review', department: 'AGRI', decision: 'disapprove', opinion: '人均面积超标' }), 'JOINT_REVIEW');
      const again = await actOn('demo-dept-agri', id, { action: 'joint-review', department: 'AGRI', decision: 'approve', opinion: '改主意' });
      assert.equal(again.status, 409, 'a decided branch is closed');
      const allowedForAgri = (await call('demo-dept-agri', `/approvals/applications/${id}`)).body.allowedActions;
      assert.ok(!allowedForAgri.includes('joint-review'));
      assert.ok((await call('demo-dept-natres', `/approvals/applications/${id}`)).body.allowedActions.includes('joint-review'));
      await step('demo-dept-natres', id, { action: 'joint-review', department: 'NATRES', decision: 'approve', opinion: '符合规划' });
      assert.equal(await step('demo-town-shishan', id, { action: 'joint-review', department: 'OTHER', decision: 'not-applicable', opinion: '不涉及' }), 'TOWN_DECISION');
      const approve = await actOn('demo-town-shishan', id, { action: 'approve', approvalNo: '南狮宅批〔2026〕0002号', approvedAreaSqm: 80 });
      assert.equal(approve.status, 409, 'no approval against a disapproving required branch');
      assert.equal(await step('demo-town-shishan', id, { action: 'reject', reasonCode: 'PER_CAPITA_AREA', reason: '现有住房人均建筑面积已超过60平方米' }), 'REJECTED');
      const timeline = (await call('demo-village-tangbian', `/approvals/applications/${id}/timeline`)).body;
      assert.deepEqual([timeline.rejection.reasonCode, timeline.rejection.reasonLabel.zh], ['PER_CAPITA_AREA', '现有住房人均建筑面积已超过标准']);
      assert.equal(timeline.steps.find((st: Json) => st.key === 'TOWN_DECISION').state, 'rejected');
      assert.equal(timeline.steps.find((st: Json) => st.key === 'STAKEOUT').state, 'skipped');
    });

    it('returns for supplements with materials and a deadline, and resubmits into the same branch', async () => {
      const id = await toJointReview();
      const returned = await actOn('demo-dept-natres', id, { action: 'return', department: 'NATRES', reason: '规划红线图未标注四至', requiredMaterials: ['RED_LINE_MAP'], deadlineWorkingDays: 10 });
      assert.equal(returned.status, 200);
      assert.equal(returned.body.item.status, 'RETURNED');
      assert.equal(returned.body.item.stage, 'JOINT_REVIEW');
      const timeline = (await call('demo-village-tangbian', `/approvals/applications/${id}/timeline`)).body;
      assert.deepEqual(timeline.returned.requiredMaterialLabels, ['规划红线图']);
      assert.equal(timeline.returned.fromStage, 'JOINT_REVIEW');
      assert.equal(timeline.nextAction.actor, 'applicant');
      assert.equal(timeline.nextAction.action, 'resubmit');
      assert.equal(timeline.nextAction.dueAt, timeline.returned.deadline);
      assert.equal(timeline.sideState.kind, 'returned');
      assert.equal((await actOn('demo-town-shishan', id, { action: 'approve', approvalNo: 'x-0001', approvedAreaSqm: 80 })).status, 409);

      assert.equal(await step('demo-village-tangbian', id, { action: 'resubmit', attachments: [{ kind: 'RED_LINE_MAP', name: '规划红线图（补正）.jpg', mediaType: 'image/jpeg', sizeBytes: 900_000 }] }), 'JOINT_REVIEW');
      const after = (await call('demo-town-shishan', `/approvals/applications/${id}`)).body;
      assert.equal(after.returned, null);
      assert.equal(after.flags.returnCount, 1);
      assert.deepEqual(after.jointReview.filter((b: Json) => b.phase === 'joint').map((b: Json) => [b.branch, b.state]), [['AGRI', 'active'], ['NATRES', 'active'], ['OTHER', 'active']]);
      assert.equal(after.attachments.length, 5);
    });

    it('does not return from the town decision', async () => {
      const id = await toJointReview();
      await step('demo-dept-agri', id, { action: 'joint-review', department: 'AGRI', decision: 'approve', opinion: '同意' });
      await step('demo-dept-natres', id, { action: 'joint-review', department: 'NATRES', decision: 'approve', opinion: '同意' });
      await step('demo-town-shishan', id, { action: 'joint-review', department: 'OTHER', decision: 'not-applicable', opinion: '不涉及' });
      const res = await actOn('demo-town-shishan', id, { action: 'return', reason: '补材料', requiredMaterials: ['OTHER'] });
      assert.equal(res.status, 409);
    });
  });

  /** A fresh application taken to the joint review (the clock pinned on a Monday for the 公示). */
  async function toJointReview(): Promise<string> {
    await setClock('2026-11-16T09:00:00+08:00');
    try {
      const { body } = await create('demo-village-tangbian', application());
      const id = body.id as string;
      await step('demo-village-tangbian', id, { action: 'group-notice', meetingDate: '2026-11-16', noticeStartDate: '2026-11-16' });
      await setClock('2026-11-23T09:00:00+08:00');
      await step('demo-village-tangbian', id, { action: 'group-approve', opinion: '同意', leader: '陈伟明' });
      await step('demo-village-tangbian', id, { action: 'village-approve', opinion: '同意上报', leader: '梁建华' });
      await step('demo-town-shishan', id, { action: 'accept' });
      return id;
    } finally {
      await setClock(null);
    }
  }

  describe('deadlines in working days', () => {
    it('counts the 公示 stage across the National Day holiday and moves it by the days suspended', async () => {
      // 2026: 1–7 October are holidays, Saturday 10 October is a working day.
      await setClock('2026-09-30T10:00:00+08:00');
      try {
        const { body } = await create('demo-village-tangbian', application());
        const id = body.id as string;
        let timeline = (await call('demo-town-shishan', `/approvals/applications/${id}/timeline`)).body;
        const group = timeline.steps.find((st: Json) => st.key === 'GROUP_REVIEW');
        assert.equal(group.workingDaysLimit, 8);
        // 8 Oct, 9 Oct, 10 Oct (Sat), 12–16 Oct: the eighth working day after 30 September is 16 October.
        assert.equal(group.dueAt, new Date('2026-10-16T23:59:59+08:00').toISOString());

        await setClock('2026-10-09T10:00:00+08:00');
        timeline = (await call('demo-town-shishan', `/approvals/applications/${id}/timeline`)).body;
        assert.deepEqual([timeline.deadline.workingDaysUsed, timeline.deadline.remainingWorkingDays, timeline.deadline.overdue], [2, 6, false]);

        await step('demo-town-shishan', id, { action: 'suspend', reasonCode: 'OWNERSHIP_DISPUTE', reason: '权属争议待调处' });
        await setClock('2026-10-13T10:00:00+08:00');
        timeline = (await call('demo-town-shishan', `/approvals/applications/${id}/timeline`)).body;
        assert.equal(timeline.deadline.paused, true);
        assert.equal(timeline.deadline.remainingWorkingDays, 6, 'the clock stands still while suspended');
        assert.equal(await step('demo-town-shishan', id, { action: 'resume' }), 'SUBMITTED');
        timeline = (await call('demo-town-shishan', `/approvals/applications/${id}/timeline`)).body;
        // Suspended 9 → 13 October: 10, 12 and 13 October are three working days.
        assert.equal(timeline.deadline.dueAt, new Date('2026-10-21T23:59:59+08:00').toISOString());

        await setClock('2026-10-23T10:00:00+08:00');
        timeline = (await call('demo-town-shishan', `/approvals/applications/${id}/timeline`)).body;
        assert.equal(timeline.deadline.overdue, true);
        assert.equal(timeline.deadline.remainingWorkingDays, -2);
        const overdueList = (await call('demo-village-tangbian', '/approvals/applications?overdue=true&limit=1000')).body;
        assert.ok(overdueList.items.some((item: Json) => item.id === id));
        assert.ok(overdueList.items.every((item: Json) => item.overdue === true));
      } finally {
        await setClock(null);
      }
    });
  });

  describe('reading', () => {
    it('keeps every caller inside its region', async () => {
      const guicheng = (await call('demo-town-guicheng', '/approvals/applications?limit=1000')).body;
      assert.ok(guicheng.items.length > 0);
      assert.ok(guicheng.items.every((item: Json) => item.villageCode.startsWith('440605011')));
      const shishanApp = (await call('demo-town-shishan', '/approvals/applications?limit=1')).body.items[0];
      assert.equal((await call('demo-town-guicheng', `/approvals/applications/${shishanApp.id}`)).status, 404);
      assert.equal((await call('demo-town-guicheng', `/approvals/applications/${shishanApp.id}/timeline`)).status, 404);
      assert.equal((await call('demo-town-guicheng', '/approvals/applications', { headers: { 'x-region-code': '440605124' } })).status, 403);
      const village = (await call('demo-town-shishan', '/approvals/applications?limit=1000', { headers: { 'x-region-code': TANGBIAN } })).body;
      assert.ok(village.items.every((item: Json) => item.villageCode === TANGBIAN));
      assert.equal((await call('demo-village-tangbian', '/approvals/applications?townCode=440605011')).status, 403);
      assert.equal((await call(null, '/approvals/applications')).status, 401);
    });

    it('pages with a cursor through every matching application exactly once', async () => {
      const all = (await call('demo-district', '/approvals/applications?limit=1000&sort=trackingNo')).body;
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Json = (await call('demo-district', `/approvals/applications?limit=17&sort=trackingNo${cursor ? `&cursor=${cursor}` : ''}`)).body;
        seen.push(...page.items.map((item: Json) => item.id));
        assert.equal(page.page.total, all.page.total);
        cursor = page.page.nextCursor;
      } while (cursor);
      assert.deepEqual(seen, all.items.map((item: Json) => item.id));
      assert.deepEqual([...seen].sort(), seen);
      const filtered = (await call('demo-district', '/approvals/applications?status=JOINT_REVIEW&status=RETURNED&limit=1000')).body;
      assert.ok(filtered.items.length > 0);
      assert.ok(filtered.items.every((item: Json) => ['JOINT_REVIEW', 'RETURNED'].includes(item.status)));
      assert.equal((await call('demo-district', `/approvals/applications?cursor=${cursor ?? 'bm9wZQ'}&sort=-updatedAt`)).status, 400);
    });

    it('masks the applicant by role and audits unmasked reads', async () => {
      const { body } = await create('demo-village-tangbian', application());
      const path = `/approvals/applications/${body.id}`;
      const district = (await call('demo-district', path)).body;
      const department = (await call('demo-dept-agri', path)).body;
      const town = (await call('demo-town-shishan', path)).body;
      const village = (await call('demo-village-tangbian', path)).body;
      assert.deepEqual([district.applicantIdNumber, district.applicantPhone], ['440605198203151312', '13926081234']);
      assert.deepEqual([department.applicantIdNumber, department.applicantPhone], ['440605********1312', '139****1234']);
      assert.equal(town.form.jcxx.sfzh, '440605********1312');
      assert.equal(village.applicantIdNumber, '4406**********1312');
      assert.equal(village.form.jtcy[0].sfzh, '4406**********2622');
      assert.equal(town.applicantName, '陈志强');
      assert.equal(district.masking.masked, false);
      assert.ok(village.masking.fields.includes('form.jcxx.sfzh'));
      const audit = s.ctx.db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'read-unmasked' AND target = ? AND role = 'district'").get(body.id) as { n: number };
      assert.equal(audit.n, 1);
    });
  });

  describe('the public lookup', () => {
    it('returns a masked timeline for the right code and 404 for a wrong one, then rate-limits guessing', async () => {
      const { body } = await create('demo-village-tangbian', application());
      const lookup = (code: string) => call(null, '/approvals/lookup', { body: { trackingNo: body.trackingNo, verificationCode: code } });
      const ok = await lookup(body.verificationCode);
      assert.equal(ok.status, 200);
      assert.deepEqual(ok.body.applicant, { name: '陈**', idNumber: null, phone: null, masked: true });
      assert.ok(ok.body.events.every((e: Json) => e.actor.name === null));
      assert.equal(ok.body.status, 'SUBMITTED');
      assert.ok(!JSON.stringify(ok.body).includes('440605198203151312'));
      assert.ok(!JSON.stringify(ok.body).includes('13926081234'));

      const wrong = body.verificationCode === '000000' ? '000001' : '000000';
      for (let attempt = 0; attempt < 5; attempt++) assert.equal((await lookup(wrong)).status, 404);
      const limited = await lookup(body.verificationCode);
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      const unknown = await call(null, '/approvals/lookup', { body: { trackingNo: 'ZJD-440605124-2026-999999', verificationCode: '123456' } });
      assert.equal(unknown.status, 404);
    });
  });

  describe('the event stream', () => {
    it('delivers the event of an action, then replays what a reconnecting client missed', async () => {
      const { body } = await create('demo-village-tangbian', application());
      const id = body.id as string;
      const token = await s.token('demo-town-shishan');
      const controller = new AbortController();
      const res = await fetch(`${s.url}/api/v1/approvals/applications/${id}/events`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
      const reader = res.body!.getReader();
      const received = readFrames(reader);
      await step('demo-village-tangbian', id, { action: 'group-notice', meetingDate: todayInShanghai(), noticeStartDate: todayInShanghai() });
      const frame = await received;
      controller.abort();
      assert.equal(frame.event, 'status');
      assert.equal(frame.data.action, 'group-notice');
      assert.equal(frame.data.toStatus, 'GROUP_REVIEW');
      assert.equal(frame.id, frame.data.id);

      const history = (await call('demo-town-shishan', `/approvals/applications/${id}/timeline`)).body.events as Json[];
      const firstId = history[0]!.id as string;
      const replay = await fetch(`${s.url}/api/v1/approvals/applications/${id}/events`, {
        headers: { authorization: `Bearer ${token}`, 'last-event-id': firstId },
      });
      const replayReader = replay.body!.getReader();
      const frames = [await readFrames(replayReader), await readFrames(replayReader)];
      await replayReader.cancel();
      assert.deepEqual(frames.map((f) => f.data.action), ['submit', 'group-notice']);
      assert.ok(Number(frames[0]!.id) > Number(firstId));
    });
  });

  describe('zones', () => {
    it('checks a point against the zone map and refuses points outside the district', async () => {
      const res = await call(null, `/approvals/zone-check?lon=${TANGBIAN_POINT[0]}&lat=${TANGBIAN_POINT[1]}`);
      assert.equal(res.status, 200);
      assert.ok(['buildable', 'restricted', 'prohibited'].includes(res.body.result));
      assert.equal(res.body.village.code, TANGBIAN);
      if (res.body.decisiveZone) assert.equal(res.body.decisiveZone.zoneType, res.body.result);
      const severity = { prohibited: 0, restricted: 1, buildable: 2 } as Record<string, number>;
      const order = res.body.zones.map((z: Json) => severity[z.zoneType]);
      assert.deepEqual(order, [...order].sort());
      assert.equal((await call(null, '/approvals/zone-check?lon=116.39&lat=39.9')).status, 422);
      assert.equal((await call(null, '/approvals/zone-check?lon=abc&lat=23')).status, 400);
    });

    it('lets a prohibited zone decide over the others at a point inside it', async () => {
      const zone = s.ctx.db.prepare("SELECT id, geometry, min_lon, min_lat, max_lon, max_lat FROM zones WHERE zone_type = 'prohibited' AND village_code = ?").get(TANGBIAN) as
        { id: string; geometry: string; min_lon: number; min_lat: number; max_lon: number; max_lat: number };
      const geometry = JSON.parse(zone.geometry);
      const rng = createRng('zone-probe');
      let point: [number, number] | null = null;
      for (let i = 0; i < 1000 && !point; i++) {
        const candidate: [number, number] = [rng.float(zone.min_lon, zone.max_lon), rng.float(zone.min_lat, zone.max_lat)];
        if (pointInGeometry(candidate, geometry)) point = candidate;
      }
      assert.ok(point, 'a point inside the zone');
      const res = await call(null, `/approvals/zone-check?lon=${point[0]}&lat=${point[1]}`);
      assert.equal(res.status, 200);
      assert.equal(res.body.result, 'prohibited');
      assert.ok(res.body.zones.some((z: Json) => z.id === zone.id));
      assert.ok(res.body.legalBasis === undefined && res.body.decisiveZone.legalBasis.length > 0);
    });

    it('reports remaining homestead space that adds up per town', async () => {
      const res = await call('demo-town-shishan', '/approvals/zone-stats');
      assert.equal(res.status, 200);
      assert.equal(res.body.level, 'town');
      assert.equal(res.body.items.length, 84);
      const sum = (key: string) => res.body.items.reduce((total: number, item: Json) => total + item[key], 0);
      assert.ok(Math.abs(sum('buildableAreaSqm') - res.body.total.buildableAreaSqm) < 1);
      assert.ok(Math.abs(sum('usedByParcelsSqm') - res.body.total.usedByParcelsSqm) < 1);
      for (const item of res.body.items as Json[]) {
        assert.ok(Math.abs(item.remainingSqm - Math.max(0, item.buildableAreaSqm - item.usedByParcelsSqm - item.reservedByApprovalsSqm)) < 0.2);
        assert.ok(Math.abs(item.remainingMu - item.remainingSqm / (10000 / 15)) < 0.01);
      }
      const reserved = s.ctx.db.prepare("SELECT COALESCE(SUM(approved_area_sqm), 0) AS a FROM homestead_applications WHERE approved_area_sqm IS NOT NULL AND status <> 'REGISTERED' AND village_code LIKE '440605124%'").get() as { a: number };
      assert.ok(Math.abs(res.body.total.reservedByApprovalsSqm - reserved.a) < 0.2);
      assert.equal((await call('demo-town-shishan', '/approvals/zone-stats?regionCode=440605011')).status, 403);
      const district = (await call(null, '/approvals/zone-stats')).body;
      assert.deepEqual([district.level, district.items.length], ['district', 7]);
    });
  });

  describe('the simulation', () => {
    it('advances open applications on a timer and records their events', async () => {
      const lastId = () => (s.ctx.db.prepare("SELECT COALESCE(MAX(id), 0) AS id FROM process_events").get() as { id: number }).id;
      const before = lastId();
      const stop = approvalsService.start!({ ...s.ctx, config: { ...s.ctx.config, simulationIntervalMs: 25 } });
      try {
        await new Promise((resolve) => setTimeout(resolve, 400));
      } finally {
        stop();
      }
      const added = s.ctx.db.prepare("SELECT record_id, to_status FROM process_events WHERE kind = 'homestead' AND id > ? ORDER BY id").all(before) as { record_id: string; to_status: string }[];
      assert.ok(added.length > 0, 'the simulation moved something');
      const last = new Map(added.map((e) => [e.record_id, e.to_status]));
      for (const [id, status] of last) {
        const row = s.ctx.db.prepare('SELECT status FROM homestead_applications WHERE id = ?').get(id) as { status: string };
        assert.equal(row.status, status);
      }
    });
  });

  describe('the process definition', () => {
    it('publishes stages, parallel branches, time limits, returnable stages and the three site visits', async () => {
      const def = (await call('demo-village-tangbian', '/approvals/process-definitions/homestead')).body;
      assert.equal(def.stages.length, 10);
      const joint = def.stages.find((st: Json) => st.key === 'JOINT_REVIEW');
      assert.deepEqual(joint.branches.map((b: Json) => b.key), ['AGRI', 'NATRES', 'OTHER']);
      assert.equal(def.stages.find((st: Json) => st.key === 'TOWN_DECISION').returnAllowed, false);
      assert.equal(def.siteVisits.length, 3);
      assert.equal(def.totalWorkingDaysLimit, 35);
      assert.equal((await call('demo-village-tangbian', '/approvals/process-definitions/unknown')).status, 404);
    });
  });
});

function todayInShanghai(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** Reads the next SSE message (skipping comments and the retry line). */
async function readFrames(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<{ id: string; event: string; data: Record<string, any> }> {
  const state = (reader as unknown as { buffer?: string });
  const decoder = new TextDecoder();
  const deadline = Date.now() + 5000;
  for (;;) {
    const buffer = state.buffer ?? '';
    const end = buffer.indexOf('\n\n');
    if (end >= 0) {
      const block = buffer.slice(0, end);
      state.buffer = buffer.slice(end + 2);
      const fields = Object.fromEntries(block.split('\n').filter((line) => line && !line.startsWith(':')).map((line) => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon), line.slice(colon + 1).trimStart()];
      }));
      if (fields.data) return { id: fields.id, event: fields.event, data: JSON.parse(fields.data) };
      continue;
    }
    if (Date.now() > deadline) throw new Error('no SSE message within 5 s');
    const { value, done } = await reader.read();
    if (done) throw new Error('stream ended');
    state.buffer = buffer + decoder.decode(value, { stream: true });
  }
}
