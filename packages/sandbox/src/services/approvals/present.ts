/**
 * Homestead records as the API shows them to one caller: personal fields masked by role
 * (docs/sandbox-conventions.md), also where they were typed into free text (reasons, opinions,
 * remarks), the parallel branches and the approval documents spelled out,
 * and the timeline of the shared ProcessTimeline shape.
 */
import type { FastifyRequest } from 'fastify';
import type { ApprovalsComponents } from '@citybrain/contract';
import {
  allowedActions,
  clockNow,
  dueColumns,
  findTown,
  findVillage,
  homesteadTimelineParts,
  latestStep,
  type HomesteadRecord,
} from '@citybrain/domain';
import { maskFreeTextIn, maskName, maskPersonalValue } from '../../masking.js';
import type { Role } from '../../auth.js';
import type { ServiceContext } from '../../context.js';
import { actorOf, buildTimeline, maskingInfo, readsUnmasked, statusLabelOf } from '../process-runtime.js';
import { applicationStore, homesteadProcess } from './store.js';

const PERSONAL_FIELDS = [
  { field: 'applicantIdNumber', kind: 'idNumber' },
  { field: 'applicantPhone', kind: 'phone' },
  { field: 'form.jcxx.sfzh', kind: 'idNumber' },
  { field: 'form.jcxx.lxdh', kind: 'phone' },
  { field: 'form.jcxx.hksz', kind: 'address' },
  { field: 'form.jtcy.sfzh', kind: 'idNumber' },
  { field: 'form.jtcy.hkszd', kind: 'address' },
] as const;

type Schemas = ApprovalsComponents['schemas'];

function overdueNow(record: HomesteadRecord, now: Date): boolean {
  const due = dueColumns(record.process);
  const at = clockNow(record.process, now).toISOString();
  return Boolean((due.dueAt && due.dueAt < at) || (due.totalDueAt && due.totalDueAt < at));
}

export function applicationSummary(record: HomesteadRecord, role: Role, now: Date): Schemas['ApplicationSummary'] {
  const due = dueColumns(record.process);
  const status = record.process.status;
  const overdue = overdueNow(record, now);
  return maskFreeTextIn(role, {
    id: record.id,
    trackingNo: record.trackingNo,
    status,
    stage: record.process.stage,
    statusLabel: statusLabelOf(homesteadProcess, status),
    townCode: record.townCode,
    townName: findTown(record.townCode)?.name ?? '',
    villageCode: record.villageCode,
    villageName: findVillage(record.villageCode)?.name ?? '',
    applicantName: maskPersonalValue(role, 'name', record.form.jcxx.xm) ?? '',
    applicantIdNumber: maskPersonalValue(role, 'idNumber', record.form.jcxx.sfzh),
    applicantPhone: maskPersonalValue(role, 'phone', record.form.jcxx.lxdh),
    areaSqm: record.form.nzjdqk.zjdmj,
    buildType: record.form.nzjdqk.jflx,
    submittedAt: record.submittedAt,
    updatedAt: record.updatedAt,
    stageDueAt: due.dueAt,
    totalDueAt: due.totalDueAt,
    overdue,
    flags: {
      returned: status === 'RETURNED',
      suspended: status === 'SUSPENDED',
      withdrawn: status === 'WITHDRAWN',
      rejected: status === 'REJECTED',
      overdue,
      returnCount: record.data.returnCount,
    },
  });
}

/**
 * The branches and decisions the contract names (`ReviewBranch`, `ReviewDecision`); the engine keeps
 * them as text. Keyed by the contract's enums, so a change of either fails to compile here.
 */
const REVIEW_BRANCHES: Readonly<Record<Schemas['ReviewBranch'], true>> = { AGRI: true, NATRES: true, OTHER: true };
const REVIEW_DECISIONS: Readonly<Record<Schemas['ReviewDecision'], true>> = { approve: true, disapprove: true, 'not-applicable': true };
const isReviewBranch = (key: string): key is Schemas['ReviewBranch'] => Object.hasOwn(REVIEW_BRANCHES, key);
const isReviewDecision = (decision: string): decision is Schemas['ReviewDecision'] => Object.hasOwn(REVIEW_DECISIONS, decision);

/** The parallel branches of the joint review and of the completion acceptance, as they stand. */
function reviewBranches(record: HomesteadRecord) {
  const phases = [['JOINT_REVIEW', 'joint'], ['COMPLETION_ACCEPTANCE', 'acceptance']] as const;
  return phases.flatMap(([stageKey, phase]) => {
    const stage = homesteadProcess.stages.find((s) => s.key === stageKey)!;
    return stage.branches.flatMap((branch) => {
      const step = latestStep(record.process, stageKey, branch.key);
      if (!step || !isReviewBranch(branch.key)) return [];
      return [{
        branch: branch.key, phase, state: step.state, decision: step.decision !== null && isReviewDecision(step.decision) ? step.decision : null, deptCode: step.handler.deptCode, deptName: step.handler.deptName,
        opinion: step.opinion, startedAt: step.startedAt, dueAt: step.dueAt, doneAt: step.doneAt,
      }];
    });
  });
}

export function applicationDetail(record: HomesteadRecord, req: FastifyRequest, ctx: ServiceContext): Schemas['HomesteadApplication'] {
  const role = req.principal.role;
  const now = ctx.clock.now();
  const form = record.form;
  const mask = (kind: 'name' | 'idNumber' | 'phone' | 'address', value: string) => maskPersonalValue(role, kind, value) ?? '';
  return maskFreeTextIn(role, {
    ...applicationSummary(record, role, now),
    groupName: record.groupName,
    location: record.location,
    createdAt: record.createdAt,
    version: record.process.version,
    form: {
      jcxx: { ...form.jcxx, xm: mask('name', form.jcxx.xm), lxdh: mask('phone', form.jcxx.lxdh), sfzh: mask('idNumber', form.jcxx.sfzh), hksz: mask('address', form.jcxx.hksz) },
      jtcy: form.jtcy.map((m) => ({ ...m, xm: mask('name', m.xm), sfzh: mask('idNumber', m.sfzh), hkszd: mask('address', m.hkszd) })),
      xzjxqk: form.xzjxqk,
      nzjdqk: form.nzjdqk,
      qt: { ...form.qt, sqr: mask('name', form.qt.sqr) },
    },
    attachments: record.attachments,
    jointReview: reviewBranches(record),
    siteVisits: record.data.siteVisits,
    approval: record.data.approval,
    returned: record.process.returned
      ? { ...record.process.returned, overdue: record.process.returned.deadline ? now.toISOString() > record.process.returned.deadline : false }
      : null,
    rejection: record.process.rejection,
    sideState: record.process.sideState,
    allowedActions: allowedActions(homesteadProcess, record, actorOf(req.principal), now, ctx.workdays),
    masking: maskingInfo(role, [...PERSONAL_FIELDS]),
  });
}

/** Reads of unmasked ID numbers are audited (the district sees them in full). */
export function auditUnmaskedRead(req: FastifyRequest, ctx: ServiceContext, target: string): void {
  if (readsUnmasked(req.principal.role)) {
    ctx.audit(req, 'read-unmasked', target, ['applicantIdNumber', 'applicantPhone', 'form.jcxx.sfzh', 'form.jtcy.sfzh']);
  }
}


/** The timeline for a signed-in caller: the applicant masked by role. */
export function applicationTimeline(record: HomesteadRecord, role: Role, ctx: ServiceContext): Schemas['ProcessTimeline'] {
  const name = maskPersonalValue(role, 'name', record.form.jcxx.xm);
  const applicant = {
    name,
    idNumber: maskPersonalValue(role, 'idNumber', record.form.jcxx.sfzh),
    phone: maskPersonalValue(role, 'phone', record.form.jcxx.lxdh),
    masked: role !== 'district',
  };
  return maskFreeTextIn(role, buildTimeline(ctx, applicationStore, record, {
    ...homesteadTimelineParts(record, name ?? ''),
    applicant,
    masking: maskingInfo(role, [
      { field: 'applicant.idNumber', kind: 'idNumber' },
      { field: 'applicant.phone', kind: 'phone' },
    ]),
  }));
}

/** The timeline of the public lookup: nothing personal, no officials' names, whatever the caller. */
export function publicTimeline(record: HomesteadRecord, ctx: ServiceContext): Schemas['ProcessTimeline'] {
  const name = maskName(record.form.jcxx.xm) ?? '';
  return maskFreeTextIn('public', buildTimeline(ctx, applicationStore, record, {
    ...homesteadTimelineParts(record, name),
    applicant: { name, idNumber: null, phone: null, masked: true },
    masking: { masked: true, fields: ['applicant.name', 'applicant.idNumber', 'applicant.phone', 'events.actor.name'], reason: 'public-lookup' },
    anonymiseActors: true,
  }));
}
