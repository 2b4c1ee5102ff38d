import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { CbDataTable } from './data-table.js';
import type { DataRow, DataTableColumn } from './model.js';
import './define.js';

/**
 * The body rows are a pool kept by row index: a scroll re-fills only the rows that enter the window,
 * and a row that stays in it keeps its DOM node (and its text) untouched.
 */

const columns: DataTableColumn[] = [
  { name: 'id', label: '序号', type: 'integer' },
  { name: 'name', label: '名称' },
  { name: 'capital', label: '注册资本', type: 'money', precision: 2 },
];
const rows: DataRow[] = Array.from({ length: 10_000 }, (_, i) => ({ id: i + 1, name: `狮山镇第${i + 1}号企业`, capital: i * 3.5 }));

function frame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
}

/** Lets the rows settle: the update, and the scroll buffer that follows a first paint or a jump. */
async function settle(el: CbDataTable): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await el.updateComplete;
    await frame();
  }
}

/** A table of 32 px rows; 800 px tall, its view holds about 22 rows (400 px: about 10). */
async function mount(height = 400): Promise<CbDataTable> {
  const el = await fixture<CbDataTable>(html`<cb-data-table density="compact" style="height: ${height}px" .columns=${columns} .rows=${rows}></cb-data-table>`);
  await settle(el);
  return el;
}

const rowNodes = (el: CbDataTable) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('.block [role="row"]')];
const byIndex = (el: CbDataTable) => new Map(rowNodes(el).map((row) => [Number(row.dataset.i), row]));

describe('cb-data-table rows (row pool)', () => {
  it('keeps a row on its DOM node while it stays in the window, and re-fills only the rows that enter', async () => {
    const el = await mount(800);
    const grid = el.shadowRoot!.querySelector<HTMLElement>('[role="grid"]')!;
    const before = byIndex(el);
    const [first] = [...before.keys()];
    expect(first).to.equal(0);

    const textChanged = new Set<Element>();
    const observer = new MutationObserver((records) => {
      for (const record of records) if (record.type === 'characterData') textChanged.add(record.target.parentElement!.closest('[role="row"]')!);
    });
    observer.observe(el.shadowRoot!.querySelector('.block')!, { subtree: true, characterData: true });
    // Twenty rows down (less than a view): rows leave the window at the top and enter at the bottom.
    grid.scrollTop = 20 * 32;
    await waitUntil(() => !byIndex(el).has(0), 'the window did not move');
    await el.updateComplete;
    observer.disconnect();

    const after = byIndex(el);
    const kept = [...after.keys()].filter((index) => before.has(index));
    expect(kept.length, 'rows in both windows').to.be.greaterThan(5);
    for (const index of kept) expect(after.get(index), `row ${index}`).to.equal(before.get(index));
    const entered = [...after.keys()].filter((index) => !before.has(index));
    expect(entered.length, 'rows that entered').to.be.greaterThan(5);
    expect(textChanged.size, 'rows whose text changed').to.equal(entered.length);
    for (const index of kept) expect(textChanged.has(after.get(index)!), `row ${index} was rewritten`).to.equal(false);
    // The rows are in order in the block, and show their own values.
    expect(rowNodes(el).map((row) => Number(row.dataset.i))).to.deep.equal([...after.keys()].sort((a, b) => a - b));
    const row = after.get(entered.at(-1)!)!;
    expect(row.getAttribute('aria-rowindex')).to.equal(String(Number(row.dataset.i) + 2));
    expect(row.querySelector('[aria-colindex="1"]')!.textContent).to.equal(String(Number(row.dataset.i) + 1));
  });

  it('scrolling back up reuses the rows in place and keeps the block in row order', async () => {
    const el = await mount(800);
    const grid = el.shadowRoot!.querySelector<HTMLElement>('[role="grid"]')!;
    grid.scrollTop = 40 * 32;
    await waitUntil(() => !byIndex(el).has(0), 'the window did not move down');
    await settle(el);
    const middle = byIndex(el);
    grid.scrollTop = 28 * 32;
    await waitUntil(() => Math.min(...byIndex(el).keys()) < Math.min(...middle.keys()), 'the window did not move up');
    await el.updateComplete;
    const after = byIndex(el);
    for (const [index, row] of after) if (middle.has(index)) expect(row, `row ${index}`).to.equal(middle.get(index));
    const order = rowNodes(el).map((row) => Number(row.dataset.i));
    expect(order).to.deep.equal([...order].sort((a, b) => a - b));
    expect(order.every((index, k) => k === 0 || index === order[k - 1]! + 1), 'contiguous rows').to.equal(true);
  });

  it('re-fills the rows in place when no row stays in the window (a jump): none is moved', async () => {
    const el = await mount();
    const grid = el.shadowRoot!.querySelector<HTMLElement>('[role="grid"]')!;
    const block = el.shadowRoot!.querySelector('.block')!;
    const before = rowNodes(el);
    const added: Node[] = [];
    const observer = new MutationObserver((records) => {
      for (const record of records) added.push(...record.addedNodes);
    });
    observer.observe(block, { childList: true });
    grid.scrollTop = 5_000 * 32;
    await new Promise((resolve) => grid.addEventListener('scroll', resolve, { once: true }));
    await el.updateComplete;
    observer.disconnect();
    expect(Math.min(...byIndex(el).keys()), 'the first row after the jump').to.equal(5_000);
    // Moving a row makes the browser restyle and lay it out anew; here every row shows new values.
    // The rows in view stay where they were; the buffer's rows are left out until the next frame.
    expect(added.length, 'rows added to or moved in the block').to.equal(0);
    expect(rowNodes(el)).to.deep.equal(before.slice(0, rowNodes(el).length));
    const order = rowNodes(el).map((row) => Number(row.dataset.i));
    expect(order.every((index, k) => k === 0 || index === order[k - 1]! + 1), 'contiguous rows in order').to.equal(true);
    const row = rowNodes(el)[0]!;
    expect(row.getAttribute('aria-rowindex')).to.equal(String(Number(row.dataset.i) + 2));
    expect(row.querySelector('[aria-colindex="1"]')!.textContent).to.equal((Number(row.dataset.i) + 1).toLocaleString('en'));
    expect(row.querySelector('[aria-colindex="2"]')!.textContent).to.equal(`狮山镇第${Number(row.dataset.i) + 1}号企业`);
  });

  it('renders only the rows in view after a jump, and the scroll buffer again once the scrolling pauses', async () => {
    const el = await mount(800);
    const grid = el.shadowRoot!.querySelector<HTMLElement>('[role="grid"]')!;
    const buffered = rowNodes(el).length;
    const inView = Math.ceil((grid.clientHeight - el.shadowRoot!.querySelector<HTMLElement>('.head')!.offsetHeight) / 32) + 1;
    expect(buffered, 'rows with the buffer').to.be.greaterThan(inView + 10);
    // A view per frame, as a fast scroll goes: every frame shows only the rows in view.
    for (let k = 1; k <= 4; k++) {
      grid.scrollTop = k * 1_000 * 32;
      await new Promise((resolve) => grid.addEventListener('scroll', resolve, { once: true }));
      await el.updateComplete;
      expect(rowNodes(el).length, `rows rendered after jump ${k}`).to.equal(inView);
      expect(Math.min(...byIndex(el).keys())).to.equal(k * 1_000);
    }
    await settle(el);
    expect(rowNodes(el).length, 'rows once the scrolling paused').to.equal(buffered);
  });

  it('updates kept rows when the rows themselves change (a sort), not only on scroll', async () => {
    const el = await mount();
    el.query = { sort: ['-id'], filter: [] };
    await waitUntil(() => rowNodes(el)[0]?.querySelector('[aria-colindex="1"]')?.textContent === '10,000', 'the first row is not the last id');
  });
});
