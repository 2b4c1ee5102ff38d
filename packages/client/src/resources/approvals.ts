/** Resource helpers of the homestead (宅基地) approval service. */
import type { ApprovalsComponents as components, ApprovalsOperations as operations } from '@citybrain/contract';
import { paginateCursor, type Paginated } from '../pagination.js';
import type { ServerEvent } from '../sse.js';
import type { CoreClient, JsonBodyOf, QueryOf, ResponseData } from '../types.js';
import { pagingOf, type HelperOptions, type ListOptions } from './common.js';
import { watchPath, type WatchCallOptions } from './events.js';
import { MemoryUploadStore, uploadMaterial, type UploadMaterialOptions, type UploadedMaterial } from './uploads.js';

type Schemas = components['schemas'];
export type ApplicationSummary = Schemas['ApplicationSummary'];
export type ApplicationPage = Schemas['ApplicationPage'];
export type HomesteadApplication = Schemas['HomesteadApplication'];
export type ApplicationCreate = Schemas['ApplicationCreate'];
export type ApplicationCreated = Schemas['ApplicationCreated'];
export type ApplicationAction = Schemas['ApplicationAction'];
export type ApplicationActionResult = ResponseData<operations['actOnApplication']>;
export type ProcessTimeline = Schemas['ProcessTimeline'];
export type TimelineEvent = Schemas['TimelineEvent'];
export type LookupRequest = Schemas['LookupRequest'];
export type ZoneCheckResult = Schemas['ZoneCheckResult'];
export type ZoneStats = Schemas['ZoneStats'];
export type ProcessDefinition = Schemas['ProcessDefinition'];

/** Filters of an application list; paging (`cursor`) is the iterator's job. */
export type ApplicationQuery = Omit<QueryOf<operations['listApplications']>, 'cursor'>;
/** One event of an application's live stream: a status change as recorded on its timeline. */
export type ApplicationEvent = ServerEvent<'status', TimelineEvent>;

export interface ApprovalsResource {
  /**
   * Applications in the caller's region, newest submission first, across all pages:
   * `for await (const a of client.approvals.list({ overdue: true }))`; `.pages()` for pages with totals.
   */
  list(query?: ApplicationQuery, options?: ListOptions): Paginated<ApplicationSummary, ApplicationPage>;
  /**
   * A process as this deployment configures it: stages, time limits, actions, and the `materials` an
   * application takes (their media types, size limit, number of files, which are required).
   */
  processDefinition(key?: string, options?: HelperOptions): Promise<ProcessDefinition>;
  /** One application with its form (masked by role), approval record, branches and `allowedActions`. */
  get(id: string, options?: HelperOptions): Promise<HomesteadApplication>;
  /**
   * Registers (and by default submits) an application. An Idempotency-Key is generated for the call
   * unless you pass one (the front-end form id is a good key), so retries never create a second record.
   */
  create(application: ApplicationCreate, options?: HelperOptions): Promise<ApplicationCreated>;
  /**
   * Takes one action (`{ action: 'joint-review', … }`); 409 when the current status does not allow
   * it. Keyed like {@link create}, so a retried action is applied once.
   */
  act(id: string, action: ApplicationAction, options?: HelperOptions): Promise<ApplicationActionResult>;
  /** The status timeline: stages, handlers, due dates, overdue flags, next step for the applicant. */
  timeline(id: string, options?: HelperOptions): Promise<ProcessTimeline>;
  /** Public progress lookup by tracking number and verification code; everything personal is masked. */
  lookup(request: LookupRequest, options?: HelperOptions): Promise<ProcessTimeline>;
  /** Whether a point is buildable (适建), restricted (限建) or prohibited (禁建) for a homestead. */
  zoneCheck(point: QueryOf<operations['checkZone']>, options?: HelperOptions): Promise<ZoneCheckResult>;
  /** Remaining homestead space per town or village of a region. */
  zoneStats(query?: QueryOf<operations['getZoneStats']>, options?: HelperOptions): Promise<ZoneStats>;
  /**
   * Live status events of one application (SSE), resuming with Last-Event-ID after a drop. Stop
   * with `break` or the signal: `client.approvals.watch(id, { signal: AbortSignal.timeout(60_000) })`.
   */
  watch(id: string, options?: WatchCallOptions): AsyncGenerator<ApplicationEvent, void, undefined>;
  /**
   * Uploads one material over the tus resumable upload protocol, in chunks, resuming from the
   * server's offset after a cut connection, and an earlier unfinished upload of the same file when
   * called again. Resolves with the stored upload once the server has checked it; attach it with
   * `create({ …, attachments: [{ kind, uploadId }] })`. A refused file rejects with the server's
   * problem (`UnprocessableError` when its content is not the declared type, 413 when too large).
   */
  uploadMaterial(file: Blob, options: UploadMaterialOptions): Promise<UploadedMaterial>;
  /** One of the caller's uploads: its kind, name, type, size, offset, hash and status. */
  getUpload(uploadId: string, options?: HelperOptions): Promise<UploadedMaterial>;
  /** Deletes an upload not yet part of an application (a cancelled file); 409 once it is. */
  deleteUpload(uploadId: string, options?: HelperOptions): Promise<void>;
}

export function createApprovalsResource(client: CoreClient): ApprovalsResource {
  const unfinishedUploads = new MemoryUploadStore();
  return {
    list(query = {}, options) {
      const { limits, call } = pagingOf(client, '/approvals/applications', options);
      return paginateCursor(async (cursor) => (await client.GET('/approvals/applications', { ...call, params: { query: { ...query, cursor } } })).data, limits);
    },
    async processDefinition(key = 'homestead', options) {
      return (await client.GET('/approvals/process-definitions/{key}', { ...options, params: { path: { key } } })).data;
    },
    async get(id, options) {
      return (await client.GET('/approvals/applications/{id}', { ...options, params: { path: { id } } })).data;
    },
    async create(application, options = {}) {
      return (await client.POST('/approvals/applications', { ...options, idempotencyKey: options.idempotencyKey ?? true, body: application })).data;
    },
    async act(id, action, options = {}) {
      const body: JsonBodyOf<operations['actOnApplication']> = action;
      return (
        await client.POST('/approvals/applications/{id}/actions', {
          ...options,
          idempotencyKey: options.idempotencyKey ?? true,
          params: { path: { id } },
          body,
        })
      ).data;
    },
    async timeline(id, options) {
      return (await client.GET('/approvals/applications/{id}/timeline', { ...options, params: { path: { id } } })).data;
    },
    async lookup(request, options) {
      return (await client.POST('/approvals/lookup', { ...options, body: request })).data;
    },
    async zoneCheck(point, options) {
      return (await client.GET('/approvals/zone-check', { ...options, params: { query: point } })).data;
    },
    async zoneStats(query = {}, options) {
      return (await client.GET('/approvals/zone-stats', { ...options, params: { query } })).data;
    },
    watch(id, options) {
      return watchPath<ApplicationEvent>(client, `/approvals/applications/${encodeURIComponent(id)}/events`, options);
    },
    uploadMaterial(file, options) {
      return uploadMaterial(client, unfinishedUploads, file, options);
    },
    async getUpload(uploadId, options) {
      return (await client.GET('/approvals/uploads/{uploadId}', { ...options, params: { path: { uploadId } } })).data;
    },
    async deleteUpload(uploadId, options) {
      await client.DELETE('/approvals/uploads/{uploadId}', { ...options, params: { path: { uploadId }, header: { 'Tus-Resumable': '1.0.0' } } });
    },
  };
}
