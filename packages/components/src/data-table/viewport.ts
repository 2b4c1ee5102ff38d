/**
 * Windowing arithmetic of `<cb-data-table>`: which rows are in view, and where to place them.
 *
 * Rows have one fixed height, so row `i` starts at `i × rowHeight` of a *virtual* scroll height.
 * Browsers cap element heights (Chromium ≈ 33.5 million px, Firefox ≈ 17.9 million), and a million
 * rows of 40 px need 40 million, so the scrolling body is at most {@link MAX_BODY_HEIGHT} tall: up to
 * that height scrolling is native and 1:1 (the rendered block moves on the compositor, re-rendered
 * only when the buffer runs out); beyond it every physical pixel stands for `scale` virtual pixels
 * and the block is re-placed on each scroll event.
 */

/** Safely below every browser's maximum element height. */
export const MAX_BODY_HEIGHT = 10_000_000;
/** Rows rendered above and below the visible ones. */
export const BUFFER_ROWS = 6;
/**
 * The buffer when the rows exceed the maximum height (scale > 1). The block is then placed again on
 * every scroll event, and a scrolled frame brings a new set of rows, so every rendered row is
 * re-filled each frame: the buffer need only cover how far the compositor scrolls ahead of the
 * next scroll event, not several frames of native scrolling (with the full buffer, a million rows
 * scrolled at ×2 the frame time of a bare list).
 */
export const SCALED_BUFFER_ROWS = 2;

export interface Window {
  /** First and last (exclusive) rendered row. */
  start: number;
  end: number;
  /** `translateY` of the rendered block inside the body, in px. */
  top: number;
  /** Height of the body element, in px. */
  height: number;
}

export class Viewport {
  rowHeight = 40;
  count = 0;
  /** Height of the visible body area, in px (a guess until measured, so the first render fills the view). */
  height = 600;

  get virtualHeight(): number {
    return this.count * this.rowHeight;
  }

  get bodyHeight(): number {
    return Math.min(this.virtualHeight, MAX_BODY_HEIGHT);
  }

  /** Virtual pixels per physical pixel (1 unless the rows exceed the maximum height). */
  get scale(): number {
    const physical = this.bodyHeight - this.height;
    const virtual = this.virtualHeight - this.height;
    return physical > 0 && virtual > physical ? virtual / physical : 1;
  }

  /** The virtual offset of the body's top edge when the body is scrolled by `scrollTop`. */
  toVirtual(scrollTop: number): number {
    return Math.max(0, scrollTop) * this.scale;
  }

  /** The `scrollTop` that brings virtual offset `y` to the top of the view. */
  toScrollTop(y: number): number {
    return y / this.scale;
  }

  /**
   * Rows to render for a body scrolled by `scrollTop`. The start is rounded down to a multiple of
   * the buffer, so scrolling re-renders once every `buffer` rows rather than on every row. A buffer
   * of 0 gives the rows in view only (the first paint; the buffer follows a frame later).
   */
  window(scrollTop: number, buffer = BUFFER_ROWS): Window {
    const { rowHeight, count } = this;
    const scale = this.scale;
    if (scale !== 1) buffer = Math.min(buffer, SCALED_BUFFER_ROWS);
    const y = this.toVirtual(scrollTop);
    const first = Math.min(count, Math.floor(y / rowHeight));
    const visible = Math.ceil(this.height / rowHeight) + 1;
    const start = buffer > 0 ? Math.max(0, Math.floor(first / buffer) * buffer - buffer) : first;
    const end = Math.min(count, start + visible + 3 * buffer);
    // At scale 1 the block sits at its true place and scrolls natively; scaled, it is placed
    // relative to the current scroll position so the rows in view line up exactly.
    const top = scale === 1 ? start * rowHeight : Math.max(0, scrollTop) + (start * rowHeight - y);
    return { start, end, top, height: this.bodyHeight };
  }

  /** The `scrollTop` that makes row `index` fully visible from `scrollTop`, or `scrollTop` if it is. */
  reveal(index: number, scrollTop: number): number {
    const y = this.toVirtual(scrollTop);
    const rowTop = index * this.rowHeight;
    if (rowTop < y) return this.toScrollTop(rowTop);
    if (rowTop + this.rowHeight > y + this.height) return this.toScrollTop(rowTop + this.rowHeight - this.height);
    return scrollTop;
  }

  /** Rows that fit in the view (for PageUp / PageDown). */
  get pageRows(): number {
    return Math.max(1, Math.floor(this.height / this.rowHeight) - 1);
  }
}
