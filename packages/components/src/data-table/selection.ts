/**
 * The selected rows of `<cb-data-table>`, keyed by row identity (the primary key of a dataset, or
 * the plain-mode `rowKey`), so a row stays selected when its page is fetched again as a new object.
 */
import type { DataRow } from './model.js';

export type SelectionMode = 'none' | 'single' | 'multiple';

export class RowSelection {
  private readonly byKey = new Map<unknown, DataRow>();
  /** The row a Shift-selection extends from. */
  private anchor = -1;

  constructor(private readonly keyOf: (row: DataRow) => unknown) {}

  get size(): number {
    return this.byKey.size;
  }

  get rows(): DataRow[] {
    return [...this.byKey.values()];
  }

  has(row: DataRow): boolean {
    return this.byKey.has(this.keyOf(row));
  }

  clear(): void {
    this.byKey.clear();
  }

  add(row: DataRow): void {
    this.byKey.set(this.keyOf(row), row);
  }

  /**
   * Row `index` was clicked or chosen with Space: `single` selects it alone (or clears it), `multiple`
   * toggles it, or with `range` selects every row from the anchor to it (`rowAt` reads them).
   */
  toggle(mode: Exclude<SelectionMode, 'none'>, index: number, row: DataRow, range: boolean, rowAt: (index: number) => DataRow | undefined): void {
    const key = this.keyOf(row);
    const had = this.byKey.has(key);
    if (mode === 'single') {
      this.byKey.clear();
      if (!had) this.byKey.set(key, row);
    } else if (range && this.anchor >= 0) {
      for (let i = Math.min(this.anchor, index); i <= Math.max(this.anchor, index); i++) {
        const inRange = rowAt(i);
        if (inRange) this.add(inRange);
      }
    } else if (had) this.byKey.delete(key);
    else this.byKey.set(key, row);
    this.anchor = index;
  }
}
