/**
 * Where a server-mode `<cb-data-table>` gets its data: one dataset of the data platform through
 * the client's `data` resource — the schema, the rows of a query page by page (keyset cursors,
 * a few recent queries cached), the CSV export and the region names of the filter panel.
 */
import type { CityBrainClient, CsvExport, Dataset } from '@citybrain/client';
import type { DataTableQuery } from './model.js';
import { loadRegions, type RegionOption } from './format-cell.js';
import { RowPages } from './row-pages.js';

/** A dataset the caller may not read: its catalogue entry says why. */
export class AccessDenied extends Error {
  override name = 'AccessDenied';
}

/** Queries whose rows stay cached, so switching back to one is instant. */
const CACHED_QUERIES = 4;

export class DatasetRowSource {
  private readonly cache = new Map<string, RowPages>();

  constructor(
    readonly client: CityBrainClient,
    readonly datasetId: string,
  ) {}

  /** The dataset's catalogue entry: its columns and what the caller may do with it. */
  schema(signal: AbortSignal): Promise<Dataset> {
    return this.client.data.dataset(this.datasetId, { signal });
  }

  /**
   * The rows of `query`, `pageSize` per request, with their first page loaded; `changed` is called
   * when later pages arrive or fail. A query asked for again comes from the cache.
   */
  async rows(query: Required<DataTableQuery>, pageSize: number, changed: () => void, signal: AbortSignal): Promise<RowPages> {
    const key = JSON.stringify([query.sort, query.filter, pageSize]);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const { sort, filter } = query;
    const pages = new RowPages(
      async (cursor, limit, pageSignal) => {
        const { items, page } = await this.client.data
          .rows(
            this.datasetId,
            { sort: sort.join(',') || undefined, filter: filter.length ? filter : undefined, limit, count: 'estimated' },
            { resumeAt: cursor, signal: pageSignal },
          )
          .first();
        return { items, next: page.nextCursor, total: page.total ?? null, exact: page.totalExact === true };
      },
      pageSize,
      changed,
    );
    await pages.first(signal);
    this.cache.set(key, pages);
    if (this.cache.size > CACHED_QUERIES) this.cache.delete(this.cache.keys().next().value!);
    return pages;
  }

  /** The whole query as a CSV stream, with the visible columns in their order. */
  export(query: Required<DataTableQuery>, columns: readonly string[], purpose: string | undefined, signal: AbortSignal): Promise<CsvExport> {
    return this.client.data.export(
      this.datasetId,
      {
        sort: query.sort.join(',') || undefined,
        filter: query.filter.length ? query.filter : undefined,
        columns: columns.join(','),
        purpose: purpose || undefined,
      },
      { signal },
    );
  }

  /** The divisions directly under `parent` (towns of the district, villages of a town), for the filter panel. */
  regions(parent: string): Promise<RegionOption[]> {
    return loadRegions(this.client, parent);
  }
}
