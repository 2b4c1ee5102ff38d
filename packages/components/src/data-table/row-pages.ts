/**
 * Server rows of one query, fetched by keyset cursor.
 *
 * A cursor can only continue where the previous page ended, so rows are reached in order: the
 * "frontier" advances page by page towards the rows in view (1,000 rows per request when they are
 * far ahead). Each fetched page keeps its cursor, so a page whose rows were dropped to bound memory
 * can be fetched again on its own when it scrolls back into view. One frontier request and one
 * re-fetch run at a time; a re-fetch of a page that left the view is aborted as superseded.
 */
import type { DataRow, KnownCount, TableRows } from './model.js';

export interface FetchedPage {
  items: DataRow[];
  next: string | null;
  total: number | null;
  exact: boolean;
}

export type PageFetcher = (cursor: string | undefined, limit: number, signal: AbortSignal) => Promise<FetchedPage>;

interface Page {
  start: number;
  size: number;
  cursor: string | undefined;
  rows: DataRow[] | undefined;
}

/** The largest page the data API serves. */
export const MAX_PAGE = 1000;
/** Rows kept around the view; pages farther away drop their rows (their cursors stay). */
const KEEP_ROWS = 5000;

export class RowPages implements TableRows {
  private readonly pages: Page[] = [];
  /** Rows covered by fetched pages: the frontier. */
  loaded = 0;
  /** Cursor after the last fetched page; null at the end of the rows; undefined before the first page. */
  next: string | null | undefined = undefined;
  total: number | null = null;
  exact = false;
  /** The last failure of a later page; cleared by {@link retry}. */
  error: unknown = undefined;
  private frontier: AbortController | undefined;
  private refetch: { ctl: AbortController; page: Page } | undefined;

  constructor(
    private readonly fetchPage: PageFetcher,
    readonly limit: number,
    /** Called when rows arrive or a request fails, to re-render. */
    private readonly changed: () => void,
  ) {}

  /**
   * Rows to lay out: the loaded ones at the end, else the server's exact total, else room for one
   * more page beyond the larger of the estimate and the rows loaded so far.
   */
  get count(): number {
    if (this.next === null) return this.loaded;
    if (this.exact && this.total !== null) return Math.max(this.total, this.loaded);
    return Math.max(this.total ?? 0, this.loaded + (this.next === undefined ? 0 : this.limit));
  }

  /**
   * What may be said of the number of rows: the server's count (exact or estimated) or, while the
   * server gave none, the rows loaded so far as a lower bound — never the layout's guess.
   */
  get known(): KnownCount {
    if (this.next === null || this.total === null) return { total: this.loaded, exact: this.next === null, atLeast: this.next !== null };
    return { total: this.total, exact: this.exact, atLeast: false };
  }

  get busy(): boolean {
    return this.frontier !== undefined || this.refetch !== undefined;
  }

  /** The first page; rejects on failure so the caller's load state shows it. */
  async first(signal: AbortSignal): Promise<this> {
    this.add(undefined, await this.fetchPage(undefined, this.limit, signal));
    return this;
  }

  private pageAt(index: number): Page | undefined {
    let lo = 0;
    let hi = this.pages.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const page = this.pages[mid]!;
      if (index < page.start) hi = mid - 1;
      else if (index >= page.start + page.size) lo = mid + 1;
      else return page;
    }
    return undefined;
  }

  /** Row `index`, or undefined while it is not loaded. */
  row(index: number): DataRow | undefined {
    const page = this.pageAt(index);
    return page?.rows?.[index - page.start];
  }

  /** The loaded rows, in order (for "select all"). */
  *loadedRows(): Generator<DataRow> {
    for (const page of this.pages) if (page.rows) yield* page.rows;
  }

  private add(cursor: string | undefined, result: FetchedPage): void {
    this.pages.push({ start: this.loaded, size: result.items.length, cursor, rows: result.items });
    this.loaded += result.items.length;
    this.next = result.items.length ? result.next : null;
    this.total = result.total;
    this.exact = result.exact;
    if (this.next === null) {
      this.total = this.loaded;
      this.exact = true;
    }
  }

  /** Starts whatever request brings rows `first`…`last` (inclusive) closer, and frees far rows. */
  ensure(first: number, last: number): void {
    if (this.error !== undefined || this.next === undefined) return;
    const stale = this.refetch?.page;
    if (stale && (stale.start > last || stale.start + stale.size <= first)) {
      this.refetch!.ctl.abort();
      this.refetch = undefined;
    }
    // Pages in view whose rows were dropped.
    if (!this.refetch) {
      for (let index = first; index <= last && index < this.loaded; ) {
        const page = this.pageAt(index)!;
        if (!page.rows) {
          this.load(page);
          break;
        }
        index = page.start + page.size;
      }
    }
    if (!this.frontier && this.next !== null && last >= this.loaded) {
      const cursor = this.next;
      const ctl = (this.frontier = new AbortController());
      const limit = last - this.loaded >= 2 * this.limit ? MAX_PAGE : this.limit;
      this.fetchPage(cursor, limit, ctl.signal).then(
        (result) => {
          if (!ctl.signal.aborted) this.add(cursor, result);
        },
        (error) => {
          if (!ctl.signal.aborted) this.error = error;
        },
      ).finally(() => {
        if (this.frontier === ctl) {
          this.frontier = undefined;
          this.changed();
        }
      });
    }
    this.evict(first, last);
  }

  private load(page: Page): void {
    const ctl = new AbortController();
    this.refetch = { ctl, page };
    this.fetchPage(page.cursor, page.size, ctl.signal).then(
      (result) => {
        if (!ctl.signal.aborted) page.rows = result.items;
      },
      (error) => {
        if (!ctl.signal.aborted) this.error = error;
      },
    ).finally(() => {
      if (this.refetch?.ctl === ctl) {
        this.refetch = undefined;
        this.changed();
      }
    });
  }

  private evict(first: number, last: number): void {
    let kept = 0;
    for (const page of this.pages) if (page.rows) kept += page.size;
    if (kept <= 3 * KEEP_ROWS) return;
    for (const page of this.pages) {
      if (page.rows && (page.start + page.size < first - KEEP_ROWS || page.start > last + KEEP_ROWS)) page.rows = undefined;
    }
  }

  /** After a failed later page: try again. */
  retry(): void {
    this.error = undefined;
    this.changed();
  }

  /** Stops every request (the query changed or the element left the page). */
  abort(): void {
    this.frontier?.abort();
    this.refetch?.ctl.abort();
    this.frontier = this.refetch = undefined;
  }
}
