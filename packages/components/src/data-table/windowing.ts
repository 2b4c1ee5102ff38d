/**
 * Windowed rendering of `<cb-data-table>`: which rows to render for the grid's scroll position, and
 * the {@link Viewport} kept measured — the row height (from a hidden probe row, so density,
 * `--cb-scale` and the page's fonts count) and the height of the rows' view, learned from a
 * ResizeObserver on the host, the probe, the grid and its header. When the page gives the element
 * no height of its own, the controller says so once and the element takes `--cb-data-table-height`.
 */
import type { ReactiveController, ReactiveElement } from 'lit';
import { BUFFER_ROWS, Viewport, type Window } from './viewport.js';

export interface GridSizeHost extends ReactiveElement {
  warnOnce(key: string, message: string): void;
}

export class WindowingController implements ReactiveController {
  readonly viewport = new Viewport();
  /** The page gives the element no height: it takes `--cb-data-table-height` itself. */
  unbounded = false;
  /**
   * The grid is scrolled sideways: only then is the first column held in place (position: sticky).
   * At the start edge a sticky cell sits where it would anyway, and every sticky cell costs the
   * browser a layer of its own to lay out, paint and hit-test per rendered row.
   */
  scrolledInline = false;
  /** The rows rendered by the last update. */
  window: Window = { start: 0, end: 0, top: 0, height: 0 };
  /** The grid's `scrollTop` as last seen. */
  private scrollTop = 0;
  /** A `scrollTop` to give the grid after the update. */
  private pendingScrollTop?: number;
  private observer?: ResizeObserver;
  /** The row height was read from the styles. */
  private styled = false;
  /**
   * Rows rendered beyond the view: none until the first paint, which then costs only the rows in
   * view, nor after a jump (a scroll by a whole view or more at once: a buffer of a few rows cannot
   * keep up with it, and a fast scroll jumps again before the buffer is seen); the buffer for
   * scrolling is rendered in the first frame after them that brings no jump.
   */
  private buffer = 0;
  private bufferPending = false;
  /** Jumps so far (see {@link buffer}). */
  private jumps = 0;
  /** The grid the observer watches (null: none rendered; undefined: nothing watched yet). */
  private watched?: HTMLElement | null;

  constructor(
    private readonly host: GridSizeHost,
    /** Called when the user scrolls the grid. */
    private readonly scrolled: () => void,
  ) {
    host.addController(this);
  }

  /** Lays out `count` rows: the window of them to render now. */
  layout(count: number): Window {
    this.viewport.count = count;
    return (this.window = this.viewport.window(this.scrollTop, this.buffer));
  }

  /** Back to the first row (a new query, another page). */
  scrollToTop(): void {
    this.pendingScrollTop = this.scrollTop = 0;
  }

  /** Scrolls row `index` into view after the update, if it is not. */
  revealRow(index: number): void {
    const next = this.viewport.reveal(index, this.scrollTop);
    if (next !== this.scrollTop) this.pendingScrollTop = this.scrollTop = next;
  }

  onScroll = (e: Event): void => {
    const grid = e.currentTarget as HTMLElement;
    const viewport = this.viewport;
    const moved = Math.abs(viewport.toVirtual(grid.scrollTop) - viewport.toVirtual(this.scrollTop));
    this.scrollTop = grid.scrollTop;
    const scrolledInline = grid.scrollLeft !== 0;
    if (scrolledInline !== this.scrolledInline) {
      this.scrolledInline = scrolledInline;
      this.host.requestUpdate();
    }
    if (moved >= viewport.height) {
      this.jumps++;
      this.buffer = 0;
    } else this.buffer = BUFFER_ROWS;
    const next = viewport.window(this.scrollTop, this.buffer);
    const current = this.window;
    if (next.start !== current.start || next.end !== current.end || next.top !== current.top) this.host.requestUpdate();
    this.scrolled();
  };

  get grid(): HTMLElement | null {
    return this.host.renderRoot.querySelector('.grid');
  }

  hostConnected(): void {
    this.observer = new ResizeObserver(() => this.measure());
    this.watched = undefined;
    this.watch();
  }

  /**
   * Before the first render, takes the row height from the rows' CSS custom property: a style read,
   * not a layout. With the right height the first render is the one the page paints; a guess of
   * 40 px for compact rows made the ResizeObserver's report re-render every row before the paint.
   */
  hostUpdate(): void {
    if (this.styled) return;
    this.styled = true;
    const rowHeight = pixelsOf(getComputedStyle(this.host).getPropertyValue('--_rh'));
    if (rowHeight) this.viewport.rowHeight = rowHeight;
  }

  hostDisconnected(): void {
    this.observer?.disconnect();
  }

  hostUpdated(): void {
    if (this.buffer === 0) this.bufferNextFrame();
    const grid = this.grid;
    this.watch(grid);
    if (grid && this.pendingScrollTop !== undefined) {
      grid.scrollTop = this.pendingScrollTop;
      this.scrollTop = grid.scrollTop;
      this.pendingScrollTop = undefined;
    }
  }

  /**
   * Renders the buffer in the frame after this one (a rAF from within a rAF: a scroll event comes
   * before the rAF callbacks of its frame), unless that frame brought another jump: then one later.
   */
  private bufferNextFrame(): void {
    if (this.bufferPending) return;
    this.bufferPending = true;
    const jumps = this.jumps;
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        this.bufferPending = false;
        if (this.jumps !== jumps) return this.bufferNextFrame();
        this.buffer = BUFFER_ROWS;
        this.host.requestUpdate();
      }),
    );
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
    for (const el of [this.host, this.host.renderRoot.querySelector('.probe'), grid, grid?.querySelector('.head')]) if (el) observer.observe(el);
  }

  /**
   * Learns the row height and the height of the rows' view. Only called from the ResizeObserver,
   * after the browser's layout, so the sizes read here are already computed: reading them during an
   * update instead forced a synchronous layout of the whole shadow tree (28 ms of a 100 ms mount in
   * the benchmark's profile). Until the first report, the row height from the styles and a 600 px
   * view fill the view; the report arrives before the first paint.
   */
  private measure(): void {
    const root = this.host.renderRoot;
    const grid = this.grid;
    const probe = root.querySelector<HTMLElement>('.probe');
    if (!grid || !probe) return;
    const rowHeight = probe.offsetHeight || 40;
    const view = grid.clientHeight - (root.querySelector<HTMLElement>('.head')?.offsetHeight ?? 0);
    // A grid exactly as tall as all its rows, taller than the window, is not bounded by the page
    // (a host shown inline, or without a height in a container without one): "the rows in view"
    // would be every row. Give it a height of its own rather than render them all.
    const rendered = this.window.height;
    if (!this.unbounded && Math.abs(view - rendered) <= 1 && rendered > window.innerHeight) {
      this.unbounded = true;
      this.host.warnOnce(
        'unbounded',
        'gets no height from the page (an inline host, or a height that depends on its content), so it would render every row; ' +
          'using --cb-data-table-height (480px). Give the element, or the container it fills, a height.',
      );
      this.host.requestUpdate();
      return;
    }
    const height = Math.max(rowHeight, view);
    const viewport = this.viewport;
    if (rowHeight === viewport.rowHeight && height === viewport.height) return;
    const moved = rowHeight !== viewport.rowHeight;
    viewport.rowHeight = rowHeight;
    viewport.height = height;
    // A view smaller than guessed needs no new render while the rows rendered still cover it.
    const next = viewport.window(this.scrollTop, this.buffer);
    const shown = this.window;
    if (moved || next.start < shown.start || next.end > shown.end || next.top !== shown.top) this.host.requestUpdate();
  }
}

/**
 * The pixels of a computed `--_rh` (`calc(32px * 1)`, `calc(32px * 1.3)` or `40px`) rounded as an
 * element's `offsetHeight` is, or undefined for any other form (the ResizeObserver measures it then).
 */
export function pixelsOf(value: string): number | undefined {
  const match = /^calc\(\s*([\d.]+)px\s*\*\s*([\d.]+)\s*\)$|^([\d.]+)px$/.exec(value.trim());
  if (!match) return undefined;
  const pixels = match[3] !== undefined ? Number(match[3]) : Number(match[1]) * Number(match[2]);
  return Number.isFinite(pixels) && pixels > 0 ? Math.round(pixels) : undefined;
}
