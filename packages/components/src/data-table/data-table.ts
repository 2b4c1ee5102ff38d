import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { styleProperties } from '../shared/style-properties.js';
import { msg, str } from '@lit/localize';
import type { CityBrainClient, Dataset } from '@citybrain/client';
import { CityBrainElement } from '../shared/city-brain-element.js';
import { ConfigurationError, LoadController, loadStatusStyles, renderLoadStatus } from '../shared/status.js';
import { formatNumber } from '../shared/format.js';
import { textOf } from '../shared/text.js';
import { getLocale } from '../shared/localization.js';
import { ClientController, type TokenSupplier } from '../provider/client-context.js';
import { dataTableStyles } from './data-table.styles.js';
import { cellFormatter, loadRegions, regionName } from './format-cell.js';
import {
  filterItem,
  isRow,
  joinList,
  kindOf,
  labelText,
  localView,
  parseFilter,
  parseQuerySearch,
  parseSort,
  primaryKeyOf,
  querySearch,
  sortItems,
  splitList,
  toColumn,
  validateQuery,
  type Column,
  type ColumnState,
  type DataRow,
  type DataTableColumn,
  type DataTableQuery,
  type Filter,
} from './model.js';
import { RowPages } from './row-pages.js';
import { Viewport, type Window } from './viewport.js';
import './events.js';

const DATASET_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const SELECTION = ['none', 'single', 'multiple'] as const;
const DENSITY = ['comfortable', 'compact'] as const;
const PAGING = ['scroll', 'pager'] as const;
const FILTER_DELAY = 350;

type Region = { code: string; name: string };

/** A dataset the caller may not read: its catalogue entry says why. */
class AccessDenied extends Error {
  override name = 'AccessDenied';
}

const lockIcon = html`<svg class="lock" viewBox="0 0 16 16" aria-hidden="true">
  <path d="M4 7V5a4 4 0 0 1 8 0v2h1v8H3V7h1zm2 0h4V5a2 2 0 0 0-4 0v2z" />
</svg>`;

const abortError = () => new DOMException('superseded', 'AbortError');

/** Stands in for an entry of the rows that is not a row object. */
const NO_ROW: DataRow = Object.freeze({});

/** Why plain-mode `columns` cannot be used, or undefined: absent (inferred) or an array of column objects. */
function columnsProblem(columns: unknown): string | undefined {
  if (columns === undefined) return undefined;
  if (!Array.isArray(columns)) return 'columns must be an array';
  const bad = columns.findIndex((c: unknown) => !isRow(c) || typeof c.name !== 'string');
  return bad < 0 ? undefined : `columns[${bad}] is not a column object with a string name`;
}

/**
 * Shows any dataset of the data platform — or a plain array — as a fast, accessible table: columns
 * from the dataset's schema with type-aware formatting and masked personal fields, server-side
 * multi-sort and filters, windowed rendering that stays smooth with a million rows, keyset paging
 * as you scroll (or a pager), selection, CSV export through the server, and every loading, empty,
 * error and permission state.
 *
 * ```html
 * <cb-provider base-url="https://citybrain.example.gov.cn/api/v1" token="…">
 *   <cb-data-table dataset="market-enterprises" selection="multiple"></cb-data-table>
 * </cb-provider>
 * ```
 *
 * Plain mode, for local arrays: `table.columns = [{ name: 'town', label: '镇街' }]; table.rows = [...]`.
 *
 * Bad input never throws; the element warns once in the console and, where nothing sensible can be
 * shown, shows its error state (as for a bad attribute): `rows` that is not an array, or `columns`
 * that is neither absent (undefined or null: inferred from the first row) nor an array of objects
 * each with a string `name`. Entries of `rows` that are not row objects (null, numbers, strings,
 * arrays) are skipped — the other rows show, and the count and `cb-row-click` indices leave them
 * out. Columns whose `name` is a string but not a usable column name, and column settings that
 * cannot be used (a `precision` that is not a whole number up to 20, `options` entries without a
 * value), are ignored. A
 * cell shows odd values as text: objects as JSON, whatever their `toString` does, and values that
 * have no text (cycles, functions) as “无效值”.
 *
 * Keyboard: arrows move between cells, Home/End to the first/last column (Ctrl+Home/End: first/last
 * row), PageUp/PageDown by a screen, Enter sorts on a header (Shift+Enter adds the column to the
 * sort) and activates a row, Space selects, Alt+ArrowDown opens a column's menu.
 *
 * @summary A schema-driven, virtualized, server-paged data table for the City Brain data platform.
 * @tagname cb-data-table
 *
 * @fires cb-row-click - A row was clicked or activated with Enter; `detail: { row, index }`.
 * @fires cb-query-change - Sort or filters changed; `detail: { query, search }` (`search` is the query as URL parameters, for deep links).
 * @fires cb-selection-change - The selected rows changed; `detail: { rows }`.
 * @fires cb-column-change - Columns were shown, hidden, moved or resized; `detail: { order, hidden, widths }` (store it and give it back as `columnState`).
 * @fires cb-data-load - Rows of a query are ready; `detail: { total, exact }`.
 * @fires cb-export - A CSV export finished; `detail: { blob, filename, rows }`. Cancelable: call `preventDefault()` to handle the file yourself instead of the download.
 * @fires cb-error - Loading failed or an attribute is invalid; `detail: { error, message }`.
 *
 * @slot empty - Shown when no row matches (default: a short message, and a button to clear the filters).
 *
 * @csspart toolbar - The bar above the table (caption, count, buttons).
 * @csspart caption - The table's caption.
 * @csspart button - The toolbar's buttons.
 * @csspart filters - The filter panel.
 * @csspart columns-panel - The column settings panel.
 * @csspart grid - The scrolling grid.
 * @csspart header-row - The row of column headers.
 * @csspart header - One column header.
 * @csspart row - One data row (also `row-selected` when selected).
 * @csspart cell - One data cell.
 * @csspart empty - The empty state.
 * @csspart denied - The permission-denied state.
 * @csspart export - The export progress bar.
 * @csspart pager - The pager (with `paging="pager"`).
 * @csspart status - Polite live region of the shared status display.
 * @csspart error - The error state; with `error-message`, `error-detail` and `retry-button`.
 *
 * @cssprop --cb-data-table-height - Height of the element (480px); the rows scroll inside. A page may size the element itself instead (\`height\`, a flex or grid track); whatever its \`display\`, only the rows in view are rendered, and where its height would grow with its rows (an inline host, \`height: auto\` in a container without a height) it takes this height and warns once.
 * @cssprop --cb-data-table-row-height - Row height in comfortable density (40px, × --cb-scale).
 * @cssprop --cb-data-table-row-height-compact - Row height in compact density (32px, × --cb-scale).
 * @cssprop --cb-data-table-header-background - Header background (--cb-color-surface-muted).
 * @cssprop --cb-data-table-selected-background - Background of selected rows (#e8f0fb).
 * @cssprop --cb-data-table-hover-background - Background of the row under the pointer.
 * @cssprop --cb-data-table-border-color - Outer border (--cb-color-divider).
 */
export class CbDataTable extends CityBrainElement {
  static override styles = [CityBrainElement.styles, loadStatusStyles, dataTableStyles];

  /** Id of a data-platform dataset (`market-enterprises`): its schema and rows load through the client. */
  @property({ attribute: 'dataset' }) datasetId?: string;
  /** API root when the element is used without `<cb-provider>`. */
  @property({ attribute: 'base-url' }) baseUrl?: string;
  /** Bearer token when used without a provider. */
  @property() token?: string;
  /** Region code (6, 9 or 12 digits) narrowing the rows, when used without a provider. */
  @property() region?: string;
  /** Token supplier when used without a provider. */
  @property({ attribute: false }) getToken?: TokenSupplier;
  /**
   * Sort and filters in the data API's syntax: `{ sort: ['-registeredCapital'], filter: ['status:eq:1'] }`.
   * As an attribute, URL parameters: `query="sort=-registeredCapital&filter=status:eq:1"`.
   */
  @property({ converter: { fromAttribute: parseQuerySearch, toAttribute: querySearch } }) query: DataTableQuery = {};
  /** Plain mode: the columns of `rows` (inferred from the first row when absent). */
  @property({ attribute: false }) columns?: DataTableColumn[];
  /** Plain mode: local rows, sorted and filtered in the browser. Setting it switches off `dataset`. */
  @property({ attribute: false }) rows?: DataRow[];
  /** Row selection: `none`, `single` or `multiple`. */
  @property() selection: 'none' | 'single' | 'multiple' = 'none';
  /** Row density: `comfortable` or `compact`. */
  @property({ reflect: true }) density: 'comfortable' | 'compact' = 'comfortable';
  /** `scroll` (rows load as you scroll) or `pager` (page by page with buttons). */
  @property() paging: 'scroll' | 'pager' = 'scroll';
  /** Rows per request, and per page in pager mode (1–1000). */
  @property({ type: Number, attribute: 'page-size' }) pageSize = 100;
  /** Caption and accessible name (default: the dataset's name). */
  @property() label?: string;
  /** Purpose of CSV exports, recorded in the platform's audit log (用途). */
  @property({ attribute: 'export-purpose' }) exportPurpose?: string;
  /** Column order, hidden columns and widths to restore (as reported by `cb-column-change`). */
  @property({ attribute: false }) columnState?: Partial<ColumnState>;
  /** Plain mode: a row's identity for selection (default: the row object). */
  @property({ attribute: false }) rowKey?: (row: DataRow) => unknown;

  private readonly clients = new ClientController(this);
  private readonly load = new LoadController<RowPages | undefined>(this, {
    isEmpty: (pages) => !pages || pages.count === 0,
    onError: (error, message) => this.emit('cb-error', { error, message }),
  });
  private client?: unknown;
  private schema?: Dataset;
  private cols: Column[] = [];
  private colMap = new Map<string, Column>();
  private order: string[] = [];
  private hiddenCols = new Set<string>();
  private widths = new Map<string, number>();
  private q: Required<DataTableQuery> = { sort: [], filter: [] };
  private cache = new Map<string, RowPages>();
  private view?: Uint32Array;
  private readonly vp = new Viewport();
  private win: Window = { start: 0, end: 0, top: 0, height: 0 };
  private top = 0;
  private pendingTop?: number;
  private ar = -1;
  private ac = 0;
  private sel = new Map<unknown, DataRow>();
  private anchor = -1;
  private page = 0;
  private panel?: 'filters' | 'columns';
  private menu?: { name: string; x: number; y: number };
  private exp?: { rows: number; state: 'running' | 'done' | 'cancelled' | 'error'; ctl?: AbortController };
  private said = '';
  private announce = false;
  private timer?: ReturnType<typeof setTimeout>;
  private towns: Region[] = [];
  private villages = new Map<string, Region[]>();
  private dragged?: string;
  private observer?: ResizeObserver;
  /** The grid the observer watches (null: none rendered; undefined: nothing watched yet). */
  private watched?: HTMLElement | null;
  /** The page gives the element no height: it takes `--cb-data-table-height` itself. */
  private bounded = false;

  /** The selected rows. */
  get selectedRows(): DataRow[] {
    return [...this.sel.values()];
  }

  /** Clears the selection (without an event). */
  clearSelection(): void {
    this.sel.clear();
    this.requestUpdate();
  }

  private get plain(): boolean {
    return this.rows !== undefined;
  }

  private get limit(): number {
    const n = Math.floor(Number(this.pageSize));
    return n >= 1 && n <= 1000 ? n : 100;
  }

  private get mode(): (typeof SELECTION)[number] {
    return SELECTION.includes(this.selection) ? this.selection : 'none';
  }

  private get pager(): boolean {
    return this.paging === 'pager';
  }

  private get pages(): RowPages | undefined {
    return this.load.status === 'ready' ? this.load.value : undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.observer = new ResizeObserver(() => this.measure());
    this.watched = undefined;
    this.watch();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.observer?.disconnect();
    this.pages?.abort();
    this.exp?.ctl?.abort();
    clearTimeout(this.timer);
  }

  // ---------------------------------------------------------------- data

  protected override willUpdate(changed: PropertyValues<this>): void {
    for (const [name, allowed] of [['selection', SELECTION], ['density', DENSITY], ['paging', PAGING]] as const) {
      const value = this[name];
      if (changed.has(name) && !(allowed as readonly string[]).includes(value)) {
        this.warnOnce(`${name}:${value}`, `${name}="${value}" is not one of ${allowed.join(', ')}; using "${allowed[0]}".`);
      }
    }
    if (changed.has('pageSize') && this.limit !== Number(this.pageSize)) {
      const raw = this.getAttribute('page-size') ?? this.pageSize;
      this.warnOnce(`page-size:${raw}`, `page-size="${raw}" is not a number from 1 to 1000; using 100.`);
    }
    if (changed.has('columnState') && this.columnState) this.restore(this.columnState);
    if (this.plain) {
      if (changed.has('rows') || changed.has('columns') || changed.has('query')) this.syncPlain(changed.has('columns') || changed.has('rows'));
      return;
    }
    const client = this.clients.client;
    if (client !== this.client || changed.has('datasetId') || changed.has('rows')) {
      this.client = client;
      this.startServer(client);
    } else if ((changed.has('query') || changed.has('pageSize')) && this.schema && (this.applyQuery() || changed.has('pageSize'))) {
      this.fetchFirst();
    }
  }

  private fail(error: ConfigurationError): void {
    this.warnOnce(`config:${error.message}`, error.message);
    void this.load.run(() => Promise.reject(error));
  }

  private setColumns(raw: readonly (DataTableColumn | Dataset['columns'][number])[], plain: boolean): void {
    const problems: string[] = [];
    const cols = raw.map((c) => toColumn(c, plain, problems));
    if (cols.includes(undefined)) this.warnOnce('columns', 'ignores columns without a valid name.');
    for (const problem of new Set(problems)) this.warnOnce(`column:${problem}`, problem);
    // The first of two columns with one name wins.
    this.colMap = new Map(cols.filter((c): c is Column => c !== undefined).reverse().map((c) => [c.name, c]));
    this.cols = [...this.colMap.values()].reverse();
    this.colMap = new Map(this.cols.map((c) => [c.name, c]));
    this.order = [...this.colMap.keys()];
    if (this.columnState) this.restore(this.columnState);
  }

  private restore(state: Partial<ColumnState>): void {
    const known = (names: unknown) => (Array.isArray(names) ? names.filter((n): n is string => this.colMap.has(n)) : []);
    const order = known(state.order);
    this.order = [...new Set([...order, ...this.cols.map((c) => c.name)])];
    this.hiddenCols = new Set(known(state.hidden));
    if (this.hiddenCols.size >= this.order.length) this.hiddenCols.clear();
    this.widths = new Map(Object.entries(state.widths ?? {}).filter(([n, w]) => this.colMap.has(n) && w >= 48 && w <= 800));
  }

  /** Re-validates `query` against the columns; returns whether the effective query changed. */
  private applyQuery(): boolean {
    const { query, rejected } = validateQuery(this.query && typeof this.query === 'object' ? this.query : {}, this.colMap);
    if (rejected.length) this.warnOnce(`query:${rejected.join()}`, `ignores query parts it cannot apply: ${rejected.join(', ')}.`);
    const changed = JSON.stringify(query) !== JSON.stringify(this.q);
    this.q = query;
    if (changed) {
      this.ar = -1;
      this.top = this.page = 0;
      this.pendingTop = 0;
    }
    return changed;
  }

  private syncPlain(structure: boolean): void {
    const rows = this.rows;
    if (!Array.isArray(rows)) {
      return this.fail(new ConfigurationError('rows must be an array', () => msg('rows 属性应为数组。', { id: 'data-table.rows-invalid' })));
    }
    this.load.abort();
    this.load.status = 'idle';
    if (structure) {
      const bad = rows.findIndex((row) => !isRow(row));
      if (bad >= 0) this.warnOnce('rows-entries', `skips entries of rows that are not row objects (the first is rows[${bad}]).`);
    }
    if (structure || !this.cols.length) {
      const raw = this.columns ?? undefined;
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
    this.view = localView(rows, this.colMap, this.q);
    this.loaded({ total: this.view?.length ?? rows.length, exact: true, atLeast: false });
  }

  private startServer(client: CityBrainClient | ConfigurationError): void {
    this.pages?.abort();
    this.schema = undefined;
    this.cache.clear();
    this.sel.clear();
    // The columns come again with the schema (another caller may see them masked, or not at all).
    this.cols = [];
    this.colMap.clear();
    this.order = [];
    const id = textOf(this.datasetId)?.trim();
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
    this.fetchFirst();
  }

  private fetchFirst(): void {
    this.pages?.abort();
    const client = this.client as CityBrainClient;
    const id = textOf(this.datasetId)!.trim();
    void this.load.run(async (signal) => {
      if (!this.schema) {
        const schema = await client.data.dataset(id, { signal });
        if (signal.aborted) throw abortError();
        this.schema = schema;
        this.setColumns(Array.isArray(schema.columns) ? schema.columns : [], false);
        this.applyQuery();
      }
      if (!this.schema.access?.read) throw new AccessDenied(this.schema.access?.reason ?? '');
      const { sort, filter } = this.q;
      const limit = this.limit;
      const key = JSON.stringify([sort, filter, limit]);
      let pages = this.cache.get(key);
      if (!pages) {
        pages = new RowPages(
          async (cursor, size, pageSignal) => {
            const { data } = await client.GET('/data/datasets/{datasetId}/rows', {
              params: {
                path: { datasetId: id },
                query: { sort: sort.join(',') || undefined, filter: filter.length ? filter : undefined, cursor, limit: size, count: 'estimated' },
              },
              signal: pageSignal,
            });
            return { items: data.items, next: data.page.nextCursor, total: data.page.total ?? null, exact: data.page.totalExact === true };
          },
          limit,
          () => this.requestUpdate(),
        );
        await pages.first(signal);
        // A few recent queries stay cached, so switching back to one is instant.
        this.cache.set(key, pages);
        if (this.cache.size > 4) this.cache.delete(this.cache.keys().next().value!);
      }
      if (signal.aborted) throw abortError();
      this.loaded(pages.known);
      return pages;
    });
  }

  private loaded({ total, exact, atLeast }: RowPages['known']): void {
    if (this.announce) {
      this.announce = false;
      const [key] = parseSort(this.q.sort);
      const col = key && this.colMap.get(key.name);
      const n = atLeast ? `${formatNumber(total)}+` : (exact ? '' : msg('约', { id: 'data-table.about' })) + formatNumber(total);
      this.said = col
        ? msg(str`共 ${n} 条结果，按${this.colLabel(col)}${key.desc ? msg('降序', { id: 'data-table.desc' }) : msg('升序', { id: 'data-table.asc' })}排列`, {
            id: 'data-table.announce-sorted',
          })
        : msg(str`共 ${n} 条结果`, { id: 'data-table.announce' });
    }
    // Dispatched after this update, so listeners see the rendered rows.
    void this.updateComplete.then(() => this.emit('cb-data-load', { total, exact }));
  }

  /**
   * All rows of the current query: how many to lay out, what may be said of their number (the
   * server's count or a lower bound), and row `i` (undefined while not loaded).
   */
  private all(): { count: number; known: RowPages['known']; row: (i: number) => DataRow | undefined } {
    if (this.plain) {
      const rows = Array.isArray(this.rows) ? this.rows : [];
      const view = this.view;
      const count = view?.length ?? rows.length;
      return { count, known: { total: count, exact: true, atLeast: false }, row: view ? (i) => rows[view[i]!] : (i) => rows[i] };
    }
    const pages = this.pages;
    return pages
      ? { count: pages.count, known: pages.known, row: (i) => pages.row(i) }
      : { count: 0, known: { total: 0, exact: true, atLeast: false }, row: () => undefined };
  }

  private keyOf(row: DataRow): unknown {
    if (this.plain) return this.rowKey ? this.rowKey(row) : row;
    const pk = this.cols.filter((c) => c.pk);
    return pk.length ? primaryKeyOf(row, pk.map((c) => c.name)) : row;
  }

  // ---------------------------------------------------------------- query changes

  private setQuery(query: Required<DataTableQuery>): void {
    this.query = query;
    this.announce = true;
    this.emit('cb-query-change', { query, search: querySearch(query) });
  }

  private sortBy(name: string, add: boolean, dir?: 'asc' | 'desc' | 'none'): void {
    if (!this.colMap.get(name)?.sortable) return;
    let keys = parseSort(this.q.sort);
    const i = keys.findIndex((k) => k.name === name);
    const current = keys[i];
    const desc = dir ? dir === 'desc' : current ? !current.desc : false;
    const next = dir === 'none' || (!dir && current?.desc) ? [] : [{ name, desc }];
    if (add) {
      if (i >= 0) keys.splice(i, 1, ...next);
      else keys.push(...next);
    } else keys = next;
    this.setQuery({ sort: sortItems(keys.slice(0, 5)), filter: this.q.filter });
  }

  private onFilterInput = (): void => {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const form = this.renderRoot.querySelector('form');
      if (!form) return;
      const values = new Map<string, string[]>();
      for (const el of form.querySelectorAll<HTMLInputElement>('[data-n]')) {
        const { n, op } = el.dataset;
        let value = el.value.trim();
        if (!value || (el.type === 'checkbox' && !el.checked)) continue;
        if (this.colMap.get(n!)?.type === 'datetime') value += op === 'lte' ? 'T23:59:59+08:00' : 'T00:00:00+08:00';
        const key = `${n}:${op}`;
        values.set(key, [...(values.get(key) ?? []), value]);
      }
      const filter: string[] = [];
      for (const [key, list] of values) {
        const [name, op] = key.split(':') as [string, Filter['op']];
        // A village chosen in the region picker is more precise than its town.
        if (op === 'prefix' && values.has(`${name}:eq`) && this.colMap.get(name)?.type === 'region-code') continue;
        filter.push(filterItem({ name, op, value: op === 'in' || op === 'nin' ? joinList(list) : list[0]! }));
      }
      if (JSON.stringify(filter) !== JSON.stringify(this.q.filter)) this.setQuery({ sort: this.q.sort, filter });
    }, FILTER_DELAY);
  };

  private clearFilters = (): void => {
    this.renderRoot.querySelector('form')?.reset();
    this.setQuery({ sort: this.q.sort, filter: [] });
  };

  // ---------------------------------------------------------------- columns

  private visible(): Column[] {
    return this.order.filter((n) => !this.hiddenCols.has(n)).map((n) => this.colMap.get(n)!);
  }

  private colLabel(c: Column): string {
    return labelText(c.label, getLocale() === 'en') || c.name;
  }

  private width(c: Column): number {
    return this.widths.get(c.name) ?? c.width;
  }

  private columnsChanged(): void {
    this.ac = Math.min(this.ac, this.visible().length - 1);
    this.requestUpdate();
    this.emit('cb-column-change', { order: [...this.order], hidden: [...this.hiddenCols], widths: Object.fromEntries(this.widths) });
  }

  private move(name: string, by: number, before?: string): void {
    const order = this.order.filter((n) => n !== name);
    const at = before !== undefined ? order.indexOf(before) : Math.max(0, Math.min(order.length, this.order.indexOf(name) + by));
    order.splice(at < 0 ? order.length : at, 0, name);
    this.order = order;
    this.columnsChanged();
  }

  private show(name: string, visible: boolean): void {
    if (!visible && this.visible().length <= 1) return;
    if (visible) this.hiddenCols.delete(name);
    else this.hiddenCols.add(name);
    this.columnsChanged();
  }

  private resize(name: string, width: number): void {
    this.widths.set(name, Math.round(Math.max(48, Math.min(800, width))));
    this.requestUpdate();
  }

  private onResizeStart(e: PointerEvent, c: Column): void {
    e.preventDefault();
    e.stopPropagation();
    const handle = e.currentTarget as HTMLElement;
    const x0 = e.clientX;
    const w0 = this.width(c);
    // Pixels on screen per width unit (widths grow with --cb-scale in elderly mode).
    const scale = (handle.parentElement?.offsetWidth || w0) / w0;
    const rtl = getComputedStyle(this).direction === 'rtl' ? -1 : 1;
    const move = (ev: PointerEvent) => this.resize(c.name, w0 + ((ev.clientX - x0) * rtl) / scale);
    const end = () => {
      handle.removeEventListener('pointermove', move);
      this.columnsChanged();
    };
    handle.setPointerCapture?.(e.pointerId);
    handle.addEventListener('pointermove', move);
    handle.addEventListener('lostpointercapture', end, { once: true });
  }

  // ---------------------------------------------------------------- selection and activation

  private select(index: number, row: DataRow, range = false): void {
    const mode = this.mode;
    if (mode === 'none') return;
    const key = this.keyOf(row);
    const had = this.sel.has(key);
    if (mode === 'single') {
      this.sel.clear();
      if (!had) this.sel.set(key, row);
    } else if (range && this.anchor >= 0) {
      const { row: rowAt } = this.all();
      for (let i = Math.min(this.anchor, index); i <= Math.max(this.anchor, index); i++) {
        const r = rowAt(this.offset + i);
        if (r) this.sel.set(this.keyOf(r), r);
      }
    } else if (had) this.sel.delete(key);
    else this.sel.set(key, row);
    this.anchor = index;
    this.requestUpdate();
    this.emit('cb-selection-change', { rows: this.selectedRows });
  }

  /** Index of the first row shown (pager mode). */
  private get offset(): number {
    return this.pager ? this.page * this.limit : 0;
  }

  private rowAt(i: number): DataRow | undefined {
    return this.all().row(this.offset + i);
  }

  private activateRow(i: number): void {
    const row = this.rowAt(i);
    if (row) this.emit('cb-row-click', { row, index: this.offset + i });
  }

  private onClick = (e: MouseEvent): void => {
    const path = e.composedPath() as HTMLElement[];
    const target = path.find((el) => el.dataset?.i !== undefined || el.dataset?.c !== undefined);
    if (!target) return;
    if (target.dataset.c !== undefined) {
      this.ar = -1;
      this.ac = Number(target.dataset.j);
      this.sortBy(target.dataset.c, e.shiftKey);
      return;
    }
    const i = Number(target.dataset.i);
    const cell = path.find((el) => el.dataset?.j !== undefined);
    this.ar = i;
    if (cell) this.ac = Number(cell.dataset.j);
    const row = this.rowAt(i);
    if (!row) return;
    if (this.mode === 'single') {
      if (!this.sel.has(this.keyOf(row))) this.select(i, row);
    } else this.select(i, row, e.shiftKey);
    this.requestUpdate();
    this.activateRow(i);
  };

  private onKey = (e: KeyboardEvent): void => {
    const count = this.shownCount();
    const lastCol = this.visible().length - 1;
    let r = this.ar;
    let c = Math.max(0, this.ac);
    const header = r < 0;
    switch (e.key) {
      case 'ArrowDown':
        if (e.altKey && header) return this.openMenu(this.visible()[c]?.name);
        r = Math.min(r + 1, count - 1);
        break;
      case 'ArrowUp':
        r = Math.max(r - 1, -1);
        break;
      case 'ArrowRight':
        c = Math.min(c + 1, lastCol);
        break;
      case 'ArrowLeft':
        c = Math.max(c - 1, 0);
        break;
      case 'Home':
        if (e.ctrlKey || e.metaKey) r = Math.min(0, count - 1);
        else c = 0;
        break;
      case 'End':
        if (e.ctrlKey || e.metaKey) r = count - 1;
        else c = lastCol;
        break;
      case 'PageDown':
        r = Math.min(r + this.vp.pageRows, count - 1);
        break;
      case 'PageUp':
        r = header ? r : Math.max(r - this.vp.pageRows, 0);
        break;
      case 'Enter':
        if (header) this.sortBy(this.visible()[c]!.name, e.shiftKey);
        else this.activateRow(r);
        break;
      case ' ':
        if (!header) {
          const row = this.rowAt(r);
          if (row) this.select(r, row, e.shiftKey);
        }
        break;
      case 'a':
        if (!(e.ctrlKey || e.metaKey) || this.mode !== 'multiple') return;
        for (const row of this.plain ? (Array.isArray(this.rows) ? this.rows : []) : (this.pages?.loadedRows() ?? [])) {
          if (isRow(row)) this.sel.set(this.keyOf(row), row);
        }
        this.emit('cb-selection-change', { rows: this.selectedRows });
        break;
      case 'ContextMenu':
      case 'F10':
        if (!header || (e.key === 'F10' && !e.shiftKey)) return;
        return this.openMenu(this.visible()[c]?.name, e);
      default:
        return;
    }
    e.preventDefault();
    this.ar = r;
    this.ac = c;
    if (r >= 0) {
      const next = this.vp.reveal(r, this.top);
      if (next !== this.top) this.pendingTop = this.top = next;
    }
    this.reveal = true;
    this.requestUpdate();
  };

  private reveal = false;

  private shownCount(): number {
    const { count } = this.all();
    return this.pager ? Math.max(0, Math.min(this.limit, count - this.offset)) : count;
  }

  private onScroll = (e: Event): void => {
    this.top = (e.currentTarget as HTMLElement).scrollTop;
    const w = this.vp.window(this.top);
    if (w.start !== this.win.start || w.end !== this.win.end || w.top !== this.win.top) this.requestUpdate();
    if (this.menu) this.closeMenu(false);
  };

  // ---------------------------------------------------------------- column menu

  private openMenu(name: string | undefined, e?: Event): void {
    e?.preventDefault();
    e?.stopPropagation();
    const j = this.visible().findIndex((c) => c.name === name);
    const header = this.renderRoot.querySelectorAll<HTMLElement>('.h')[j];
    if (!name || !header) return;
    const box = header.getBoundingClientRect();
    const host = this.getBoundingClientRect();
    this.ar = -1;
    this.ac = j;
    this.menu = { name, x: Math.max(0, Math.min(box.left - host.left, host.width - 180)), y: box.bottom - host.top };
    this.requestUpdate();
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.menu button')?.focus());
  }

  private closeMenu(focusGrid = true): void {
    this.menu = undefined;
    this.requestUpdate();
    if (focusGrid) this.grid?.focus();
  }

  private onMenuKey = (e: KeyboardEvent): void => {
    const items = [...this.renderRoot.querySelectorAll<HTMLElement>('.menu button')];
    const i = items.indexOf((this.renderRoot as ShadowRoot).activeElement as HTMLElement);
    if (e.key === 'Escape' || e.key === 'Tab') {
      e.preventDefault();
      this.closeMenu();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      items[(i + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
    }
  };

  private menuAction(action: () => void): () => void {
    return () => {
      action();
      this.closeMenu();
    };
  }

  private renderMenu(): TemplateResult {
    const { name, x, y } = this.menu!;
    const c = this.colMap.get(name)!;
    const label = this.colLabel(c);
    const item = (text: string, action: () => void) =>
      html`<button role="menuitem" tabindex="-1" type="button" @click=${this.menuAction(action)}>${text}</button>`;
    return html`<div
      class="menu"
      role="menu"
      aria-label=${msg(str`${label} 列操作`, { id: 'data-table.column-menu' })}
      style=${styleProperties({ insetInlineStart: `${x}px`, insetBlockStart: `${y}px` })}
      @keydown=${this.onMenuKey}
      @focusout=${(e: FocusEvent) => {
        if (!(e.currentTarget as HTMLElement).contains(e.relatedTarget as Node)) this.closeMenu(false);
      }}
    >
      ${c.sortable
        ? [
            item(msg('升序排列', { id: 'data-table.sort-asc' }), () => this.sortBy(name, false, 'asc')),
            item(msg('降序排列', { id: 'data-table.sort-desc' }), () => this.sortBy(name, false, 'desc')),
            item(msg('添加到排序', { id: 'data-table.sort-add' }), () => this.sortBy(name, true, 'asc')),
            item(msg('取消排序', { id: 'data-table.sort-none' }), () => this.sortBy(name, true, 'none')),
          ]
        : nothing}
      ${item(msg('左移', { id: 'data-table.move-left' }), () => this.move(name, -1))}
      ${item(msg('右移', { id: 'data-table.move-right' }), () => this.move(name, 1))}
      ${item(msg('加宽', { id: 'data-table.wider' }), () => this.resize(name, this.width(c) + 40))}
      ${item(msg('变窄', { id: 'data-table.narrower' }), () => this.resize(name, this.width(c) - 40))}
      ${item(msg('隐藏此列', { id: 'data-table.hide' }), () => this.show(name, false))}
    </div>`;
  }

  // ---------------------------------------------------------------- export

  private async exportCsv(): Promise<void> {
    const client = this.client as CityBrainClient;
    const ctl = new AbortController();
    const exp = (this.exp = { rows: 0, state: 'running' as 'running' | 'done' | 'cancelled' | 'error', ctl });
    this.requestUpdate();
    try {
      const csv = await client.data.export(
        textOf(this.datasetId)!.trim(),
        {
          sort: this.q.sort.join(',') || undefined,
          filter: this.q.filter.length ? this.q.filter : undefined,
          columns: this.visible().map((c) => c.name).join(','),
          purpose: this.exportPurpose || undefined,
        },
        { signal: ctl.signal },
      );
      const reader = csv.body.getReader();
      const chunks: Uint8Array[] = [];
      let lines = 0;
      let shown = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        for (let at = value.indexOf(10); at >= 0; at = value.indexOf(10, at + 1)) lines++;
        exp.rows = Math.max(0, lines - 1);
        if (exp.rows - shown >= 500) {
          shown = exp.rows;
          this.requestUpdate();
        }
      }
      exp.state = 'done';
      const filename = csv.filename ?? `${this.datasetId}.csv`;
      const blob = new Blob(chunks as BlobPart[], { type: 'text/csv;charset=utf-8' });
      if (this.emit('cb-export', { blob, filename, rows: exp.rows }, { cancelable: true })) {
        const a = document.createElement('a');
        a.href = URL.createObjectURL(blob);
        a.download = filename;
        a.click();
        setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
      }
    } catch (error) {
      exp.state = ctl.signal.aborted ? 'cancelled' : 'error';
      if (exp.state === 'error') this.emit('cb-error', { error, message: msg('导出失败，请重试。', { id: 'data-table.export-failed' }) });
    }
    this.requestUpdate();
  }

  private renderExport(): TemplateResult {
    const { rows, state, ctl } = this.exp!;
    const total = this.all().count;
    const n = formatNumber(rows);
    const text = {
      running: msg(str`正在导出：已导出 ${n} 行`, { id: 'data-table.exporting' }),
      done: msg(str`导出完成：${n} 行`, { id: 'data-table.export-done' }),
      cancelled: msg('已取消导出', { id: 'data-table.export-cancelled' }),
      error: msg('导出失败，请重试。', { id: 'data-table.export-failed' }),
    }[state];
    return html`<div class="exp" part="export">
      ${state === 'running'
        ? html`<progress max=${Math.max(total, rows, 1)} .value=${rows} aria-label=${msg('导出进度', { id: 'data-table.export-progress' })}></progress>`
        : nothing}
      <span class=${state === 'error' ? 'err' : ''}>${text}</span>
      <button type="button" @click=${() => (state === 'running' ? ctl?.abort() : ((this.exp = undefined), this.requestUpdate()))}>
        ${state === 'running' ? msg('取消', { id: 'data-table.cancel' }) : msg('关闭', { id: 'data-table.close' })}
      </button>
    </div>`;
  }

  // ---------------------------------------------------------------- layout

  private get grid(): HTMLElement | null {
    return this.renderRoot.querySelector('.grid');
  }

  /**
   * Watches what the viewport's sizes come from: the host, the row-height probe, the grid and its
   * header (the grid is re-created when columns appear). Called after each update; cheap unless the
   * grid changed.
   */
  private watch(grid = this.grid): void {
    const observer = this.observer;
    if (!observer || grid === this.watched) return;
    this.watched = grid;
    observer.disconnect();
    for (const el of [this, this.renderRoot.querySelector('.probe'), grid, grid?.querySelector('.head')]) if (el) observer.observe(el);
  }

  /**
   * Learns the row height and the height of the rows' view. Only called from the ResizeObserver,
   * after the browser's layout, so the sizes read here are already computed: reading them during an
   * update instead forced a synchronous layout of the whole shadow tree (28 ms of a 100 ms mount in
   * the benchmark's profile). Until the first report, the viewport's defaults (40 px rows, 600 px)
   * fill the view; the report arrives before the first paint.
   */
  private measure(): void {
    const grid = this.grid;
    const probe = this.renderRoot.querySelector<HTMLElement>('.probe');
    if (!grid || !probe) return;
    const rowHeight = probe.offsetHeight || 40;
    const view = grid.clientHeight - (this.renderRoot.querySelector<HTMLElement>('.head')?.offsetHeight ?? 0);
    // A grid exactly as tall as all its rows, taller than the window, is not bounded by the page
    // (a host shown inline, or without a height in a container without one): "the rows in view"
    // would be every row. Give it a height of its own rather than render them all.
    if (!this.bounded && Math.abs(view - this.win.height) <= 1 && this.win.height > window.innerHeight) {
      this.bounded = true;
      this.warnOnce(
        'unbounded',
        'gets no height from the page (an inline host, or a height that depends on its content), so it would render every row; ' +
          'using --cb-data-table-height (480px). Give the element, or the container it fills, a height.',
      );
      this.requestUpdate();
      return;
    }
    const height = Math.max(rowHeight, view);
    if (rowHeight !== this.vp.rowHeight || height !== this.vp.height) {
      this.vp.rowHeight = rowHeight;
      this.vp.height = height;
      this.requestUpdate();
    }
  }

  protected override updated(): void {
    const grid = this.grid;
    this.watch(grid);
    if (grid && this.pendingTop !== undefined) {
      grid.scrollTop = this.pendingTop;
      this.top = grid.scrollTop;
      this.pendingTop = undefined;
    }
    if (grid && this.reveal) {
      this.reveal = false;
      // Bring the active cell into view horizontally, minding the frozen first column.
      const cell = grid.querySelector<HTMLElement>('.act');
      if (cell && this.ac > 0) {
        const frozen = grid.querySelector<HTMLElement>('.hrow > .c')?.offsetWidth ?? 0;
        if (cell.offsetLeft - frozen < grid.scrollLeft) grid.scrollLeft = cell.offsetLeft - frozen;
        else if (cell.offsetLeft + cell.offsetWidth > grid.scrollLeft + grid.clientWidth) {
          grid.scrollLeft = cell.offsetLeft + cell.offsetWidth - grid.clientWidth;
        }
      } else if (this.ac === 0) grid.scrollLeft = 0;
    }
    const pages = this.pages;
    if (pages) {
      if (this.pager) pages.ensure(this.offset, this.offset + this.limit - 1);
      else pages.ensure(this.win.start, this.win.end + (this.win.end - this.win.start));
    }
  }

  // ---------------------------------------------------------------- rendering

  protected override render(): TemplateResult {
    const en = getLocale() === 'en';
    const vis = this.visible();
    const status = this.load.status;
    const error = status === 'error' ? this.load.error : undefined;
    const denied = error instanceof AccessDenied || (error as { status?: unknown } | undefined)?.status === 403;
    const loading = status === 'loading';
    const { count, known } = this.all();
    const shown = loading ? 8 : status === 'error' ? 0 : this.shownCount();
    this.vp.count = shown;
    const win = (this.win = this.vp.window(this.top));
    const caption = this.label || (this.schema ? labelText(this.schema.name, en) : '') || msg('数据表', { id: 'data-table.caption' });
    const canExport = !this.plain && this.schema?.access?.export === true && status === 'ready';
    const filterCount = this.q.filter.length;
    const live = loading ? msg('加载中…', { id: 'status.loading' }) : this.said;
    const ready = status === 'ready' || (this.plain && status === 'idle' && count > 0);
    const n = formatNumber(known.total);
    return html`<div class="frame${this.bounded ? ' bounded' : ''}">
      <div class="bar" part="toolbar">
        <span class="cap" part="caption" id="cap">${caption}</span>
        <span class="meta">
          ${ready
            ? known.atLeast
              ? msg(str`${n}+ 条`, { id: 'data-table.count-at-least' })
              : known.exact
                ? msg(str`共 ${n} 条`, { id: 'data-table.count' })
                : msg(str`约 ${n} 条`, { id: 'data-table.count-estimated' })
            : nothing}
          ${this.sel.size ? msg(str`，已选 ${formatNumber(this.sel.size)} 条`, { id: 'data-table.selected' }) : nothing}
        </span>
        <span class="grow"></span>
        ${this.cols.some((c) => c.ops.length)
          ? html`<button part="button" type="button" aria-expanded=${String(this.panel === 'filters')} @click=${() => this.toggle('filters')}>
              ${msg('筛选', { id: 'data-table.filters' })}${filterCount ? ` (${filterCount})` : ''}
            </button>`
          : nothing}
        ${this.cols.length
          ? html`<button part="button" type="button" aria-expanded=${String(this.panel === 'columns')} @click=${() => this.toggle('columns')}>
              ${msg('列设置', { id: 'data-table.columns' })}
            </button>`
          : nothing}
        ${canExport
          ? html`<button part="button" type="button" ?disabled=${this.exp?.state === 'running'} @click=${() => void this.exportCsv()}>
              ${msg('导出 CSV', { id: 'data-table.export' })}
            </button>`
          : nothing}
      </div>
      ${this.panel === 'filters' ? this.renderFilters(en) : this.panel === 'columns' ? this.renderColumns() : nothing}
      ${this.exp ? this.renderExport() : nothing}
      ${vis.length ? this.renderGrid(vis, win, shown, count, loading, status === 'ready' || status === 'idle') : nothing}
      ${!vis.length && loading
        ? html`<div class="state" aria-hidden="true">${[0, 1, 2, 3].map(() => html`<p><span class="sk"></span></p>`)}</div>`
        : nothing}
      ${denied ? this.renderDenied(error) : status === 'error' ? renderLoadStatus(this.load) : nothing}
      ${(status === 'empty' || (this.plain && status === 'idle' && count === 0)) && !denied
        ? html`<div class="state" part="empty">
            <slot name="empty"><p>${filterCount ? msg('没有符合筛选条件的数据', { id: 'data-table.empty-filtered' }) : msg('暂无数据', { id: 'status.empty' })}</p></slot>
            ${filterCount ? html`<button type="button" @click=${this.clearFilters}>${msg('清除筛选', { id: 'data-table.clear-filters' })}</button>` : nothing}
          </div>`
        : nothing}
      ${this.pages?.error !== undefined
        ? html`<div class="pager err" role="alert">
            ${msg('加载更多数据失败。', { id: 'data-table.more-failed' })}
            <button type="button" @click=${() => this.pages?.retry()}>${msg('重试', { id: 'status.retry' })}</button>
          </div>`
        : nothing}
      ${this.pager && ready ? this.renderPager(count, known.exact) : nothing}
      <div class="probe" aria-hidden="true"></div>
      <div role="status" aria-live="polite" class="visually-hidden">${live}</div>
      ${this.menu ? this.renderMenu() : nothing}
    </div>`;
  }

  private toggle(panel: 'filters' | 'columns'): void {
    this.panel = this.panel === panel ? undefined : panel;
    if (this.panel === 'filters') void this.loadTowns();
    this.requestUpdate();
  }

  private renderGrid(vis: Column[], win: Window, shown: number, count: number, loading: boolean, ready: boolean): TemplateResult {
    const en = getLocale() === 'en';
    const client = this.client instanceof Error ? undefined : (this.client as CityBrainClient | undefined);
    const region = (code: string) => regionName(client, code, () => this.requestUpdate());
    const fmts = vis.map((c) => cellFormatter(c, region));
    const nums = vis.map((c) => kindOf(c.type) === 'num');
    const sort = parseSort(this.q.sort);
    const offset = this.offset;
    const selectable = this.mode !== 'none';
    const rowAt = this.all().row;
    const active = this.ar < 0 ? `h${this.ac}` : this.ar >= win.start && this.ar < win.end ? `c${this.ar}-${this.ac}` : undefined;
    const rows: TemplateResult[] = [];
    for (let i = win.start; i < win.end; i++) {
      const got = loading ? undefined : rowAt(offset + i);
      // Plain mode leaves entries that are not rows out of its view; one put into `rows` in place
      // (or sent by a server) shows as an empty row rather than breaking the table.
      const row = got === undefined || isRow(got) ? got : NO_ROW;
      const selected = row !== undefined && this.sel.has(this.keyOf(row));
      rows.push(html`<div
        role="row"
        class="row"
        part=${selected ? 'row row-selected' : 'row'}
        data-i=${i}
        aria-rowindex=${offset + i + 2}
        aria-selected=${selectable && row ? String(selected) : nothing}
      >
        ${vis.map((c, j) => {
          const act = i === this.ar && j === this.ac;
          return html`<div
            role="gridcell"
            class="c${nums[j] ? ' num' : ''}${c.masked ? ' masked' : ''}${act ? ' act' : ''}"
            part="cell"
            data-j=${j}
            id=${act ? `c${i}-${j}` : nothing}
            aria-colindex=${j + 1}
          >
            ${row === undefined
              ? html`<span class="sk"></span>${j ? nothing : html`<span class="visually-hidden">${msg('加载中…', { id: 'status.loading' })}</span>`}`
              : c.masked
                ? html`${lockIcon} ${fmts[j]!(row[c.name])}`
                : fmts[j]!(row[c.name])}
          </div>`;
        })}
      </div>`);
    }
    return html`<div
      class="grid${ready || loading ? '' : ' short'}"
      part="grid"
      role="grid"
      tabindex="0"
      aria-labelledby="cap"
      aria-rowcount=${loading ? -1 : count + 1}
      aria-colcount=${vis.length}
      aria-multiselectable=${this.mode === 'multiple' ? 'true' : nothing}
      aria-busy=${String(loading)}
      aria-activedescendant=${active ?? nothing}
      style=${styleProperties({ '--_cols': vis.map((c) => `calc(${this.width(c)}px * var(--_cb-scale))`).join(' ') })}
      @scroll=${this.onScroll}
      @keydown=${this.onKey}
      @click=${this.onClick}
    >
      <div role="rowgroup" class="head">
        <div role="row" class="row hrow" part="header-row" aria-rowindex="1">
          ${vis.map((c, j) => {
            const k = sort.findIndex((s) => s.name === c.name);
            const key = sort[k];
            const label = labelText(c.label, en) || c.name;
            const unit = c.unit && !c.type.startsWith('area') ? (en ? ` (${c.unit})` : `（${c.unit}）`) : '';
            return html`<div
              role="columnheader"
              class="c h${c.sortable ? '' : ' ns'}${this.ar < 0 && j === this.ac ? ' act' : ''}"
              part="header"
              id="h${j}"
              aria-colindex=${j + 1}
              aria-sort=${k === 0 ? (key!.desc ? 'descending' : 'ascending') : nothing}
              data-c=${c.name}
              data-j=${j}
              draggable="true"
              @dragstart=${(e: DragEvent) => {
                this.dragged = c.name;
                e.dataTransfer?.setData('text/plain', c.name);
              }}
              @dragover=${(e: DragEvent) => {
                if (this.dragged && this.dragged !== c.name) {
                  e.preventDefault();
                  (e.currentTarget as HTMLElement).classList.add('drop');
                }
              }}
              @dragleave=${(e: DragEvent) => (e.currentTarget as HTMLElement).classList.remove('drop')}
              @drop=${(e: DragEvent) => {
                e.preventDefault();
                (e.currentTarget as HTMLElement).classList.remove('drop');
                if (this.dragged) this.move(this.dragged, 0, c.name);
                this.dragged = undefined;
              }}
            >
              <span>${label}${unit}</span>
              ${c.masked ? html`${lockIcon}<span class="visually-hidden">${msg('（已脱敏）', { id: 'data-table.masked' })}</span>` : nothing}
              ${key
                ? html`<span class="si" aria-hidden="true">${key.desc ? '▼' : '▲'}${sort.length > 1 ? k + 1 : ''}</span>${k > 0
                      ? html`<span class="visually-hidden"
                          >${msg(str`（第 ${k + 1} 排序，${key.desc ? msg('降序', { id: 'data-table.desc' }) : msg('升序', { id: 'data-table.asc' })}）`, {
                            id: 'data-table.sort-secondary',
                          })}</span
                        >`
                      : nothing}`
                : nothing}
              <button
                class="mb"
                type="button"
                tabindex="-1"
                aria-haspopup="menu"
                aria-label=${msg(str`${label} 列操作`, { id: 'data-table.column-menu' })}
                @click=${(e: Event) => this.openMenu(c.name, e)}
              >
                ⋮
              </button>
              <span class="rz" aria-hidden="true" @pointerdown=${(e: PointerEvent) => this.onResizeStart(e, c)} @click=${(e: Event) => e.stopPropagation()}></span>
            </div>`;
          })}
        </div>
      </div>
      ${shown
        ? html`<div role="rowgroup" class="body" style=${styleProperties({ blockSize: `${win.height}px` })}>
            <div class="block" style=${styleProperties({ transform: `translateY(${win.top}px)` })}>${rows}</div>
          </div>`
        : nothing}
    </div>`;
  }

  private renderDenied(error: unknown): TemplateResult {
    const reason = error instanceof AccessDenied ? error.message : (error as { problem?: { detail?: unknown } }).problem?.detail;
    return html`<div class="state denied" part="denied" role="alert">
      <p>${msg('没有查看此数据的权限', { id: 'data-table.denied' })}</p>
      ${typeof reason === 'string' && reason ? html`<p>${reason}</p>` : nothing}
    </div>`;
  }

  private renderPager(count: number, exact: boolean): TemplateResult {
    const pages = Math.max(1, Math.ceil(count / this.limit));
    const page = this.page;
    const go = (p: number) => () => {
      this.page = p;
      this.ar = Math.min(this.ar, 0);
      this.pendingTop = this.top = 0;
      this.requestUpdate();
    };
    const total = (exact ? '' : msg('约', { id: 'data-table.about' })) + formatNumber(pages);
    return html`<nav class="pager" part="pager" aria-label=${msg('分页', { id: 'data-table.pagination' })}>
      <button type="button" ?disabled=${page === 0} @click=${go(0)}>${msg('首页', { id: 'data-table.first-page' })}</button>
      <button type="button" ?disabled=${page === 0} @click=${go(page - 1)}>${msg('上一页', { id: 'data-table.previous-page' })}</button>
      <span>${msg(str`第 ${formatNumber(page + 1)} 页，共 ${total} 页`, { id: 'data-table.page' })}</span>
      <button type="button" ?disabled=${page + 1 >= pages} @click=${go(page + 1)}>${msg('下一页', { id: 'data-table.next-page' })}</button>
    </nav>`;
  }

  private renderColumns(): TemplateResult {
    const last = this.order.length - 1;
    return html`<ul class="panel cols" part="columns-panel" aria-label=${msg('列设置', { id: 'data-table.columns' })}>
      ${this.order.map((name, i) => {
        const label = this.colLabel(this.colMap.get(name)!);
        return html`<li>
          <label class="opt"
            ><input type="checkbox" .checked=${!this.hiddenCols.has(name)} @change=${(e: Event) => this.show(name, (e.target as HTMLInputElement).checked)} />${label}</label
          >
          <button type="button" ?disabled=${i === 0} aria-label=${msg(str`上移 ${label}`, { id: 'data-table.move-up' })} @click=${() => this.move(name, -1)}>↑</button>
          <button type="button" ?disabled=${i === last} aria-label=${msg(str`下移 ${label}`, { id: 'data-table.move-down' })} @click=${() => this.move(name, 1)}>
            ↓
          </button>
        </li>`;
      })}
    </ul>`;
  }

  // ---------------------------------------------------------------- filters

  private async loadTowns(): Promise<void> {
    const client = this.client;
    const scope = this.schema?.regionScope;
    if (this.towns.length || !scope || !client || client instanceof Error || !this.cols.some((c) => c.type === 'region-code' && c.ops.length)) return;
    this.towns = await loadRegions(client as CityBrainClient, scope);
    this.requestUpdate();
  }

  private async loadVillages(town: string): Promise<void> {
    if (!town || this.villages.has(town)) return;
    this.villages.set(town, []);
    this.villages.set(town, await loadRegions(this.client as CityBrainClient, town));
    this.requestUpdate();
  }

  private renderFilters(en: boolean): TemplateResult {
    const current = new Map<string, string>();
    for (const f of this.q.filter.map(parseFilter)) if (f) current.set(`${f.name}:${f.op}`, f.value);
    const cols = this.order.map((n) => this.colMap.get(n)!).filter((c) => c.ops.length);
    return html`<form class="panel" part="filters" @input=${this.onFilterInput} @change=${this.onFilterInput} @submit=${(e: Event) => e.preventDefault()}>
      ${cols.map((c) => this.renderFilter(c, current, en))}
      ${this.q.filter.length
        ? html`<button type="button" @click=${this.clearFilters}>${msg('清除筛选', { id: 'data-table.clear-filters' })}</button>`
        : nothing}
    </form>`;
  }

  private renderFilter(c: Column, current: Map<string, string>, en: boolean): TemplateResult {
    const label = this.colLabel(c);
    const has = (op: Filter['op']) => c.ops.includes(op);
    const value = (op: string) => current.get(`${c.name}:${op}`) ?? '';
    const kind = kindOf(c.type);
    const input = (op: string, type: string, aria: string) => {
      const v = value(op);
      return html`<input
        type=${type}
        data-n=${c.name}
        data-op=${op}
        aria-label=${aria}
        .value=${c.type === 'datetime' ? v.slice(0, 10) : v}
      />`;
    };
    if ((kind === 'num' || kind === 'date') && has('gte') && has('lte')) {
      const type = kind === 'num' ? 'number' : c.type === 'year-month' ? 'month' : 'date';
      return html`<fieldset>
        <legend>${label}</legend>
        ${input('gte', type, msg(str`${label} 最小值`, { id: 'data-table.min' }))} –
        ${input('lte', type, msg(str`${label} 最大值`, { id: 'data-table.max' }))}
      </fieldset>`;
    }
    if ((kind === 'enum' && c.options.size) || kind === 'bool') {
      const options: [string, string][] =
        kind === 'bool'
          ? [
              ['true', msg('是', { id: 'data-table.yes' })],
              ['false', msg('否', { id: 'data-table.no' })],
            ]
          : [...c.options].map(([v, l]) => [v, labelText(l, en)]);
      if (has('in')) {
        const chosen = new Set(splitList(value('in')));
        return html`<fieldset>
          <legend>${label}</legend>
          ${options.map(
            ([v, l]) => html`<label class="opt"><input type="checkbox" data-n=${c.name} data-op="in" value=${v} .checked=${chosen.has(v)} />${l}</label>`,
          )}
        </fieldset>`;
      }
      return html`<label class="f"
        >${label}<select data-n=${c.name} data-op="eq" .value=${value('eq')}>
          <option value="">${msg('全部', { id: 'data-table.any' })}</option>
          ${options.map(([v, l]) => html`<option value=${v} ?selected=${value('eq') === v}>${l}</option>`)}
        </select></label
      >`;
    }
    if (kind === 'region' && this.towns.length) {
      const village = value('eq');
      const town = village.slice(0, 9) || value('prefix');
      if (town) void this.loadVillages(town);
      return html`<fieldset>
        <legend>${label}</legend>
        <select
          data-n=${c.name}
          data-op="prefix"
          aria-label=${msg(str`${label}：镇街`, { id: 'data-table.town' })}
          @change=${(e: Event) => {
            const next = this.renderRoot.querySelector<HTMLSelectElement>(`select[data-op="eq"][data-n="${c.name}"]`);
            if (next) next.value = '';
            void this.loadVillages((e.target as HTMLSelectElement).value);
          }}
        >
          <option value="">${msg('全部', { id: 'data-table.any' })}</option>
          ${this.towns.map((t) => html`<option value=${t.code} ?selected=${t.code === town}>${t.name}</option>`)}
        </select>
        ${town && has('eq')
          ? html`<select data-n=${c.name} data-op="eq" aria-label=${msg(str`${label}：村居`, { id: 'data-table.village' })}>
              <option value="">${msg('全部', { id: 'data-table.any' })}</option>
              ${(this.villages.get(town) ?? []).map((v) => html`<option value=${v.code} ?selected=${v.code === village}>${v.name}</option>`)}
            </select>`
          : nothing}
      </fieldset>`;
    }
    const op = (['like', 'prefix', 'eq'] as const).find(has) ?? c.ops[0]!;
    return html`<label class="f">${label}${input(op, 'search', label)}</label>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cb-data-table': CbDataTable;
  }
}
