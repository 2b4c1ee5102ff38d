/** Resource helpers of the data platform (数据中台): catalogue, rows, counts, CSV export. */
import type { DataComponents as components, DataOperations as operations } from '@citybrain/contract';
import { paginateCursor, type Paginated } from '../pagination.js';
import type { CoreClient, QueryOf } from '../types.js';
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

export function createDataResource(client: CoreClient): DataResource {
  return {
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
