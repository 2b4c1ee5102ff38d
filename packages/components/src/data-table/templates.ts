/**
 * Sub-templates of `<cb-data-table>`: the grid (header row with sort, drag-and-drop, menu button and
 * resize handle; the windowed body), the column menu, the column panel, the pager, the export bar
 * and the permission-denied state. Every value from the data is rendered as text through Lit
 * bindings, never as markup; positions go through `styleProperties` (strict CSP).
 */
import { html, nothing, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import { styleProperties } from '../shared/style-properties.js';
import { formatNumber } from '../shared/format.js';
import { kindOf, labelText, parseSort, type Column, type KnownCount } from './model.js';
import type { ColumnLayout } from './column-layout.js';
import type { CsvExportRun } from './csv-export.js';
import { AccessDenied } from './row-source.js';
import { bodyRows, LOCK_PATH, type RowsView } from './row-pool.js';

const lockIcon = html`<svg class="lock" viewBox="0 0 16 16" aria-hidden="true"><path d=${LOCK_PATH} /></svg>`;

const sortDirection = (desc: boolean) => (desc ? msg('降序', { id: 'data-table.desc' }) : msg('升序', { id: 'data-table.asc' }));

export interface GridView extends Omit<RowsView, 'numeric' | 'loadingText'> {
  layout: ColumnLayout;
  /** The grid is scrolled sideways (the first column is then held in place). */
  scrolledInline: boolean;
  sort: string[];
  english: boolean;
  /** Rows laid out (0: the body is left out). */
  shown: number;
  /** Rows of the query, for `aria-rowcount`. */
  count: number;
  ready: boolean;
  activeId: string | undefined;
  /** The header being dragged, by name; the element keeps it, so a header dropped on another table is ignored. */
  drag: { column?: string };
  onScroll: (e: Event) => void;
  onKeyDown: (e: KeyboardEvent) => void;
  onClick: (e: MouseEvent) => void;
  /** A header was dropped on another: move `dragged` in front of `target`. */
  onDropColumn: (dragged: string, target: string) => void;
  onMenuButton: (name: string, e: Event) => void;
  onResizeStart: (e: PointerEvent, column: Column) => void;
}

function renderHeader(view: GridView, column: Column, index: number, sortKeys: ReturnType<typeof parseSort>): TemplateResult {
  const position = sortKeys.findIndex((s) => s.name === column.name);
  const key = sortKeys[position];
  const label = labelText(column.label, view.english) || column.name;
  const unit = column.unit && !column.type.startsWith('area') ? (view.english ? ` (${column.unit})` : `（${column.unit}）`) : '';
  const active = view.activeRow < 0 && index === view.activeColumn;
  return html`<div
    role="columnheader"
    class="c h${column.sortable ? '' : ' ns'}${active ? ' act' : ''}"
    part="header"
    id="h${index}"
    aria-colindex=${index + 1}
    aria-sort=${position === 0 ? (key!.desc ? 'descending' : 'ascending') : nothing}
    data-c=${column.name}
    data-j=${index}
    draggable="true"
    @dragstart=${(e: DragEvent) => {
      view.drag.column = column.name;
      e.dataTransfer?.setData('text/plain', column.name);
    }}
    @dragover=${(e: DragEvent) => {
      const dragged = view.drag.column;
      if (dragged && dragged !== column.name) {
        e.preventDefault();
        (e.currentTarget as HTMLElement).classList.add('drop');
      }
    }}
    @dragleave=${(e: DragEvent) => (e.currentTarget as HTMLElement).classList.remove('drop')}
    @drop=${(e: DragEvent) => {
      e.preventDefault();
      (e.currentTarget as HTMLElement).classList.remove('drop');
      if (view.drag.column) view.onDropColumn(view.drag.column, column.name);
      view.drag.column = undefined;
    }}
  >
    <span>${label}${unit}</span>
    ${column.masked ? html`${lockIcon}<span class="visually-hidden">${msg('（已脱敏）', { id: 'data-table.masked' })}</span>` : nothing}
    ${key
      ? html`<span class="si" aria-hidden="true">${key.desc ? '▼' : '▲'}${sortKeys.length > 1 ? position + 1 : ''}</span>${position > 0
            ? html`<span class="visually-hidden"
                >${msg(str`（第 ${position + 1} 排序，${sortDirection(key.desc)}）`, { id: 'data-table.sort-secondary' })}</span
              >`
            : nothing}`
      : nothing}
    <button
      class="mb"
      type="button"
      tabindex="-1"
      aria-haspopup="menu"
      aria-label=${msg(str`${label} 列操作`, { id: 'data-table.column-menu' })}
      @click=${(e: Event) => view.onMenuButton(column.name, e)}
    >
      ⋮
    </button>
    <span class="rz" aria-hidden="true" @pointerdown=${(e: PointerEvent) => view.onResizeStart(e, column)} @click=${(e: Event) => e.stopPropagation()}></span>
  </div>`;
}

export function renderGrid(view: GridView): TemplateResult {
  const { columns, window, loading } = view;
  const numeric = columns.map((c) => kindOf(c.type) === 'num');
  const sortKeys = parseSort(view.sort);
  return html`<div
    class="grid${view.ready || loading ? '' : ' short'}${view.scrolledInline ? ' x' : ''}"
    part="grid"
    role="grid"
    tabindex="0"
    aria-labelledby="cap"
    aria-rowcount=${loading ? -1 : view.count + 1}
    aria-colcount=${columns.length}
    aria-multiselectable=${view.selection === 'multiple' ? 'true' : nothing}
    aria-busy=${String(loading)}
    aria-activedescendant=${view.activeId ?? nothing}
    style=${styleProperties({ '--_cols': columns.map((c) => `calc(${view.layout.width(c)}px * var(--_cb-scale))`).join(' ') })}
    @scroll=${view.onScroll}
    @keydown=${view.onKeyDown}
    @click=${view.onClick}
  >
    <div role="rowgroup" class="head">
      <div role="row" class="row hrow" part="header-row" aria-rowindex="1">${columns.map((column, j) => renderHeader(view, column, j, sortKeys))}</div>
    </div>
    ${view.shown
      ? html`<div role="rowgroup" class="body" style=${styleProperties({ blockSize: `${window.height}px` })}>
          <div
            class="block"
            style=${styleProperties({ transform: `translateY(${window.top}px)` })}
            ${bodyRows({ ...view, numeric, loadingText: msg('加载中…', { id: 'status.loading' }) })}
          ></div>
        </div>`
      : nothing}
  </div>`;
}

export interface ColumnMenuView {
  column: Column;
  label: string;
  x: number;
  y: number;
  onKeyDown: (e: KeyboardEvent) => void;
  /** Focus left the menu. */
  onLeave: () => void;
  /** Runs a menu item's action and closes the menu. */
  run: (action: () => void) => () => void;
  sort: (add: boolean, direction: 'asc' | 'desc' | 'none') => void;
  move: (by: number) => void;
  widen: (by: number) => void;
  hide: () => void;
}

export function renderColumnMenu(view: ColumnMenuView): TemplateResult {
  const item = (text: string, action: () => void) => html`<button role="menuitem" tabindex="-1" type="button" @click=${view.run(action)}>${text}</button>`;
  return html`<div
    class="menu"
    role="menu"
    aria-label=${msg(str`${view.label} 列操作`, { id: 'data-table.column-menu' })}
    style=${styleProperties({ insetInlineStart: `${view.x}px`, insetBlockStart: `${view.y}px` })}
    @keydown=${view.onKeyDown}
    @focusout=${(e: FocusEvent) => {
      if (!(e.currentTarget as HTMLElement).contains(e.relatedTarget as Node)) view.onLeave();
    }}
  >
    ${view.column.sortable
      ? [
          item(msg('升序排列', { id: 'data-table.sort-asc' }), () => view.sort(false, 'asc')),
          item(msg('降序排列', { id: 'data-table.sort-desc' }), () => view.sort(false, 'desc')),
          item(msg('添加到排序', { id: 'data-table.sort-add' }), () => view.sort(true, 'asc')),
          item(msg('取消排序', { id: 'data-table.sort-none' }), () => view.sort(true, 'none')),
        ]
      : nothing}
    ${item(msg('左移', { id: 'data-table.move-left' }), () => view.move(-1))}
    ${item(msg('右移', { id: 'data-table.move-right' }), () => view.move(1))}
    ${item(msg('加宽', { id: 'data-table.wider' }), () => view.widen(40))}
    ${item(msg('变窄', { id: 'data-table.narrower' }), () => view.widen(-40))}
    ${item(msg('隐藏此列', { id: 'data-table.hide' }), view.hide)}
  </div>`;
}

export function renderColumnsPanel(layout: ColumnLayout, show: (name: string, visible: boolean) => void, move: (name: string, by: number) => void): TemplateResult {
  const last = layout.order.length - 1;
  return html`<ul class="panel cols" part="columns-panel" aria-label=${msg('列设置', { id: 'data-table.columns' })}>
    ${layout.ordered().map((column, i) => {
      const name = column.name;
      const label = layout.label(column);
      return html`<li>
        <label class="opt"
          ><input type="checkbox" .checked=${!layout.hidden.has(name)} @change=${(e: Event) => show(name, (e.target as HTMLInputElement).checked)} />${label}</label
        >
        <button type="button" ?disabled=${i === 0} aria-label=${msg(str`上移 ${label}`, { id: 'data-table.move-up' })} @click=${() => move(name, -1)}>↑</button>
        <button type="button" ?disabled=${i === last} aria-label=${msg(str`下移 ${label}`, { id: 'data-table.move-down' })} @click=${() => move(name, 1)}>
          ↓
        </button>
      </li>`;
    })}
  </ul>`;
}

export function renderPager(page: number, pages: number, exact: boolean, go: (page: number) => void): TemplateResult {
  const total = (exact ? '' : msg('约', { id: 'data-table.about' })) + formatNumber(pages);
  return html`<nav class="pager" part="pager" aria-label=${msg('分页', { id: 'data-table.pagination' })}>
    <button type="button" ?disabled=${page === 0} @click=${() => go(0)}>${msg('首页', { id: 'data-table.first-page' })}</button>
    <button type="button" ?disabled=${page === 0} @click=${() => go(page - 1)}>${msg('上一页', { id: 'data-table.previous-page' })}</button>
    <span>${msg(str`第 ${formatNumber(page + 1)} 页，共 ${total} 页`, { id: 'data-table.page' })}</span>
    <button type="button" ?disabled=${page + 1 >= pages} @click=${() => go(page + 1)}>${msg('下一页', { id: 'data-table.next-page' })}</button>
  </nav>`;
}

export function renderExport(run: CsvExportRun, total: number, close: () => void): TemplateResult {
  const { rows, state } = run;
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
    <button type="button" @click=${() => (state === 'running' ? run.cancel() : close())}>
      ${state === 'running' ? msg('取消', { id: 'data-table.cancel' }) : msg('关闭', { id: 'data-table.close' })}
    </button>
  </div>`;
}

export function renderDenied(error: unknown): TemplateResult {
  const reason = error instanceof AccessDenied ? error.message : (error as { problem?: { detail?: unknown } }).problem?.detail;
  return html`<div class="state denied" part="denied" role="alert">
    <p>${msg('没有查看此数据的权限', { id: 'data-table.denied' })}</p>
    ${typeof reason === 'string' && reason ? html`<p>${reason}</p>` : nothing}
  </div>`;
}

export type Panel = 'filters' | 'columns';

export interface ToolbarView {
  caption: string;
  /** What may be said of the number of rows; absent until they are known. */
  count: KnownCount | undefined;
  selected: number;
  panel: Panel | undefined;
  filterable: boolean;
  filterCount: number;
  hasColumns: boolean;
  exportable: boolean;
  exporting: boolean;
  onToggle: (panel: Panel) => void;
  onExport: () => void;
}

/** What the live region says when the rows of a new query arrived: their number and the first sort key. */
export function resultsText({ total, exact, atLeast }: KnownCount, sortedBy: { label: string; desc: boolean } | undefined): string {
  const n = atLeast ? `${formatNumber(total)}+` : (exact ? '' : msg('约', { id: 'data-table.about' })) + formatNumber(total);
  return sortedBy
    ? msg(str`共 ${n} 条结果，按${sortedBy.label}${sortDirection(sortedBy.desc)}排列`, { id: 'data-table.announce-sorted' })
    : msg(str`共 ${n} 条结果`, { id: 'data-table.announce' });
}

function countText({ total, exact, atLeast }: KnownCount): string {
  const n = formatNumber(total);
  if (atLeast) return msg(str`${n}+ 条`, { id: 'data-table.count-at-least' });
  return exact ? msg(str`共 ${n} 条`, { id: 'data-table.count' }) : msg(str`约 ${n} 条`, { id: 'data-table.count-estimated' });
}

export function renderToolbar(view: ToolbarView): TemplateResult {
  const { panel, filterCount } = view;
  return html`<div class="bar" part="toolbar">
    <span class="cap" part="caption" id="cap">${view.caption}</span>
    <span class="meta">
      ${view.count ? countText(view.count) : nothing}
      ${view.selected ? msg(str`，已选 ${formatNumber(view.selected)} 条`, { id: 'data-table.selected' }) : nothing}
    </span>
    <span class="grow"></span>
    ${view.filterable
      ? html`<button part="button" type="button" aria-expanded=${String(panel === 'filters')} @click=${() => view.onToggle('filters')}>
          ${msg('筛选', { id: 'data-table.filters' })}${filterCount ? ` (${filterCount})` : ''}
        </button>`
      : nothing}
    ${view.hasColumns
      ? html`<button part="button" type="button" aria-expanded=${String(panel === 'columns')} @click=${() => view.onToggle('columns')}>
          ${msg('列设置', { id: 'data-table.columns' })}
        </button>`
      : nothing}
    ${view.exportable
      ? html`<button part="button" type="button" ?disabled=${view.exporting} @click=${view.onExport}>${msg('导出 CSV', { id: 'data-table.export' })}</button>`
      : nothing}
  </div>`;
}

/** No row matches: a message, and a button to clear the filters when there are some. */
export function renderEmpty(filterCount: number, clearFilters: () => void): TemplateResult {
  return html`<div class="state" part="empty">
    <slot name="empty"><p>${filterCount ? msg('没有符合筛选条件的数据', { id: 'data-table.empty-filtered' }) : msg('暂无数据', { id: 'status.empty' })}</p></slot>
    ${filterCount ? html`<button type="button" @click=${clearFilters}>${msg('清除筛选', { id: 'data-table.clear-filters' })}</button>` : nothing}
  </div>`;
}

/** A later page failed to load. */
export function renderMoreFailed(retry: () => void): TemplateResult {
  return html`<div class="pager err" role="alert">
    ${msg('加载更多数据失败。', { id: 'data-table.more-failed' })}
    <button type="button" @click=${retry}>${msg('重试', { id: 'status.retry' })}</button>
  </div>`;
}
