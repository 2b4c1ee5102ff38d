/**
 * Localized words of `<cb-approval-status>` that do not come from the API. Stage names,
 * status labels and action labels arrive localized (`{ zh, en }`) in the timeline; these
 * are the element's own: field names, step states, decisions, units.
 */
import { msg, str } from '@lit/localize';
import type { ProcessKind, StepState } from './model.js';

export function stepStateLabel(state: StepState): string {
  switch (state) {
    case 'done':
      return msg('已完成', { id: 'approval.step-state.done' });
    case 'active':
      return msg('进行中', { id: 'approval.step-state.active' });
    case 'returned':
      return msg('已退回', { id: 'approval.step-state.returned' });
    case 'rejected':
      return msg('未通过', { id: 'approval.step-state.rejected' });
    case 'skipped':
      return msg('未进行', { id: 'approval.step-state.skipped' });
    default:
      return msg('未开始', { id: 'approval.step-state.pending' });
  }
}

/** A department's decision on its branch of a parallel review. */
export function decisionLabel(decision: string | null): string | undefined {
  switch (decision) {
    case 'approve':
      return msg('同意', { id: 'approval.decision.approve' });
    case 'disapprove':
      return msg('不同意', { id: 'approval.decision.disapprove' });
    case 'not-applicable':
      return msg('不涉及', { id: 'approval.decision.not-applicable' });
    default:
      return undefined;
  }
}

/** Who acted, when an event or step names no office. */
export function roleLabel(role: string | null): string | undefined {
  switch (role) {
    case 'applicant':
      return msg('申请人', { id: 'approval.role.applicant' });
    case 'village':
      return msg('村（居）委会', { id: 'approval.role.village' });
    case 'town':
      return msg('镇街', { id: 'approval.role.town' });
    case 'department':
      return msg('职能部门', { id: 'approval.role.department' });
    case 'district':
      return msg('区级部门', { id: 'approval.role.district' });
    case 'system':
      return msg('系统', { id: 'approval.role.system' });
    default:
      return undefined;
  }
}

export function processLabel(kind: ProcessKind): string {
  return kind === 'workorder'
    ? msg('12345 工单', { id: 'approval.process.workorder' })
    : msg('宅基地和建房（规划许可）审批', { id: 'approval.process.homestead' });
}

export function referenceLabel(kind: ProcessKind): string {
  return kind === 'workorder'
    ? msg('工单编号', { id: 'approval.field.order-no' })
    : msg('受理编号', { id: 'approval.field.tracking-no' });
}

export function partyLabel(kind: ProcessKind): string {
  return kind === 'workorder' ? msg('反映人', { id: 'approval.field.reporter' }) : msg('申请人', { id: 'approval.field.applicant' });
}

/** "N 个工作日" with English singular and plural. */
export function workingDays(n: number): string {
  return n === 1
    ? msg('1 个工作日', { id: 'approval.working-day' })
    : msg(str`${n} 个工作日`, { id: 'approval.working-days' });
}

export function remainingText(remaining: number): string {
  if (remaining < 0) return msg(str`已超期 ${workingDays(-remaining)}`, { id: 'approval.deadline.overdue-by' });
  if (remaining === 0) return msg('今天到期', { id: 'approval.deadline.due-today' });
  return msg(str`剩余 ${workingDays(remaining)}`, { id: 'approval.deadline.remaining' });
}

/** 12345 satisfaction codes (0 不满意, 1 理解, 2 满意, 3 非常满意). */
export function satisfactionLabel(code: number | null | undefined): string | undefined {
  switch (code) {
    case 0:
      return msg('不满意', { id: 'approval.satisfaction.0' });
    case 1:
      return msg('理解', { id: 'approval.satisfaction.1' });
    case 2:
      return msg('满意', { id: 'approval.satisfaction.2' });
    case 3:
      return msg('非常满意', { id: 'approval.satisfaction.3' });
    default:
      return undefined;
  }
}

/** 12345 result codes (0 解决, 1 未解决, 2 部分解决, 3 不办理退单). */
export function solvedLabel(code: number | null | undefined): string | undefined {
  switch (code) {
    case 0:
      return msg('已解决', { id: 'approval.solved.0' });
    case 1:
      return msg('未解决', { id: 'approval.solved.1' });
    case 2:
      return msg('部分解决', { id: 'approval.solved.2' });
    case 3:
      return msg('不予办理（退单）', { id: 'approval.solved.3' });
    default:
      return undefined;
  }
}

/** Labels of the work-order flags the element shows as tags; others are not shown. */
export function flagLabel(flag: string): string | undefined {
  switch (flag) {
    case 'emergency':
      return msg('特急', { id: 'approval.flag.emergency' });
    case 'supervised':
      return msg('督办', { id: 'approval.flag.supervised' });
    case 'urged':
      return msg('已催办', { id: 'approval.flag.urged' });
    case 'extended':
      return msg('已延期', { id: 'approval.flag.extended' });
    case 'reopened':
      return msg('重新办理', { id: 'approval.flag.reopened' });
    case 'willOverdue':
      return msg('即将超期', { id: 'approval.flag.will-overdue' });
    default:
      return undefined;
  }
}

/** The order flags are shown in. */
export const SHOWN_FLAGS = ['emergency', 'supervised', 'urged', 'willOverdue', 'extended', 'reopened'] as const;
