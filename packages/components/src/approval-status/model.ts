/**
 * The data side of `<cb-approval-status>`: a defensive reading of the process-agnostic
 * `ProcessTimeline` (homestead applications and work orders alike) and the facts the
 * views derive from it (where the process stands, its tone, what is overdue).
 *
 * Everything here is pure and never throws: a timeline from an older server, a proxy
 * that dropped fields or a hand-written `timeline` property is read field by field,
 * and whatever is unusable is left out instead of breaking the element.
 */
import type { ProcessTimeline, TimelineEvent } from '@citybrain/client';

export type Timeline = ProcessTimeline;
export type TimelineStep = ProcessTimeline['steps'][number];
export type TimelineSubStep = TimelineStep['substeps'][number];
export type { TimelineEvent };
export type LocalizedText = ProcessTimeline['label'];
export type StepState = TimelineStep['state'];
export type ProcessKind = ProcessTimeline['kind'];

/** The processes the element renders. */
export const PROCESS_KINDS: readonly ProcessKind[] = ['homestead', 'workorder'];

/** Ids of applications and work orders, as the contracts define them. */
export const RECORD_ID_PATTERN = /^[A-Za-z0-9-]{4,64}$/;
/** The public lookup's 6-digit verification code. */
export const VERIFICATION_CODE_PATTERN = /^\d{6}$/;

const STEP_STATES: readonly StepState[] = ['pending', 'active', 'done', 'returned', 'rejected', 'skipped'];
const SIDE_KINDS = ['returned', 'withdrawn', 'suspended', 'extension-requested', 'void'] as const;
type SideKind = (typeof SIDE_KINDS)[number];

type Loose = Record<string, unknown>;

function isObject(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function integer(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : null;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function localized(value: unknown): LocalizedText {
  if (typeof value === 'string') return { zh: value, en: value };
  if (!isObject(value)) return { zh: '', en: '' };
  const zh = text(value.zh) ?? '';
  const en = text(value.en) ?? '';
  return { zh: zh || en, en };
}

function optionalLocalized(value: unknown): LocalizedText | null {
  if (value === null || value === undefined) return null;
  const result = localized(value);
  return result.zh || result.en ? result : null;
}

function handler(value: unknown): TimelineStep['handler'] {
  const source = isObject(value) ? value : {};
  const role = text(source.role);
  return {
    role: (role as TimelineStep['handler']['role']) ?? null,
    deptCode: text(source.deptCode),
    deptName: text(source.deptName),
  };
}

function actor(value: unknown): TimelineEvent['actor'] {
  const source = isObject(value) ? value : {};
  return { role: text(source.role), deptCode: text(source.deptCode), deptName: text(source.deptName), name: text(source.name) };
}

function stepState(value: unknown): StepState {
  return STEP_STATES.includes(value as StepState) ? (value as StepState) : 'pending';
}

function subStep(value: unknown): TimelineSubStep | undefined {
  if (!isObject(value)) return undefined;
  const key = text(value.key);
  if (key === null) return undefined;
  return {
    key,
    name: localized(value.name ?? key),
    state: stepState(value.state),
    handler: handler(value.handler),
    startedAt: text(value.startedAt),
    dueAt: text(value.dueAt),
    doneAt: text(value.doneAt),
    workingDaysLimit: integer(value.workingDaysLimit),
    workingDaysUsed: integer(value.workingDaysUsed),
    overdue: value.overdue === true,
    decision: text(value.decision),
    opinion: text(value.opinion),
  };
}

function step(value: unknown, index: number): TimelineStep | undefined {
  if (!isObject(value)) return undefined;
  const key = text(value.key);
  if (key === null) return undefined;
  return {
    key,
    order: integer(value.order) ?? index + 1,
    name: localized(value.name ?? key),
    state: stepState(value.state),
    handler: handler(value.handler),
    startedAt: text(value.startedAt),
    dueAt: text(value.dueAt),
    doneAt: text(value.doneAt),
    workingDaysLimit: integer(value.workingDaysLimit),
    workingDaysUsed: integer(value.workingDaysUsed),
    overdue: value.overdue === true,
    opinion: text(value.opinion),
    provisional: value.provisional === true,
    substeps: list(value.substeps).map(subStep).filter((s): s is TimelineSubStep => s !== undefined),
  };
}

/** One event, or undefined when it lacks what every view needs (id, time, target status). */
export function normalizeEvent(value: unknown): TimelineEvent | undefined {
  if (!isObject(value)) return undefined;
  const id = text(value.id);
  const at = text(value.at);
  const toStatus = text(value.toStatus);
  if (id === null || at === null || toStatus === null) return undefined;
  return {
    id,
    at,
    actor: actor(value.actor),
    action: text(value.action) ?? '',
    actionLabel: localized(value.actionLabel ?? value.action),
    fromStatus: text(value.fromStatus),
    toStatus,
    stage: text(value.stage),
    branch: text(value.branch),
    remark: text(value.remark),
  };
}

function deadline(value: unknown): Timeline['deadline'] {
  if (!isObject(value)) return null;
  const dueAt = text(value.dueAt);
  const limit = integer(value.workingDaysLimit);
  if (dueAt === null || limit === null) return null;
  return {
    stage: text(value.stage),
    workingDaysLimit: limit,
    startedAt: text(value.startedAt) ?? '',
    dueAt,
    workingDaysUsed: integer(value.workingDaysUsed) ?? 0,
    remainingWorkingDays: integer(value.remainingWorkingDays) ?? 0,
    overdue: value.overdue === true,
    paused: value.paused === true,
    provisional: value.provisional === true,
  };
}

function returned(value: unknown): Timeline['returned'] {
  if (!isObject(value)) return null;
  return {
    reason: text(value.reason) ?? '',
    reasonCode: text(value.reasonCode),
    requiredMaterials: list(value.requiredMaterials).map(text).filter((m): m is string => m !== null),
    requiredMaterialLabels: list(value.requiredMaterialLabels).map(text).filter((m): m is string => m !== null),
    returnedAt: text(value.returnedAt) ?? '',
    returnedBy: actor(value.returnedBy),
    fromStage: text(value.fromStage),
    deadline: text(value.deadline),
    applicantNextAction: optionalLocalized(value.applicantNextAction),
    overdue: value.overdue === true,
  };
}

function rejection(value: unknown): Timeline['rejection'] {
  if (!isObject(value)) return null;
  return {
    reasonCode: text(value.reasonCode) ?? '',
    reasonLabel: optionalLocalized(value.reasonLabel),
    reason: text(value.reason) ?? '',
    rejectedAt: text(value.rejectedAt) ?? '',
    rejectedBy: actor(value.rejectedBy),
  };
}

function sideState(value: unknown): Timeline['sideState'] {
  if (!isObject(value)) return null;
  const kind = text(value.kind);
  if (!SIDE_KINDS.includes(kind as SideKind)) return null;
  return {
    kind: kind as SideKind,
    since: text(value.since) ?? '',
    reason: text(value.reason),
    reasonCode: text(value.reasonCode),
    fromStatus: text(value.fromStatus),
  };
}

function completion(value: unknown): Timeline['completion'] {
  if (!isObject(value)) return null;
  const result: NonNullable<Timeline['completion']> = {
    approvalNo: text(value.approvalNo),
    planningPermitNo: text(value.planningPermitNo),
    registrationNo: text(value.registrationNo),
    approvedAreaSqm: num(value.approvedAreaSqm),
    approvedAt: text(value.approvedAt),
    acceptedAt: text(value.acceptedAt),
    registeredAt: text(value.registeredAt),
    closedAt: text(value.closedAt),
    result: text(value.result),
    resultCode: integer(value.resultCode),
    satisfaction: integer(value.satisfaction),
    solved: integer(value.solved),
  };
  return Object.values(result).some((v) => v !== null) ? result : null;
}

function nextAction(value: unknown): Timeline['nextAction'] {
  const source = isObject(value) ? value : {};
  const who = text(source.actor);
  return {
    actor: who === 'applicant' || who === 'authority' ? who : 'none',
    action: text(source.action),
    label: localized(source.label),
    dueAt: text(source.dueAt),
    role: text(source.role),
    deptCode: text(source.deptCode),
  };
}

function flags(value: unknown): Record<string, boolean> {
  if (!isObject(value)) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === 'boolean')) as Record<string, boolean>;
}

/**
 * Reads a timeline answered by the API (or given by a page) defensively. Returns
 * undefined when it is not a timeline at all (no id or status), e.g. a gateway's
 * JSON error envelope; every other gap is filled with an empty value.
 */
export function normalizeTimeline(raw: unknown): Timeline | undefined {
  if (!isObject(raw)) return undefined;
  const id = text(raw.id) ?? text(raw.referenceNo);
  const status = text(raw.status);
  if (id === null || status === null) return undefined;
  const kind = PROCESS_KINDS.includes(raw.kind as ProcessKind) ? (raw.kind as ProcessKind) : 'homestead';
  const region = isObject(raw.region) ? raw.region : {};
  const applicant = isObject(raw.applicant) ? raw.applicant : {};
  const masking = isObject(raw.masking) ? raw.masking : {};
  const steps = list(raw.steps)
    .map(step)
    .filter((s): s is TimelineStep => s !== undefined)
    .sort((a, b) => a.order - b.order);
  const events = list(raw.events)
    .map(normalizeEvent)
    .filter((e): e is TimelineEvent => e !== undefined);
  return {
    kind,
    id,
    referenceNo: text(raw.referenceNo) ?? id,
    title: localized(raw.title),
    processKey: text(raw.processKey) ?? kind,
    processVersion: text(raw.processVersion) ?? '',
    region: {
      code: text(region.code) ?? '',
      name: text(region.name) ?? '',
      townCode: text(region.townCode),
      townName: text(region.townName),
    },
    applicant: {
      name: text(applicant.name),
      idNumber: text(applicant.idNumber),
      phone: text(applicant.phone),
      masked: applicant.masked === true,
    },
    status,
    stage: text(raw.stage),
    label: localized(raw.label ?? status),
    description: localized(raw.description),
    terminal: raw.terminal === true,
    steps,
    events,
    deadline: deadline(raw.deadline),
    totalDeadline: deadline(raw.totalDeadline),
    returned: returned(raw.returned),
    rejection: rejection(raw.rejection),
    sideState: sideState(raw.sideState),
    completion: completion(raw.completion),
    nextAction: nextAction(raw.nextAction),
    flags: flags(raw.flags),
    masking: {
      masked: masking.masked === true,
      fields: list(masking.fields).map(text).filter((f): f is string => f !== null),
      reason: text(masking.reason),
    },
    generatedAt: text(raw.generatedAt) ?? '',
  };
}

/** The Chinese or English side of a localized text, falling back to Chinese. */
export function pick(value: LocalizedText | null | undefined, locale: string): string {
  if (!value) return '';
  return locale === 'en' && value.en ? value.en : value.zh || value.en;
}

/**
 * The index of the step the process stands at (its active step, or where it stopped),
 * -1 when no step has started.
 */
export function currentStepIndex(timeline: Timeline): number {
  const { steps } = timeline;
  if (timeline.stage !== null) {
    const byStage = steps.findIndex((s) => s.key === timeline.stage);
    if (byStage >= 0) return byStage;
  }
  for (let i = steps.length - 1; i >= 0; i--) {
    const state = steps[i]!.state;
    if (state === 'active' || state === 'returned' || state === 'rejected') return i;
  }
  for (let i = steps.length - 1; i >= 0; i--) {
    if (steps[i]!.state === 'done') return i;
  }
  return -1;
}

/** Whether every step is done (or skipped) and the process ended normally. */
export function isFinished(timeline: Timeline): boolean {
  return (
    timeline.terminal &&
    timeline.rejection === null &&
    timeline.sideState === null &&
    timeline.steps.length > 0 &&
    timeline.steps.every((s) => s.state === 'done' || s.state === 'skipped') &&
    timeline.steps.some((s) => s.state === 'done')
  );
}

/** How the status reads at a glance; the colour is never the only carrier (the label says it too). */
export type Tone = 'progress' | 'success' | 'warning' | 'danger' | 'neutral';

export function toneOf(timeline: Timeline): Tone {
  if (timeline.rejection !== null) return 'danger';
  switch (timeline.sideState?.kind) {
    case 'returned':
    case 'suspended':
      return 'warning';
    case 'withdrawn':
    case 'void':
      return 'neutral';
    default:
      break;
  }
  if (timeline.terminal) return 'success';
  return 'progress';
}

/** Whether the active stage, the total time limit or the process as flagged by the server is late. */
export function isOverdue(timeline: Timeline): boolean {
  if (timeline.terminal) return false;
  return Boolean(timeline.deadline?.overdue || timeline.totalDeadline?.overdue || timeline.flags?.overdue);
}

/** The largest numeric event id of a timeline, to resume its event stream after it. */
export function lastEventId(timeline: Timeline): string | undefined {
  let best: bigint | undefined;
  for (const event of timeline.events) {
    if (!/^\d{1,18}$/.test(event.id)) continue;
    const id = BigInt(event.id);
    if (best === undefined || id > best) best = id;
  }
  return best?.toString();
}

/** Events newest first (by time, then id), without mutating the timeline. */
export function eventsNewestFirst(timeline: Timeline): TimelineEvent[] {
  return [...timeline.events].sort((a, b) => {
    const byTime = Date.parse(b.at) - Date.parse(a.at);
    if (byTime !== 0 && !Number.isNaN(byTime)) return byTime;
    return b.id.localeCompare(a.id, 'en', { numeric: true });
  });
}

/** Events of `next` that `previous` did not have. */
export function newEvents(previous: Timeline | undefined, next: Timeline): TimelineEvent[] {
  if (previous === undefined) return [];
  const known = new Set(previous.events.map((e) => e.id));
  return next.events.filter((e) => !known.has(e.id));
}

/** 张三丰 → 张**: the public lookup never shows more than the surname (Hutool convention). */
export function maskName(name: string | null): string | null {
  if (name === null || name === '') return null;
  if (name.includes('*')) return name;
  const chars = Array.from(name);
  return chars[0] + '*'.repeat(Math.max(chars.length - 1, 1));
}

/**
 * The timeline as a citizen may see it, whatever the server sent: the applicant reduced
 * to a masked name (no ID number, no phone) and no official's name on any event. The
 * public endpoint already masks all of it; this is a second line of defence so that a
 * misconfigured gateway or a staff token on a public page can never leak personal data.
 */
export function citizenView(timeline: Timeline): Timeline {
  const strip = (a: TimelineEvent['actor']): TimelineEvent['actor'] => ({ ...a, name: null });
  const name = timeline.applicant.name;
  const masked = maskName(name);
  // A title like "陈志强 宅基地和建房申请" must not carry the name either.
  const hideName = (value: LocalizedText): LocalizedText =>
    name && masked && name !== masked ? { zh: value.zh.split(name).join(masked), en: value.en.split(name).join(masked) } : value;
  return {
    ...timeline,
    title: hideName(timeline.title),
    description: hideName(timeline.description),
    applicant: { name: masked, idNumber: null, phone: null, masked: true },
    events: timeline.events.map((e) => ({ ...e, actor: strip(e.actor) })),
    returned: timeline.returned ? { ...timeline.returned, returnedBy: strip(timeline.returned.returnedBy) } : null,
    rejection: timeline.rejection
      ? { ...timeline.rejection, ...(timeline.rejection.rejectedBy ? { rejectedBy: strip(timeline.rejection.rejectedBy) } : {}) }
      : null,
  };
}
