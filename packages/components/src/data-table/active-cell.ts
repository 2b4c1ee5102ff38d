/**
 * The grid's keyboard model (WAI-ARIA grid pattern): one active cell, announced through
 * `aria-activedescendant` while focus stays on the grid. Arrows move it, Home/End go to the
 * first/last column (Ctrl+Home/End: first/last row), PageUp/PageDown by a screen; Enter sorts on a
 * header (Shift+Enter adds to the sort) and activates a row, Space selects, Ctrl+A selects all,
 * Alt+ArrowDown, ContextMenu and Shift+F10 open a header's column menu. A click moves it too. After
 * a key moves it, the active cell is brought into view, vertically by the host's scrolling and
 * horizontally here.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** What the keyboard reads and drives: the element hands these to the controller (they stay off its public API). */
export interface ActiveCellGrid {
  /** Rows in view of the grid (on this page, in pager mode). */
  shownCount(): number;
  /** Columns shown. */
  columnCount(): number;
  /** Rows that fit in the view, for PageUp/PageDown. */
  pageRows(): number;
  /** The scrolling grid, when rendered. */
  element(): HTMLElement | null;
  sortColumn(column: number, add: boolean): void;
  openColumnMenu(column: number, event?: Event): void;
  activateRow(row: number): void;
  /** Selects or toggles row `row` (a range from the last one with `range`). */
  selectRow(row: number, range: boolean): void;
  /** Row `row` was clicked (with Shift: `range`). */
  clickRow(row: number, range: boolean): void;
  /** Selects every loaded row; false when the selection mode does not allow it. */
  selectAll(): boolean;
  /** Scrolls row `row` into view. */
  revealRow(row: number): void;
}

export class ActiveCellController implements ReactiveController {
  /** Row of the active cell in the grid's rows (-1: the header row). */
  row = -1;
  /** Its column among the shown ones. */
  column = 0;
  /** The active cell moved by keyboard: scroll it into view after the update. */
  private reveal = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly grid: ActiveCellGrid,
  ) {
    host.addController(this);
  }

  /** Moves to a cell without scrolling (a click, or the column menu of a header). */
  set(row: number, column?: number): void {
    this.row = row;
    if (column !== undefined) this.column = column;
  }

  /** Keeps the column inside the shown columns after columns were hidden. */
  clamp(): void {
    this.column = Math.min(this.column, this.grid.columnCount() - 1);
  }

  /** The id of the active cell among the rendered rows `start`…`end` (exclusive), for `aria-activedescendant`. */
  activeId(start: number, end: number): string | undefined {
    if (this.row < 0) return `h${this.column}`;
    return this.row >= start && this.row < end ? `c${this.row}-${this.column}` : undefined;
  }

  /** A click on a header sorts by it (Shift adds it to the sort); one on a row makes its cell active. */
  onClick = (e: MouseEvent): void => {
    const path = e.composedPath() as HTMLElement[];
    const target = path.find((el) => el.dataset?.i !== undefined || el.dataset?.c !== undefined);
    if (!target) return;
    if (target.dataset.c !== undefined) {
      this.set(-1, Number(target.dataset.j));
      this.grid.sortColumn(this.column, e.shiftKey);
      return;
    }
    const row = Number(target.dataset.i);
    const cell = path.find((el) => el.dataset?.j !== undefined);
    this.set(row, cell ? Number(cell.dataset.j) : undefined);
    this.grid.clickRow(row, e.shiftKey);
  };

  onKeyDown = (e: KeyboardEvent): void => {
    const grid = this.grid;
    const count = grid.shownCount();
    const lastColumn = grid.columnCount() - 1;
    let row = this.row;
    let column = Math.max(0, this.column);
    const header = row < 0;
    const command = e.ctrlKey || e.metaKey;
    switch (e.key) {
      case 'ArrowDown':
        if (e.altKey && header) return grid.openColumnMenu(column);
        row = Math.min(row + 1, count - 1);
        break;
      case 'ArrowUp':
        row = Math.max(row - 1, -1);
        break;
      case 'ArrowRight':
        column = Math.min(column + 1, lastColumn);
        break;
      case 'ArrowLeft':
        column = Math.max(column - 1, 0);
        break;
      case 'Home':
        if (command) row = Math.min(0, count - 1);
        else column = 0;
        break;
      case 'End':
        if (command) row = count - 1;
        else column = lastColumn;
        break;
      case 'PageDown':
        row = Math.min(row + grid.pageRows(), count - 1);
        break;
      case 'PageUp':
        row = header ? row : Math.max(row - grid.pageRows(), 0);
        break;
      case 'Enter':
        if (header) grid.sortColumn(column, e.shiftKey);
        else grid.activateRow(row);
        break;
      case ' ':
        if (!header) grid.selectRow(row, e.shiftKey);
        break;
      case 'a':
        if (!command || !grid.selectAll()) return;
        break;
      case 'ContextMenu':
      case 'F10':
        if (!header || (e.key === 'F10' && !e.shiftKey)) return;
        return grid.openColumnMenu(column, e);
      default:
        return;
    }
    e.preventDefault();
    this.row = row;
    this.column = column;
    if (row >= 0) grid.revealRow(row);
    this.reveal = true;
    this.host.requestUpdate();
  };

  hostUpdated(): void {
    const grid = this.grid.element();
    if (!grid || !this.reveal) return;
    this.reveal = false;
    // Bring the active cell into view horizontally, minding the frozen first column.
    const cell = grid.querySelector<HTMLElement>('.act');
    if (cell && this.column > 0) {
      const frozen = grid.querySelector<HTMLElement>('.hrow > .c')?.offsetWidth ?? 0;
      if (cell.offsetLeft - frozen < grid.scrollLeft) grid.scrollLeft = cell.offsetLeft - frozen;
      else if (cell.offsetLeft + cell.offsetWidth > grid.scrollLeft + grid.clientWidth) {
        grid.scrollLeft = cell.offsetLeft + cell.offsetWidth - grid.clientWidth;
      }
    } else if (this.column === 0) grid.scrollLeft = 0;
  }
}
