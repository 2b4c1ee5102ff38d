/** Resource helpers of the data platform (数据中台): catalogue, rows, counts, CSV export, share applications. */
import type { DataComponents as components, DataOperations as operations } from '@citybrain/contract';
import { paginateCursor, type Paginated } from '../pagination.js';
import type { CoreClient, JsonBodyOf, QueryOf } from '../types.js';
import { headersWith } from '../headers.js';
import { pagingOf, type HelperOptions, type ListOptions } from './common.js';

type Schemas = components['schemas'];
export type DatasetSummary = Schemas['DatasetSummary'];
export type DatasetCataloguePage = Schemas['DatasetCataloguePage'];
export type Dataset = Schemas['Dataset'];
export type DatasetColumn = Schemas['DatasetColumn'];
export type DatasetRow = Schemas['DatasetRow'];
export type DatasetRowsPage = Schemas['DatasetRowsPage'];
export type DatasetCount = Schemas['DatasetCount'];
export type DatasetAccess = Schemas['DatasetAccess'];
export type ShareApplication = Schemas['ShareApplication'];
export type ShareApplicationPage = Schemas['ShareApplicationPage'];
export type ShareApplicationStatus = Schemas['ShareApplicationStatus'];
export type ShareApplicationCreate = Schemas['ShareApplicationCreate'];
export type ShareApplicationAction = Schemas['ShareApplicationAction'];
export type ShareGrant = Schemas['ShareGrant'];
/** `view: 'mine'` (default) for the applicant, `'review'` for the owning department's steward and CDO. */
export type ShareApplicationQuery = Omit<QueryOf<operations['listShareApplications']>, 'cursor'>;
export type ShareGrantQuery = QueryOf<operations['listShareGrants']>;

/** Catalogue filters; paging is the iterator's job. */
export type DatasetQuery = Omit<QueryOf<operations['listDatasets']>, 'cursor'>;
/** A rows query: `sort`, `filter` (`column:operator:value`, repeated), `columns`, `regionCode`, `count`, `limit` per page. */
export type RowsQuery = Omit<QueryOf<operations['listDatasetRows']>, 'cursor'>;
export type CountQuery = QueryOf<operations['countDatasetRows']>;
export type ExportQuery = QueryOf<operations['exportDatasetRows']>;
/** Options of `rows()`: those of every paged helper, and where to begin. */
export interface RowsOptions extends ListOptions {
  /**
   * Begin at the page this cursor names (the `page.nextCursor` of an earlier page) rather than at the
   * first: to fetch one page again, or resume an iteration. The iterator still owns every later cursor.
   */
  resumeAt?: string;
}

/** A streamed CSV export. */
export interface CsvExport {
  /** UTF-8 CSV with a byte-order mark and CRLF line ends, streamed as the server reads rows. Read it once. */
  body: ReadableStream<Uint8Array>;
  /** The file name the server suggests (Content-Disposition, the RFC 5987 `filename*` form preferred). */
  filename: string | undefined;
  /** Columns masked for this caller. */
  maskedColumns: string[];
  /** The server's request id, for the audit trail of the export. */
  requestId: string;
}

export interface DataResource {
  /** The dataset catalogue visible to the caller, across all pages. */
  datasets(query?: DatasetQuery, options?: ListOptions): Paginated<DatasetSummary, DatasetCataloguePage>;
  /** One dataset with its column schema (types, zh/en labels, sensitivity, filter operators). */
  dataset(datasetId: string, options?: HelperOptions): Promise<Dataset>;
  /**
   * Every row of a query, fetched page by page with keyset cursors:
   * `for await (const row of client.data.rows('market-enterprises', { filter: ['status:eq:1'] }))`.
   * `.pages()` yields whole pages with `page.total` and the masking report.
   */
  rows(datasetId: string, query?: RowsQuery, options?: RowsOptions): Paginated<DatasetRow, DatasetRowsPage>;
  /** The number of rows matching the filters (exact, or estimated with `mode: 'estimated'`). */
  count(datasetId: string, query?: CountQuery, options?: HelperOptions): Promise<DatasetCount>;
  /**
   * The whole query as CSV, streamed (no paging, never held in memory). The per-attempt timeout
   * covers the response headers; afterwards a silence longer than `timeout` between chunks fails the stream.
   */
  export(datasetId: string, query?: ExportQuery, options?: HelperOptions): Promise<CsvExport>;
  /** Share applications for 有条件共享 datasets (towns and villages apply; the owning department's steward decides). */
  shares: ShareApplicationsResource;
}

export interface ShareApplicationsResource {
  /** The caller's applications (`view: 'mine'`), or those to its department (`view: 'review'`), newest first, across all pages. */
  list(query?: ShareApplicationQuery, options?: ListOptions): Paginated<ShareApplication, ShareApplicationPage>;
  /** One application with its decision and grant. */
  get(applicationId: string, options?: HelperOptions): Promise<ShareApplication>;
  /**
   * Applies for a 有条件共享 dataset with purpose and period. An Idempotency-Key is generated unless you
   * pass one, so a retry never files it twice.
   */
  apply(application: ShareApplicationCreate, options?: HelperOptions): Promise<ShareApplication>;
  /** `approve` (optionally narrowing period and columns) or `return` with a reason (the steward); `withdraw` (the applicant). Keyed like {@link apply}. */
  act(applicationId: string, action: ShareApplicationAction, options?: HelperOptions): Promise<ShareApplication>;
  /** The caller's grants, with the period and whether each is in force now. */
  grants(query?: ShareGrantQuery, options?: HelperOptions): Promise<ShareGrant[]>;
}

/** The file name of a Content-Disposition header, preferring RFC 5987 `filename*=UTF-8''…`. */
export function filenameFromDisposition(header: string | null): string | undefined {
  if (!header) return undefined;
  const extended = /filename\*\s*=\s*([\w-]+)'[^']*'([^;]+)/i.exec(header);
  if (extended) {
    try {
      return decodeURIComponent(extended[2]!.trim());
    } catch {
      // A malformed percent-encoding falls back to the plain filename parameter.
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(header);
  return plain ? (plain[1]?.replace(/\\(.)/g, '$1') ?? plain[2]!.trim()) : undefined;
}

function createShareApplicationsResource(client: CoreClient): ShareApplicationsResource {
  return {
    list(query = {}, options) {
      const { limits, call } = pagingOf(client, '/data/share-applications', options);
      return paginateCursor(
        async (cursor) => (await client.GET('/data/share-applications', { ...call, params: { query: { ...query, cursor } } })).data,
        limits,
      );
    },
    async get(applicationId, options) {
      return (await client.GET('/data/share-applications/{applicationId}', { ...options, params: { path: { applicationId } } })).data;
    },
    async apply(application, options = {}) {
      return (await client.POST('/data/share-applications', { ...options, idempotencyKey: options.idempotencyKey ?? true, body: application })).data;
    },
    async act(applicationId, action, options = {}) {
      const body: JsonBodyOf<operations['actOnShareApplication']> = action;
      return (
        await client.POST('/data/share-applications/{applicationId}/actions', {
          ...options,
          idempotencyKey: options.idempotencyKey ?? true,
          params: { path: { applicationId } },
          body,
        })
      ).data;
    },
    async grants(query = {}, options) {
      return (await client.GET('/data/share-grants', { ...options, params: { query } })).data.items;
    },
  };
}

export function createDataResource(client: CoreClient): DataResource {
  return {
    shares: createShareApplicationsResource(client),
    datasets(query = {}, options) {
      const { limits, call } = pagingOf(client, '/data/datasets', options);
      return paginateCursor(async (cursor) => (await client.GET('/data/datasets', { ...call, params: { query: { ...query, cursor } } })).data, limits);
    },
    async dataset(datasetId, options) {
      return (await client.GET('/data/datasets/{datasetId}', { ...options, params: { path: { datasetId } } })).data;
    },
    rows(datasetId, query = {}, { resumeAt, ...options } = {}) {
      const { limits, call } = pagingOf(client, `/data/datasets/${encodeURIComponent(datasetId)}/rows`, options);
      return paginateCursor(
        async (cursor = resumeAt) =>
          (await client.GET('/data/datasets/{datasetId}/rows', { ...call, params: { path: { datasetId }, query: { ...query, cursor } } })).data,
        limits,
      );
    },
    async count(datasetId, query = {}, options) {
      return (await client.GET('/data/datasets/{datasetId}/count', { ...options, params: { path: { datasetId }, query } })).data;
    },
    async export(datasetId, query = {}, options = {}) {
      const { data, response, requestId } = await client.GET('/data/datasets/{datasetId}/export', {
        ...options,
        parseAs: 'stream',
        headers: headersWith(options.headers, { accept: 'text/csv' }),
        params: { path: { datasetId }, query },
      });
      const masked = response.headers.get('x-masked-columns');
      return {
        body: data,
        filename: filenameFromDisposition(response.headers.get('content-disposition')),
        maskedColumns: masked ? masked.split(',').map((name) => name.trim()).filter(Boolean) : [],
        requestId,
      };
    },
  };
}
