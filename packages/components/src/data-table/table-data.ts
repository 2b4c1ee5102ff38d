/**
 * What `<cb-data-table>` shows, from its properties: in plain mode the local `rows`, sorted and
 * filtered here; in server mode a dataset's schema and the rows of its query, page by page through
 * a {@link DatasetRowSource}. Validates what it is given (a bad `rows`, `columns` or `dataset`
 * becomes the error state, a query part the columns do not allow a warning), keeps the columns of
 * the {@link ColumnLayout} current and the query as applied, and reloads when the client, dataset,
 * query or page size change.
 */
import type { PropertyValues, ReactiveElement } from 'lit';
import { msg, str } from '@lit/localize';
import type { CityBrainClient, Dataset, DatasetColumn } from '@citybrain/client';
import { ConfigurationError, LoadController } from '../shared/status.js';
import { textOf } from '../shared/text.js';
import type { ColumnLayout } from './column-layout.js';
import { RegionChoices } from './filters.js';
import {
  columnsProblem,
  firstNonRow,
  isRow,
  localView,
  NO_ROWS,
  plainRows,
  validateQuery,
  type ColumnState,
  type DataRow,
  type DataTableColumn,
  type DataTableQuery,
  type KnownCount,
  type TableRows,
} from './model.js';
import type { RowPages } from './row-pages.js';
import { AccessDenied, DatasetRowSource } from './row-source.js';

const DATASET_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

const abortError = () => new DOMException('superseded', 'AbortError');

/** The element, with the properties the data comes from. */
export interface TableDataHost extends ReactiveElement {
  datasetId?: string;
  rows?: DataRow[];
  columns?: DataTableColumn[];
  query: DataTableQuery;
  columnState?: Partial<ColumnState>;
  pageSize: number;
  warnOnce(key: string, message: string): void;
}

/** What the element does when the data changes. */
export interface TableDataEvents {
  /** Loading failed: the error and the message the error state shows. */
  failed(error: unknown, message: string): void;
  /** The applied query changed: back to the first row. */
  queryChanged(): void;
  /** Another dataset or client: the old rows' selection means nothing any more. */
  datasetChanged(): void;
  /** Rows of the query are ready. */
  loaded(count: KnownCount): void;
}

export class TableData {
  readonly load: LoadController<RowPages | undefined>;
  /** `query` as applied: validated against the columns. */
  query: Required<DataTableQuery> = { sort: [], filter: [] };
  schema?: Dataset;
  source?: DatasetRowSource;
  regions?: RegionChoices;
  /** The client the rows came from: a new one (another caller, or a fixed configuration) reloads everything. */
  private client?: CityBrainClient | ConfigurationError;
  /** Plain mode: the sorted and filtered row order (undefined: the rows as given). */
  private plainOrder?: Uint32Array;

  constructor(
    private readonly host: TableDataHost,
    private readonly columns: ColumnLayout,
    /** Rows per request: `pageSize` if usable. */
    private readonly limit: () => number,
    private readonly events: TableDataEvents,
  ) {
    this.load = new LoadController<RowPages | undefined>(host, {
      isEmpty: (pages) => !pages || pages.count === 0,
      onError: (error, message) => events.failed(error, message),
    });
  }

  /** Plain mode: `rows` was set (it switches off `dataset`). */
  get plain(): boolean {
    return this.host.rows !== undefined;
  }

  /** The server's rows of the query, once loaded. */
  get pages(): RowPages | undefined {
    return this.load.status === 'ready' ? this.load.value : undefined;
  }

  /** All rows of the current query: the plain rows in their order, or the server's pages. */
  all(): TableRows {
    if (this.plain) return plainRows(Array.isArray(this.host.rows) ? this.host.rows : [], this.plainOrder);
    return this.pages ?? NO_ROWS;
  }

  /** Called from the element's `willUpdate` with the client it has now. */
  update(changed: PropertyValues<TableDataHost>, client: CityBrainClient | ConfigurationError): void {
    const { columnState } = this.host;
    if (changed.has('columnState') && columnState) this.columns.restore(columnState);
    if (this.plain) {
      if (changed.has('rows') || changed.has('columns') || changed.has('query')) this.syncPlain(changed.has('columns') || changed.has('rows'));
      return;
    }
    if (client !== this.client || changed.has('datasetId') || changed.has('rows')) {
      this.client = client;
      this.startServer(client);
    } else if ((changed.has('query') || changed.has('pageSize')) && this.schema && (this.applyQuery() || changed.has('pageSize'))) {
      this.fetchFirst();
    }
  }

  private fail(error: Error): void {
    this.host.warnOnce(`config:${error.message}`, error.message);
    void this.load.run(() => Promise.reject(error));
  }

  private setColumns(raw: readonly (DataTableColumn | DatasetColumn)[], plain: boolean): void {
    this.columns.set(raw, plain, (key, message) => this.host.warnOnce(key, message));
    if (this.host.columnState) this.columns.restore(this.host.columnState);
  }

  /** Re-validates `query` against the columns; returns whether the effective query changed. */
  private applyQuery(): boolean {
    const raw = this.host.query;
    const { query, rejected } = validateQuery(raw && typeof raw === 'object' ? raw : {}, this.columns.byName);
    if (rejected.length) this.host.warnOnce(`query:${rejected.join()}`, `ignores query parts it cannot apply: ${rejected.join(', ')}.`);
    const changed = JSON.stringify(query) !== JSON.stringify(this.query);
    this.query = query;
    if (changed) this.events.queryChanged();
    return changed;
  }

  private syncPlain(structure: boolean): void {
    const rows = this.host.rows;
    if (!Array.isArray(rows)) {
      return this.fail(new ConfigurationError('rows must be an array', () => msg('rows 属性应为数组。', { id: 'data-table.rows-invalid' })));
    }
    this.load.abort();
    this.load.status = 'idle';
    // Looked for once per new rows, here and for the row order below.
    const bad = structure ? firstNonRow(rows) : undefined;
    if (bad !== undefined && bad >= 0) this.host.warnOnce('rows-entries', `skips entries of rows that are not row objects (the first is rows[${bad}]).`);
    if (structure || !this.columns.all.length) {
      const raw = this.host.columns ?? undefined;
      const problem = columnsProblem(raw);
      if (problem !== undefined) {
        this.setColumns([], true);
        return this.fail(
          new ConfigurationError(problem, () =>
            msg('columns 属性应为列对象的数组，每一列都要有字符串 name。', { id: 'data-table.columns-invalid' }),
          ),
        );
      }
      const first = rows.find(isRow);
      this.setColumns(raw ?? Object.keys(first ?? {}).map((name) => ({ name, label: name })), true);
    }
    this.applyQuery();
    this.plainOrder = localView(rows, this.columns.byName, this.query, bad);
    this.events.loaded({ total: this.plainOrder?.length ?? rows.length, exact: true, atLeast: false });
  }

  private startServer(client: CityBrainClient | ConfigurationError): void {
    this.pages?.abort();
    this.schema = undefined;
    this.source = this.regions = undefined;
    this.events.datasetChanged();
    // The columns come again with the schema (another caller may see them masked, or not at all).
    this.columns.clear();
    const id = textOf(this.host.datasetId)?.trim();
    if (!id) {
      this.load.abort();
      this.load.status = 'idle';
      return;
    }
    if (!DATASET_ID.test(id)) {
      return this.fail(
        new ConfigurationError(`invalid dataset "${id}": expected lower-case words joined by hyphens`, () =>
          msg(str`数据集编号无效：“${id}”，应为小写字母、数字和连字符。`, { id: 'data-table.dataset-invalid' }),
        ),
      );
    }
    if (client instanceof Error) return this.fail(client);
    const source = (this.source = new DatasetRowSource(client, id));
    this.regions = new RegionChoices((parent) => source.regions(parent), () => this.host.requestUpdate());
    this.fetchFirst();
  }

  private fetchFirst(): void {
    this.pages?.abort();
    const source = this.source!;
    void this.load.run(async (signal) => {
      if (!this.schema) {
        const schema = await source.schema(signal);
        if (signal.aborted) throw abortError();
        this.schema = schema;
        this.setColumns(Array.isArray(schema.columns) ? schema.columns : [], false);
        this.applyQuery();
      }
      if (!this.schema.access?.read) throw new AccessDenied(this.schema.access?.reason ?? '');
      const pages = await source.rows(this.query, this.limit(), () => this.host.requestUpdate(), signal);
      if (signal.aborted) throw abortError();
      this.events.loaded(pages.known);
      return pages;
    });
  }
}
