/**
 * The body rows of `<cb-data-table>` as a pool of DOM rows, each kept on its row index while that
 * row stays in the window. A scroll re-fills only the rows that enter the window, with the rows that
 * left it, and changes only what differs (text nodes, a class, an attribute): no template is made or
 * cloned per scroll, and nothing here reads layout. When no row stays (a jump), the rows are re-filled
 * where they are, none moved in the block. Lit renders everything around the rows; the
 * pool is a directive on the rows' block, which Lit leaves to it.
 *
 * Values are always written as text (`Text.data`), never as markup.
 */
import { noChange } from 'lit';
import { Directive, directive, PartType, type ElementPart, type PartInfo } from 'lit/directive.js';
import { isRow, type Column, type DataRow } from './model.js';
import type { CellFormatter } from './format-cell.js';
import type { Window } from './viewport.js';

/** What the rows show: the window of them, their columns and formats, selection and the active cell. */
export interface RowsView {
  columns: Column[];
  formatters: CellFormatter[];
  /** Whether each column is numeric (right-aligned). */
  numeric: boolean[];
  window: Window;
  loading: boolean;
  /** Index of the first shown row in the query (pager mode). */
  offset: number;
  rowAt: (index: number) => DataRow | undefined;
  isSelected: (row: DataRow) => boolean;
  selection: 'none' | 'single' | 'multiple';
  activeRow: number;
  activeColumn: number;
  /** Said by the first cell of a row that is still loading. */
  loadingText: string;
}

/** Stands in for an entry of the rows that is not a row object. */
const NO_ROW: DataRow = Object.freeze({});

const SVG = 'http://www.w3.org/2000/svg';
/** The padlock drawn for masked columns (in their header and cells). */
export const LOCK_PATH = 'M4 7V5a4 4 0 0 1 8 0v2h1v8H3V7h1zm2 0h4V5a2 2 0 0 0-4 0v2z';
let lockPrototype: SVGSVGElement | undefined;

/** The padlock of a masked cell. */
function lockIcon(): SVGSVGElement {
  if (!lockPrototype) {
    lockPrototype = document.createElementNS(SVG, 'svg');
    lockPrototype.setAttribute('class', 'lock');
    lockPrototype.setAttribute('viewBox', '0 0 16 16');
    lockPrototype.setAttribute('aria-hidden', 'true');
    const path = document.createElementNS(SVG, 'path');
    path.setAttribute('d', LOCK_PATH);
    lockPrototype.append(path);
  }
  return lockPrototype.cloneNode(true) as SVGSVGElement;
}

/** What a cell shows: a value, a masked value (padlock first), or a loading placeholder. */
type CellMode = 'text' | 'masked' | 'loading';

interface PooledCell {
  element: HTMLElement;
  className: string;
  id: string | null;
  mode: CellMode | undefined;
  /** The text node of a value (text and masked modes). */
  text: Text | undefined;
}

interface PooledRow {
  element: HTMLElement;
  cells: PooledCell[];
  part: string;
  index: string;
  rowIndex: string;
  selected: string | null;
}

/** Sets or removes an attribute when it differs from `last`; returns the value now set. */
function attribute(element: Element, name: string, value: string | null, last: string | null): string | null {
  if (value === last) return last;
  if (value === null) element.removeAttribute(name);
  else element.setAttribute(name, value);
  return value;
}

export class RowPool {
  /** The rows in the window by row index, in the block in index order. */
  #shown = new Map<number, PooledRow>();
  /** Rows out of the window, kept for the next ones that enter it. */
  #spare: PooledRow[] = [];
  #start = 0;
  #end = 0;
  #columnCount = -1;
  /** An empty row of the current number of cells, cloned for each new row (one native call). */
  #emptyRow?: HTMLElement;

  constructor(private readonly block: HTMLElement) {}

  show(view: RowsView): void {
    const { start, end } = view.window;
    if (view.columns.length !== this.#columnCount) {
      // Another number of cells per row: the pooled rows no longer fit.
      for (const row of this.#shown.values()) row.element.remove();
      this.#shown.clear();
      this.#spare = [];
      this.#columnCount = view.columns.length;
      this.#emptyRow = undefined;
    }
    // The rows kept are the overlap of the old window and the new one, already in order; rows
    // entering above it go in front of it, the others after it.
    const keptStart = Math.max(start, this.#start);
    const keptEnd = Math.min(end, this.#end);
    // Without an overlap (a jump, or a scaled scroll past a million rows) every row is new: the
    // rows stay where they are in the block and are re-filled in order. Moving them instead made
    // the browser restyle and re-lay out every row from scratch on every frame.
    const inPlace = keptStart < keptEnd ? [] : [...this.#shown].sort(([a], [b]) => a - b).map(([, row]) => row);
    if (inPlace.length) this.#shown.clear();
    for (const [index, row] of this.#shown) {
      if (index < start || index >= end) {
        this.#shown.delete(index);
        this.#spare.push(row);
      }
    }
    const firstKept = keptStart < keptEnd ? this.#shown.get(keptStart)?.element : undefined;
    for (let index = start; index < end; index++) {
      let row = this.#shown.get(index) ?? inPlace.shift();
      if (!row) {
        row = this.#spare.pop() ?? this.#create(view.columns.length);
        if (firstKept && index < keptStart) this.block.insertBefore(row.element, firstKept);
        else this.block.append(row.element);
      }
      this.#shown.set(index, row);
      this.#fill(row, index, view);
    }
    this.#spare.push(...inPlace);
    for (const row of this.#spare) row.element.remove();
    this.#start = start;
    this.#end = end;
  }

  #create(columns: number): PooledRow {
    if (!this.#emptyRow) {
      const empty = (this.#emptyRow = document.createElement('div'));
      empty.setAttribute('role', 'row');
      empty.className = 'row';
      for (let j = 0; j < columns; j++) {
        const cell = document.createElement('div');
        cell.setAttribute('role', 'gridcell');
        cell.setAttribute('part', 'cell');
        cell.dataset.j = String(j);
        cell.setAttribute('aria-colindex', String(j + 1));
        empty.append(cell);
      }
    }
    const element = this.#emptyRow.cloneNode(true) as HTMLElement;
    const cells = Array.from(element.children, (cell): PooledCell => ({ element: cell as HTMLElement, className: '', id: null, mode: undefined, text: undefined }));
    return { element, cells, part: '', index: '', rowIndex: '', selected: null };
  }

  #fill(row: PooledRow, index: number, view: RowsView): void {
    const got = view.loading ? undefined : view.rowAt(view.offset + index);
    // Plain mode leaves entries that are not rows out of its view; one put into `rows` in place
    // (or sent by a server) shows as an empty row rather than breaking the table.
    const data = got === undefined || isRow(got) ? got : NO_ROW;
    const selected = data !== undefined && view.isSelected(data);
    const element = row.element;
    row.part = attribute(element, 'part', selected ? 'row row-selected' : 'row', row.part)!;
    row.index = attribute(element, 'data-i', String(index), row.index)!;
    row.rowIndex = attribute(element, 'aria-rowindex', String(view.offset + index + 2), row.rowIndex)!;
    row.selected = attribute(element, 'aria-selected', view.selection !== 'none' && data ? String(selected) : null, row.selected);
    const { columns, formatters, numeric } = view;
    for (let j = 0; j < columns.length; j++) {
      const column = columns[j]!;
      const cell = row.cells[j]!;
      const active = index === view.activeRow && j === view.activeColumn;
      const className = `c${numeric[j] ? ' num' : ''}${column.masked ? ' masked' : ''}${active ? ' act' : ''}`;
      if (className !== cell.className) cell.element.className = cell.className = className;
      cell.id = attribute(cell.element, 'id', active ? `c${index}-${j}` : null, cell.id);
      if (data === undefined) this.#loading(cell, j === 0 ? view.loadingText : undefined);
      else this.#text(cell, column.masked ? 'masked' : 'text', formatters[j]!(data[column.name]));
    }
  }

  #text(cell: PooledCell, mode: 'text' | 'masked', value: string): void {
    // A masked value reads as the padlock, a space and the value.
    const text = mode === 'masked' ? ` ${value}` : value;
    if (cell.mode === mode) {
      if (cell.text!.data !== text) cell.text!.data = text;
      return;
    }
    cell.mode = mode;
    cell.text = document.createTextNode(text);
    if (mode === 'masked') cell.element.replaceChildren(lockIcon(), cell.text);
    else cell.element.replaceChildren(cell.text);
  }

  #loading(cell: PooledCell, said: string | undefined): void {
    // The first cell says "loading" to screen readers; its text may differ from the last time only
    // when the locale changed, so it is rebuilt when it differs.
    if (cell.mode === 'loading' && (said === undefined || cell.text?.data === said)) return;
    cell.mode = 'loading';
    const placeholder = document.createElement('span');
    placeholder.className = 'sk';
    if (said === undefined) {
      cell.text = undefined;
      cell.element.replaceChildren(placeholder);
      return;
    }
    const hidden = document.createElement('span');
    hidden.className = 'visually-hidden';
    cell.text = document.createTextNode(said);
    hidden.append(cell.text);
    cell.element.replaceChildren(placeholder, hidden);
  }
}

class RowPoolDirective extends Directive {
  #pool?: RowPool;

  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT) throw new Error('bodyRows() belongs on the element that holds the rows');
  }

  render(_view: RowsView): typeof noChange {
    return noChange;
  }

  override update(part: ElementPart, [view]: [RowsView]): typeof noChange {
    (this.#pool ??= new RowPool(part.element as HTMLElement)).show(view);
    return noChange;
  }
}

/** Renders the window's rows into the element it is put on, through that element's {@link RowPool}. */
export const bodyRows = directive(RowPoolDirective);
