import type { ColumnState, DataRow, DataTableQuery } from './model.js';

/** `detail` of `cb-row-click`. */
export interface DataTableRowClickDetail {
  row: DataRow;
  /** Position of the row in the current sort and filter (0-based). */
  index: number;
}

/** `detail` of `cb-query-change`. */
export interface DataTableQueryChangeDetail {
  query: Required<DataTableQuery>;
  /** The query as URL search parameters (`sort=-a,b&filter=c:eq:1`), ready for a deep link. */
  search: string;
}

/** `detail` of `cb-selection-change`. */
export interface DataTableSelectionDetail {
  rows: DataRow[];
}

/** `detail` of `cb-data-load`: a page of rows arrived or the plain rows were applied. */
export interface DataTableLoadDetail {
  /** Rows matching the query (estimated when `exact` is false). */
  total: number;
  exact: boolean;
}

/** `detail` of `cb-export`. Cancel the event to handle `blob` yourself instead of downloading it. */
export interface DataTableExportDetail {
  blob: Blob;
  filename: string;
  /** Data lines in the file. */
  rows: number;
}

declare global {
  interface CityBrainEventMap {
    'cb-row-click': DataTableRowClickDetail;
    'cb-query-change': DataTableQueryChangeDetail;
    'cb-selection-change': DataTableSelectionDetail;
    'cb-column-change': ColumnState;
    'cb-data-load': DataTableLoadDetail;
    'cb-export': DataTableExportDetail;
  }
}
