/**
 * The columns of `<cb-data-table>`: normalised from a schema or plain `.columns`, and the user's
 * layout of them — order, hidden columns and widths — restored from `columnState`, changed from
 * the column panel, the column menu, header drag-and-drop and the resize handles.
 */
import { getLocale } from '../shared/localization.js';
import { labelText, toColumn, type Column, type ColumnState, type DataTableColumn } from './model.js';
import type { DatasetColumn } from '@citybrain/client';

export const MIN_WIDTH = 48;
export const MAX_WIDTH = 800;

export class ColumnLayout {
  /** Every column, in the order of the schema or `.columns`. */
  all: Column[] = [];
  byName = new Map<string, Column>();
  order: string[] = [];
  hidden = new Set<string>();
  widths = new Map<string, number>();

  /**
   * Takes new columns; `warn(key, message)` hears of columns and settings left out. The first of
   * two columns with one name wins.
   */
  set(raw: readonly (DataTableColumn | DatasetColumn)[], plain: boolean, warn: (key: string, message: string) => void): void {
    const problems: string[] = [];
    const columns = raw.map((column) => toColumn(column, plain, problems));
    if (columns.includes(undefined)) warn('columns', 'ignores columns without a valid name.');
    for (const problem of new Set(problems)) warn(`column:${problem}`, problem);
    const firstByName = new Map(columns.filter((c): c is Column => c !== undefined).reverse().map((c) => [c.name, c]));
    this.all = [...firstByName.values()].reverse();
    this.byName = new Map(this.all.map((c) => [c.name, c]));
    this.order = [...this.byName.keys()];
  }

  /** Forgets the columns (a new schema is on its way). */
  clear(): void {
    this.all = [];
    this.byName.clear();
    this.order = [];
  }

  /** Applies a stored layout, ignoring what names no column or breaks the limits. */
  restore(state: Partial<ColumnState>): void {
    const known = (names: unknown) => (Array.isArray(names) ? names.filter((n): n is string => this.byName.has(n)) : []);
    this.order = [...new Set([...known(state.order), ...this.all.map((c) => c.name)])];
    this.hidden = new Set(known(state.hidden));
    if (this.hidden.size >= this.order.length) this.hidden.clear();
    this.widths = new Map(Object.entries(state.widths ?? {}).filter(([n, w]) => this.byName.has(n) && w >= MIN_WIDTH && w <= MAX_WIDTH));
  }

  /** The layout as `cb-column-change` reports it. */
  get state(): ColumnState {
    return { order: [...this.order], hidden: [...this.hidden], widths: Object.fromEntries(this.widths) };
  }

  /** The shown columns, in order. */
  visible(): Column[] {
    return this.order.filter((n) => !this.hidden.has(n)).map((n) => this.byName.get(n)!);
  }

  /** The columns in order, shown or not. */
  ordered(): Column[] {
    return this.order.map((n) => this.byName.get(n)!);
  }

  label(column: Column): string {
    return labelText(column.label, getLocale() === 'en') || column.name;
  }

  width(column: Column): number {
    return this.widths.get(column.name) ?? column.width;
  }

  /** Moves a column `by` places, or in front of `before` (to the end when `before` is unknown). */
  move(name: string, by: number, before?: string): void {
    const order = this.order.filter((n) => n !== name);
    const at = before !== undefined ? order.indexOf(before) : Math.max(0, Math.min(order.length, this.order.indexOf(name) + by));
    order.splice(at < 0 ? order.length : at, 0, name);
    this.order = order;
  }

  /** Shows or hides a column; returns false when hiding would leave no column. */
  show(name: string, visible: boolean): boolean {
    if (!visible && this.visible().length <= 1) return false;
    if (visible) this.hidden.delete(name);
    else this.hidden.add(name);
    return true;
  }

  resize(name: string, width: number): void {
    this.widths.set(name, Math.round(Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, width))));
  }
}

/**
 * Follows a drag of a column's resize handle (pointer captured, right-to-left aware, in width
 * units that grow with `--cb-scale`): `resized` after every move, `done` when the pointer lets go.
 */
export function dragColumnWidth(
  event: PointerEvent,
  startWidth: number,
  direction: 'ltr' | 'rtl',
  resized: (width: number) => void,
  done: () => void,
): void {
  event.preventDefault();
  event.stopPropagation();
  const handle = event.currentTarget as HTMLElement;
  const startX = event.clientX;
  // Pixels on screen per width unit (widths grow with --cb-scale in elderly mode).
  const scale = (handle.parentElement?.offsetWidth || startWidth) / startWidth;
  const sign = direction === 'rtl' ? -1 : 1;
  const move = (moved: PointerEvent) => resized(startWidth + ((moved.clientX - startX) * sign) / scale);
  handle.setPointerCapture?.(event.pointerId);
  handle.addEventListener('pointermove', move);
  handle.addEventListener(
    'lostpointercapture',
    () => {
      handle.removeEventListener('pointermove', move);
      done();
    },
    { once: true },
  );
}
