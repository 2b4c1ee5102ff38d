/**
 * Work orders as the API shows them to one caller: the reporter masked by role, phone and ID numbers
 * typed into the title, content or remarks masked alike, flags and deadlines computed on the holiday
 * calendar, and the shared ProcessTimeline.
 */
import type { FastifyRequest } from 'fastify';
import type { WorkOrdersComponents } from '@citybrain/contract';
import {
  allowedActions,
  findTown,
  findVillage,
  WORK_ORDER_TYPE_LABELS,
  workOrderFlags,
  workOrderTimelineParts,
  type WorkOrderRecord,
} from '@citybrain/domain';
import { maskFreeTextIn, maskPersonalValue } from '../../masking.js';
import type { Role } from '../../auth.js';
import type { ServiceContext } from '../../context.js';
import { actorOf, buildTimeline, maskingInfo, readsUnmasked, statusLabelOf } from '../process-runtime.js';
import { workOrderProcess, workOrderStore } from './store.js';

/**
 * The incident address is where the problem is, which the handling office must find; it is not the
 * reporter's residence (住址), so staff see it in full.
 */
const PERSONAL_FIELDS = [
  { field: 'reporterName', kind: 'name' },
  { field: 'reporterPhone', kind: 'phone' },
  { field: 'reporter.phone', kind: 'phone' },
] as const;

type Schemas = WorkOrdersComponents['schemas'];

function reporterOf(record: WorkOrderRecord, role: Role) {
  return {
    name: record.reporter.anonymous ? null : maskPersonalValue(role, 'name', record.reporter.name),
    phone: maskPersonalValue(role, 'phone', record.reporter.phone),
    anonymous: record.reporter.anonymous,
    wantsReply: record.reporter.wantsReply,
  };
}

export function workOrderSummary(record: WorkOrderRecord, role: Role, ctx: ServiceContext): Schemas['WorkOrderSummary'] {
  const data = record.data;
  const reporter = reporterOf(record, role);
  return maskFreeTextIn(role, {
    id: record.id,
    orderNo: record.orderNo,
    channel: record.channel,
    type: record.type,
    typeLabel: WORK_ORDER_TYPE_LABELS[record.type],
    category: record.category,
    title: record.title,
    status: record.process.status,
    stage: record.process.stage,
    statusLabel: statusLabelOf(workOrderProcess, record.process.status),
    emergencyLevel: record.emergencyLevel,
    townCode: record.townCode,
    townName: findTown(record.townCode)?.name ?? '',
    villageCode: record.villageCode,
    villageName: record.villageCode ? (findVillage(record.villageCode)?.name ?? null) : null,
    address: record.address,
    reporterName: reporter.name,
    reporterPhone: reporter.phone,
    assignee: data.assignee,
    receivedAt: record.receivedAt,
    updatedAt: record.updatedAt,
    signDeadline: data.signDeadline,
    handleDeadline: data.handleDeadline,
    totalDeadline: data.totalDeadline,
    flags: workOrderFlags(record, ctx.clock.now(), ctx.workdays),
    counts: data.counts,
    satisfaction: data.callback?.satisfaction ?? null,
  });
}

export function workOrderDetail(record: WorkOrderRecord, req: FastifyRequest, ctx: ServiceContext): Schemas['WorkOrder'] {
  const data = record.data;
  const role = req.principal.role;
  return maskFreeTextIn(role, {
    ...workOrderSummary(record, role, ctx),
    externalNo: record.externalNo,
    content: record.content,
    location: record.location,
    reporter: reporterOf(record, role),
    coDepts: data.coDepts,
    dispatchedAt: data.dispatchedAt,
    signedAt: data.signedAt,
    repliedAt: data.repliedAt,
    verifiedAt: data.verifiedAt,
    callbackAt: data.callbackAt,
    closedAt: data.closedAt,
    createdAt: record.createdAt,
    result: data.result,
    verification: data.verification,
    callback: data.callback,
    extension: data.extension,
    returned: record.process.returned ? { ...record.process.returned, overdue: false } : null,
    sideState: record.process.sideState,
    version: record.process.version,
    allowedActions: allowedActions(workOrderProcess, record, actorOf(req.principal), ctx.clock.now(), ctx.workdays),
    masking: maskingInfo(role, [...PERSONAL_FIELDS]),
  });
}

/** Reads of reporters' phone numbers in full are audited. */
export function auditUnmaskedRead(req: FastifyRequest, ctx: ServiceContext, target: string): void {
  if (readsUnmasked(req.principal.role)) ctx.audit(req, 'read-unmasked', target, ['reporterName', 'reporterPhone']);
}

export function workOrderTimeline(record: WorkOrderRecord, role: Role, ctx: ServiceContext): Schemas['ProcessTimeline'] {
  const reporter = reporterOf(record, role);
  return maskFreeTextIn(role, buildTimeline(ctx, workOrderStore, record, {
    ...workOrderTimelineParts(record, { now: ctx.clock.now(), calendar: ctx.workdays }),
    applicant: { name: reporter.name, idNumber: null, phone: reporter.phone, masked: role !== 'district' },
    masking: maskingInfo(role, [
      { field: 'applicant.name', kind: 'name' },
      { field: 'applicant.phone', kind: 'phone' },
    ]),
  }));
}
