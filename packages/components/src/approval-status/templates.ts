/**
 * Sub-templates of `<cb-approval-status>`: badge, facts, notices (rejection, return,
 * side states, completion), deadlines, the stepper with parallel sub-steps, and the
 * event timeline. Every value from the API is rendered as text through Lit bindings,
 * never as markup, and no template uses inline styles (strict CSP).
 */
import { html, nothing, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import { formatArea, formatDate, formatDateTime } from '../shared/format.js';
import {
  currentStepIndex,
  eventsNewestFirst,
  isFinished,
  isOverdue,
  pick,
  toneOf,
  type Timeline,
  type TimelineEvent,
  type TimelineStep,
  type TimelineSubStep,
} from './model.js';
import {
  decisionLabel,
  flagLabel,
  partyLabel,
  processLabel,
  referenceLabel,
  remainingText,
  roleLabel,
  satisfactionLabel,
  SHOWN_FLAGS,
  solvedLabel,
  stepStateLabel,
  workingDays,
} from './texts.js';

export type ResolvedLayout = 'horizontal' | 'vertical' | 'compact';

export interface ViewContext {
  locale: string;
  layout: ResolvedLayout;
  /** Level of the element's title (1–6); sections use the next level. */
  headingLevel: number;
  /** Citizen (public lookup) view: masked party, no personal details at all. */
  citizen: boolean;
  /** Whether all events are listed (otherwise the latest few). */
  showAllEvents: boolean;
  onToggleEvents: () => void;
}

/** Events listed before the "show all" button. */
export const COLLAPSED_EVENT_COUNT = 5;

function time(value: string | null | undefined, withTime = true): TemplateResult | typeof nothing {
  if (!value) return nothing;
  return html`<time datetime=${value}>${withTime ? formatDateTime(value) : formatDate(value)}</time>`;
}

/**
 * Deadlines end at 23:59:59 Beijing time: the date says it all. A provisional one was counted before
 * its year's holiday schedule was published and may still move, so it reads as an estimate.
 */
function dueDate(value: string | null | undefined, provisional = false): TemplateResult | typeof nothing {
  if (!provisional || !value) return time(value, false);
  return html`<span class="estimate" part="estimate"
    >${msg('预计', { id: 'approval.deadline.estimate' })} ${time(value, false)}<span class="note"
      >${msg('（该年节假日安排尚未公布，按周一至周五估算）', { id: 'approval.deadline.estimate-note' })}</span
    ></span
  >`;
}

function heading(level: number, id: string, content: unknown, part = 'section-title', extraClass = ''): TemplateResult {
  return html`<div class="heading ${extraClass}" role="heading" aria-level=${Math.min(6, level)} id=${id} part=${part}>
    ${content}
  </div>`;
}

function actorText(actor: TimelineEvent['actor'] | null | undefined, citizen: boolean): string {
  if (!actor) return '';
  const office = actor.deptName ?? roleLabel(actor.role) ?? '';
  const person = !citizen && actor.name && actor.name !== actor.deptName ? actor.name : '';
  return office && person ? `${office} · ${person}` : office || person;
}

// ------------------------------------------------------------------------------ badge

export function renderBadge(timeline: Timeline, ctx: ViewContext): TemplateResult {
  const tone = toneOf(timeline);
  const overdue = isOverdue(timeline);
  const flags = timeline.flags ?? {};
  return html`<span class="badges">
    <span part="badge badge-${tone}" class="badge badge--${tone}">${pick(timeline.label, ctx.locale) || timeline.status}</span>
    ${overdue ? html`<span part="badge badge-overdue" class="badge badge--danger">${msg('已超期', { id: 'approval.overdue' })}</span>` : nothing}
    ${SHOWN_FLAGS.filter((flag) => flags[flag] === true && !(flag === 'willOverdue' && overdue)).map(
      (flag) => html`<span part="badge badge-flag" class="badge badge--${flag === 'emergency' ? 'danger' : 'warning'}">${flagLabel(flag)}</span>`,
    )}
  </span>`;
}

/** "第 N 步，共 M 步", or that the process ran its whole course. */
export function positionText(timeline: Timeline): string {
  const total = timeline.steps.length;
  if (total === 0) return '';
  if (isFinished(timeline)) return msg(str`已完成全部 ${total} 步`, { id: 'approval.position.finished' });
  const index = currentStepIndex(timeline);
  if (index < 0) return msg(str`共 ${total} 步，尚未开始`, { id: 'approval.position.not-started' });
  return msg(str`第 ${index + 1} 步，共 ${total} 步`, { id: 'approval.position' });
}

// ------------------------------------------------------------------------------ compact

/** While suspended or returned the clock stands still: no countdown, no due date (it will move). */
function pausedText(): string {
  return msg('计时暂停', { id: 'approval.deadline.paused' });
}

export function renderCompact(timeline: Timeline, ctx: ViewContext): TemplateResult {
  const position = positionText(timeline);
  const deadline = timeline.deadline;
  return html`<div part="base" class="compact tone--${toneOf(timeline)}" lang=${ctx.locale} role="group" aria-labelledby="compact-label">
    <span class="visually-hidden" id="compact-label"
      >${msg(str`${processLabel(timeline.kind)}办理状态`, { id: 'approval.compact-label' })}</span
    >
    ${renderBadge(timeline, ctx)}
    <span class="compact__ref" part="reference">${timeline.referenceNo}</span>
    ${position ? html`<span class="compact__meta" part="position">${position}</span>` : nothing}
    ${deadline && !timeline.terminal
      ? html`<span class="compact__meta ${deadline.overdue ? 'is-overdue' : ''}" part="deadline"
          >${deadline.paused ? pausedText() : remainingText(deadline.remainingWorkingDays)}${deadline.provisional
            ? msg('（预计）', { id: 'approval.deadline.estimate-short' })
            : nothing}</span
        >`
      : nothing}
  </div>`;
}

// ------------------------------------------------------------------------------ facts

function renderFacts(timeline: Timeline, ctx: ViewContext): TemplateResult {
  const { applicant, region } = timeline;
  const place =
    region.townName && region.name && !region.name.startsWith(region.townName)
      ? `${region.townName}${region.name}`
      : region.name || region.townName || '';
  const index = currentStepIndex(timeline);
  const currentStep = index >= 0 && !isFinished(timeline) ? timeline.steps[index] : undefined;
  return html`<dl class="facts" part="summary">
    <div class="fact">
      <dt>${referenceLabel(timeline.kind)}</dt>
      <dd class="mono" part="reference">${timeline.referenceNo}</dd>
    </div>
    ${applicant.name
      ? html`<div class="fact">
          <dt>${partyLabel(timeline.kind)}</dt>
          <dd part="applicant">
            <span>${applicant.name}</span>
            ${!ctx.citizen && applicant.idNumber ? html`<span class="mono">${applicant.idNumber}</span>` : nothing}
            ${!ctx.citizen && applicant.phone ? html`<span class="mono">${applicant.phone}</span>` : nothing}
            ${applicant.masked || ctx.citizen
              ? html`<span class="note">${msg('（个人信息已脱敏）', { id: 'approval.masked-note' })}</span>`
              : nothing}
          </dd>
        </div>`
      : nothing}
    ${place
      ? html`<div class="fact">
          <dt>${msg('所在地', { id: 'approval.field.region' })}</dt>
          <dd>${place}</dd>
        </div>`
      : nothing}
    ${currentStep
      ? html`<div class="fact">
          <dt>
            ${timeline.terminal
              ? msg('终止环节', { id: 'approval.field.ended-step' })
              : msg('当前环节', { id: 'approval.field.current-step' })}
          </dt>
          <dd part="current-step">
            ${pick(currentStep.name, ctx.locale)}
            ${currentStep.handler.deptName ? html`<span class="note">${currentStep.handler.deptName}</span>` : nothing}
          </dd>
        </div>`
      : nothing}
  </dl>`;
}

// ------------------------------------------------------------------------------ notices

function renderRejection(timeline: Timeline, ctx: ViewContext): TemplateResult | typeof nothing {
  const rejection = timeline.rejection;
  if (!rejection) return nothing;
  const by = actorText(rejection.rejectedBy, ctx.citizen);
  return html`<section part="notice notice-rejected" class="notice notice--danger" aria-labelledby="rejected-title">
    ${heading(ctx.headingLevel + 1, 'rejected-title', msg('不予批准', { id: 'approval.rejected.title' }), 'notice-title')}
    ${rejection.reasonLabel ? html`<p class="notice__lead">${pick(rejection.reasonLabel, ctx.locale)}</p>` : nothing}
    ${rejection.reason ? html`<p>${msg('理由：', { id: 'approval.reason' })}${rejection.reason}</p>` : nothing}
    <p class="note">
      ${rejection.rejectedAt ? html`<span>${msg('决定时间：', { id: 'approval.decided-at' })}${time(rejection.rejectedAt)}</span>` : nothing}
      ${by ? html`<span>${msg('决定机关：', { id: 'approval.decided-by' })}${by}</span>` : nothing}
    </p>
  </section>`;
}

function renderReturned(timeline: Timeline, ctx: ViewContext): TemplateResult | typeof nothing {
  const returned = timeline.returned;
  if (!returned || timeline.sideState?.kind !== 'returned') return nothing;
  const materials = returned.requiredMaterialLabels?.length ? returned.requiredMaterialLabels : returned.requiredMaterials;
  const by = actorText(returned.returnedBy, ctx.citizen);
  return html`<section part="notice notice-returned" class="notice notice--warning" aria-labelledby="returned-title">
    ${heading(ctx.headingLevel + 1, 'returned-title', msg('退回补正', { id: 'approval.returned.title' }), 'notice-title')}
    ${returned.reason ? html`<p class="notice__lead">${msg('退回原因：', { id: 'approval.returned.reason' })}${returned.reason}</p>` : nothing}
    ${materials.length
      ? html`<p>${msg('需补充的材料：', { id: 'approval.returned.materials' })}</p>
          <ul class="materials" part="materials">
            ${materials.map((m) => html`<li>${m}</li>`)}
          </ul>`
      : nothing}
    ${returned.applicantNextAction
      ? html`<p class="notice__action" part="applicant-action">
          ${msg('申请人需要：', { id: 'approval.returned.next' })}${pick(returned.applicantNextAction, ctx.locale)}
        </p>`
      : nothing}
    ${returned.deadline
      ? html`<p>
          ${msg('补正期限：', { id: 'approval.returned.deadline' })}${dueDate(returned.deadline)}
          ${returned.overdue
            ? html`<strong class="flag flag--danger">${msg('已逾期', { id: 'approval.returned.overdue' })}</strong>`
            : nothing}
        </p>`
      : nothing}
    <p class="note">
      ${returned.returnedAt ? html`<span>${msg('退回时间：', { id: 'approval.returned.at' })}${time(returned.returnedAt)}</span>` : nothing}
      ${by ? html`<span>${msg('退回单位：', { id: 'approval.returned.by' })}${by}</span>` : nothing}
    </p>
  </section>`;
}

function renderSideState(timeline: Timeline, ctx: ViewContext): TemplateResult | typeof nothing {
  const side = timeline.sideState;
  if (!side || side.kind === 'returned') return nothing;
  let title: string;
  let explanation: string | undefined;
  let tone = 'neutral';
  switch (side.kind) {
    case 'withdrawn':
      title = msg('已撤回', { id: 'approval.side.withdrawn' });
      explanation = msg('申请已撤回，办理结束。如需再次申请，请重新提交。', { id: 'approval.side.withdrawn-note' });
      break;
    case 'suspended':
      title = msg('办理已中止', { id: 'approval.side.suspended' });
      explanation = msg('中止事由消除后恢复办理，中止期间不计入办理时限。', { id: 'approval.side.suspended-note' });
      tone = 'warning';
      break;
    case 'extension-requested':
      title = msg('已申请延期', { id: 'approval.side.extension' });
      tone = 'warning';
      break;
    default:
      title = msg('已作废', { id: 'approval.side.void' });
      break;
  }
  return html`<section part="notice notice-${side.kind}" class="notice notice--${tone}" aria-labelledby="side-title">
    ${heading(ctx.headingLevel + 1, 'side-title', title, 'notice-title')}
    ${side.reason ? html`<p class="notice__lead">${msg('原因：', { id: 'approval.side.reason' })}${side.reason}</p>` : nothing}
    ${explanation ? html`<p>${explanation}</p>` : nothing}
    ${side.since ? html`<p class="note"><span>${msg('起始时间：', { id: 'approval.side.since' })}${time(side.since)}</span></p>` : nothing}
  </section>`;
}

function fact(label: string, value: unknown): TemplateResult | typeof nothing {
  if (value === null || value === undefined || value === '' || value === nothing) return nothing;
  return html`<div class="fact"><dt>${label}</dt><dd>${value}</dd></div>`;
}

function renderCompletion(timeline: Timeline, ctx: ViewContext): TemplateResult | typeof nothing {
  const c = timeline.completion;
  if (!c) return nothing;
  const workorder = timeline.kind === 'workorder';
  const title = workorder
    ? msg('办理结果', { id: 'approval.completion.result-title' })
    : msg('审批结果及证书', { id: 'approval.completion.title' });
  return html`<section part="notice notice-completion" class="notice notice--success" aria-labelledby="completion-title">
    ${heading(ctx.headingLevel + 1, 'completion-title', title, 'notice-title')}
    <dl class="facts facts--compact" part="completion">
      ${fact(msg('《农村宅基地批准书》编号', { id: 'approval.completion.approval-no' }), c.approvalNo)}
      ${fact(msg('乡村建设规划许可证号', { id: 'approval.completion.permit-no' }), c.planningPermitNo)}
      ${fact(
        msg('批准宅基地面积', { id: 'approval.completion.area' }),
        c.approvedAreaSqm !== null && c.approvedAreaSqm !== undefined ? formatArea(c.approvedAreaSqm, { unit: 'both' }) : null,
      )}
      ${fact(msg('批准日期', { id: 'approval.completion.approved-at' }), c.approvedAt ? dueDate(c.approvedAt) : null)}
      ${fact(msg('竣工验收日期', { id: 'approval.completion.accepted-at' }), c.acceptedAt ? dueDate(c.acceptedAt) : null)}
      ${fact(msg('不动产权证书号', { id: 'approval.completion.registration-no' }), c.registrationNo)}
      ${fact(msg('登记日期', { id: 'approval.completion.registered-at' }), c.registeredAt ? dueDate(c.registeredAt) : null)}
      ${fact(msg('办理结果', { id: 'approval.completion.result' }), c.result)}
      ${fact(msg('解决情况', { id: 'approval.completion.solved' }), solvedLabel(c.solved ?? c.resultCode))}
      ${fact(msg('回访满意度', { id: 'approval.completion.satisfaction' }), satisfactionLabel(c.satisfaction))}
      ${fact(msg('办结时间', { id: 'approval.completion.closed-at' }), c.closedAt ? time(c.closedAt) : null)}
    </dl>
  </section>`;
}

function renderNextAction(timeline: Timeline, ctx: ViewContext): TemplateResult | typeof nothing {
  const next = timeline.nextAction;
  const label = pick(next.label, ctx.locale);
  if (!label || next.actor === 'none') return nothing;
  // The return notice already says what the applicant must do and by when.
  if (next.actor === 'applicant' && timeline.sideState?.kind === 'returned' && timeline.returned?.applicantNextAction) return nothing;
  const applicant = next.actor === 'applicant';
  return html`<div part="next-action" class="next ${applicant ? 'next--applicant' : ''}">
    <span class="next__label"
      >${applicant
        ? msg('需要您办理：', { id: 'approval.next.applicant' })
        : msg('下一步：', { id: 'approval.next.authority' })}</span
    >
    <span>${label}</span>
    ${next.dueAt
      ? html`<span class="note">
          ${applicant
            ? msg('请在此日期前办理：', { id: 'approval.next.due-applicant' })
            : msg('办理期限：', { id: 'approval.next.due-authority' })}${dueDate(next.dueAt)}
        </span>`
      : nothing}
  </div>`;
}

// ------------------------------------------------------------------------------ deadlines

function renderDeadlines(timeline: Timeline, ctx: ViewContext): TemplateResult | typeof nothing {
  const items = [
    timeline.deadline && { key: 'stage', title: msg('本环节时限', { id: 'approval.deadline.stage' }), d: timeline.deadline },
    timeline.totalDeadline && {
      key: 'total',
      title:
        timeline.kind === 'workorder'
          ? msg('工单办理时限', { id: 'approval.deadline.total-workorder' })
          : msg('审批办理时限', { id: 'approval.deadline.total' }),
      d: timeline.totalDeadline,
    },
  ].filter((item): item is NonNullable<typeof item> => Boolean(item));
  if (items.length === 0 || timeline.terminal) return nothing;
  return html`<section class="deadlines" part="deadline" aria-labelledby="deadline-title">
    ${heading(ctx.headingLevel + 1, 'deadline-title', msg('办理时限', { id: 'approval.deadline.title' }), 'section-title', 'visually-hidden')}
    <ul class="deadlines__list">
      ${items.map(
        ({ key, title, d }) => html`<li class="deadline ${d.overdue ? 'deadline--overdue' : ''}" part="deadline-${key}">
          <span class="deadline__title">${title}</span>
          <span class="deadline__limit">${workingDays(d.workingDaysLimit)}</span>
          ${d.paused
            ? html`<strong class="deadline__remaining">${pausedText()}</strong>
                <span class="note">${msg(str`恢复前剩余 ${workingDays(Math.max(0, d.remainingWorkingDays))}`, { id: 'approval.deadline.remaining-paused' })}</span>`
            : html`<strong class="deadline__remaining ${d.overdue ? 'flag flag--danger' : ''}">${remainingText(d.remainingWorkingDays)}</strong>
                <span class="note">${msg('截止：', { id: 'approval.deadline.due' })}${dueDate(d.dueAt, d.provisional)}</span>`}
        </li>`,
      )}
    </ul>
  </section>`;
}

// ------------------------------------------------------------------------------ stepper

function renderStepMeta(step: TimelineStep | TimelineSubStep): TemplateResult {
  const used = step.workingDaysUsed;
  return html`<span class="meta">
    ${step.handler.deptName ? html`<span>${msg('承办：', { id: 'approval.step.handler' })}${step.handler.deptName}</span>` : nothing}
    ${step.startedAt ? html`<span>${msg('开始：', { id: 'approval.step.started' })}${time(step.startedAt)}</span>` : nothing}
    ${step.doneAt
      ? html`<span>${msg('完成：', { id: 'approval.step.done' })}${time(step.doneAt)}</span>`
      : step.dueAt && step.state === 'active'
        ? html`<span>${msg('期限：', { id: 'approval.step.due' })}${dueDate(step.dueAt, 'provisional' in step && step.provisional)}</span>`
        : nothing}
    ${step.workingDaysLimit !== null && step.state !== 'pending' && step.state !== 'skipped'
      ? html`<span
          >${msg(str`时限 ${workingDays(step.workingDaysLimit)}，已用 ${used ?? 0} 个`, { id: 'approval.step.limit-used' })}</span
        >`
      : step.workingDaysLimit !== null && step.state === 'pending'
        ? html`<span>${msg(str`时限 ${workingDays(step.workingDaysLimit)}`, { id: 'approval.step.limit' })}</span>`
        : nothing}
    ${step.overdue ? html`<strong class="flag flag--danger">${msg('超期', { id: 'approval.step.overdue' })}</strong>` : nothing}
  </span>`;
}

function renderSubsteps(step: TimelineStep, ctx: ViewContext): TemplateResult | typeof nothing {
  if (step.substeps.length === 0 || step.state === 'pending' || step.state === 'skipped') return nothing;
  return html`<ul class="substeps" part="substeps" aria-label=${msg(str`${pick(step.name, ctx.locale)}：各部门并联审查`, { id: 'approval.substeps-label' })}>
    ${step.substeps.map((sub) => {
      const decision = decisionLabel(sub.decision);
      return html`<li class="substep substep--${sub.state}" part="substep substep-${sub.state}">
        <span class="substep__head">
          <span class="dot dot--${sub.state}" aria-hidden="true"></span>
          <span class="substep__name">${pick(sub.name, ctx.locale)}</span>
          <span class="substep__state">${decision ? `${stepStateLabel(sub.state)} · ${decision}` : stepStateLabel(sub.state)}</span>
        </span>
        ${renderStepMeta(sub)}
        ${sub.opinion ? html`<span class="opinion">${msg('意见：', { id: 'approval.opinion' })}${sub.opinion}</span>` : nothing}
      </li>`;
    })}
  </ul>`;
}

function renderStepDetails(step: TimelineStep, ctx: ViewContext): TemplateResult {
  return html`${renderStepMeta(step)}
  ${step.opinion ? html`<span class="opinion">${msg('意见：', { id: 'approval.opinion' })}${step.opinion}</span>` : nothing}
  ${renderSubsteps(step, ctx)}`;
}

function marker(step: TimelineStep, index: number): string {
  switch (step.state) {
    case 'done':
      return '✓';
    case 'rejected':
      return '✕';
    case 'returned':
      return '↩';
    default:
      return String(index + 1);
  }
}

export function renderStepper(timeline: Timeline, ctx: ViewContext): TemplateResult | typeof nothing {
  if (timeline.steps.length === 0) return nothing;
  const current = currentStepIndex(timeline);
  const finished = isFinished(timeline);
  const vertical = ctx.layout === 'vertical';
  const currentStep = current >= 0 && !finished ? timeline.steps[current] : undefined;
  return html`<section class="progress" aria-labelledby="progress-title">
    ${heading(ctx.headingLevel + 1, 'progress-title', msg('办理进度', { id: 'approval.progress' }))}
    <p class="position" part="position" id="position">${positionText(timeline)}</p>
    <ol class="stepper stepper--${vertical ? 'vertical' : 'horizontal'}" part="stepper" aria-labelledby="progress-title" aria-describedby="position">
      ${timeline.steps.map((step, index) => {
        const isCurrent = index === current && !finished;
        return html`<li
          class="step step--${step.state} ${isCurrent ? 'step--current' : ''}"
          part="step step-${step.state}${isCurrent ? ' step-current' : ''}"
          aria-current=${isCurrent ? 'step' : nothing}
        >
          <span class="step__marker" aria-hidden="true">${marker(step, index)}</span>
          <span class="step__body">
            <span class="step__name">${pick(step.name, ctx.locale)}</span>
            <span class="step__state ${vertical ? '' : 'visually-hidden'}">${stepStateLabel(step.state)}</span>
            ${vertical && step.state !== 'pending' && step.state !== 'skipped' ? renderStepDetails(step, ctx) : nothing}
          </span>
        </li>`;
      })}
    </ol>
    ${!vertical && currentStep
      ? html`<div class="current" part="current-stage">
          <div class="current__title">
            ${msg(str`当前环节：${pick(currentStep.name, ctx.locale)}`, { id: 'approval.current-stage' })}
            <span class="note">${stepStateLabel(currentStep.state)}</span>
          </div>
          ${renderStepDetails(currentStep, ctx)}
        </div>`
      : nothing}
  </section>`;
}

// ------------------------------------------------------------------------------ events

export function renderEvents(timeline: Timeline, ctx: ViewContext): TemplateResult | typeof nothing {
  if (timeline.events.length === 0) return nothing;
  const all = eventsNewestFirst(timeline);
  const collapsible = all.length > COLLAPSED_EVENT_COUNT + 1;
  const shown = collapsible && !ctx.showAllEvents ? all.slice(0, COLLAPSED_EVENT_COUNT) : all;
  return html`<section class="history" aria-labelledby="history-title">
    ${heading(ctx.headingLevel + 1, 'history-title', msg('办理记录', { id: 'approval.history' }))}
    <ol class="events" part="timeline" id="events" aria-labelledby="history-title">
      ${shown.map((event) => {
        const actor = actorText(event.actor, ctx.citizen);
        return html`<li class="event" part="event">
          <span class="event__time" part="event-time">${time(event.at)}</span>
          <span class="event__what">
            <span class="event__action" part="event-action">${pick(event.actionLabel, ctx.locale) || event.action}</span>
            ${actor ? html`<span class="event__actor" part="event-actor">${actor}</span>` : nothing}
          </span>
          ${event.remark ? html`<span class="event__remark" part="event-remark">${event.remark}</span>` : nothing}
        </li>`;
      })}
    </ol>
    ${collapsible
      ? html`<button
          type="button"
          class="button-link link-button"
          part="timeline-toggle"
          aria-expanded=${ctx.showAllEvents ? 'true' : 'false'}
          aria-controls="events"
          @click=${ctx.onToggleEvents}
        >
          ${ctx.showAllEvents
            ? msg('只看最近记录', { id: 'approval.history.collapse' })
            : msg(str`显示全部 ${all.length} 条记录`, { id: 'approval.history.expand' })}
        </button>`
      : nothing}
  </section>`;
}

// ------------------------------------------------------------------------------ whole view

export function renderFull(timeline: Timeline, ctx: ViewContext): TemplateResult {
  const description = pick(timeline.description, ctx.locale);
  const title = ctx.citizen
    ? msg('办件进度', { id: 'approval.citizen-title' })
    : pick(timeline.title, ctx.locale) || timeline.referenceNo;
  return html`<article part="base" class="view view--${ctx.layout} tone--${toneOf(timeline)}" lang=${ctx.locale} aria-labelledby="title">
    <header class="head" part="header">
      <div class="head__main">
        <p class="eyebrow" part="process">${processLabel(timeline.kind)}</p>
        ${heading(ctx.headingLevel, 'title', title, 'title')}
      </div>
      ${renderBadge(timeline, ctx)}
    </header>
    ${description ? html`<p class="description" part="description">${description}</p>` : nothing}
    ${renderFacts(timeline, ctx)} ${renderRejection(timeline, ctx)} ${renderReturned(timeline, ctx)}
    ${renderSideState(timeline, ctx)} ${renderNextAction(timeline, ctx)} ${renderDeadlines(timeline, ctx)}
    ${renderCompletion(timeline, ctx)} ${renderStepper(timeline, ctx)} ${renderEvents(timeline, ctx)}
  </article>`;
}
