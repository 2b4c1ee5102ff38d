/**
 * The work-order service (openapi/workorders.yaml): 12345 / 一网统管 orders through the work-order
 * process declared in @citybrain/domain, with the same action pipeline, event store, SSE and
 * timeline as the homestead service.
 */
import type { WorkOrdersOperations } from '@citybrain/contract';
import {
  CHANNEL_LABELS,
  createRng,
  createWorkOrderRecord,
  definitionDocument,
  formatOrderNo,
  generateWorkOrders,
  nextWorkOrderMove,
  regionAt,
  SATISFACTION_LABELS,
  shanghaiDate,
  SOLVED_LABELS,
  validateWorkOrderInput,
  WORK_ORDER_TYPE_LABELS,
} from '@citybrain/domain';
import type { SandboxService, ServiceContext } from '../../context.js';
import type { Db } from '../../db.js';
import { requirePermission, scopeRegion } from '../../auth.js';
import { badRequest, forbidden, unprocessable } from '../../problems.js';
import {
  actorOf,
  createEndpoint,
  OVERDUE_SQL,
  recordHandlers,
  seedRecords,
  setNextLink,
  simulate,
} from '../process-runtime.js';
import {
  listWorkOrders,
  migrateWorkOrders,
  nextOrderSequence,
  WORK_ORDER_SORT_INDEXES,
  WORK_ORDERS_POSTGRES,
  workOrderColumns,
  workOrderFilter,
  workOrderProcess,
  workOrderStore,
  type WorkOrderQuery,
} from './store.js';
import { auditUnmaskedRead, workOrderDetail, workOrderSummary, workOrderTimeline } from './present.js';

const workOrders = recordHandlers({
  store: workOrderStore,
  read: 'workorders:read',
  act: 'workorders:act',
  missing: (id) => `工单 ${id} 不存在`,
  auditRead: auditUnmaskedRead,
  detail: workOrderDetail,
  timeline: workOrderTimeline,
});

function outsideScope(code: string | undefined, scope: string): boolean {
  return Boolean(code && !code.startsWith(scope) && !scope.startsWith(code));
}

/** Counts for the statistics endpoint, all in SQL over the denormalised columns. */
function workOrderStats(db: Db, ctx: ServiceContext, scope: string, query: WorkOrderQuery) {
  const now = ctx.clock.now();
  const filter = workOrderFilter(scope, query, now);
  const where = filter.sql;
  const params = { ...filter.params, soon: ctx.workdays.addWorkdays(now, 1).toISOString() };
  const count = (extra: string) => (db.prepare(`SELECT COUNT(*) AS n FROM work_orders WHERE ${where} AND ${extra}`).get(params) as { n: number }).n;
  const grouped = (column: string) => new Map(
    (db.prepare(`SELECT ${column} AS key, COUNT(*) AS n FROM work_orders WHERE ${where} GROUP BY ${column}`).all(params) as { key: string | number; n: number }[])
      .map((r) => [r.key, r.n]),
  );
  const byStatus = grouped('status');
  const byType = grouped('type');
  const byChannel = grouped('channel');
  const satisfaction = grouped('satisfaction');
  const solved = grouped('solved');
  const total = count('TRUE');
  const responses = [0, 1, 2, 3].reduce((sum, score) => sum + (satisfaction.get(score) ?? 0), 0);
  const replied = count('replied_on_time IS NOT NULL');
  const open = "status NOT IN ('CLOSED', 'VOID')";
  return {
    regionCode: scope,
    total,
    open: count(open),
    closed: byStatus.get('CLOSED') ?? 0,
    void: byStatus.get('VOID') ?? 0,
    byStatus: workOrderProcess.statuses.map((s) => ({ key: s.key, label: s.label, count: byStatus.get(s.key) ?? 0 })),
    byType: Object.entries(WORK_ORDER_TYPE_LABELS).map(([key, label]) => ({ key, label, count: byType.get(key) ?? 0 })),
    byChannel: Object.entries(CHANNEL_LABELS).map(([key, label]) => ({ key, label, count: byChannel.get(key) ?? 0 })),
    flags: {
      overdue: count(OVERDUE_SQL),
      // Due by the end of the next working day, not yet overdue, clock running.
      willOverdue: count(`due_at IS NOT NULL AND paused_at IS NULL AND due_at >= @now AND due_at <= @soon AND NOT ${OVERDUE_SQL}`),
      supervised: count(`supervised = 1 AND ${open}`),
      urged: count('urge_count > 0'),
      returned: count('return_count > 0'),
      extended: count('extension_count > 0'),
      reopened: count('reopen_count > 0'),
      suspended: byStatus.get('SUSPENDED') ?? 0,
    },
    onTimeRate: replied ? Math.round((count('replied_on_time = 1') / replied) * 1000) / 1000 : null,
    satisfaction: {
      responses,
      average: responses ? Math.round(([0, 1, 2, 3].reduce((sum, s) => sum + s * (satisfaction.get(s) ?? 0), 0) / responses) * 100) / 100 : null,
      satisfiedRate: responses ? Math.round((((satisfaction.get(2) ?? 0) + (satisfaction.get(3) ?? 0)) / responses) * 1000) / 1000 : null,
      distribution: SATISFACTION_LABELS.map((label, score) => ({ score, label, count: satisfaction.get(score) ?? 0 })),
    },
    solved: SOLVED_LABELS.map((label, score) => ({ score, label, count: solved.get(score) ?? 0 })),
    computedAt: now.toISOString(),
  };
}

export const workOrdersService: SandboxService<keyof WorkOrdersOperations> = {
  name: 'workorders',
  migrations: [
    { id: 'workorders/001-work-orders', sqlite: migrateWorkOrders, postgres: WORK_ORDERS_POSTGRES },
    { id: 'workorders/002-list-sort-indexes', sqlite: WORK_ORDER_SORT_INDEXES, postgres: WORK_ORDER_SORT_INDEXES },
  ],
  seed(db, seed) {
    const generated = generateWorkOrders({
      size: seed.size,
      seed: seed.seed,
      now: seed.clock.now(),
      calendar: seed.workdays,
      process: workOrderProcess,
    });
    const events = seedRecords(db, 'workorder', 'work_orders', generated, ({ record }) => workOrderColumns(record));
    seed.log(`workorders: ${generated.length} work orders, ${events} events`);
  },
  handlers: {
    listWorkOrders(req, reply, ctx) {
      requirePermission(req, 'workorders:read');
      const query = req.query;
      const scope = scopeRegion(req);
      if (outsideScope(query.townCode, scope)) throw forbidden(`townCode ${query.townCode} 不在调用方范围 ${scope} 内`);
      const page = listWorkOrders(ctx.db, scope, query, ctx.clock.now());
      setNextLink(req, reply, page.nextCursor);
      auditUnmaskedRead(req, ctx, `workorders:list:${scope}`);
      return {
        items: page.records.map((record) => workOrderSummary(record, req.principal.role, ctx)),
        page: { limit: page.limit, nextCursor: page.nextCursor, total: page.total, totalExact: true },
      };
    },
    createWorkOrder(req, reply, ctx) {
      requirePermission(req, 'workorders:create');
      const input = req.body;
      const scope = scopeRegion(req);
      if (outsideScope(input.regionCode, scope) || input.regionCode.length < scope.length) {
        throw forbidden(`区域 ${input.regionCode} 不在调用方范围 ${scope} 内`);
      }
      const problems = validateWorkOrderInput(input);
      if (problems.length) throw badRequest(problems.map((p) => `${p.name} ${p.reason}`).join('; '), problems);
      if (input.location) {
        const place = regionAt([input.location[0], input.location[1]]);
        if (!place.town) throw unprocessable('事发位置不在南海区范围内', 'outside-district', [{ name: 'body/location', reason: '点位不在南海区内' }]);
        // The point must lie inside the outline of the order's own region (which lies inside the caller's).
        const here = place.village?.code ?? place.town.code;
        if (!here.startsWith(input.regionCode)) {
          throw unprocessable(`事发位置不在所选区域 ${input.regionCode} 范围内`, 'outside-region', [{ name: 'body/location', reason: `点位位于 ${here}` }]);
        }
      }
      const now = ctx.clock.now();
      return createEndpoint(req, reply, ctx, 'workorder', 'workorders.create', () => {
        const day = shanghaiDate(now).replaceAll('-', '');
        const orderNo = formatOrderNo(day, nextOrderSequence(ctx.db, day));
        const { record, events } = createWorkOrderRecord(workOrderProcess, input, {
          id: orderNo, orderNo, actor: actorOf(req.principal), at: now, calendar: ctx.workdays,
        });
        workOrderStore.save(ctx.db, record);
        return { id: record.id, events, location: `/api/v1/workorders/${record.id}`, body: () => workOrderDetail(record, req, ctx) };
      });
    },
    getWorkOrderStats(req, _reply, ctx) {
      requirePermission(req, 'workorders:read');
      const query = req.query;
      const scope = scopeRegion(req);
      if (outsideScope(query.townCode, scope)) throw forbidden(`townCode ${query.townCode} 不在调用方范围 ${scope} 内`);
      return workOrderStats(ctx.db, ctx, scope, {
        ...query,
        type: query.type ? [query.type] : undefined,
        channel: query.channel ? [query.channel] : undefined,
      });
    },
    getWorkOrderProcessDefinition(req) {
      requirePermission(req, 'workorders:read');
      // Not regional data, but a region header wider than the token is refused here as on every read.
      scopeRegion(req);
      return definitionDocument(workOrderProcess);
    },
    getWorkOrder: workOrders.get,
    actOnWorkOrder: workOrders.act,
    getWorkOrderTimeline: workOrders.timeline,
    streamWorkOrderEvents: workOrders.stream,
  },
  start(ctx) {
    // The simulation is live behaviour, not seed data: a fresh stream on every start.
    const rng = createRng(`workorder-simulation:${Date.now()}`);
    return simulate(
      ctx,
      workOrderStore,
      (db, count) => (db.prepare("SELECT id FROM work_orders WHERE status NOT IN ('CLOSED', 'VOID') ORDER BY random() LIMIT ?").all(count) as { id: string }[]).map((r) => r.id),
      (record) => {
        const move = nextWorkOrderMove(record, rng);
        return move ? { actor: move.actor, body: move.body(ctx.clock.now()) } : null;
      },
    );
  },
};

