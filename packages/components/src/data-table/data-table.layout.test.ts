import { expect, fixture, html } from '@open-wc/testing';
import type { CbDataTable } from './data-table.js';
import type { DataRow, DataTableColumn } from './model.js';
import { captureWarnings } from '../../test-support/warnings.js';
import './define.js';

/**
 * Windowing must not depend on how the page lays out the host: whatever `display` or height the
 * page gives `<cb-data-table>`, 100,000 rows render as a bounded scroller with a few dozen rows in
 * the DOM (rendering them all blocked the main thread for over a minute).
 */

const ROWS = 100_000;
const rows: DataRow[] = Array.from({ length: ROWS }, (_, i) => ({ id: i, name: `狮山镇第${i}号企业`, capital: i * 3 }));
const columns: DataTableColumn[] = [
  { name: 'id', label: '序号', type: 'integer' },
  { name: 'name', label: '名称', type: 'string' },
  { name: 'capital', label: '注册资本', type: 'money' },
];

function frame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
}

async function mount(layout: ReturnType<typeof html>): Promise<CbDataTable> {
  const host = await fixture<HTMLElement>(layout);
  const table = host.localName === 'cb-data-table' ? (host as CbDataTable) : host.querySelector<CbDataTable>('cb-data-table')!;
  table.columns = columns;
  table.rows = rows;
  for (let i = 0; i < 4; i++) {
    await table.updateComplete;
    await frame();
  }
  return table;
}

function renderedRows(table: CbDataTable): HTMLElement[] {
  return [...table.shadowRoot!.querySelectorAll<HTMLElement>('.block [role="row"]')];
}

async function expectWindowed(table: CbDataTable): Promise<void> {
  const grid = table.shadowRoot!.querySelector<HTMLElement>('.grid')!;
  expect(renderedRows(table).length, 'rows in the DOM').to.be.within(1, 80);
  expect(grid.clientHeight, 'the grid is a bounded scroller').to.be.within(100, 1000);
  expect(grid.scrollHeight).to.be.greaterThan(grid.clientHeight * 100);
  grid.scrollTop = grid.scrollHeight / 2;
  for (let i = 0; i < 3; i++) {
    await frame();
    await table.updateComplete;
  }
  const indices = renderedRows(table).map((row) => Number(row.dataset.i));
  expect(indices.length, 'rows in the DOM after scrolling').to.be.within(1, 80);
  expect(Math.min(...indices)).to.be.within(ROWS / 2 - 1000, ROWS / 2 + 1000);
}

describe('cb-data-table windowing whatever the host layout (100,000 rows)', () => {
  // Layouts that give the element a height: it keeps it, silently.
  const sized: [string, ReturnType<typeof html>, number][] = [
    ['display: block (a common CSS reset)', html`<cb-data-table style="display: block"></cb-data-table>`, 480],
    [
      'a flex child filling a column of fixed height',
      html`<div style="display: flex; flex-direction: column; height: 360px">
        <cb-data-table style="display: block; flex: 1 1 0; min-height: 0"></cb-data-table>
      </div>`,
      360,
    ],
    [
      'a grid item stretched to its track',
      html`<div style="display: grid; grid-template-rows: 300px"><cb-data-table style="display: grid; height: auto"></cb-data-table></div>`,
      300,
    ],
  ];
  for (const [name, layout, height] of sized) {
    it(name, async () => {
      const warnings = captureWarnings();
      try {
        const table = await mount(layout);
        await expectWindowed(table);
        expect(table.getBoundingClientRect().height).to.be.closeTo(height, 2);
        expect(warnings.messages, 'a definite height needs no warning').to.deep.equal([]);
      } finally {
        warnings.restore();
      }
    });
  }

  it('no height at all: takes --cb-data-table-height and warns once', async () => {
    const warnings = captureWarnings();
    try {
      const table = await mount(html`<div><cb-data-table style="display: block; height: auto; --cb-data-table-height: 400px"></cb-data-table></div>`);
      await expectWindowed(table);
      expect(table.getBoundingClientRect().height).to.be.closeTo(400, 2);
      expect(warnings.messages.filter((m) => m.includes('--cb-data-table-height'))).to.have.length(1);
    } finally {
      warnings.restore();
    }
  });

  it('display: inline', async () => {
    await expectWindowed(await mount(html`<p><cb-data-table style="display: inline"></cb-data-table></p>`));
  });

  it('display: contents', async () => {
    await expectWindowed(await mount(html`<div><cb-data-table style="display: contents"></cb-data-table></div>`));
  });
});

describe('cb-data-table first column', () => {
  it('stays in place when the grid is scrolled sideways, and is positioned only then', async () => {
    const table = await mount(html`<cb-data-table style="height: 400px; width: 300px"></cb-data-table>`);
    table.columnState = { widths: { id: 120, name: 400, capital: 300 } };
    for (let i = 0; i < 2; i++) {
      await table.updateComplete;
      await frame();
    }
    const grid = table.shadowRoot!.querySelector<HTMLElement>('[role="grid"]')!;
    const firstCells = () => [table.shadowRoot!.querySelector<HTMLElement>('.hrow .c')!, renderedRows(table)[0]!.querySelector<HTMLElement>('.c')!];
    // At the start edge a sticky cell would sit where it is: no layer per row for nothing.
    for (const cell of firstCells()) expect(getComputedStyle(cell).position).to.not.equal('sticky');
    grid.scrollLeft = 200;
    await new Promise((resolve) => grid.addEventListener('scroll', resolve, { once: true }));
    await table.updateComplete;
    const left = grid.getBoundingClientRect().left + grid.clientLeft;
    for (const cell of firstCells()) {
      expect(getComputedStyle(cell).position).to.equal('sticky');
      expect(cell.getBoundingClientRect().left).to.be.closeTo(left, 1);
    }
    grid.scrollLeft = 0;
    await new Promise((resolve) => grid.addEventListener('scroll', resolve, { once: true }));
    await table.updateComplete;
    for (const cell of firstCells()) expect(getComputedStyle(cell).position).to.not.equal('sticky');
  });
});
