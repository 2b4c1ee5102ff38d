/**
 * Story data for <cb-approval-status>: homestead applications and work orders driven through the
 * real process definitions of @citybrain/domain (the same state machines the sandbox runs), then
 * presented as the API's `ProcessTimeline` for a town caller (ID 6+4, phone 3+4) or the public lookup
 * (everything personal masked). Deterministic: fixed households, fixed times, a fixed "now".
 *
 * Imported module by module (not the domain package's index) so the stories do not load the district's
 * boundaries, faker or the datasets.
 */
import type { ProcessTimeline } from '@citybrain/client';
import {
  act,
  weekdayCalendar,
  workdaysBefore,
  shanghaiDate,
  shanghaiTime,
  type Actor,
  type ActionBody,
  type Calendar,
  type ProcessEvent,
  type TimelineEvent,
} from '../../packages/domain/src/process-engine.js';
import {
  approvalNumbers,
  createHomesteadProcess,
  createHomesteadRecord,
  type ApplicationStatus,
  type HomesteadInput,
  type HomesteadRecord,
} from '../../packages/domain/src/process-homestead.js';
import {
  createWorkOrderProcess,
  createWorkOrderRecord,
  type WorkOrderInput,
  type WorkOrderRecord,
} from '../../packages/domain/src/process-workorder.js';
import { departmentActor, hotlineCentreActor, townActor, villageActor } from '../../packages/domain/src/process-actors.js';
import { homesteadTimelineParts, processTimeline, workOrderTimelineParts } from '../../packages/domain/src/process-timeline.js';
import { findTown, villages } from '../../packages/domain/src/regions.js';

/** "Now" of every story: the moment the timelines were generated. */
export const STORY_NOW = new Date('2026-11-25T10:12:00+08:00');

/**
 * Monday–Friday, like the sandbox's calendar for a year with no official schedule loaded: the stories
 * ship no holiday data, so deadlines from 2027 on are provisional (预计) as they are on the platform
 * until the State Council's 2027 notice is loaded.
 */
const calendar: Calendar = { ...weekdayCalendar, isProvisional: (due) => shanghaiDate(due) >= '2027-01-01' };
const homesteadSpec = createHomesteadProcess();
const workOrderSpec = createWorkOrderProcess();

// ----------------------------------------------------------------------------------- households

interface Household {
  villageCode: string;
  groupName: string;
  name: string;
  gender: '男' | '女';
  idNumber: string;
  phone: string;
  /** ㎡ */
  area: number;
}

/** Valid GB 11643 ID numbers and mobiles (synthetic people of real villages). */
const HOUSEHOLDS: Household[] = [
  { villageCode: '440605124201', groupName: '唐边第三村民小组', name: '陈志强', gender: '男', idNumber: '440605198203151312', phone: '13926081234', area: 80 },
  { villageCode: '440605124201', groupName: '唐边东经济社', name: '李美玲', gender: '女', idNumber: '440605198508212622', phone: '13802216628', area: 75 },
];

function person(index: number): Household {
  return HOUSEHOLDS[index % HOUSEHOLDS.length]!;
}

function ageOn(idNumber: string, date: string): number {
  const birth = `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`;
  const [by, bm, bd] = birth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

function homesteadInput(h: Household, date: string): HomesteadInput {
  return {
    villageCode: h.villageCode,
    groupName: h.groupName,
    location: [113.0392, 23.1487],
    draft: false,
    jcxx: { xm: h.name, xb: h.gender, nl: ageOn(h.idNumber, date), lxdh: h.phone, sfzh: h.idNumber, hksz: `广东省佛山市南海区狮山镇唐边村${h.groupName}` },
    jtcy: [],
    xzjxqk: { zjdmj: 0, jzmj: 0, qszsh: '无', xzjdclqk: '其他' },
    nzjdqk: {
      zjdmj: h.area, fjzdmj: h.area - 8, dz: `狮山镇唐边村${h.groupName}新村二巷西侧`, szdz: '村道', sznz: '陈国华宅基地',
      szxz: '空地', szbz: '二巷', dl: '建设用地', dlxl: null, jflx: '异址新建', zfjzmj: (h.area - 8) * 3, jzcs: 3, jzgd: 10.5, sfzqxlqlryj: true,
    },
    qt: { sqly: '家庭人口增加，现无宅基地，申请异址新建住房', sqr: h.name, sqrrq: date },
    attachments: ([
      ['ID_CARD', '身份证复印件.pdf', 'application/pdf'],
      ['HOUSEHOLD_REGISTER', '户口簿复印件.pdf', 'application/pdf'],
      ['COMMITMENT', '农村宅基地使用承诺书.pdf', 'application/pdf'],
      ['RED_LINE_MAP', '规划红线图.jpg', 'image/jpeg'],
      ['SHARE_CERT', '股权证复印件.pdf', 'application/pdf'],
    ] as const).map(([kind, name, mediaType], i) => ({ kind, name, mediaType, sizeBytes: 200_000 + i * 91_337, sha256: `${'0123456789abcdef'[i]}`.repeat(64) })),
  } as HomesteadInput;
}

// ----------------------------------------------------------------------------------- homestead stories

type Move = { actor: Actor; body: ActionBody } | null;

/** The main line of the homestead process: who acts next and how (approving at every step). */
function mainLine(record: HomesteadRecord, at: Date): Move {
  const village = villageActor(record.villageCode);
  const town = townActor(record.townCode);
  const date = shanghaiDate(at);
  const open = (stage: string) => record.process.steps.filter((s) => s.key === stage && s.branch && s.state === 'active').map((s) => s.branch!);
  switch (record.process.status) {
    case 'DRAFT':
      return { actor: village, body: { action: 'submit' } };
    case 'SUBMITTED':
      return { actor: village, body: { action: 'group-notice', meetingDate: date, noticeStartDate: date, noticeWorkingDays: 5, noticePlace: '村务公开栏' } };
    case 'GROUP_REVIEW':
      return { actor: village, body: { action: 'group-approve', opinion: '经小组会议讨论同意，公示期满无异议', leader: '陈国华', objections: 0 } };
    case 'VILLAGE_REVIEW':
      return { actor: village, body: { action: 'village-approve', opinion: '符合村庄规划，已征求相邻权利人意见，同意上报', leader: '李建华', planFit: true, neighboursConsulted: true } };
    case 'TOWN_ACCEPTED':
      return { actor: town, body: { action: 'accept', siteVisit: { date, inspector: '狮山镇农业农村办 陈美方', findings: '现场与红线图一致，无权属争议' } } };
    case 'JOINT_REVIEW': {
      const branch = open('JOINT_REVIEW')[0];
      if (!branch) return null;
      if (branch === 'OTHER') return { actor: town, body: { action: 'joint-review', department: 'OTHER', decision: 'not-applicable', opinion: '不涉及林业、水利、电力和交通设施' } };
      return {
        actor: departmentActor(branch),
        body: {
          action: 'joint-review', department: branch, decision: 'approve',
          opinion: branch === 'AGRI' ? `申请人符合一户一宅条件，拟用地面积${record.form.nzjdqk.zjdmj}平方米符合标准` : '符合国土空间规划和用途管制，不占用永久基本农田',
        },
      };
    }
    case 'TOWN_DECISION': {
      const numbers = approvalNumbers(record, at);
      return {
        actor: town,
        body: { action: 'approve', approvalNo: numbers.approvalNo, planningPermitNo: numbers.planningPermitNo, approvedAreaSqm: record.form.nzjdqk.zjdmj, approvedFloorAreaSqm: record.form.nzjdqk.zfjzmj, opinion: '同意批准' },
      };
    }
    case 'APPROVED':
      return { actor: village, body: { action: 'book-stakeout', date: shanghaiDate(calendar.addWorkdays(at, 3)) } };
    case 'STAKEOUT_BOOKED':
      return { actor: town, body: { action: 'stakeout-done', inspector: '狮山镇规划建设办 何志明', measuredAreaSqm: record.data.approval?.approvedAreaSqm ?? record.form.nzjdqk.zjdmj, findings: '已按批准面积和四至定点放线' } };
    case 'STAKED_OUT':
      return { actor: village, body: { action: 'start-construction', builderName: '梁永康', startDate: date } };
    case 'UNDER_CONSTRUCTION':
      return { actor: village, body: { action: 'apply-completion', completionDate: date } };
    case 'COMPLETION_APPLIED':
      return { actor: town, body: { action: 'acceptance-receive', siteVisit: { date, inspector: '狮山镇农业农村办 陈美方', findings: '实地核查占地面积和四至' } } };
    case 'ACCEPTANCE_REVIEW': {
      const branch = open('COMPLETION_ACCEPTANCE')[0];
      if (!branch) return { actor: town, body: { action: 'acceptance-decision', passed: true, opinion: '竣工验收合格，准予备案' } };
      return {
        actor: departmentActor(branch),
        body: { action: 'acceptance-review', department: branch, decision: 'approve', opinion: branch === 'AGRI' ? '占地面积与批准一致' : '四至、层数和高度符合规划许可' },
      };
    }
    case 'ACCEPTED':
      return { actor: departmentActor('NATRES'), body: { action: 'register', registrationNo: approvalNumbers(record, at).registrationNo } };
    default:
      return null;
  }
}

export interface HomesteadScript {
  /** Where the story stops (the status it rests in). */
  target: ApplicationStatus;
  /** Custom moves by status, tried before the main line (return `undefined` to use the main line). */
  custom?: (record: HomesteadRecord, at: Date) => Move | undefined;
  /** Stop after this many moves once in the target status (e.g. decisions inside a joint review). */
  extraMovesInTarget?: number;
  /** Working days between actions. */
  gap?: number;
  /** Working days the record has rested in its final state by "now". */
  idle?: number;
  household?: number;
  /** Keep the application as a draft (not submitted). */
  draft?: boolean;
}

/** Working days before the next action, by the status the record is in (notices run 5 days, building takes months). */
const GAPS: Partial<Record<ApplicationStatus, number>> = {
  GROUP_REVIEW: 6,
  APPROVED: 4,
  STAKEOUT_BOOKED: 4,
  STAKED_OUT: 5,
  UNDER_CONSTRUCTION: 80,
  ACCEPTED: 10,
};

interface Played {
  record: HomesteadRecord;
  events: ProcessEvent[];
}

function play(script: HomesteadScript, start: Date): Played {
  const household = person(script.household ?? 0);
  const created = createHomesteadRecord(homesteadSpec, { ...homesteadInput(household, shanghaiDate(start)), draft: script.draft ?? false }, {
    id: 'pending', trackingNo: 'pending', actor: villageActor(household.villageCode), at: start, calendar,
  });
  let record = created.record;
  const events = [...created.events];
  let at = start;
  let extra = script.extraMovesInTarget ?? 0;
  for (let guard = 0; guard < 60; guard++) {
    const inTarget = record.process.status === script.target;
    if (inTarget && extra <= 0) break;
    const gap = GAPS[record.process.status] ?? script.gap ?? 2;
    at = shanghaiTime(shanghaiDate(calendar.addWorkdays(at, gap)), 9 + (guard % 7), (guard * 17) % 60);
    const move = script.custom?.(record, at) ?? mainLine(record, at);
    if (!move) break;
    const result = act(homesteadSpec, record, move.body, move.actor, at, calendar);
    record = result.record;
    events.push(result.event);
    if (inTarget) extra -= 1;
  }
  return { record, events };
}

let sequence = 120;

/** Plays a script so that it ends `idle` working days before {@link STORY_NOW}; the record gets its tracking number. */
function playStory(script: HomesteadScript): Played {
  // Dry run to count the working days the story takes, then the real run ending at "now − idle".
  const probe = play(script, new Date('2026-01-05T09:30:00+08:00'));
  const span = calendar.workdaysBetween(new Date(probe.events[0]!.at), new Date(probe.events[probe.events.length - 1]!.at));
  const startDate = workdaysBefore(calendar, shanghaiDate(STORY_NOW), span + (script.idle ?? 1));
  const { record, events } = play(script, shanghaiTime(startDate, 9, 30));
  sequence += 1;
  const trackingNo = `ZJD-${record.townCode}-2026-${String(sequence).padStart(6, '0')}`;
  record.id = trackingNo;
  (record as { trackingNo: string }).trackingNo = trackingNo;
  return { record, events };
}

/** A script played and presented as the timeline a town caller gets. */
export function homesteadStory(script: HomesteadScript): ProcessTimeline {
  const { record, events } = playStory(script);
  return presentHomestead(record, events);
}

/**
 * A live update: an application in village review, and the same application a moment later, after
 * the village committee approved it (the event the stream pushes).
 */
export function liveUpdateStory(): { before: ProcessTimeline; after: ProcessTimeline; event: ProcessTimeline['events'][number] } {
  const { record, events } = playStory({ target: 'VILLAGE_REVIEW', idle: 0 });
  const before = presentHomestead(record, events);
  const at = new Date(STORY_NOW.getTime() - 60_000);
  const move = mainLine(record, at)!;
  const result = act(homesteadSpec, record, move.body, move.actor, at, calendar);
  const after = presentHomestead(result.record, [...events, result.event]);
  return { before, after, event: after.events[after.events.length - 1]! };
}

function maskId(id: string): string {
  return `${id.slice(0, 6)}********${id.slice(-4)}`;
}

function maskPhone(phone: string): string {
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

function numbered(events: ProcessEvent[], first = 48100): TimelineEvent[] {
  return events.map((event, index) => ({ ...event, id: String(first + index * 7) }));
}

function presentHomestead(record: HomesteadRecord, events: ProcessEvent[]): ProcessTimeline {
  const name = record.form.jcxx.xm;
  return processTimeline(
    homesteadSpec,
    record,
    numbered(events),
    {
      ...homesteadTimelineParts(record, name),
      applicant: { name, idNumber: maskId(record.form.jcxx.sfzh), phone: maskPhone(record.form.jcxx.lxdh), masked: true },
      masking: { masked: true, fields: ['applicant.idNumber', 'applicant.phone'], reason: 'role:town' },
    },
    { now: STORY_NOW, calendar },
  );
}

/** What the public lookup answers for the same application: nothing personal, no officials' names. */
export function publicView(timeline: ProcessTimeline): ProcessTimeline {
  const name = timeline.applicant.name ?? '';
  const masked = name ? `${Array.from(name)[0]}${'*'.repeat(Math.max(1, Array.from(name).length - 1))}` : null;
  const anonymous = <T extends { name: string | null } | undefined>(actor: T): T => (actor ? { ...actor, name: null } : actor);
  return {
    ...timeline,
    title: { zh: `${masked} 宅基地和建房（规划许可）申请`, en: `Homestead application of ${masked}` },
    applicant: { name: masked, idNumber: null, phone: null, masked: true },
    events: timeline.events.map((e) => ({ ...e, actor: anonymous(e.actor) })),
    returned: timeline.returned ? { ...timeline.returned, returnedBy: anonymous(timeline.returned.returnedBy) } : null,
    rejection: timeline.rejection ? { ...timeline.rejection, rejectedBy: anonymous(timeline.rejection.rejectedBy) } : null,
    masking: { masked: true, fields: ['applicant.name', 'applicant.idNumber', 'applicant.phone', 'events.actor.name'], reason: 'public-lookup' },
  };
}

// ----------------------------------------------------------------------------------- the story set

const ownBranch = (record: HomesteadRecord, branch: string) =>
  record.process.steps.some((s) => s.key === 'JOINT_REVIEW' && s.branch === branch && s.state === 'active');

/** One timeline per stage of the main line, and every side state. */
export const homesteadTimelines = {
  draft: () => homesteadStory({ target: 'DRAFT', draft: true, idle: 0 }),
  submitted: () => homesteadStory({ target: 'SUBMITTED', idle: 1 }),
  groupReview: () => homesteadStory({ target: 'GROUP_REVIEW', idle: 2 }),
  villageReview: () => homesteadStory({ target: 'VILLAGE_REVIEW', idle: 1 }),
  townAccepted: () => homesteadStory({ target: 'TOWN_ACCEPTED', idle: 1 }),
  jointReview: () => homesteadStory({ target: 'JOINT_REVIEW', extraMovesInTarget: 1, idle: 4 }),
  townDecision: () => homesteadStory({ target: 'TOWN_DECISION', idle: 2 }),
  approved: () => homesteadStory({ target: 'APPROVED', idle: 3 }),
  underConstruction: () => homesteadStory({ target: 'UNDER_CONSTRUCTION', idle: 30 }),
  acceptanceReview: () => homesteadStory({ target: 'ACCEPTANCE_REVIEW', extraMovesInTarget: 1, idle: 2 }),
  registered: () => homesteadStory({ target: 'REGISTERED', idle: 12 }),

  /** Joint review beyond its 15 working days: natural resources has not decided. */
  overdue: () =>
    homesteadStory({
      target: 'JOINT_REVIEW',
      extraMovesInTarget: 2,
      custom: (record) => {
        if (record.process.status !== 'JOINT_REVIEW') return undefined;
        if (ownBranch(record, 'AGRI')) {
          return { actor: departmentActor('AGRI'), body: { action: 'joint-review', department: 'AGRI', decision: 'approve', opinion: '申请人符合一户一宅条件，面积符合标准' } };
        }
        if (ownBranch(record, 'OTHER')) {
          return { actor: townActor(record.townCode), body: { action: 'joint-review', department: 'OTHER', decision: 'not-applicable', opinion: '不涉及林业、水利、电力和交通设施' } };
        }
        return null; // natural resources has not decided
      },
      idle: 19,
    }),

  /** Branches in three different states: agriculture disagrees, housing agrees, natural resources still reviewing. */
  mixedReviews: () =>
    homesteadStory({
      target: 'JOINT_REVIEW',
      extraMovesInTarget: 2,
      custom: (record) => {
        if (record.process.status !== 'JOINT_REVIEW') return undefined;
        if (ownBranch(record, 'AGRI')) {
          return { actor: departmentActor('AGRI'), body: { action: 'joint-review', department: 'AGRI', decision: 'disapprove', opinion: '申请户现有住房人均建筑面积已超过60平方米，不符合分户建房条件' } };
        }
        if (ownBranch(record, 'OTHER')) {
          return { actor: departmentActor('HOUSING'), body: { action: 'joint-review', department: 'OTHER', decision: 'approve', opinion: '房屋设计符合农房建设技术要求' } };
        }
        return null;
      },
      idle: 3,
    }),

  /** Returned by natural resources for documents, with a deadline for the applicant. */
  returned: () =>
    homesteadStory({
      target: 'RETURNED',
      custom: (record) =>
        record.process.status === 'JOINT_REVIEW' && ownBranch(record, 'NATRES') && !ownBranch(record, 'AGRI')
          ? {
              actor: departmentActor('NATRES'),
              body: { action: 'return', department: 'NATRES', reason: '规划红线图未标注四至尺寸，缺少相邻权利人书面意见', requiredMaterials: ['RED_LINE_MAP', 'NEIGHBOUR_AGREEMENT'], deadlineWorkingDays: 10 },
            }
          : undefined,
      idle: 3,
    }),

  /** Returned, and the applicant let the deadline pass. */
  returnedOverdue: () =>
    homesteadStory({
      target: 'RETURNED',
      custom: (record) =>
        record.process.status === 'VILLAGE_REVIEW'
          ? { actor: villageActor(record.villageCode), body: { action: 'return', reason: '户口簿复印件不清晰，无法核实家庭成员', requiredMaterials: ['HOUSEHOLD_REGISTER'], deadlineWorkingDays: 10 } }
          : undefined,
      idle: 14,
      household: 1,
    }),

  rejected: () =>
    homesteadStory({
      target: 'REJECTED',
      custom: (record) =>
        record.process.status === 'TOWN_DECISION'
          ? { actor: townActor(record.townCode), body: { action: 'reject', reasonCode: 'BASIC_FARMLAND', reason: '经核查，拟建位置位于永久基本农田保护红线内，不符合宅基地选址要求' } }
          : undefined,
      idle: 6,
    }),

  withdrawn: () =>
    homesteadStory({
      target: 'WITHDRAWN',
      custom: (record) =>
        record.process.status === 'VILLAGE_REVIEW'
          ? { actor: villageActor(record.villageCode), body: { action: 'withdraw', reason: '家庭情况变化，拟改为购买镇区商品房' } }
          : undefined,
      idle: 8,
      household: 1,
    }),

  suspended: () =>
    homesteadStory({
      target: 'SUSPENDED',
      custom: (record) =>
        record.process.status === 'GROUP_REVIEW'
          ? { actor: villageActor(record.villageCode), body: { action: 'suspend', reasonCode: 'NOTICE_OBJECTION', reason: '公示期间相邻户对东侧界址提出异议，待村委会调解' } }
          : undefined,
      idle: 5,
    }),
};

export type HomesteadStoryKey = keyof typeof homesteadTimelines;

// ----------------------------------------------------------------------------------- work orders

const GUICHENG_COMMUNITY = villages.find((v) => v.townCode === '440605011')!;

function workOrderStory(target: 'PROCESSING' | 'CLOSED'): ProcessTimeline {
  const input: WorkOrderInput = {
    channel: 'HOTLINE',
    type: 'COMPLAINT',
    category: { levelOne: '城市管理', levelTwo: '噪声污染', levelThree: '建筑施工噪声', levelFour: null },
    title: `${findTown('440605011')!.name}灯湖东路工地夜间施工噪音扰民`,
    content: '灯湖东路某工地连续多晚22点后仍在打桩施工，噪音很大，影响居民休息，请相关部门尽快处理。',
    regionCode: GUICHENG_COMMUNITY.code,
    address: `${findTown('440605011')!.name}灯湖东路28号附近`,
    reporter: { name: '黄丽华', phone: '13790216620', anonymous: false, wantsReply: true },
    emergencyLevel: 'normal',
  };
  const centre = hotlineCentreActor();
  const handler = departmentActor('CITYMGMT');
  const orderNo = target === 'CLOSED' ? 'GD-20261009-000088' : 'GD-20261118-000123';
  const moves: { actor: Actor; body: ActionBody; gap: number }[] = [
    { actor: centre, body: { action: 'dispatch', deptCode: 'CITYMGMT', regionCode: '440605', remark: '请按职责办理' }, gap: 0 },
    { actor: handler, body: { action: 'sign' }, gap: 0 },
    { actor: handler, body: { action: 'process', opinion: '已安排执法队员夜间巡查，责令工地停止夜间施工' }, gap: 1 },
    { actor: centre, body: { action: 'urge', reason: '诉求人再次来电反映，请加快办理' }, gap: 3 },
    { actor: centre, body: { action: 'supervise', reason: '列入督办件，请于期限内办结并回复' }, gap: 1 },
  ];
  if (target === 'CLOSED') {
    moves.push(
      { actor: handler, body: { action: 'reply', resultCode: 0, result: '已责令施工单位停止夜间施工并立案处罚', replyContent: '您好，您反映的问题已处理，感谢您的监督。' }, gap: 2 },
      { actor: centre, body: { action: 'verify', checkResult: 1, method: 'phone', remark: '电话核实已办结' }, gap: 1 },
      { actor: centre, body: { action: 'callback', reached: true, satisfaction: 3, solved: 0 }, gap: 1 },
      { actor: centre, body: { action: 'close', evaluation: '按时办结，回访非常满意' }, gap: 0 },
    );
  }
  const total = moves.reduce((sum, m) => sum + m.gap, 0);
  let at = shanghaiTime(workdaysBefore(calendar, shanghaiDate(STORY_NOW), total + (target === 'CLOSED' ? 20 : 2)), 21, 14);
  const created = createWorkOrderRecord(workOrderSpec, input, { id: orderNo, orderNo, actor: centre, at, calendar });
  let record: WorkOrderRecord = created.record;
  const events = [...created.events];
  moves.forEach((move, index) => {
    at = move.gap === 0 ? new Date(at.getTime() + 40 * 60_000) : shanghaiTime(shanghaiDate(calendar.addWorkdays(at, move.gap)), 9 + index, 20);
    const result = act(workOrderSpec, record, move.body, move.actor, at, calendar);
    record = result.record;
    events.push(result.event);
  });
  return processTimeline(
    workOrderSpec,
    record,
    numbered(events, 90200),
    {
      ...workOrderTimelineParts(record, { now: STORY_NOW, calendar }),
      applicant: { name: '黄丽华', idNumber: null, phone: maskPhone('13790216620'), masked: true },
      masking: { masked: true, fields: ['applicant.phone'], reason: 'role:town' },
    },
    { now: STORY_NOW, calendar },
  );
}

export const workOrderTimelines = {
  processing: () => workOrderStory('PROCESSING'),
  closed: () => workOrderStory('CLOSED'),
};

/** A copy of a timeline with hostile strings in every free-text field a page could receive. */
export function withHostileStrings(timeline: ProcessTimeline): ProcessTimeline {
  const hostile = '<img src=x onerror="alert(\'xss\')"><script>alert(1)</script>';
  return {
    ...timeline,
    description: { zh: `${timeline.description.zh}${hostile}`, en: `${timeline.description.en}${hostile}` },
    events: timeline.events.map((e, i) => (i === timeline.events.length - 1 ? { ...e, remark: `意见：${hostile} javascript:alert(1)` } : e)),
  };
}
