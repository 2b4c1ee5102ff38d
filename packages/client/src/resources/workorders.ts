/** Resource helpers of the work-order centre (12345 / 一网统管). */
import type { WorkOrdersComponents as components, WorkOrdersOperations as operations } from '@citybrain/contract';
import { paginateCursor, type Paginated } from '../pagination.js';
import type { ServerEvent } from '../sse.js';
import type { CoreClient, JsonBodyOf, QueryOf, ResponseData } from '../types.js';
import { pagingOf, type HelperOptions, type ListOptions } from './common.js';
import { watchPath, type WatchCallOptions } from './events.js';

type Schemas = components['schemas'];
export type WorkOrderSummary = Schemas['WorkOrderSummary'];
export type WorkOrderPage = Schemas['WorkOrderPage'];
export type WorkOrder = Schemas['WorkOrder'];
export type WorkOrderCreate = Schemas['WorkOrderCreate'];
export type WorkOrderCreated = ResponseData<operations['createWorkOrder']>;
export type WorkOrderAction = Schemas['WorkOrderAction'];
export type WorkOrderActionResult = Schemas['WorkOrderActionResult'];
export type WorkOrderStats = Schemas['WorkOrderStats'];
/** The same process-agnostic timeline as homestead applications. */
export type WorkOrderTimeline = ResponseData<operations['getWorkOrderTimeline']>;

/** Filters of a work-order list; paging (`cursor`) is the iterator's job. */
export type WorkOrderQuery = Omit<QueryOf<operations['listWorkOrders']>, 'cursor'>;
/** One event of a work order's live stream: a status change as recorded on its timeline. */
export type WorkOrderEvent = ServerEvent<'status', WorkOrderTimeline['events'][number]>;

export interface WorkOrdersResource {
  /** Work orders in the caller's region across all pages; `.pages()` for pages with totals. */
  list(query?: WorkOrderQuery, options?: ListOptions): Paginated<WorkOrderSummary, WorkOrderPage>;
  /** One work order with result, callback, return and extension details and `allowedActions`. */
  get(id: string, options?: HelperOptions): Promise<WorkOrder>;
  /** Registers a work order. An Idempotency-Key is generated unless you pass one, so a retry never files it twice. */
  create(workOrder: WorkOrderCreate, options?: HelperOptions): Promise<WorkOrderCreated>;
  /** Takes one action (dispatch, sign, process, reply, extend, supervise, callback, close …); keyed like {@link create}. */
  act(id: string, action: WorkOrderAction, options?: HelperOptions): Promise<WorkOrderActionResult>;
  /** The status timeline (受理 → 派单 → 签收 → 处置 → 核查 → 回访 → 结案) with deadlines and flags. */
  timeline(id: string, options?: HelperOptions): Promise<WorkOrderTimeline>;
  /** Counts by status, type and channel, overdue and on-time figures, callback satisfaction. */
  stats(query?: QueryOf<operations['getWorkOrderStats']>, options?: HelperOptions): Promise<WorkOrderStats>;
  /** Live status events of one work order (SSE), resuming with Last-Event-ID after a drop. */
  watch(id: string, options?: WatchCallOptions): AsyncGenerator<WorkOrderEvent, void, undefined>;
}

export function createWorkOrdersResource(client: CoreClient): WorkOrdersResource {
  return {
    list(query = {}, options) {
      const { limits, call } = pagingOf(client, '/workorders', options);
      return paginateCursor(async (cursor) => (await client.GET('/workorders', { ...call, params: { query: { ...query, cursor } } })).data, limits);
    },
    async get(id, options) {
      return (await client.GET('/workorders/{id}', { ...options, params: { path: { id } } })).data;
    },
    async create(workOrder, options = {}) {
      return (await client.POST('/workorders', { ...options, idempotencyKey: options.idempotencyKey ?? true, body: workOrder })).data;
    },
    async act(id, action, options = {}) {
      const body: JsonBodyOf<operations['actOnWorkOrder']> = action;
      return (
        await client.POST('/workorders/{id}/actions', { ...options, idempotencyKey: options.idempotencyKey ?? true, params: { path: { id } }, body })
      ).data;
    },
    async timeline(id, options) {
      return (await client.GET('/workorders/{id}/timeline', { ...options, params: { path: { id } } })).data;
    },
    async stats(query = {}, options) {
      return (await client.GET('/workorders/stats', { ...options, params: { query } })).data;
    },
    watch(id, options) {
      return watchPath<WorkOrderEvent>(client, `/workorders/${encodeURIComponent(id)}/events`, options);
    },
  };
}
