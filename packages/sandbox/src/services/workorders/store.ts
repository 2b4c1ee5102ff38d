/**
 * The `work_orders` table: one row per order with the whole record as JSON, plus the columns that
 * lists and statistics filter, sort and count on (kept in step on every save).
 */
import {
  createWorkOrderProcess,
  findTown,
  workOrderDueColumns,
  type WorkOrderRecord,
  type WorkOrderStatus,
} from '@citybrain/domain';
import type { QueryOf, WorkOrdersOperations } from '@citybrain/contract';
import type { Db } from '../../db.js';
import { LockSpace, lockUntilCommit } from '../../storage/locks.js';
import {
  endOfShanghaiDay,
  OVERDUE_SQL,
  pageOf,
  SqlFilter,
  startOfShanghaiDay,
  type RecordStore,
} from '../process-runtime.js';

/** Deployment configuration of the work-order process: `CITYBRAIN_WORKORDER_CONFIG` (JSON) overrides the defaults. */
function workOrderOverrides(): Parameters<typeof createWorkOrderProcess>[0] {
  const raw = process.env.CITYBRAIN_WORKORDER_CONFIG;
  if (!raw) return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw new Error('CITYBRAIN_WORKORDER_CONFIG is not valid JSON');
  }
}

export const workOrderProcess = createWorkOrderProcess(workOrderOverrides());

export function migrateWorkOrders(db: Db): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS work_orders (
      id TEXT PRIMARY KEY,
      order_no TEXT NOT NULL UNIQUE,
      status TEXT NOT NULL,
      stage TEXT,
      channel TEXT NOT NULL,
      type TEXT NOT NULL,
      emergency_level TEXT NOT NULL,
      region_code TEXT NOT NULL,
      town_code TEXT NOT NULL,
      town_name TEXT NOT NULL,
      assignee_dept TEXT,
      title TEXT NOT NULL,
      content TEXT NOT NULL,
      address TEXT NOT NULL,
      category TEXT NOT NULL,
      received_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      handle_deadline TEXT NOT NULL,
      due_at TEXT,
      total_due_at TEXT,
      paused_at TEXT,
      replied_at TEXT,
      replied_on_time INTEGER,
      supervised INTEGER NOT NULL,
      urge_count INTEGER NOT NULL,
      return_count INTEGER NOT NULL,
      extension_count INTEGER NOT NULL,
      reopen_count INTEGER NOT NULL,
      satisfaction INTEGER,
      solved INTEGER,
      version INTEGER NOT NULL,
      document TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS work_orders_region ON work_orders (region_code);
    CREATE INDEX IF NOT EXISTS work_orders_status ON work_orders (status);
    CREATE INDEX IF NOT EXISTS work_orders_received ON work_orders (received_at);
  `);
}

/** The same table on PostgreSQL; codes, numbers and instants sort and compare bytewise ("C"), as in SQLite. */
export const WORK_ORDERS_POSTGRES = `
  CREATE TABLE work_orders (
    id TEXT COLLATE "C" PRIMARY KEY,
    order_no TEXT COLLATE "C" NOT NULL UNIQUE,
    status TEXT NOT NULL,
    stage TEXT,
    channel TEXT NOT NULL,
    type TEXT NOT NULL,
    emergency_level TEXT NOT NULL,
    region_code TEXT COLLATE "C" NOT NULL,
    town_code TEXT COLLATE "C" NOT NULL,
    town_name TEXT NOT NULL,
    assignee_dept TEXT,
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    address TEXT NOT NULL,
    category TEXT NOT NULL,
    received_at TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL,
    handle_deadline TEXT COLLATE "C" NOT NULL,
    due_at TEXT COLLATE "C",
    total_due_at TEXT COLLATE "C",
    paused_at TEXT COLLATE "C",
    replied_at TEXT COLLATE "C",
    replied_on_time INTEGER,
    supervised INTEGER NOT NULL,
    urge_count INTEGER NOT NULL,
    return_count INTEGER NOT NULL,
    extension_count INTEGER NOT NULL,
    reopen_count INTEGER NOT NULL,
    satisfaction INTEGER,
    solved INTEGER,
    version INTEGER NOT NULL,
    document TEXT NOT NULL
  );
  CREATE INDEX work_orders_region ON work_orders (region_code);
  CREATE INDEX work_orders_status ON work_orders (status);
  CREATE INDEX work_orders_received ON work_orders (received_at);
`;

/** Keyset indexes for each sort of the list (sort value, then id), the same on both stores. */
export const WORK_ORDER_SORT_INDEXES = `
  CREATE INDEX IF NOT EXISTS work_orders_by_received ON work_orders (received_at, id);
  CREATE INDEX IF NOT EXISTS work_orders_by_updated ON work_orders (updated_at, id);
  CREATE INDEX IF NOT EXISTS work_orders_by_handle_deadline ON work_orders (handle_deadline, id);
`;

export function workOrderColumns(record: WorkOrderRecord) {
  const data = record.data;
  const due = workOrderDueColumns(record);
  return {
    id: record.id,
    order_no: record.orderNo,
    status: record.process.status,
    stage: record.process.stage,
    channel: record.channel,
    type: record.type,
    emergency_level: record.emergencyLevel,
    region_code: record.regionCode,
    town_code: record.townCode,
    town_name: findTown(record.townCode)?.name ?? '',
    assignee_dept: data.assignee?.deptCode ?? null,
    title: record.title,
    content: record.content,
    address: record.address,
    category: [record.category.levelOne, record.category.levelTwo, record.category.levelThree, record.category.levelFour].filter(Boolean).join('/'),
    received_at: record.receivedAt,
    updated_at: record.updatedAt,
    handle_deadline: data.handleDeadline,
    due_at: due.dueAt,
    total_due_at: due.totalDueAt,
    paused_at: due.pausedAt,
    replied_at: data.repliedAt,
    replied_on_time: data.repliedOnTime === null ? null : Number(data.repliedOnTime),
    supervised: Number(data.supervised),
    urge_count: data.counts.urge,
    return_count: data.counts.return,
    extension_count: data.counts.extension,
    reopen_count: data.counts.reopen,
    satisfaction: data.callback?.satisfaction ?? null,
    solved: data.callback?.solved ?? null,
    version: record.process.version,
    document: JSON.stringify(record),
  };
}

export const workOrderStore: RecordStore<WorkOrderRecord, WorkOrderStatus> = {
  kind: 'workorder',
  spec: workOrderProcess,
  openRecords(db) {
    const terminal = workOrderProcess.statuses.filter((status) => status.terminal).map((status) => status.key);
    const rows = db
      .prepare(`SELECT document FROM work_orders WHERE status NOT IN (${terminal.map(() => '?').join(', ')})`)
      .all(...terminal) as { document: string }[];
    return rows.map((row) => JSON.parse(row.document));
  },
  load(db, id, scope) {
    const row = db.prepare("SELECT document FROM work_orders WHERE id = ? AND region_code LIKE ? || '%'").get(id, scope) as { document: string } | undefined;
    return row ? (JSON.parse(row.document) as WorkOrderRecord) : undefined;
  },
  save(db, record) {
    const values = workOrderColumns(record);
    const names = Object.keys(values);
    db.prepare(
      `INSERT INTO work_orders (${names.join(', ')}) VALUES (${names.map((n) => `@${n}`).join(', ')})
       ON CONFLICT(id) DO UPDATE SET ${names.filter((n) => n !== 'id').map((n) => `${n} = excluded.${n}`).join(', ')}`,
    ).run(values);
  },
};

/** The next sequence of a day's order numbers (`GD-YYYYMMDD-nnnnnn`). */
export function nextOrderSequence(db: Db, yyyymmdd: string): number {
  // Instances on one database take turns: two reading the same maximum would hand out one number twice.
  lockUntilCommit(db, LockSpace.recordNumber, `GD-${yyyymmdd}`);
  const row = db
    .prepare('SELECT MAX(CAST(substr(order_no, length(order_no) - 5) AS INTEGER)) AS last FROM work_orders WHERE order_no LIKE ?')
    .get(`GD-${yyyymmdd}-%`) as { last: number | null };
  return (row.last ?? 0) + 1;
}

export type WorkOrderQuery = QueryOf<WorkOrdersOperations['listWorkOrders']>;

const SORTS: Record<string, string> = {
  receivedAt: 'received_at',
  updatedAt: 'updated_at',
  handleDeadline: 'handle_deadline',
  orderNo: 'order_no',
};

/** The filters lists and statistics share: region scope, place, kind and time of receipt. */
export function workOrderFilter(scope: string, query: Pick<WorkOrderQuery, 'townCode' | 'type' | 'channel' | 'receivedFrom' | 'receivedTo'>, now: Date): SqlFilter {
  const filter = new SqlFilter().add("region_code LIKE @scope || '%'", { scope, now: now.toISOString() });
  if (query.townCode) filter.add('town_code = @townCode', { townCode: query.townCode });
  filter.oneOf('type', query.type).oneOf('channel', query.channel);
  if (query.receivedFrom) filter.add('received_at >= @receivedFrom', { receivedFrom: startOfShanghaiDay(query.receivedFrom) });
  if (query.receivedTo) filter.add('received_at <= @receivedTo', { receivedTo: endOfShanghaiDay(query.receivedTo) });
  return filter;
}

export function listWorkOrders(db: Db, scope: string, query: WorkOrderQuery, now: Date) {
  const sortKey = query.sort ?? '-receivedAt';
  const limit = query.limit ?? 50;
  const filter = workOrderFilter(scope, query, now).oneOf('status', query.status);
  if (query.assigneeDept) filter.add('assignee_dept = @assigneeDept', { assigneeDept: query.assigneeDept });
  if (query.overdue !== undefined) filter.add(query.overdue ? OVERDUE_SQL : `NOT ${OVERDUE_SQL}`);
  if (query.supervised !== undefined) filter.add('supervised = @supervised', { supervised: Number(query.supervised) });
  if (query.emergencyLevel) filter.add('emergency_level = @emergencyLevel', { emergencyLevel: query.emergencyLevel });
  if (query.q) filter.contains(db.dialect, ['order_no', 'title', 'content', 'address', 'category'], query.q);
  const page = pageOf<WorkOrderRecord>(db, 'work_orders', filter, { key: sortKey, expression: SORTS[sortKey.replace(/^-/, '')]! }, query.cursor, limit);
  return { ...page, limit };
}
