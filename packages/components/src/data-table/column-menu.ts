/**
 * The column menu of `<cb-data-table>` (WAI-ARIA menu button pattern): opened from a header's ⋮
 * button, Alt+ArrowDown, ContextMenu or Shift+F10; placed under its header inside the element;
 * arrows move between items, Escape and Tab close it and give focus back to the grid; scrolling
 * or focus leaving it closes it.
 */
import { nothing, type ReactiveElement, type TemplateResult } from 'lit';
import type { ColumnLayout } from './column-layout.js';
import { renderColumnMenu } from './templates.js';

/** Width of the menu, in px, to keep it inside the element. */
const MENU_WIDTH = 180;

/** What the menu's items do; the element implements them. */
export interface ColumnMenuActions {
  sort(name: string, add: boolean, direction: 'asc' | 'desc' | 'none'): void;
  move(name: string, by: number): void;
  resize(name: string, width: number): void;
  show(name: string, visible: boolean): void;
  /** The menu opened on the header of shown column `index`. */
  opened(index: number): void;
  grid(): HTMLElement | null;
}

export class ColumnMenu {
  private open?: { name: string; x: number; y: number };

  constructor(
    private readonly host: ReactiveElement,
    private readonly layout: ColumnLayout,
    private readonly actions: ColumnMenuActions,
  ) {}

  get isOpen(): boolean {
    return this.open !== undefined;
  }

  /** Opens the menu of column `name` under its header (nothing when the column is not shown). */
  show(name: string | undefined, e?: Event): void {
    e?.preventDefault();
    e?.stopPropagation();
    const index = this.layout.visible().findIndex((c) => c.name === name);
    const header = this.host.renderRoot.querySelectorAll<HTMLElement>('.h')[index];
    if (!name || !header) return;
    const box = header.getBoundingClientRect();
    const host = this.host.getBoundingClientRect();
    this.actions.opened(index);
    this.open = { name, x: Math.max(0, Math.min(box.left - host.left, host.width - MENU_WIDTH)), y: box.bottom - host.top };
    this.host.requestUpdate();
    void this.host.updateComplete.then(() => this.host.renderRoot.querySelector<HTMLElement>('.menu button')?.focus());
  }

  close(focusGrid = true): void {
    this.open = undefined;
    this.host.requestUpdate();
    if (focusGrid) this.actions.grid()?.focus();
  }

  private onKeyDown = (e: KeyboardEvent): void => {
    const root = this.host.renderRoot as ShadowRoot;
    const items = [...root.querySelectorAll<HTMLElement>('.menu button')];
    const i = items.indexOf(root.activeElement as HTMLElement);
    if (e.key === 'Escape' || e.key === 'Tab') {
      e.preventDefault();
      this.close();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      items[(i + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
    }
  };

  render(): TemplateResult | typeof nothing {
    if (!this.open) return nothing;
    const { name, x, y } = this.open;
    const column = this.layout.byName.get(name)!;
    const { actions } = this;
    return renderColumnMenu({
      column,
      label: this.layout.label(column),
      x,
      y,
      onKeyDown: this.onKeyDown,
      onLeave: () => this.close(false),
      run: (action) => () => {
        action();
        this.close();
      },
      sort: (add, direction) => actions.sort(name, add, direction),
      move: (by) => actions.move(name, by),
      widen: (by) => actions.resize(name, this.layout.width(column) + by),
      hide: () => actions.show(name, false),
    });
  }
}
