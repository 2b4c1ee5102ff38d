/**
 * <cb-approval-status> rendering every state from timelines given as data (the same
 * `ProcessTimeline` shape the API answers), its layouts, locales, attribute handling
 * and the polling fallback (with window.fetch answering). The live stream and the
 * public lookup against a real sandbox are in approval-status.sandbox.test.ts.
 */
import { aTimeout, expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { ProcessTimeline } from '@citybrain/client';
import { sandboxUrl, recordFetch } from '../../test-support/sandbox.js';
import { setLocale } from '../shared/localization.js';
import './define.js';
import type { CbApprovalStatus } from './approval-status.js';

type Timeline = ProcessTimeline;
type Step = Timeline['steps'][number];

const STAGES: [string, string, string][] = [
  ['APPLICATION', '农户申请', 'Household application'],
  ['GROUP_REVIEW', '村民小组讨论及公示', 'Village group discussion and public notice'],
  ['VILLAGE_REVIEW', '村级审查', 'Village review'],
  ['TOWN_ACCEPTANCE', '镇街受理', 'Town acceptance'],
  ['JOINT_REVIEW', '部门联审', 'Joint departmental review'],
  ['TOWN_DECISION', '镇街审批', "Town's decision"],
  ['STAKEOUT', '丈量批放', 'Stake-out'],
  ['CONSTRUCTION', '施工', 'Construction'],
  ['COMPLETION_ACCEPTANCE', '竣工验收', 'Completion check'],
  ['REGISTRATION', '不动产登记', 'Registration'],
];

const DAY = 86_400_000;
const T0 = Date.parse('2026-10-12T09:31:20+08:00');
const iso = (days: number) => new Date(T0 + days * DAY).toISOString();

function steps(current: number, currentState: Step['state'] = 'active', after: Step['state'] = 'pending'): Step[] {
  return STAGES.map(([key, zh, en], index) => {
    const state: Step['state'] = index < current ? 'done' : index === current ? currentState : after;
    const started = index <= current;
    return {
      key,
      order: index + 1,
      name: { zh, en },
      state,
      handler: { role: 'town', deptCode: 'TOWN', deptName: index === 0 ? null : '狮山镇人民政府' },
      startedAt: started ? iso(index * 3) : null,
      dueAt: started ? iso(index * 3 + 10) : null,
      doneAt: index < current ? iso(index * 3 + 2) : null,
      workingDaysLimit: index === 0 ? null : 10,
      workingDaysUsed: started ? 2 : null,
      overdue: false,
      opinion: index < current ? '同意' : null,
      provisional: false,
      substeps: [],
    };
  });
}

function event(id: number, toStatus: string, zh: string, remark: string | null = null, days = id): Timeline['events'][number] {
  return {
    id: String(48100 + id),
    at: iso(days),
    actor: { role: 'town', deptCode: 'TOWN', deptName: '狮山镇人民政府', name: '狮山镇人民政府' },
    action: 'act',
    actionLabel: { zh, en: `Action ${id}` },
    fromStatus: null,
    toStatus,
    stage: null,
    branch: null,
    remark,
  };
}

function homestead(overrides: Partial<Timeline> = {}): Timeline {
  return {
    kind: 'homestead',
    id: 'ZJD-440605124-2026-000123',
    referenceNo: 'ZJD-440605124-2026-000123',
    title: { zh: '陈志强 宅基地和建房（规划许可）申请', en: 'Homestead application of 陈志强' },
    processKey: 'homestead',
    processVersion: '2026.1',
    region: { code: '440605124201', name: '唐边村委会', townCode: '440605124', townName: '狮山镇' },
    applicant: { name: '陈志强', idNumber: '440605********1312', phone: '139****1234', masked: true },
    status: 'VILLAGE_REVIEW',
    stage: 'VILLAGE_REVIEW',
    label: { zh: '村级审查中', en: 'Village review' },
    description: { zh: '村委会正在审查材料', en: 'The village committee checks the documents' },
    terminal: false,
    steps: steps(2),
    events: [event(1, 'SUBMITTED', '提交申请'), event(2, 'GROUP_REVIEW', '小组讨论并公示'), event(3, 'VILLAGE_REVIEW', '公示期满报村委会')],
    deadline: {
      stage: 'VILLAGE_REVIEW',
      workingDaysLimit: 5,
      startedAt: iso(6),
      dueAt: iso(13),
      workingDaysUsed: 2,
      remainingWorkingDays: 3,
      overdue: false,
      paused: false,
      provisional: false,
    },
    totalDeadline: {
      stage: null,
      workingDaysLimit: 35,
      startedAt: iso(0),
      dueAt: iso(50),
      workingDaysUsed: 8,
      remainingWorkingDays: 27,
      overdue: false,
      paused: false,
      provisional: false,
    },
    returned: null,
    rejection: null,
    sideState: null,
    completion: null,
    nextAction: {
      actor: 'authority',
      action: 'village-approve',
      label: { zh: '等待村委会审查', en: 'Waiting for the village committee' },
      dueAt: iso(13),
      role: 'village',
      deptCode: 'VILLAGE',
    },
    masking: { masked: true, fields: ['applicant.idNumber', 'applicant.phone'], reason: 'role:town' },
    generatedAt: iso(8),
    ...overrides,
  };
}

function jointReview(): Timeline {
  const all = steps(4);
  all[4] = {
    ...all[4]!,
    overdue: true,
    workingDaysLimit: 15,
    workingDaysUsed: 17,
    substeps: [
      {
        key: 'AGRI',
        name: { zh: '农经审核', en: 'Agriculture (eligibility and area)' },
        state: 'done',
        handler: { role: 'department', deptCode: 'AGRI', deptName: '南海区农业农村局' },
        startedAt: iso(12),
        dueAt: iso(33),
        doneAt: iso(20),
        workingDaysLimit: 15,
        workingDaysUsed: 9,
        overdue: false,
        decision: 'approve',
        opinion: '申请人符合一户一宅条件，面积符合标准',
      },
      {
        key: 'NATRES',
        name: { zh: '自然资源审核', en: 'Natural resources (planning and land use)' },
        state: 'active',
        handler: { role: 'department', deptCode: 'NATRES', deptName: '佛山市自然资源局南海分局' },
        startedAt: iso(12),
        dueAt: iso(33),
        doneAt: null,
        workingDaysLimit: 15,
        workingDaysUsed: 17,
        overdue: true,
        decision: null,
        opinion: null,
      },
      {
        key: 'OTHER',
        name: { zh: '住建等部门意见', en: 'Housing, forestry, water, power, transport' },
        state: 'skipped',
        handler: { role: 'town', deptCode: 'TOWN', deptName: '狮山镇人民政府' },
        startedAt: iso(12),
        dueAt: null,
        doneAt: iso(14),
        workingDaysLimit: null,
        workingDaysUsed: 1,
        overdue: false,
        decision: 'not-applicable',
        opinion: '不涉及林业、水利、电力和交通设施',
      },
    ],
  };
  return homestead({
    status: 'JOINT_REVIEW',
    stage: 'JOINT_REVIEW',
    label: { zh: '部门联审中', en: 'Under joint review' },
    description: { zh: '农业农村局已同意，自然资源局正在审查', en: 'Agriculture has agreed; natural resources is reviewing' },
    steps: all,
    deadline: {
      stage: 'JOINT_REVIEW',
      workingDaysLimit: 15,
      startedAt: iso(12),
      dueAt: iso(33),
      workingDaysUsed: 17,
      remainingWorkingDays: -2,
      overdue: true,
      paused: false,
      provisional: false,
    },
  });
}

function shadow(el: CbApprovalStatus): ShadowRoot {
  return el.shadowRoot!;
}

function text(node: Element | null | undefined): string {
  return (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

function captureWarnings(): { messages: string[]; restore: () => void } {
  const original = console.warn;
  const messages: string[] = [];
  console.warn = (...args: unknown[]) => messages.push(args.map(String).join(' '));
  return { messages, restore: () => (console.warn = original) };
}

async function show(timeline: unknown, attributes = ''): Promise<CbApprovalStatus> {
  const el = await fixture<CbApprovalStatus>(html`<div class="frame"></div>`);
  el.innerHTML = `<cb-approval-status layout="vertical" ${attributes}></cb-approval-status>`;
  const status = el.querySelector('cb-approval-status')!;
  status.timeline = timeline;
  await status.updateComplete;
  return status;
}

describe('cb-approval-status: rendering', () => {
  afterEach(async () => {
    await setLocale('zh-CN');
  });

  it('shows the reference, masked applicant, plain-words status, position and a stepper with aria-current', async () => {
    const el = await show(homestead());
    const root = shadow(el);
    expect(text(root.querySelector('[part~="reference"]'))).to.equal('ZJD-440605124-2026-000123');
    expect(text(root.querySelector('[part~="applicant"]'))).to.contain('440605********1312');
    expect(text(root.querySelector('[part~="badge"]'))).to.equal('村级审查中');
    expect(text(root.querySelector('[part~="description"]'))).to.equal('村委会正在审查材料');
    expect(text(root.querySelector('[part~="position"]'))).to.equal('第 3 步，共 10 步');
    const list = root.querySelector('ol[part~="stepper"]')!;
    expect(list.getAttribute('aria-describedby')).to.equal('position');
    const items = list.querySelectorAll(':scope > li');
    expect(items).to.have.length(10);
    const current = list.querySelectorAll('[aria-current="step"]');
    expect(current).to.have.length(1);
    expect(current[0]).to.equal(items[2]);
    expect(text(items[0])).to.contain('已完成');
    expect(text(items[2])).to.contain('进行中');
    expect(text(items[5])).to.contain('未开始');
    // Title is a heading at the configured level; sections one below.
    const title = root.querySelector('[part~="title"]')!;
    expect(title.getAttribute('role')).to.equal('heading');
    expect(title.getAttribute('aria-level')).to.equal('2');
    expect(root.querySelector('#progress-title')!.getAttribute('aria-level')).to.equal('3');
    // Time limits in working days.
    expect(text(root.querySelector('[part~="deadline-stage"]'))).to.contain('剩余 3 个工作日');
    expect(text(root.querySelector('[part~="deadline-total"]'))).to.contain('35 个工作日');
    expect(text(root.querySelector('[part~="next-action"]'))).to.contain('等待村委会审查');
    await expect(el).to.be.accessible();
  });

  it('lists events newest first with <time datetime>, actor and remark, collapsing long histories', async () => {
    const events = Array.from({ length: 9 }, (_, i) => event(i + 1, 'VILLAGE_REVIEW', `动作${i + 1}`, i === 8 ? '材料齐全' : null));
    const el = await show(homestead({ events }));
    const root = shadow(el);
    let items = root.querySelectorAll('[part~="timeline"] > li');
    expect(items).to.have.length(5);
    expect(text(items[0]!.querySelector('[part~="event-action"]'))).to.equal('动作9');
    expect(text(items[0]!.querySelector('[part~="event-remark"]'))).to.equal('材料齐全');
    expect(text(items[0]!.querySelector('[part~="event-actor"]'))).to.equal('狮山镇人民政府');
    const timeElement = items[0]!.querySelector('time')!;
    expect(timeElement.getAttribute('datetime')).to.equal(events[8]!.at);
    expect(timeElement.textContent).to.match(/2026年/);
    const toggle = root.querySelector<HTMLButtonElement>('[part~="timeline-toggle"]')!;
    expect(toggle.getAttribute('aria-expanded')).to.equal('false');
    expect(toggle.getAttribute('aria-controls')).to.equal('events');
    // Keyboard: Tab-reachable native button, Enter toggles.
    toggle.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    items = root.querySelectorAll('[part~="timeline"] > li');
    expect(items).to.have.length(9);
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
  });

  it('shows a deadline counted before its year\'s holiday schedule was published as an estimate (预计)', async () => {
    const base = homestead();
    const el = await show(homestead({
      totalDeadline: { ...base.totalDeadline!, provisional: true },
      steps: base.steps.map((s) => (s.state === 'active' ? { ...s, provisional: true } : s)),
    }));
    const root = shadow(el);
    const total = root.querySelector('[part~="deadline-total"]')!;
    expect(total.querySelector('[part~="estimate"]'), 'total limit').to.exist;
    expect(text(total)).to.contain('预计');
    expect(text(total)).to.contain('按周一至周五估算');
    expect(root.querySelector('[part~="deadline-stage"] [part~="estimate"]'), 'the stage limit is official').to.equal(null);
    expect(text(root.querySelector('ol[part~="stepper"] [aria-current="step"]'))).to.contain('预计');
    await setLocale('en');
    await el.updateComplete;
    expect(text(root.querySelector('[part~="deadline-total"]'))).to.contain('estimated');
    await expect(el).to.be.accessible();
  });

  it('shows parallel joint-review branches with their own states, and the overdue flag', async () => {
    const el = await show(jointReview());
    const root = shadow(el);
    expect(text(root.querySelector('[part~="badge-overdue"]'))).to.equal('已超期');
    expect(text(root.querySelector('[part~="deadline-stage"]'))).to.contain('已超期 2 个工作日');
    const substeps = root.querySelectorAll('[aria-current="step"] [part~="substeps"] > li');
    expect(substeps).to.have.length(3);
    expect(text(substeps[0])).to.contain('农经审核').and.contain('已完成 · 同意').and.contain('一户一宅');
    expect(text(substeps[1])).to.contain('自然资源审核').and.contain('进行中').and.contain('超期');
    expect(text(substeps[2])).to.contain('未进行 · 不涉及');
    expect(root.querySelector('[aria-current="step"] [part~="substeps"]')!.getAttribute('aria-label')).to.contain('部门联审');
    expect(text(root.querySelector('[part~="position"]'))).to.equal('第 5 步，共 10 步');
    await expect(el).to.be.accessible();
  });

  it('shows a return with reason, materials, the applicant’s next action and its deadline', async () => {
    const el = await show(
      homestead({
        status: 'RETURNED',
        stage: 'JOINT_REVIEW',
        label: { zh: '已退回补正', en: 'Returned for supplements' },
        steps: steps(4, 'returned'),
        deadline: null,
        returned: {
          reason: '规划红线图未标注四至',
          requiredMaterials: ['RED_LINE_MAP', 'NEIGHBOUR_AGREEMENT'],
          requiredMaterialLabels: ['规划红线图', '相邻权利人书面协议'],
          returnedAt: iso(20),
          returnedBy: { role: 'department', deptCode: 'NATRES', deptName: '佛山市自然资源局南海分局', name: null },
          fromStage: 'JOINT_REVIEW',
          deadline: iso(34),
          applicantNextAction: { zh: '补充规划红线图后交村委会重新提交', en: 'Add the red-line map and resubmit' },
          overdue: true,
        },
        sideState: { kind: 'returned', since: iso(20), reason: '规划红线图未标注四至', fromStatus: 'JOINT_REVIEW' },
        nextAction: {
          actor: 'applicant',
          action: 'resubmit',
          label: { zh: '补齐材料并重新提交', en: 'Provide the documents and resubmit' },
          dueAt: iso(34),
          role: null,
          deptCode: null,
        },
      }),
    );
    const root = shadow(el);
    expect(root.querySelector('[part~="badge-warning"]')).to.exist;
    const notice = root.querySelector('[part~="notice-returned"]')!;
    expect(text(notice)).to.contain('退回原因：规划红线图未标注四至');
    expect([...notice.querySelectorAll('[part~="materials"] li')].map(text)).to.deep.equal(['规划红线图', '相邻权利人书面协议']);
    expect(text(notice.querySelector('[part~="applicant-action"]'))).to.contain('补充规划红线图后交村委会重新提交');
    expect(text(notice)).to.contain('补正期限').and.contain('已逾期');
    expect(notice.querySelector('time')!.getAttribute('datetime')).to.equal(iso(34));
    expect(root.querySelector('[aria-current="step"]')!.className).to.contain('step--returned');
    await expect(el).to.be.accessible();
  });

  it('shows a rejection with its reason and stops at the rejected stage', async () => {
    const el = await show(
      homestead({
        status: 'REJECTED',
        stage: null,
        terminal: true,
        label: { zh: '不予批准', en: 'Rejected' },
        steps: steps(5, 'rejected', 'skipped'),
        deadline: null,
        totalDeadline: null,
        rejection: {
          reasonCode: 'PER_CAPITA_AREA',
          reasonLabel: { zh: '现有住房人均建筑面积已超标准', en: 'Per-capita floor area above the standard' },
          reason: '经核查，申请户现有住房人均建筑面积已超过60平方米',
          rejectedAt: iso(30),
          rejectedBy: { role: 'town', deptCode: 'TOWN', deptName: '狮山镇人民政府', name: '狮山镇人民政府' },
        },
        nextAction: { actor: 'none', action: null, label: { zh: '办理结束', en: 'Finished' }, dueAt: null, role: null, deptCode: null },
      }),
    );
    const root = shadow(el);
    expect(root.querySelector('[part~="badge-danger"]')).to.exist;
    const notice = root.querySelector('[part~="notice-rejected"]')!;
    expect(text(notice)).to.contain('不予批准').and.contain('人均建筑面积已超过60平方米');
    expect(root.querySelector('[aria-current="step"]')!.className).to.contain('step--rejected');
    expect(root.querySelector('[part~="deadline"]')).to.be.null;
    expect(root.querySelector('[part~="next-action"]')).to.be.null;
    await expect(el).to.be.accessible();
  });

  it('shows the side states withdrawn and suspended', async () => {
    const withdrawn = await show(
      homestead({
        status: 'WITHDRAWN',
        stage: null,
        terminal: true,
        label: { zh: '已撤回', en: 'Withdrawn' },
        steps: steps(2, 'skipped', 'skipped'),
        deadline: null,
        totalDeadline: null,
        sideState: { kind: 'withdrawn', since: iso(9), reason: '家庭情况变化，暂不建房', fromStatus: 'VILLAGE_REVIEW' },
      }),
    );
    expect(withdrawn.shadowRoot!.querySelector('[part~="badge-neutral"]')).to.exist;
    expect(text(withdrawn.shadowRoot!.querySelector('[part~="notice-withdrawn"]'))).to.contain('已撤回').and.contain('家庭情况变化');
    await expect(withdrawn).to.be.accessible();

    const suspended = await show(
      homestead({
        status: 'SUSPENDED',
        label: { zh: '已中止', en: 'Suspended' },
        sideState: { kind: 'suspended', since: iso(9), reason: '公示期间相邻户提出异议', reasonCode: 'NOTICE_OBJECTION', fromStatus: 'GROUP_REVIEW' },
        deadline: { ...homestead().deadline!, paused: true },
      }),
    );
    const root = suspended.shadowRoot!;
    expect(root.querySelector('[part~="badge-warning"]')).to.exist;
    expect(text(root.querySelector('[part~="notice-suspended"]'))).to.contain('办理已中止').and.contain('相邻户提出异议');
    expect(text(root.querySelector('[part~="deadline-stage"]'))).to.contain('计时暂停');
    await expect(suspended).to.be.accessible();
  });

  it('shows completion details (批准书号, registration) when the procedure is complete', async () => {
    const el = await show(
      homestead({
        status: 'REGISTERED',
        stage: null,
        terminal: true,
        label: { zh: '已办理不动产登记', en: 'Registered' },
        steps: steps(10),
        deadline: null,
        totalDeadline: null,
        completion: {
          approvalNo: '南狮宅批〔2026〕0123号',
          planningPermitNo: '乡字第440605202600123号',
          registrationNo: '粤(2027)佛南不动产权第0301237号',
          approvedAreaSqm: 80,
          approvedAt: iso(30),
          acceptedAt: iso(200),
          registeredAt: iso(220),
          closedAt: null,
        },
        nextAction: { actor: 'none', action: null, label: { zh: '办理完结', en: 'Complete' }, dueAt: null, role: null, deptCode: null },
      }),
    );
    const root = shadow(el);
    expect(root.querySelector('[part~="badge-success"]')).to.exist;
    const completion = text(root.querySelector('[part~="completion"]'));
    expect(completion).to.contain('南狮宅批〔2026〕0123号').and.contain('粤(2027)佛南不动产权第0301237号').and.contain('80 ㎡（0.12 亩）');
    expect(text(root.querySelector('[part~="position"]'))).to.equal('已完成全部 10 步');
    expect(root.querySelector('[aria-current]')).to.be.null;
    await expect(el).to.be.accessible();
  });

  it('renders a work order with the same code: order number, reporter, flags, result', async () => {
    const stages = ['受理', '派单', '签收', '处置', '核查', '回访', '结案'];
    const el = await show({
      ...homestead(),
      kind: 'workorder',
      id: 'GD-20261118-000123',
      referenceNo: 'GD-20261118-000123',
      title: { zh: '桂城街道灯湖东路工地夜间施工噪音扰民', en: 'Night-time construction noise' },
      applicant: { name: '黄丽华', idNumber: null, phone: '137****6620', masked: true },
      status: 'PROCESSING',
      stage: 'HANDLE',
      label: { zh: '处置中', en: 'Being handled' },
      steps: stages.map((zh, i) => ({ ...steps(3)[i]!, key: ['RECEIVE', 'DISPATCH', 'SIGN', 'HANDLE', 'VERIFY', 'CALLBACK', 'CLOSE'][i]!, name: { zh, en: zh } })),
      flags: { overdue: false, willOverdue: true, supervised: true, urged: true, extended: false },
    });
    const root = shadow(el);
    expect(text(root.querySelector('[part~="process"]'))).to.equal('12345 工单');
    expect(text(root.querySelector('[part~="summary"]'))).to.contain('工单编号').and.contain('反映人').and.contain('黄丽华');
    const flags = [...root.querySelectorAll('[part~="badge-flag"]')].map(text);
    expect(flags).to.deep.equal(['督办', '已催办', '即将超期']);
    expect(text(root.querySelector('[part~="position"]'))).to.equal('第 4 步，共 7 步');
    await expect(el).to.be.accessible();
  });

  it('renders hostile strings as text, never as markup', async () => {
    const hostile = '<img src=x onerror="window.__cbPwned=1"><script>window.__cbPwned=2</script>';
    (window as unknown as { __cbPwned?: number }).__cbPwned = undefined;
    const el = await show(
      homestead({
        label: { zh: hostile, en: hostile },
        description: { zh: `${hostile}<b>粗体</b>`, en: hostile },
        events: [event(1, 'SUBMITTED', hostile, `备注 ${hostile} javascript:alert(1)`)],
        applicant: { name: '<svg onload=alert(1)>', idNumber: null, phone: null, masked: true },
      }),
    );
    await aTimeout(50);
    const root = shadow(el);
    expect(root.querySelector('img, script:not([type]), svg, b')).to.be.null;
    expect(text(root.querySelector('[part~="event-remark"]'))).to.contain('<img src=x onerror=');
    expect(text(root.querySelector('[part~="badge"]'))).to.equal(hostile);
    expect((window as unknown as { __cbPwned?: number }).__cbPwned).to.be.undefined;
  });
});

describe('cb-approval-status: citizen view of data', () => {
  it('never shows ID numbers, phones, full names or officials even if given unmasked data', async () => {
    const el = await show(
      homestead({
        applicant: { name: '陈志强', idNumber: '440605198203151312', phone: '13926081234', masked: false },
        events: [
          {
            ...event(1, 'SUBMITTED', '提交申请'),
            actor: { role: 'town', deptCode: 'TOWN', deptName: '狮山镇人民政府', name: '王建国' },
          },
        ],
      }),
      'mode="citizen"',
    );
    const all = text(el.shadowRoot!.querySelector('[part~="base"]'));
    expect(all).to.contain('陈**');
    expect(all).not.to.contain('陈志强');
    expect(all).not.to.contain('440605198203151312');
    expect(all).not.to.contain('13926081234');
    expect(all).not.to.contain('王建国');
    expect(all).to.contain('狮山镇人民政府');
  });
});

describe('cb-approval-status: layouts', () => {
  it('horizontal shows the current stage panel; compact is a badge row', async () => {
    const horizontal = await show(jointReview(), 'layout="horizontal"');
    horizontal.layout = 'horizontal';
    await horizontal.updateComplete;
    const root = shadow(horizontal);
    expect(root.querySelector('.stepper--horizontal')).to.exist;
    expect(text(root.querySelector('[part~="current-stage"]'))).to.contain('当前环节：部门联审');
    expect(root.querySelectorAll('[part~="current-stage"] [part~="substep"]')).to.have.length(3);
    await expect(horizontal).to.be.accessible();

    horizontal.layout = 'compact';
    await horizontal.updateComplete;
    const compact = root.querySelector('.compact')!;
    expect(compact.getAttribute('role')).to.equal('group');
    expect(text(compact)).to.contain('部门联审中').and.contain('已超期').and.contain('第 5 步，共 10 步');
    expect(root.querySelector('[part~="stepper"]')).to.be.null;
    await expect(horizontal).to.be.accessible();
  });

  it('auto picks the layout from the width and follows resizes', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div class="frame"><cb-approval-status></cb-approval-status></div>`);
    wrapper.style.width = '900px';
    const el = wrapper.querySelector('cb-approval-status')!;
    el.timeline = jointReview();
    await waitUntil(() => el.shadowRoot!.querySelector('.stepper--horizontal'), 'horizontal at 900px');
    wrapper.style.width = '500px';
    await waitUntil(() => el.shadowRoot!.querySelector('.stepper--vertical'), 'vertical at 500px');
    wrapper.style.width = '240px';
    await waitUntil(() => el.shadowRoot!.querySelector('.compact'), 'compact at 240px');
  });
});

describe('cb-approval-status: locales and modes', () => {
  afterEach(async () => {
    await setLocale('zh-CN');
  });

  it('speaks English, with the API’s English labels', async () => {
    await setLocale('en');
    const el = await show(jointReview());
    const root = shadow(el);
    expect(text(root.querySelector('[part~="badge"]'))).to.equal('Under joint review');
    expect(text(root.querySelector('[part~="position"]'))).to.equal('Step 5 of 10');
    expect(text(root.querySelector('[part~="deadline-stage"]'))).to.contain('2 working days overdue');
    expect(text(root.querySelector('[aria-current="step"]'))).to.contain('Joint departmental review').and.contain('in progress');
    expect(root.querySelector('[aria-current="step"] time')!.textContent).to.match(/2026/);
  });

  it('elderly mode enlarges text', async () => {
    const el = await show(homestead());
    const before = parseFloat(getComputedStyle(shadow(el).querySelector('.description')!).fontSize);
    el.elderly = true;
    await el.updateComplete;
    const after = parseFloat(getComputedStyle(shadow(el).querySelector('.description')!).fontSize);
    expect(after).to.be.greaterThan(before * 1.2);
  });
});

describe('cb-approval-status: bad input', () => {
  async function errorOf(markup: string): Promise<{ el: CbApprovalStatus; warnings: string[] }> {
    const warnings = captureWarnings();
    try {
      const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
      wrapper.innerHTML = markup;
      const el = wrapper.querySelector('cb-approval-status')!;
      await waitUntil(() => el.shadowRoot?.querySelector('[part~="error"]'), 'error state');
      return { el, warnings: warnings.messages };
    } finally {
      warnings.restore();
    }
  }

  it('an invalid id warns once and shows an error state, without throwing', async () => {
    const { el, warnings } = await errorOf('<cb-approval-status base-url="/api/v1" application-id="../../etc/passwd"></cb-approval-status>');
    const error = el.shadowRoot!.querySelector('[part~="error"]')!;
    expect(error.getAttribute('role')).to.equal('alert');
    expect(text(error)).to.contain('编号“../../etc/passwd”无效');
    expect(error.querySelector('[part~="retry-button"]')).to.be.null;
    expect(warnings.filter((w) => w.includes('../../etc/passwd'))).to.have.length(1);
    // A second element with the same mistake does not warn again.
    const again = await errorOf('<cb-approval-status base-url="/api/v1" application-id="../../etc/passwd"></cb-approval-status>');
    expect(again.warnings.filter((w) => w.includes('../../etc/passwd'))).to.have.length(0);
  });

  it('conflicting ids, unknown mode or process, and staff mode without an id are errors', async () => {
    const cases: [string, string][] = [
      ['application-id="ZJD-1-2026-1" workorder-id="GD-1-2"', '只设置其中一个'],
      ['mode="admin" application-id="ZJD-1-2026-1"', 'mode 属性值“admin”无效'],
      ['process="parcel" application-id="ZJD-1-2026-1"', 'process 属性值“parcel”无效'],
      ['mode="staff"', '缺少要查看的编号'],
      ['process="workorder"', '公众查询仅支持宅基地申请'],
    ];
    for (const [attributes, message] of cases) {
      const { el, warnings } = await errorOf(`<cb-approval-status base-url="/api/v1" ${attributes}></cb-approval-status>`);
      expect(text(el.shadowRoot!.querySelector('[part~="error-message"]')), attributes).to.contain(message);
      void warnings;
    }
  });

  it('a timeline property that is not a timeline shows an error state', async () => {
    const warnings = captureWarnings();
    try {
      const el = await show({ hello: 'world' });
      expect(text(el.shadowRoot!.querySelector('[part~="error-message"]'))).to.contain('无法识别');
      expect(warnings.messages.some((m) => m.includes('timeline'))).to.be.true;
    } finally {
      warnings.restore();
    }
  });

  it('malformed parts of a timeline are left out instead of breaking the view', async () => {
    const el = await show({
      id: 'ZJD-440605124-2026-000999',
      status: 'GROUP_REVIEW',
      steps: [null, 42, { key: 'APPLICATION', name: '农户申请', state: 'weird' }, { key: 'GROUP_REVIEW', state: 'active' }],
      events: [{ id: '1' }, { id: '2', at: iso(1), toStatus: 'GROUP_REVIEW', actionLabel: { zh: '公示' } }],
      deadline: { dueAt: 5 },
      flags: 'yes',
    });
    const root = shadow(el);
    expect(root.querySelectorAll('[part~="stepper"] > li')).to.have.length(2);
    expect(root.querySelectorAll('[part~="timeline"] > li')).to.have.length(1);
    expect(text(root.querySelector('[part~="position"]'))).to.equal('第 2 步，共 2 步');
  });

  it('string properties set to other types by a page script warn or show an error, never throw', async () => {
    const warnings = captureWarnings();
    try {
      const el = await show(homestead());
      Object.assign(el, { layout: 42, live: false });
      await el.updateComplete;
      expect(shadow(el).querySelector('[part~="stepper"], .compact')).to.exist;
      expect(warnings.messages.some((m) => m.includes('layout="42"'))).to.be.true;

      const staff = await fixture<CbApprovalStatus>(html`<cb-approval-status base-url="/api/v1"></cb-approval-status>`);
      Object.assign(staff, { mode: 1, applicationId: 7 });
      await waitUntil(() => text(shadow(staff).querySelector('[part~="error-message"]')) !== '', 'error state');
      expect(text(shadow(staff).querySelector('[part~="error-message"]'))).to.contain('mode 属性值“1”无效');
      Object.assign(staff, { mode: 'staff', process: ['workorder'], applicationId: 12 });
      await waitUntil(() => text(shadow(staff).querySelector('[part~="error-message"]')).includes('12'), 'error state');
      expect(text(shadow(staff).querySelector('[part~="error-message"]'))).to.contain('编号“12”无效');

      // A verification code given as a number is read as its digits.
      const citizen = await fixture<CbApprovalStatus>(html`<cb-approval-status base-url="/api/v1"></cb-approval-status>`);
      Object.assign(citizen, { trackingNumber: 'ZJD-440605124-2026-000123', verificationCode: 12 });
      await citizen.updateComplete;
      expect(text(shadow(citizen).querySelector('#verification-code-error'))).to.equal('查询码为 6 位数字。');
    } finally {
      warnings.restore();
    }
  });

  it('a bad layout warns and falls back to auto', async () => {
    const warnings = captureWarnings();
    try {
      const el = await show(homestead());
      el.layout = 'diagonal';
      await el.updateComplete;
      expect(shadow(el).querySelector('[part~="stepper"], .compact')).to.exist;
      expect(warnings.messages.some((m) => m.includes('layout="diagonal"'))).to.be.true;
    } finally {
      warnings.restore();
    }
  });
});

/** Answers the client's requests from `handler`, recording them. */
function interceptFetch(handler: (request: Request) => Response | Promise<Response>): { requests: Request[]; restore: () => void } {
  const original = window.fetch;
  const requests: Request[] = [];
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push(request);
    return handler(request);
  };
  return { requests, restore: () => (window.fetch = original) };
}


function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', 'x-request-id': 'req-test', ...headers },
  });
}

describe('cb-approval-status: loading over the client', () => {
  it('loads the timeline, falls back to polling when the stream is refused, and announces the change', async () => {
    let version = 0;
    const intercepted = interceptFetch((request) => {
      const url = new URL(request.url);
      if (url.pathname.endsWith('/events')) return json({ type: 'about:blank', title: 'Not Found', status: 404 }, 404);
      if (url.pathname.endsWith('/timeline')) {
        version += 1;
        return json(version < 3 ? homestead() : jointReview());
      }
      return json({}, 404);
    });
    try {
      const el = await fixture<CbApprovalStatus>(
        html`<cb-approval-status base-url="https://citybrain.test/api/v1" application-id="ZJD-440605124-2026-000123" poll-interval="1" layout="vertical"></cb-approval-status>`,
      );
      await waitUntil(() => el.shadowRoot!.querySelector('[part~="stepper"]'), 'first load');
      expect(intercepted.requests[0]!.url).to.equal('https://citybrain.test/api/v1/approvals/applications/ZJD-440605124-2026-000123/timeline');
      const change = await oneEvent(el, 'cb-status-change');
      expect(change.detail.previousStatus).to.equal('VILLAGE_REVIEW');
      expect(change.detail.status).to.equal('JOINT_REVIEW');
      expect(change.detail.source).to.equal('poll');
      expect(el.liveMode).to.equal('polling');
      await waitUntil(() => text(el.shadowRoot!.querySelector('[part~="announcer"]')) !== '', 'announced');
      const announcer = el.shadowRoot!.querySelector('[part~="announcer"]')!;
      expect(announcer.getAttribute('aria-live')).to.equal('polite');
      expect(text(announcer)).to.contain('部门联审中');
      expect(text(el.shadowRoot!.querySelector('[part~="badge"]'))).to.equal('部门联审中');
      el.remove();
    } finally {
      intercepted.restore();
    }
  });

  it('shows loading, then an error with retry that loads again', async () => {
    let fail = true;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const intercepted = interceptFetch(async (request) => {
      if (new URL(request.url).pathname.endsWith('/events')) return new Promise<Response>(() => {});
      await gate;
      return fail ? json({ type: 'about:blank', title: 'Forbidden', status: 403, detail: '无权查看其他镇街的申请' }, 403) : json(homestead());
    });
    try {
      const el = await fixture<CbApprovalStatus>(
        html`<cb-approval-status base-url="https://citybrain.test/api/v1" application-id="ZJD-440605124-2026-000123" live="off"></cb-approval-status>`,
      );
      const status = el.shadowRoot!.querySelector('[part~="status"]')!;
      expect(status.getAttribute('role')).to.equal('status');
      expect(text(status)).to.contain('正在加载办理进度');
      release();
      await waitUntil(() => el.shadowRoot!.querySelector('[part~="error"]'), 'error');
      expect(text(el.shadowRoot!.querySelector('[part~="error"]'))).to.contain('没有查看此内容的权限').and.contain('无权查看其他镇街的申请');
      await expect(el).to.be.accessible();
      fail = false;
      el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="retry-button"]')!.click();
      await waitUntil(() => el.shadowRoot!.querySelector('[part~="stepper"]'), 'loaded after retry');
    } finally {
      intercepted.restore();
    }
  });

  it('a citizen lookup that is rate-limited says how long to wait and disables the button', async () => {
    const intercepted = interceptFetch(() =>
      json({ type: 'about:blank', title: 'Too Many Requests', status: 429 }, 429, { 'retry-after': '30' }),
    );
    try {
      const el = await fixture<CbApprovalStatus>(html`<cb-approval-status base-url="https://citybrain.test/api/v1"></cb-approval-status>`);
      const root = shadow(el);
      root.querySelector<HTMLInputElement>('#tracking-no')!.value = 'zjd-440605124-2026-000123';
      root.querySelector<HTMLInputElement>('#verification-code')!.value = '１２３４５６';
      const lookup = oneEvent(el, 'cb-lookup');
      root.querySelector<HTMLButtonElement>('[part~="lookup-button"]')!.click();
      expect((await lookup).detail).to.deep.equal({ trackingNo: 'ZJD-440605124-2026-000123', result: 'rate-limited' });
      await el.updateComplete;
      const body = (await intercepted.requests[0]!.clone().json()) as unknown;
      expect(body).to.deep.equal({ trackingNo: 'ZJD-440605124-2026-000123', verificationCode: '123456' });
      expect(root.querySelector<HTMLButtonElement>('[part~="lookup-button"]')!.disabled).to.be.true;
      expect(text(root.querySelector('#lookup-locked'))).to.match(/请在 (29|30) 秒后再试/);
      await expect(el).to.be.accessible();
    } finally {
      intercepted.restore();
    }
  });

  it('keeps the view while a new token reloads the same record', async () => {
    let release: () => void = () => {};
    let calls = 0;
    const intercepted = interceptFetch(async (request) => {
      if (new URL(request.url).pathname.endsWith('/events')) return new Promise<Response>(() => {});
      calls += 1;
      if (calls > 1) await new Promise<void>((resolve) => (release = resolve));
      return json(homestead());
    });
    try {
      const el = await fixture<CbApprovalStatus>(
        html`<cb-approval-status base-url="https://citybrain.test/api/v1" token="t1" application-id="ZJD-440605124-2026-000123" layout="vertical"></cb-approval-status>`,
      );
      await waitUntil(() => el.shadowRoot!.querySelector('[part~="stepper"]'), 'first load');
      el.token = 't2';
      await waitUntil(() => calls === 2, 'reload with the new token');
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('[part~="stepper"]')).to.exist;
      expect(text(el.shadowRoot!.querySelector('[part~="status"]'))).to.equal('');
      const last = intercepted.requests.filter((r) => r.url.endsWith('/timeline')).pop()!;
      expect(last.headers.get('authorization')).to.equal('Bearer t2');
      release();
      // The released reload finishes after the test: its live stream must not reach the next test's fetch.
      el.remove();
    } finally {
      intercepted.restore();
    }
  });

  it('the lookup form works from the keyboard: Tab between fields, Enter submits', async () => {
    // The real sandbox answers a tracking number it does not know with 404.
    const intercepted = recordFetch();
    try {
      const el = await fixture<CbApprovalStatus>(html`<cb-approval-status base-url=${sandboxUrl()}></cb-approval-status>`);
      const root = shadow(el);
      root.querySelector<HTMLInputElement>('#tracking-no')!.focus();
      await sendKeys({ type: 'ZJD-440605124-1999-000001' });
      await sendKeys({ press: 'Tab' });
      expect(root.activeElement!.id).to.equal('verification-code');
      await sendKeys({ type: '618204' });
      const lookup = oneEvent(el, 'cb-lookup');
      await sendKeys({ press: 'Enter' });
      expect((await lookup).detail.result).to.equal('not-found');
      await waitUntil(() => root.querySelector('[part~="not-found"]'), 'not found');
      expect(intercepted.requests).to.have.length(1);
      await sendKeys({ press: 'Tab' });
      expect(root.activeElement).to.equal(root.querySelector('[part~="lookup-button"]'));
    } finally {
      intercepted.restore();
    }
  });

  it('shows the page’s help content (slot="help") with the lookup form', async () => {
    const el = await fixture<CbApprovalStatus>(html`<cb-approval-status base-url="https://citybrain.test/api/v1">
      <p slot="help">咨询电话：0757-86881234（狮山镇便民服务中心）</p>
    </cb-approval-status>`);
    const slot = el.shadowRoot!.querySelector<HTMLSlotElement>('[part~="lookup-form"] slot[name="help"]')!;
    expect(slot.assignedElements()).to.have.length(1);
    expect(slot.assignedElements()[0]!.textContent).to.contain('0757-86881234');
    await expect(el).to.be.accessible();
  });

  it('validates the lookup form before sending anything', async () => {
    const intercepted = recordFetch();
    try {
      const el = await fixture<CbApprovalStatus>(html`<cb-approval-status base-url=${sandboxUrl()}></cb-approval-status>`);
      const root = shadow(el);
      root.querySelector<HTMLInputElement>('#verification-code')!.value = '12ab';
      root.querySelector<HTMLButtonElement>('[part~="lookup-button"]')!.click();
      await el.updateComplete;
      const tracking = root.querySelector<HTMLInputElement>('#tracking-no')!;
      expect(tracking.getAttribute('aria-invalid')).to.equal('true');
      expect(text(root.getElementById(tracking.getAttribute('aria-describedby')!))).to.equal('请输入受理编号。');
      expect(text(root.querySelector('#verification-code-error'))).to.equal('查询码为 6 位数字。');
      expect(root.activeElement).to.equal(tracking);
      expect(intercepted.requests).to.have.length(0);
      await expect(el).to.be.accessible();
    } finally {
      intercepted.restore();
    }
  });
});
