import { expect } from '@open-wc/testing';
import {
  citizenView,
  currentStepIndex,
  eventsNewestFirst,
  isFinished,
  isOverdue,
  lastEventId,
  maskName,
  newEvents,
  normalizeTimeline,
  pick,
  toneOf,
  type Timeline,
} from './model.js';

function timeline(raw: Record<string, unknown>): Timeline {
  const result = normalizeTimeline({ id: 'ZJD-440605124-2026-000001', status: 'GROUP_REVIEW', ...raw });
  if (!result) throw new Error('not a timeline');
  return result;
}

const step = (key: string, state: string) => ({ key, name: { zh: key, en: key }, state });

describe('approval-status model', () => {
  it('rejects what is not a timeline and fills gaps of what is', () => {
    expect(normalizeTimeline(null)).to.be.undefined;
    expect(normalizeTimeline([])).to.be.undefined;
    expect(normalizeTimeline({ id: 'x' })).to.be.undefined;
    expect(normalizeTimeline({ code: 0, msg: 'ok', data: null })).to.be.undefined;
    const t = timeline({ label: '公示中', steps: 'nope', events: [{ id: 1 }], kind: 'parcel' });
    expect(t.kind).to.equal('homestead');
    expect(t.referenceNo).to.equal('ZJD-440605124-2026-000001');
    expect(t.label).to.deep.equal({ zh: '公示中', en: '公示中' });
    expect(t.steps).to.deep.equal([]);
    expect(t.events).to.deep.equal([]);
    expect(t.nextAction.actor).to.equal('none');
    expect(t.applicant).to.deep.equal({ name: null, idNumber: null, phone: null, masked: false });
  });

  it('orders steps, drops unusable ones and coerces unknown states to pending', () => {
    const t = timeline({ steps: [{ key: 'B', order: 2, state: 'done' }, { order: 3 }, { key: 'A', order: 1, state: '???' }] });
    expect(t.steps.map((s) => [s.key, s.state])).to.deep.equal([
      ['A', 'pending'],
      ['B', 'done'],
    ]);
  });

  it('finds where the process stands', () => {
    const steps = [step('A', 'done'), step('B', 'done'), step('C', 'active'), step('D', 'pending')];
    expect(currentStepIndex(timeline({ stage: 'C', steps }))).to.equal(2);
    // Side state keeps the stage; an unknown stage falls back to the active step.
    expect(currentStepIndex(timeline({ stage: 'ZZZ', steps }))).to.equal(2);
    // Rejected and ended: the rejected step.
    const rejected = [step('A', 'done'), step('B', 'rejected'), step('C', 'skipped')];
    expect(currentStepIndex(timeline({ stage: null, steps: rejected }))).to.equal(1);
    // Withdrawn: the last step reached.
    const withdrawn = [step('A', 'done'), step('B', 'done'), step('C', 'skipped')];
    expect(currentStepIndex(timeline({ stage: null, steps: withdrawn }))).to.equal(1);
    expect(currentStepIndex(timeline({ stage: null, steps: [step('A', 'pending')] }))).to.equal(-1);
  });

  it('knows finished, tone and overdue', () => {
    const done = [step('A', 'done'), step('B', 'done')];
    expect(isFinished(timeline({ terminal: true, steps: done }))).to.be.true;
    expect(isFinished(timeline({ terminal: false, steps: done }))).to.be.false;
    expect(toneOf(timeline({ terminal: true, steps: done }))).to.equal('success');
    expect(toneOf(timeline({ rejection: { reasonCode: 'X', reason: 'r', rejectedAt: '' } }))).to.equal('danger');
    expect(toneOf(timeline({ sideState: { kind: 'returned', since: '' } }))).to.equal('warning');
    expect(toneOf(timeline({ sideState: { kind: 'suspended', since: '' } }))).to.equal('warning');
    expect(toneOf(timeline({ terminal: true, sideState: { kind: 'withdrawn', since: '' } }))).to.equal('neutral');
    expect(toneOf(timeline({}))).to.equal('progress');
    const late = { dueAt: '2026-01-01', workingDaysLimit: 5, overdue: true };
    expect(isOverdue(timeline({ deadline: late }))).to.be.true;
    expect(isOverdue(timeline({ totalDeadline: late }))).to.be.true;
    expect(isOverdue(timeline({ flags: { overdue: true } }))).to.be.true;
    expect(isOverdue(timeline({ deadline: late, terminal: true }))).to.be.false;
    expect(isOverdue(timeline({}))).to.be.false;
  });

  it('tracks events: newest first, the last id to resume after, what is new', () => {
    const e = (id: string, at: string) => ({ id, at, toStatus: 'X', actionLabel: { zh: id } });
    const before = timeline({ events: [e('9', '2026-01-01T00:00:00Z'), e('10', '2026-01-01T00:00:00Z'), e('100', '2026-01-02T00:00:00Z')] });
    expect(eventsNewestFirst(before).map((x) => x.id)).to.deep.equal(['100', '10', '9']);
    expect(lastEventId(before)).to.equal('100');
    expect(lastEventId(timeline({ events: [e('abc', '2026-01-01')] }))).to.be.undefined;
    const after = timeline({ events: [...before.events, e('101', '2026-01-03T00:00:00Z')] });
    expect(newEvents(before, after).map((x) => x.id)).to.deep.equal(['101']);
    expect(newEvents(undefined, after)).to.deep.equal([]);
  });

  it('picks the locale side of a text, falling back to Chinese', () => {
    expect(pick({ zh: '公示中', en: 'Notice' }, 'en')).to.equal('Notice');
    expect(pick({ zh: '公示中', en: '' }, 'en')).to.equal('公示中');
    expect(pick({ zh: '公示中', en: 'Notice' }, 'zh-CN')).to.equal('公示中');
    expect(pick(null, 'en')).to.equal('');
  });

  it('masks for citizens whatever the server sent', () => {
    expect(maskName('张三')).to.equal('张*');
    expect(maskName('陈志强')).to.equal('陈**');
    expect(maskName('欧阳娜娜')).to.equal('欧***');
    expect(maskName('陈**')).to.equal('陈**');
    expect(maskName('')).to.be.null;
    const t = timeline({
      title: { zh: '陈志强 宅基地和建房（规划许可）申请', en: 'Homestead application of 陈志强' },
      applicant: { name: '陈志强', idNumber: '440605198203151312', phone: '13926081234', masked: false },
      events: [{ id: '1', at: '2026-01-01', toStatus: 'X', actor: { deptName: '唐边村委会', name: '李建华' } }],
      returned: { reason: 'r', returnedBy: { deptName: '农业农村局', name: '王科长' } },
      rejection: { reasonCode: 'X', reason: 'r', rejectedAt: '', rejectedBy: { deptName: '狮山镇人民政府', name: '赵镇长' } },
    });
    const c = citizenView(t);
    expect(c.applicant).to.deep.equal({ name: '陈**', idNumber: null, phone: null, masked: true });
    expect(c.title.zh).to.equal('陈** 宅基地和建房（规划许可）申请');
    expect(c.events[0]!.actor).to.include({ deptName: '唐边村委会', name: null });
    expect(c.returned!.returnedBy.name).to.be.null;
    expect(c.rejection!.rejectedBy!.name).to.be.null;
    expect(JSON.stringify(c)).not.to.match(/陈志强|440605198203151312|13926081234|李建华|王科长|赵镇长/);
  });
});
