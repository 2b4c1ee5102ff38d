import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { msg } from '@lit/localize';
import { CityBrainElement } from '../shared/city-brain-element.js';
import { loadStatusStyles, renderLoadStatus } from '../shared/status.js';
import { getLocale } from '../shared/localization.js';
import { ClientController, type TokenSupplier } from '../provider/client-context.js';
import { dataTableStyles } from './data-table.styles.js';
import { ColumnFormats, regionName } from './format-cell.js';
import {
  isRow,
  labelText,
  nextSort,
  parseQuerySearch,
  parseSort,
  primaryKeyOf,
  querySearch,
  type ColumnState,
  type DataRow,
  type DataTableColumn,
  type DataTableQuery,
  type KnownCount,
} from './model.js';
import type { RowPages } from './row-pages.js';
import { AccessDenied } from './row-source.js';
import { TableData } from './table-data.js';
import { ActiveCellController } from './active-cell.js';
import { ColumnMenu } from './column-menu.js';
import { WindowingController } from './windowing.js';
import { RowSelection } from './selection.js';
import { ColumnLayout, dragColumnWidth } from './column-layout.js';
import { CsvExportRun, downloadBlob } from './csv-export.js';
import { readFilterForm, renderFilterPanel } from './filters.js';
import { ShareAccess, shareAccessStyles } from './share-access.js';
import {
  renderColumnsPanel,
  renderDenied,
  renderEmpty,
  renderExport,
  renderGrid,
  renderMoreFailed,
  renderPager,
  renderToolbar,
  resultsText,
} from './templates.js';
import './events.js';

const SELECTION = ['none', 'single', 'multiple'] as const;
const DENSITY = ['comfortable', 'compact'] as const;
const PAGING = ['scroll', 'pager'] as const;
const FILTER_DELAY = 350;


/**
 * Shows any dataset of the data platform — or a plain array — as a fast, accessible table: columns
 * from the dataset's schema with type-aware formatting and masked personal fields, server-side
 * multi-sort and filters, windowed rendering that stays smooth with a million rows, keyset paging
 * as you scroll (or a pager), selection, CSV export through the server, and every loading, empty,
 * error and permission state. Where the caller may not read a 有条件共享 dataset but may apply for it
 * (a town or village), the permission state offers “申请使用” with a small form (purpose and period)
 * and then shows the caller's application: pending, returned with the reason, or approved for its period.
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
 * @csspart share - Where a 有条件共享 dataset may be applied for: the caller's application and the \`申请使用\` button.
 * @csspart share-form - The application form (purpose and period).
 * @csspart share-button - The button that opens the application form.
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
  static override styles = [CityBrainElement.styles, loadStatusStyles, dataTableStyles, shareAccessStyles];

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
  private readonly activeCell = new ActiveCellController(this, {
    shownCount: () => this.shownCount(),
    columnCount: () => this.columnLayout.visible().length,
    pageRows: () => this.windowing.viewport.pageRows,
    element: () => this.grid,
    sortColumn: (column, add) => this.sortBy(this.columnLayout.visible()[column]!.name, add),
    openColumnMenu: (column, event) => this.columnMenu.show(this.columnLayout.visible()[column]?.name, event),
    activateRow: (row) => this.activateRow(row),
    selectRow: (index, range) => {
      const row = this.rowAt(index);
      if (row) this.select(index, row, range);
    },
    clickRow: (index, range) => {
      const row = this.rowAt(index);
      if (!row) return;
      if (this.selectionMode === 'single') {
        if (!this.rowSelection.has(row)) this.select(index, row);
      } else this.select(index, row, range);
      this.requestUpdate();
      this.activateRow(index);
    },
    selectAll: () => this.selectAllLoaded(),
    revealRow: (row) => this.windowing.revealRow(row),
  });
  private readonly columnLayout = new ColumnLayout();
  private readonly data = new TableData(this, this.columnLayout, () => this.limit, {
    failed: (error, message) => this.emit('cb-error', { error, message }),
    queryChanged: () => {
      this.activeCell.set(-1);
      this.page = 0;
      this.windowing.scrollToTop();
    },
    datasetChanged: () => this.rowSelection.clear(),
    loaded: (count) => this.loaded(count),
  });
  private readonly windowing = new WindowingController(this, () => {
    if (this.columnMenu.isOpen) this.columnMenu.close(false);
  });
  private readonly columnMenu = new ColumnMenu(this, this.columnLayout, {
    sort: (name, add, direction) => this.sortBy(name, add, direction),
    move: (name, by) => this.moveColumn(name, by),
    resize: (name, width) => this.resizeColumn(name, width),
    show: (name, visible) => this.showColumn(name, visible),
    opened: (index) => this.activeCell.set(-1, index),
    grid: () => this.grid,
  });
  private readonly rowSelection = new RowSelection((row) => this.keyOf(row));
  private readonly shareAccess = new ShareAccess(this);
  private readonly formats = new ColumnFormats();
  private page = 0;
  private panel?: 'filters' | 'columns';
  private csvExport?: CsvExportRun;
  private readonly drag: { column?: string } = {};
  /** What the live region says after a query change. */
  private announcement = '';
  private announceNextLoad = false;
  private filterTimer?: ReturnType<typeof setTimeout>;

  /** The selected rows. */
  get selectedRows(): DataRow[] {
    return this.rowSelection.rows;
  }

  /** Clears the selection (without an event). */
  clearSelection(): void {
    this.rowSelection.clear();
    this.requestUpdate();
  }

  private get plain(): boolean {
    return this.data.plain;
  }

  private get limit(): number {
    const n = Math.floor(Number(this.pageSize));
    return n >= 1 && n <= 1000 ? n : 100;
  }

  private get selectionMode(): (typeof SELECTION)[number] {
    return SELECTION.includes(this.selection) ? this.selection : 'none';
  }

  private get pager(): boolean {
    return this.paging === 'pager';
  }

  private get pages(): RowPages | undefined {
    return this.data.pages;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.pages?.abort();
    this.csvExport?.cancel();
    this.shareAccess.stop();
    clearTimeout(this.filterTimer);
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
    this.data.update(changed, this.clients.client);
  }

  private loaded({ total, exact, atLeast }: KnownCount): void {
    if (this.announceNextLoad) {
      this.announceNextLoad = false;
      const [key] = parseSort(this.data.query.sort);
      const column = key && this.columnLayout.byName.get(key.name);
      this.announcement = resultsText({ total, exact, atLeast }, column ? { label: this.columnLayout.label(column), desc: key.desc } : undefined);
    }
    // Dispatched after this update, so listeners see the rendered rows.
    void this.updateComplete.then(() => this.emit('cb-data-load', { total, exact }));
  }

  private keyOf(row: DataRow): unknown {
    if (this.plain) return this.rowKey ? this.rowKey(row) : row;
    const primaryKey = this.columnLayout.all.filter((c) => c.pk);
    return primaryKey.length ? primaryKeyOf(row, primaryKey.map((c) => c.name)) : row;
  }

  // ---------------------------------------------------------------- query changes

  private setQuery(query: Required<DataTableQuery>): void {
    this.query = query;
    this.announceNextLoad = true;
    this.emit('cb-query-change', { query, search: querySearch(query) });
  }

  private sortBy(name: string, add: boolean, direction?: 'asc' | 'desc' | 'none'): void {
    if (!this.columnLayout.byName.get(name)?.sortable) return;
    this.setQuery({ sort: nextSort(this.data.query.sort, name, add, direction), filter: this.data.query.filter });
  }

  private onFilterInput = (): void => {
    clearTimeout(this.filterTimer);
    this.filterTimer = setTimeout(() => {
      const form = this.renderRoot.querySelector('form');
      if (!form) return;
      const filter = readFilterForm(form, this.columnLayout.byName);
      if (JSON.stringify(filter) !== JSON.stringify(this.data.query.filter)) this.setQuery({ sort: this.data.query.sort, filter });
    }, FILTER_DELAY);
  };

  private clearFilters = (): void => {
    this.renderRoot.querySelector('form')?.reset();
    this.setQuery({ sort: this.data.query.sort, filter: [] });
  };

  private togglePanel(panel: 'filters' | 'columns'): void {
    this.panel = this.panel === panel ? undefined : panel;
    const scope = this.data.schema?.regionScope;
    if (this.panel === 'filters' && scope && this.columnLayout.all.some((c) => c.type === 'region-code' && c.ops.length)) {
      void this.data.regions?.loadTowns(scope);
    }
    this.requestUpdate();
  }

  // ---------------------------------------------------------------- columns

  private columnsChanged(): void {
    this.activeCell.clamp();
    this.requestUpdate();
    this.emit('cb-column-change', this.columnLayout.state);
  }

  private moveColumn = (name: string, by: number, before?: string): void => {
    this.columnLayout.move(name, by, before);
    this.columnsChanged();
  };

  private showColumn = (name: string, visible: boolean): void => {
    if (this.columnLayout.show(name, visible)) this.columnsChanged();
  };

  private resizeColumn(name: string, width: number): void {
    this.columnLayout.resize(name, width);
    this.requestUpdate();
  }

  // ---------------------------------------------------------------- selection and activation

  private select(index: number, row: DataRow, range = false): void {
    const mode = this.selectionMode;
    if (mode === 'none') return;
    this.rowSelection.toggle(mode, index, row, range, (i) => this.rowAt(i));
    this.requestUpdate();
    this.emit('cb-selection-change', { rows: this.selectedRows });
  }

  private selectAllLoaded(): boolean {
    if (this.selectionMode !== 'multiple') return false;
    for (const row of this.plain ? (Array.isArray(this.rows) ? this.rows : []) : (this.pages?.loadedRows() ?? [])) {
      if (isRow(row)) this.rowSelection.add(row);
    }
    this.emit('cb-selection-change', { rows: this.selectedRows });
    return true;
  }

  /** Index of the first row shown (pager mode). */
  private get offset(): number {
    return this.pager ? this.page * this.limit : 0;
  }

  private rowAt(i: number): DataRow | undefined {
    return this.data.all().row(this.offset + i);
  }

  private activateRow(i: number): void {
    const row = this.rowAt(i);
    if (row) this.emit('cb-row-click', { row, index: this.offset + i });
  }

  private shownCount(): number {
    const { count } = this.data.all();
    return this.pager ? Math.max(0, Math.min(this.limit, count - this.offset)) : count;
  }

  private goToPage = (page: number): void => {
    this.page = page;
    this.activeCell.set(Math.min(this.activeCell.row, 0));
    this.windowing.scrollToTop();
    this.requestUpdate();
  };

  // ---------------------------------------------------------------- export

  private async exportCsv(): Promise<void> {
    const source = this.data.source!;
    const run = (this.csvExport = new CsvExportRun(() => this.requestUpdate()));
    const columns = this.columnLayout.visible().map((c) => c.name);
    this.requestUpdate();
    try {
      const { blob, filename } = await run.read((signal) => source.export(this.data.query, columns, this.exportPurpose, signal), `${this.datasetId}.csv`);
      if (this.emit('cb-export', { blob, filename, rows: run.rows }, { cancelable: true })) downloadBlob(blob, filename);
    } catch (error) {
      if (run.state === 'error') this.emit('cb-error', { error, message: msg('导出失败，请重试。', { id: 'data-table.export-failed' }) });
    }
    this.requestUpdate();
  }

  // ---------------------------------------------------------------- layout

  private get grid(): HTMLElement | null {
    return this.windowing.grid;
  }

  /** Denied a 有条件共享 dataset the caller may apply for: the client to apply through. */
  private get applyingClient() {
    const denied = this.data.load.status === 'error' && this.data.load.error instanceof AccessDenied;
    return denied && this.data.schema?.access?.canApply === true ? this.data.source?.client : undefined;
  }

  protected override updated(): void {
    const applying = this.applyingClient;
    if (applying && this.datasetId) this.shareAccess.follow(applying, this.datasetId);
    const pages = this.pages;
    if (pages) {
      const { start, end } = this.windowing.window;
      if (this.pager) pages.ensure(this.offset, this.offset + this.limit - 1);
      else pages.ensure(start, end + (end - start));
    }
  }

  // ---------------------------------------------------------------- rendering

  protected override render(): TemplateResult {
    const english = getLocale() === 'en';
    const layout = this.columnLayout;
    const visible = layout.visible();
    const status = this.data.load.status;
    const error = status === 'error' ? this.data.load.error : undefined;
    const denied = error instanceof AccessDenied || (error as { status?: unknown } | undefined)?.status === 403;
    const loading = status === 'loading';
    const rows = this.data.all();
    const { count, known } = rows;
    const shown = loading ? 8 : status === 'error' ? 0 : this.shownCount();
    const window = this.windowing.layout(shown);
    const caption = this.label || (this.data.schema ? labelText(this.data.schema.name, english) : '') || msg('数据表', { id: 'data-table.caption' });
    const filterCount = this.data.query.filter.length;
    const live = loading ? msg('加载中…', { id: 'status.loading' }) : this.announcement;
    const ready = status === 'ready' || (this.plain && status === 'idle' && count > 0);
    const client = this.data.source?.client;
    const region = (code: string) => regionName(client, code, () => this.requestUpdate());
    return html`<div class="frame${this.windowing.unbounded ? ' bounded' : ''}">
      ${renderToolbar({
        caption,
        count: ready ? known : undefined,
        selected: this.rowSelection.size,
        panel: this.panel,
        filterable: layout.all.some((c) => c.ops.length),
        filterCount,
        hasColumns: layout.all.length > 0,
        exportable: !this.plain && this.data.schema?.access?.export === true && status === 'ready',
        exporting: this.csvExport?.state === 'running',
        onToggle: (panel) => this.togglePanel(panel),
        onExport: () => void this.exportCsv(),
      })}
      ${this.panel === 'filters'
        ? renderFilterPanel({
            columns: layout.ordered().filter((c) => c.ops.length),
            filter: this.data.query.filter,
            english,
            regions: this.data.regions,
            label: (c) => layout.label(c),
            onInput: this.onFilterInput,
            onClear: this.clearFilters,
          })
        : this.panel === 'columns'
          ? renderColumnsPanel(layout, this.showColumn, this.moveColumn)
          : nothing}
      ${this.csvExport
        ? renderExport(this.csvExport, count, () => {
            this.csvExport = undefined;
            this.requestUpdate();
          })
        : nothing}
      ${visible.length
        ? renderGrid({
            columns: visible,
            layout,
            formatters: this.formats.for(visible, region),
            sort: this.data.query.sort,
            english,
            window,
            scrolledInline: this.windowing.scrolledInline,
            shown,
            count,
            loading,
            ready: status === 'ready' || status === 'idle',
            offset: this.offset,
            rowAt: (i) => rows.row(i),
            isSelected: (r) => this.rowSelection.has(r),
            selection: this.selectionMode,
            activeRow: this.activeCell.row,
            activeColumn: this.activeCell.column,
            activeId: this.activeCell.activeId(window.start, window.end),
            drag: this.drag,
            onScroll: this.windowing.onScroll,
            onKeyDown: this.activeCell.onKeyDown,
            onClick: this.activeCell.onClick,
            onDropColumn: (dragged, target) => this.moveColumn(dragged, 0, target),
            onMenuButton: (name, e) => this.columnMenu.show(name, e),
            onResizeStart: (e, column) =>
              dragColumnWidth(e, layout.width(column), getComputedStyle(this).direction === 'rtl' ? 'rtl' : 'ltr', (width) => this.resizeColumn(column.name, width), () => this.columnsChanged()),
          })
        : nothing}
      ${!visible.length && loading
        ? html`<div class="state" aria-hidden="true">${[0, 1, 2, 3].map(() => html`<p><span class="sk"></span></p>`)}</div>`
        : nothing}
      ${denied ? renderDenied(error) : status === 'error' ? renderLoadStatus(this.data.load) : nothing}
      ${this.applyingClient ? this.shareAccess.render(this.data.schema?.ownerDept.name) : nothing}
      ${(status === 'empty' || (this.plain && status === 'idle' && count === 0)) && !denied ? renderEmpty(filterCount, this.clearFilters) : nothing}
      ${this.pages?.error !== undefined ? renderMoreFailed(() => this.pages?.retry()) : nothing}
      ${this.pager && ready ? renderPager(this.page, Math.max(1, Math.ceil(count / this.limit)), known.exact, this.goToPage) : nothing}
      <div class="probe" aria-hidden="true"></div>
      <div role="status" aria-live="polite" class="visually-hidden">${live}</div>
      ${this.columnMenu.render()}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cb-data-table': CbDataTable;
  }
}
