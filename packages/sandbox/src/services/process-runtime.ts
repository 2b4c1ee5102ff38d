/**
 * What the homestead and work-order services share: the event store behind timelines and SSE, the
 * action pipeline (scope → idempotency → state machine → transaction → publish), the mapping of
 * process errors to problems, working days on the holiday calendar, cursors and the timeline shell.
 * Each service brings its own process definition (from @citybrain/domain) and its own table.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  act,
  ProcessError,
  type ActionBody,
  type Actor,
  type Calendar,
  type ProcessEvent,
  type ProcessRecord,
  type ProcessSpec,
  type TimelineEvent,
  type TimelineParts,
  type ProcessTimeline,
  processTimeline,
} from '@citybrain/domain';
import type { ServiceContext } from '../context.js';
import type { Db } from '../db.js';
import type { BusEvent } from '../events.js';
import { requirePermission, scopeRegion, type Permission, type Principal, type Role } from '../auth.js';
import { maskFreeTextIn, personalFieldPolicy } from '../masking.js';
import { badRequest, conflict, forbidden, notFound, ProblemError, unprocessable } from '../problems.js';
import { openEventStream } from '../sse.js';
import { withIdempotency } from '../idempotency.js';
import { LockSpace, lockUntilCommit } from '../storage/locks.js';

export type ProcessKind = 'homestead' | 'workorder';

// ----------------------------------------------------------------------------------- events

export function migrateProcessEvents(db: Db): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS process_events (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      kind TEXT NOT NULL CHECK (kind IN ('homestead', 'workorder')),
      record_id TEXT NOT NULL,
      at TEXT NOT NULL,
      action TEXT NOT NULL,
      action_label TEXT NOT NULL,
      from_status TEXT,
      to_status TEXT NOT NULL,
      stage TEXT,
      branch TEXT,
      actor TEXT NOT NULL,
      remark TEXT
    );
    CREATE INDEX IF NOT EXISTS process_events_record ON process_events (kind, record_id, id);
  `);
}

interface EventRow {
  id: number;
  at: string;
  action: string;
  action_label: string;
  from_status: string | null;
  to_status: string;
  stage: string | null;
  branch: string | null;
  actor: string;
  remark: string | null;
}

/** Appends events of one record; returns them with their ids (the SSE ids). */
export function appendEvents(db: Db, kind: ProcessKind, recordId: string, events: readonly ProcessEvent[]): TimelineEvent[] {
  const insert = db.prepare(
    `INSERT INTO process_events (kind, record_id, at, action, action_label, from_status, to_status, stage, branch, actor, remark)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
  );
  return events.map((event) => {
    const { id } = insert.get(kind, recordId, event.at, event.action, JSON.stringify(event.actionLabel), event.fromStatus,
      event.toStatus, event.stage, event.branch, JSON.stringify(event.actor), event.remark) as { id: number };
    return { ...event, id: String(id) };
  });
}

function eventOf(row: EventRow): TimelineEvent {
  return {
    id: String(row.id),
    at: row.at,
    actor: JSON.parse(row.actor),
    action: row.action,
    actionLabel: JSON.parse(row.action_label),
    fromStatus: row.from_status,
    toStatus: row.to_status,
    stage: row.stage,
    branch: row.branch,
    remark: row.remark,
  };
}

/** Events of one record in order, optionally only those after an event id. */
export function eventsOf(db: Db, kind: ProcessKind, recordId: string, afterId = 0): TimelineEvent[] {
  const rows = db
    .prepare('SELECT * FROM process_events WHERE kind = ? AND record_id = ? AND id > ? ORDER BY id')
    .all(kind, recordId, afterId) as EventRow[];
  return rows.map(eventOf);
}

export const topicOf = (kind: ProcessKind, recordId: string) => `${kind}:${recordId}`;

/** One stored event of a topic as `publishEvents` sends it: how another instance's streams get an event they were told of. */
export function storedBusEvent(db: Db, topic: string, eventId: string): BusEvent | undefined {
  const [kind, recordId] = [topic.slice(0, topic.indexOf(':')), topic.slice(topic.indexOf(':') + 1)];
  if (!/^\d+$/.test(eventId)) return undefined;
  const row = db.prepare('SELECT * FROM process_events WHERE id = ? AND kind = ? AND record_id = ?').get(Number(eventId), kind, recordId) as EventRow | undefined;
  return row && { id: String(row.id), type: 'status', data: eventOf(row) };
}

export function publishEvents(ctx: ServiceContext, kind: ProcessKind, recordId: string, events: readonly TimelineEvent[]): void {
  for (const event of events) ctx.events.publish(topicOf(kind, recordId), { id: event.id, type: 'status', data: event });
}

/**
 * The record's SSE stream: replays what came after `Last-Event-ID` (or `?lastEventId=` for a first
 * connection, which browsers cannot give a header), then live events, free text masked for the
 * listener's role.
 */
export function streamEvents(
  req: FastifyRequest<{ Querystring: { lastEventId?: string } }>,
  reply: FastifyReply,
  ctx: ServiceContext,
  kind: ProcessKind,
  recordId: string,
): FastifyReply {
  const fromQuery = req.query.lastEventId ?? null;
  return openEventStream(req, reply, ctx, topicOf(kind, recordId), (fromHeader) => {
    const last = fromHeader ?? fromQuery;
    if (last === null || !/^\d+$/.test(last)) return [];
    return eventsOf(ctx.db, kind, recordId, Number(last)).map((event): BusEvent => ({ id: event.id, type: 'status', data: event }));
  }, (event) => ({ ...event, data: maskFreeTextIn(req.principal.role, event.data) }));
}

// ----------------------------------------------------------------------------------- actors, errors

export function actorOf(principal: Principal): Actor {
  return {
    // The processes know departments, not their data roles: a steward or CDO acts (if at all) as its department.
    role: principal.role === 'steward' || principal.role === 'cdo' ? 'department' : principal.role,
    deptCode: principal.deptCode,
    deptName: principal.name,
    name: principal.name,
    regionCode: principal.regionCode,
  };
}

/** A refused action as the problem the API documents. */
export function problemOf(error: ProcessError): ProblemError {
  switch (error.kind) {
    case 'invalid':
      return badRequest(error.message, error.field ? [{ name: error.field, reason: error.message }] : undefined);
    case 'forbidden':
      return forbidden(error.message);
    case 'conflict':
      return conflict(error.message, error.code ?? 'illegal-transition');
    case 'unprocessable':
      return unprocessable(error.message, error.code ?? 'unprocessable', error.field ? [{ name: error.field, reason: error.message }] : undefined);
  }
}

export function rethrowAsProblem(error: unknown): never {
  if (error instanceof ProcessError) throw problemOf(error);
  throw error;
}

// ----------------------------------------------------------------------------------- the action pipeline

/** How a service keeps its records. */
export interface RecordStore<R extends ProcessRecord<S>, S extends string> {
  kind: ProcessKind;
  spec: ProcessSpec<R, S>;
  /** The record if it exists and lies in the caller's scope (a region prefix). */
  load(db: Db, id: string, scope: string): R | undefined;
  /** Inserts or replaces the record (its row and denormalised columns). */
  save(db: Db, record: R, extra?: Record<string, unknown>): void;
  /** Every record in a status that is not terminal, whatever its region. */
  openRecords(db: Db): R[];
}

const DUE_KEY = /^(dueAt|deadline|[a-z]+Deadline)$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/;
const SHANGHAI_MS = 8 * 3_600_000;

/**
 * Moves the due dates of open records that were counted past the end of `year - 1` onto a newly
 * loaded schedule for `year`: the same number of working days from that boundary, counted again on
 * the new calendar (and the same time of day). The boundary is where the two calendars agree, so the
 * result is what the deadline would have been had the schedule been known when it was set. Returns
 * how many records changed.
 */
export function rebaseDeadlines<R extends ProcessRecord<S>, S extends string>(
  db: Db, store: RecordStore<R, S>, year: number, before: Calendar, after: Calendar,
): number {
  const boundary = new Date(`${year - 1}-12-31T23:59:59+08:00`);
  const move = (due: string): string => {
    const at = new Date(due);
    if (Number.isNaN(at.getTime()) || at <= boundary) return due;
    const day = after.addWorkdays(boundary, before.workdaysBetween(boundary, at));
    const timeOfDay = (at.getTime() + SHANGHAI_MS) % 86_400_000;
    const moved = new Date(day.getTime() - ((day.getTime() + SHANGHAI_MS) % 86_400_000) + timeOfDay);
    return moved.getTime() === at.getTime() ? due : moved.toISOString();
  };
  const rewrite = (value: unknown): boolean => {
    if (!value || typeof value !== 'object') return false;
    let changed = false;
    for (const [key, inner] of Object.entries(value)) {
      if (typeof inner === 'string' && DUE_KEY.test(key) && INSTANT.test(inner)) {
        const moved = move(inner);
        if (moved !== inner) {
          (value as Record<string, unknown>)[key] = moved;
          changed = true;
        }
      } else if (rewrite(inner)) changed = true;
    }
    return changed;
  };
  let count = 0;
  for (const record of store.openRecords(db)) {
    if (!rewrite(record)) continue;
    store.save(db, record);
    count += 1;
  }
  return count;
}

export interface ActionResult<R> {
  record: R;
  event: TimelineEvent;
}

/**
 * Takes an action on a record inside one transaction: reload it there (so the action applies to the
 * state last committed, not to a copy read before), run the state machine, store the record and its
 * event. Events are published by the caller after the commit.
 */
export function applyAction<R extends ProcessRecord<S>, S extends string>(
  ctx: ServiceContext,
  store: RecordStore<R, S>,
  id: string,
  scope: string,
  body: ActionBody,
  actor: Actor,
  onMissing: () => never,
): ActionResult<R> {
  const run = ctx.db.transaction(() => {
    // Another instance acting on the record now goes first: both would otherwise act on one state, the later save undoing the earlier.
    lockUntilCommit(ctx.db, LockSpace.record, `${store.kind}:${id}`);
    const record = store.load(ctx.db, id, scope) ?? onMissing();
    let result: { record: R; event: ProcessEvent };
    try {
      result = act(store.spec, record, body, actor, ctx.clock.now(), ctx.workdays);
    } catch (error) {
      rethrowAsProblem(error);
    }
    store.save(ctx.db, result.record);
    const [event] = appendEvents(ctx.db, store.kind, id, [result.event]);
    return { record: result.record, event: event! };
  });
  return run();
}

/**
 * The action endpoint: the record must be visible to the caller (404), the write runs once per
 * Idempotency-Key, and the event goes out on the record's stream after the commit.
 */
export function actionEndpoint<R extends ProcessRecord<S>, S extends string>(
  req: FastifyRequest<{ Body: ActionBody }>,
  reply: FastifyReply,
  ctx: ServiceContext,
  store: RecordStore<R, S>,
  options: { id: string; scope: string; present: (record: R) => unknown; onMissing: () => never; prepare?: ActionPreparation },
): FastifyReply {
  let published: ActionResult<R> | null = null;
  const response = withIdempotency(req, reply, ctx, `${store.kind}.act.${options.id}`, () => {
    // Inside the idempotent write: a replay never gets here, and a refusal rolls everything back.
    const prepared = options.prepare?.(req, ctx, req.body);
    const result = applyAction(ctx, store, options.id, options.scope, prepared?.body ?? req.body, actorOf(req.principal), options.onMissing);
    prepared?.done(options.id);
    published = result;
    return { status: 200, body: { item: options.present(result.record), event: maskFreeTextIn(req.principal.role, result.event) } };
  });
  const done = published as ActionResult<R> | null;
  if (done) publishEvents(ctx, store.kind, options.id, [done.event]);
  return response;
}

/**
 * A service's own step before an action reaches the process, in its transaction: the body the
 * process gets (uploaded materials resolved to what was stored, say) and what to do once it applied.
 */
export type ActionPreparation = (req: FastifyRequest, ctx: ServiceContext, body: ActionBody) => { body: ActionBody; done(recordId: string): void };

/** What a record service brings to the handlers every record service has. */
export interface RecordEndpoints<R extends ProcessRecord<S>, S extends string, Detail, Timeline> {
  store: RecordStore<R, S>;
  read: Permission;
  act: Permission;
  /** The 404's detail for an id that does not exist or lies outside the caller's scope. */
  missing: (id: string) => string;
  /** Records a read of unmasked personal data (a no-op for roles that see them masked). */
  auditRead: (req: FastifyRequest, ctx: ServiceContext, target: string) => void;
  detail: (record: R, req: FastifyRequest, ctx: ServiceContext) => Detail;
  timeline: (record: R, role: Role, ctx: ServiceContext) => Timeline;
  /** Prepares an action's body for the process (see `ActionPreparation`). */
  prepareAction?: ActionPreparation;
}

/**
 * The request of every record operation as the spec shapes it: the record's `id` in the path, the
 * action's body, a first SSE connection's `lastEventId`. Each service's own operations are assignable
 * to it, so a spec change that breaks one of these shapes fails where the service lists its handlers.
 */
interface RecordRoute {
  Params: { id: string };
  Querystring: { lastEventId?: string };
  Body: ActionBody;
}

type RecordHandler<Reply> = (req: FastifyRequest<RecordRoute>, reply: FastifyReply, ctx: ServiceContext) => Reply;

/**
 * The read, action, timeline and event-stream handlers of one record, the same for every service:
 * the permission first, then the record must lie in the caller's scope (else 404, as if absent).
 */
export function recordHandlers<R extends ProcessRecord<S>, S extends string, Detail, Timeline>(
  endpoints: RecordEndpoints<R, S, Detail, Timeline>,
): { get: RecordHandler<Detail>; act: RecordHandler<FastifyReply>; timeline: RecordHandler<Timeline>; stream: RecordHandler<FastifyReply> } {
  const { store } = endpoints;
  const onMissing = (id: string) => (): never => {
    throw notFound(endpoints.missing(id));
  };
  const idOf = (req: FastifyRequest<RecordRoute>) => req.params.id;
  const loadVisible = (req: FastifyRequest, ctx: ServiceContext, id: string): R => store.load(ctx.db, id, scopeRegion(req)) ?? onMissing(id)();
  return {
    get(req, _reply, ctx) {
      requirePermission(req, endpoints.read);
      const id = idOf(req);
      const record = loadVisible(req, ctx, id);
      endpoints.auditRead(req, ctx, id);
      return endpoints.detail(record, req, ctx);
    },
    act(req, reply, ctx) {
      requirePermission(req, endpoints.act);
      const id = idOf(req);
      const scope = scopeRegion(req);
      loadVisible(req, ctx, id);
      return actionEndpoint(req, reply, ctx, store, {
        id,
        scope,
        present: (record) => endpoints.detail(record, req, ctx),
        onMissing: onMissing(id),
        prepare: endpoints.prepareAction,
      });
    },
    timeline(req, _reply, ctx) {
      requirePermission(req, endpoints.read);
      const id = idOf(req);
      const record = loadVisible(req, ctx, id);
      endpoints.auditRead(req, ctx, id);
      return endpoints.timeline(record, req.principal.role, ctx);
    },
    stream(req, reply, ctx) {
      requirePermission(req, endpoints.read);
      const id = idOf(req);
      loadVisible(req, ctx, id);
      return streamEvents(req, reply, ctx, store.kind, id);
    },
  };
}

/**
 * A create endpoint's write: once per Idempotency-Key, in one transaction, with the new record's
 * events published after the commit (a replayed response publishes nothing).
 */
export function createEndpoint(
  req: FastifyRequest,
  reply: FastifyReply,
  ctx: ServiceContext,
  kind: ProcessKind,
  idempotencyScope: string,
  write: () => { id: string; events: readonly ProcessEvent[]; location: string; body: () => unknown },
): FastifyReply {
  let created: { id: string; events: TimelineEvent[] } | null = null;
  const response = withIdempotency(req, reply, ctx, idempotencyScope, () => {
    const result = write();
    created = { id: result.id, events: appendEvents(ctx.db, kind, result.id, result.events) };
    return { status: 201, body: result.body(), location: result.location };
  });
  const done = created as { id: string; events: TimelineEvent[] } | null;
  if (done) publishEvents(ctx, kind, done.id, done.events);
  return response;
}

/**
 * Seeds generated records and their events. Events go in time order across records, so that event
 * ids (the SSE ids) also read chronologically. Returns the number of events.
 */
export function seedRecords<G extends { record: { id: string }; events: readonly ProcessEvent[] }>(
  db: Db,
  kind: ProcessKind,
  generated: readonly G[],
  save: (entry: G) => void,
): number {
  for (const entry of generated) save(entry);
  const events = generated
    .flatMap(({ record, events: list }) => list.map((event) => ({ id: record.id, event })))
    .sort((a, b) => a.event.at.localeCompare(b.event.at));
  for (const { id, event } of events) appendEvents(db, kind, id, [event]);
  return events.length;
}

/** The zh/en label of a status. */
export function statusLabelOf<S extends string>(spec: { statuses: readonly { key: S; label: { zh: string; en: string } }[] }, status: S) {
  return spec.statuses.find((s) => s.key === status)?.label ?? { zh: status, en: status };
}

// ----------------------------------------------------------------------------------- paging

export interface CursorPosition {
  sort: string;
  value: string | number | null;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.sort, position.value, position.id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, sort: string): CursorPosition | null {
  if (!cursor) return null;
  try {
    const [cursorSort, value, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown, unknown];
    if (cursorSort !== sort || typeof id !== 'string') throw new Error('sort changed');
    // The value is bound to SQL: anything but a scalar (an object, an array, a boolean) is not a cursor we wrote.
    // (1e400 parses as Infinity: no record lies after it.)
    if (value !== null && typeof value !== 'string' && !Number.isFinite(value)) throw new Error('not a sort value');
    return { sort, value: value as string | number | null, id };
  } catch {
    throw badRequest('cursor 无效或与排序方式不符', [{ name: 'query/cursor', reason: '请从第一页重新开始' }]);
  }
}

/** `Link: <…?cursor=…>; rel="next"` (RFC 8288) for the next page. */
export function setNextLink(req: FastifyRequest, reply: FastifyReply, nextCursor: string | null): void {
  if (!nextCursor) return;
  const [path, query = ''] = req.url.split('?');
  const params = new URLSearchParams(query);
  params.set('cursor', nextCursor);
  reply.header('link', `<${path}?${params.toString()}>; rel="next"`);
}

/**
 * Overdue in SQL over the `due_at`, `total_due_at` and `paused_at` columns both record tables keep:
 * a due time before the clock (or before the moment the clock stopped). `@now` is bound by the caller.
 */
export const OVERDUE_SQL = `((due_at IS NOT NULL AND due_at < COALESCE(paused_at, @now)) OR (total_due_at IS NOT NULL AND total_due_at < COALESCE(paused_at, @now)))`;

/** SQL keyset condition for `ORDER BY expr dir, id dir`, with the cursor in `@cursorValue`, `@cursorId`. */
export function keysetCondition(expression: string, descending: boolean): string {
  return `(${expression}, id) ${descending ? '<' : '>'} (@cursorValue, @cursorId)`;
}

/** WHERE clauses with named parameters, built up filter by filter. */
export class SqlFilter {
  readonly clauses: string[] = [];
  readonly params: Record<string, unknown> = {};

  add(clause: string, params: Record<string, unknown> = {}): this {
    this.clauses.push(clause);
    Object.assign(this.params, params);
    return this;
  }

  /** `column IN (…)` for a non-empty list. */
  oneOf(column: string, values: readonly string[] | undefined): this {
    if (!values?.length) return this;
    const names = values.map((_, i) => `${column}_${i}`);
    return this.add(`${column} IN (${names.map((n) => `@${n}`).join(', ')})`, Object.fromEntries(names.map((n, i) => [n, values[i]])));
  }

  get sql(): string {
    return this.clauses.length ? this.clauses.join(' AND ') : '1';
  }
}

export interface SortSpec {
  /** The query's sort key as given, e.g. `-submittedAt` (also stored in the cursor). */
  key: string;
  /** The SQL expression sorted on (never NULL). */
  expression: string;
}

/**
 * One keyset page of JSON documents from a record table: the matching count, the page, and the
 * cursor of the next page (the last row's sort value and id).
 */
export function pageOf<R extends { id: string }>(
  db: Db,
  table: string,
  filter: SqlFilter,
  sort: SortSpec,
  cursor: string | undefined,
  limit: number,
): { records: R[]; total: number; nextCursor: string | null } {
  const descending = sort.key.startsWith('-');
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${filter.sql}`).get(filter.params) as { n: number }).n;
  const position = decodeCursor(cursor, sort.key);
  const params: Record<string, unknown> = { ...filter.params, limit: limit + 1 };
  let where = filter.sql;
  if (position) {
    where += ` AND ${keysetCondition(sort.expression, descending)}`;
    Object.assign(params, { cursorValue: position.value, cursorId: position.id });
  }
  const direction = descending ? 'DESC' : 'ASC';
  const rows = db
    .prepare(`SELECT id, document, ${sort.expression} AS sort_value FROM ${table} WHERE ${where} ORDER BY ${sort.expression} ${direction}, id ${direction} LIMIT @limit`)
    .all(params) as { id: string; document: string; sort_value: string | number }[];
  const last = rows.length > limit ? rows[limit - 1]! : undefined;
  return {
    records: rows.slice(0, limit).map((row) => JSON.parse(row.document) as R),
    total,
    nextCursor: last ? encodeCursor({ sort: sort.key, value: last.sort_value, id: last.id }) : null,
  };
}

/** Shanghai start and end of a `YYYY-MM-DD` date as the ISO instants the tables store. */
export const startOfShanghaiDay = (date: string) => new Date(`${date}T00:00:00+08:00`).toISOString();
export const endOfShanghaiDay = (date: string) => new Date(new Date(`${date}T00:00:00+08:00`).getTime() + 86_400_000 - 1).toISOString();

// ----------------------------------------------------------------------------------- timeline

/** A record's ProcessTimeline: its events from the store, the parts its service supplies (`processTimeline` of @citybrain/domain). */
export function buildTimeline<R extends ProcessRecord<S>, S extends string>(
  ctx: ServiceContext,
  store: RecordStore<R, S>,
  record: R,
  parts: TimelineParts,
): ProcessTimeline {
  return processTimeline(store.spec, record, eventsOf(ctx.db, store.kind, record.id), parts, { now: ctx.clock.now(), calendar: ctx.workdays });
}

/** `masking` of a response: which personal fields this role sees masked or hidden. */
export function maskingInfo(role: Principal['role'], fields: { field: string; kind: 'name' | 'idNumber' | 'phone' | 'address' }[]) {
  const policy = personalFieldPolicy(role);
  const masked = fields.filter((f) => policy[f.kind] !== 'full').map((f) => f.field);
  return { masked: masked.length > 0, fields: masked, reason: masked.length ? `role:${role}` : null };
}

/** Whether the caller reads ID numbers in full (reads that are audited). */
export function readsUnmasked(role: Principal['role']): boolean {
  return personalFieldPolicy(role).auditUnmasked;
}

// ----------------------------------------------------------------------------------- simulation

/**
 * Moves a few open records one step on a timer, each inside its own transaction, publishing the
 * events. `pick` chooses the records, `move` proposes the next action of one.
 */
export function simulate<R extends ProcessRecord<S>, S extends string>(
  ctx: ServiceContext,
  store: RecordStore<R, S>,
  pick: (db: Db, count: number) => string[],
  move: (record: R) => { actor: Actor; body: ActionBody } | null,
  perTick = 3,
): () => void {
  const tick = () => {
    for (const id of pick(ctx.db, perTick)) {
      try {
        const record = store.load(ctx.db, id, '');
        const next = record && move(record);
        if (!next) continue;
        const result = applyAction(ctx, store, id, '', next.body, next.actor, () => {
          throw new Error(`record ${id} vanished`);
        });
        publishEvents(ctx, store.kind, id, [result.event]);
      } catch (error) {
        // A move the state machine refuses now (a 公示 still running, a deadline passed) waits for a later
        // tick; anything else is a bug worth seeing, but must not take the server down from a timer.
        if (!(error instanceof ProblemError)) console.error(`simulation of ${store.kind} ${id} failed`, error);
      }
    }
  };
  const timer = setInterval(tick, ctx.config.simulationIntervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
