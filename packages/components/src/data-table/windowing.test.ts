import { expect, fixture, html } from '@open-wc/testing';
import type { CbDataTable } from './data-table.js';
import type { DataRow } from './model.js';
import { pixelsOf } from './windowing.js';
import { BUFFER_ROWS, MAX_BODY_HEIGHT, SCALED_BUFFER_ROWS, Viewport } from './viewport.js';
import './define.js';

function frame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
}

describe('cb-data-table windowing: sizes without a forced layout', () => {
  it('reads the row height of the computed --_rh forms, and nothing else', () => {
    expect(pixelsOf('calc(32px * 1)')).to.equal(32);
    expect(pixelsOf(' calc(32px * 1.3) ')).to.equal(42);
    expect(pixelsOf('40px')).to.equal(40);
    for (const other of ['', 'calc(2rem * 1)', '2.5em', 'calc(32px + 1px)', '40px * 1)', 'calc(0px * 1)']) expect(pixelsOf(other), other).to.equal(undefined);
  });

  it('renders a smaller buffer when the rows exceed the maximum height (every row is re-filled per scroll then)', () => {
    const viewport = new Viewport();
    viewport.rowHeight = 32;
    viewport.height = 512;
    const visible = 512 / 32 + 1;
    viewport.count = 100_000;
    expect(viewport.scale).to.equal(1);
    const native = viewport.window(50_000 * 32);
    expect(native.end - native.start).to.equal(visible + 3 * BUFFER_ROWS);
    viewport.count = 1_000_000;
    expect(viewport.scale).to.be.greaterThan(1);
    const scrollTop = MAX_BODY_HEIGHT / 2;
    const scaled = viewport.window(scrollTop);
    expect(scaled.end - scaled.start).to.equal(visible + 3 * SCALED_BUFFER_ROWS);
    // The rows in view are still rendered, and placed where the view is.
    const first = Math.floor(viewport.toVirtual(scrollTop) / 32);
    expect(scaled.start).to.be.at.most(first);
    expect(scaled.end).to.be.at.least(first + visible);
    expect(scaled.top + (first - scaled.start) * 32 - scrollTop).to.be.within(-32, 0);
    // The first paint (no buffer) is the rows in view, scaled or not.
    expect(viewport.window(scrollTop, 0).end - viewport.window(scrollTop, 0).start).to.equal(visible);
  });

  it('paints its first render (the rows in view), then adds the scroll buffer in the next frame', async () => {
    const rows: DataRow[] = Array.from({ length: 5_000 }, (_, i) => ({ id: i + 1, name: `第 ${i + 1} 行` }));
    const el = await fixture<CbDataTable>(html`<cb-data-table
      density="compact"
      style="height: 500px"
      .columns=${[{ name: 'id', label: '序号', type: 'integer' }, { name: 'name', label: '名称' }]}
      .rows=${rows}
    ></cb-data-table>`);
    await el.updateComplete;
    const block = el.shadowRoot!.querySelector('.block')!;
    const rendered = () => block.querySelectorAll('[role="row"]').length;
    const first = rendered();
    const changed: MutationRecord[] = [];
    const observer = new MutationObserver((records) => changed.push(...records));
    observer.observe(block, { subtree: true, childList: true, characterData: true, attributes: true });
    // The first frame: its ResizeObserver report (the real sizes) must not re-render any row.
    await new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
    observer.disconnect();
    expect(changed.length, 'changes to the rows in the first frame').to.equal(0);
    const grid = el.shadowRoot!.querySelector<HTMLElement>('[role="grid"]')!;
    expect(first * 32, 'the rows in view fill it').to.be.at.least(grid.clientHeight - 32);
    expect(el.shadowRoot!.querySelector<HTMLElement>('.body')!.offsetHeight).to.equal(5_000 * 32);
    // Then the buffer for scrolling.
    for (let i = 0; i < 2; i++) await frame();
    expect(rendered()).to.be.greaterThan(first + 10);
  });
});
