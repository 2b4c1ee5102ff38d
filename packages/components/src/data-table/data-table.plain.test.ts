import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { setLocale } from '../shared/localization.js';
import type { CbDataTable } from './data-table.js';
import type { DataRow, DataTableColumn } from './model.js';
import { MAX_BODY_HEIGHT } from './viewport.js';
import './define.js';

const columns: DataTableColumn[] = [
  { name: 'name', label: { zh: '企业名称', en: 'Company' }, type: 'string', width: 220 },
  { name: 'capital', label: { zh: '注册资本', en: 'Capital' }, type: 'money', unit: '万元', precision: 2 },
  {
    name: 'status',
    label: { zh: '登记状态', en: 'Status' },
    type: 'enum',
    options: [
      { value: '1', label: { zh: '存续', en: 'Active' } },
      { value: '3', label: { zh: '注销', en: 'Deregistered' } },
    ],
  },
  { name: 'founded', label: { zh: '成立日期', en: 'Founded' }, type: 'date' },
  { name: 'area', label: { zh: '用地面积', en: 'Site area' }, type: 'area-sqm' },
  { name: 'listed', label: { zh: '上市', en: 'Listed' }, type: 'boolean' },
  { name: 'phone', label: { zh: '联系电话', en: 'Phone' }, type: 'phone', maskedForCaller: true },
];

const rows: DataRow[] = [
  { name: '佛山市南海区狮山鸿盛五金制品有限公司', capital: 5000, status: '1', founded: '2018-03-08', area: 1333.3333, listed: false, phone: '138****5678' },
  { name: '佛山市南海区宏达铝型材有限公司', capital: 300, status: '3', founded: '2009-11-20', area: 800, listed: true, phone: '139****2046' },
  { name: '广东南海农商银行', capital: 12000.5, status: '1', founded: '1996-06-01', area: null, listed: true, phone: null },
];

function shadow(el: CbDataTable): ShadowRoot {
  return el.shadowRoot!;
}

function bodyRows(el: CbDataTable): HTMLElement[] {
  return [...shadow(el).querySelectorAll<HTMLElement>('.block [role="row"]')];
}

function cellTexts(row: HTMLElement): string[] {
  return [...row.querySelectorAll('[role="gridcell"]')].map((cell) => cell.textContent!.replace(/\s+/g, ' ').trim());
}

async function settle(el: CbDataTable): Promise<void> {
  await el.updateComplete;
  await new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
  await el.updateComplete;
}

function captureWarnings(): { messages: string[]; restore: () => void } {
  const original = console.warn;
  const messages: string[] = [];
  console.warn = (...args: unknown[]) => messages.push(args.map(String).join(' '));
  return { messages, restore: () => (console.warn = original) };
}

describe('cb-data-table (plain mode)', () => {
  afterEach(async () => {
    await setLocale('zh-CN');
  });

  it('renders columns with type-aware formatting and masked values marked', async () => {
    const el = await fixture<CbDataTable>(html`<cb-data-table label="企业" .columns=${columns} .rows=${rows}></cb-data-table>`);
    await settle(el);
    const headers = [...shadow(el).querySelectorAll('[role="columnheader"]')].map((h) => h.textContent!.replace(/\s+/g, ' ').trim());
    expect(headers[0]).to.contain('企业名称');
    expect(headers[1]).to.contain('注册资本（万元）');
    expect(headers[6]).to.contain('联系电话').and.contain('已脱敏');
    const [first, second, third] = bodyRows(el).map(cellTexts);
    expect(first).to.deep.equal(['佛山市南海区狮山鸿盛五金制品有限公司', '5,000.00', '存续', '2018-03-08', '1,333.33 ㎡', '否', '138****5678']);
    expect(second![2]).to.equal('注销');
    expect(third![4]).to.equal('—');
    expect(third![6]).to.equal('—');
    expect(bodyRows(el)[0]!.querySelector('.masked svg.lock')).to.exist;
    expect(shadow(el).querySelector('[role="grid"]')!.getAttribute('aria-rowcount')).to.equal('4');
    expect(shadow(el).querySelector('.meta')!.textContent).to.contain('共 3 条');
  });

  it('switches to English labels and formats', async () => {
    await setLocale('en');
    const el = await fixture<CbDataTable>(html`<cb-data-table .columns=${columns} .rows=${rows}></cb-data-table>`);
    await settle(el);
    expect(shadow(el).querySelector('[role="columnheader"]')!.textContent).to.contain('Company');
    expect(cellTexts(bodyRows(el)[0]!).slice(1, 6)).to.deep.equal(['5,000.00', 'Active', '2018-03-08', '1,333.33 m²', 'No']);
  });

  it('renders hostile strings as text, never as markup', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const el = await fixture<CbDataTable>(html`<cb-data-table
      .columns=${[{ name: 'name', label: '<b>名称</b>' }, { name: 'status', label: '状态', type: 'enum', options: [{ value: 'x', label: '<i>x</i>' }] }]}
      .rows=${[{ name: hostile, status: hostile }, { name: '{{constructor}}', status: 'x' }]}
    ></cb-data-table>`);
    await settle(el);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
    expect(shadow(el).querySelector('img, script, b, i')).to.equal(null);
    expect(cellTexts(bodyRows(el)[0]!)).to.deep.equal([hostile, hostile]);
    expect(shadow(el).querySelector('[role="columnheader"]')!.textContent).to.contain('<b>名称</b>');
  });

  it('keeps the DOM bounded with a million rows and scales the scroll height', async () => {
    const million: DataRow[] = Array.from({ length: 1_000_000 }, (_, i) => ({ id: i + 1, name: `第 ${i + 1} 行` }));
    const el = await fixture<CbDataTable>(html`<cb-data-table
      .columns=${[{ name: 'id', label: '序号', type: 'integer' }, { name: 'name', label: '名称' }]}
      .rows=${million}
    ></cb-data-table>`);
    await settle(el);
    const grid = shadow(el).querySelector<HTMLElement>('[role="grid"]')!;
    expect(grid.getAttribute('aria-rowcount')).to.equal('1000001');
    expect(bodyRows(el).length).to.be.within(5, 60);
    const body = shadow(el).querySelector<HTMLElement>('.body')!;
    expect(body.offsetHeight).to.equal(MAX_BODY_HEIGHT);

    // The middle, then the very end: the rows in view are the right ones.
    grid.scrollTop = grid.scrollHeight / 2;
    await waitUntil(() => Number(bodyRows(el)[0]!.getAttribute('aria-rowindex')) > 400_000, 'did not render the middle');
    expect(bodyRows(el).length).to.be.within(5, 60);
    grid.scrollTop = grid.scrollHeight;
    await waitUntil(() => bodyRows(el).at(-1)!.getAttribute('aria-rowindex') === '1000001', 'did not reach the last row');
    const last = bodyRows(el).at(-1)!;
    expect(cellTexts(last)).to.deep.equal(['1,000,000', '第 1000000 行']);
    // The last row is really on screen, not just in the DOM.
    const gridBox = grid.getBoundingClientRect();
    const lastBox = last.getBoundingClientRect();
    expect(lastBox.bottom).to.be.at.most(gridBox.bottom + 1);
    expect(lastBox.top).to.be.at.least(gridBox.top);
    expect(shadow(el).querySelectorAll('[role="row"]').length).to.be.below(70);
  });

  it('learns the row height from its styles and follows density changes', async () => {
    const many = Array.from({ length: 200 }, (_, i) => ({ id: i + 1 }));
    const el = await fixture<CbDataTable>(html`<cb-data-table density="compact" .columns=${[{ name: 'id', label: '序号', type: 'integer' }]} .rows=${many}></cb-data-table>`);
    const body = () => shadow(el).querySelector<HTMLElement>('.body')!;
    await waitUntil(() => body().offsetHeight === 200 * 32, 'compact rows are not 32 px');
    el.density = 'comfortable';
    await waitUntil(() => body().offsetHeight === 200 * 40, 'comfortable rows are not 40 px');
    // Rows are placed where the body says they are.
    const grid = shadow(el).querySelector<HTMLElement>('[role="grid"]')!;
    grid.scrollTop = 100 * 40;
    await waitUntil(() => bodyRows(el).some((r) => cellTexts(r)[0] === '101'), 'did not render row 101');
    const row = bodyRows(el).find((r) => cellTexts(r)[0] === '101')!;
    const head = shadow(el).querySelector<HTMLElement>('.head')!;
    expect(row.getBoundingClientRect().top - head.getBoundingClientRect().bottom).to.be.closeTo(0, 1);
  });

  it('sorts locally by header click, adds sort keys with shift-click and reports the query', async () => {
    const el = await fixture<CbDataTable>(html`<cb-data-table .columns=${columns} .rows=${rows}></cb-data-table>`);
    await settle(el);
    const header = (name: string) => shadow(el).querySelector<HTMLElement>(`[role="columnheader"][data-c="${name}"]`)!;
    let change = oneEvent(el, 'cb-query-change');
    header('capital').click();
    expect((await change).detail.query.sort).to.deep.equal(['capital']);
    await settle(el);
    expect(bodyRows(el).map((r) => cellTexts(r)[1])).to.deep.equal(['300.00', '5,000.00', '12,000.50']);
    expect(header('capital').getAttribute('aria-sort')).to.equal('ascending');

    change = oneEvent(el, 'cb-query-change');
    header('capital').click();
    await change;
    await settle(el);
    expect(header('capital').getAttribute('aria-sort')).to.equal('descending');
    expect(bodyRows(el).map((r) => cellTexts(r)[1])).to.deep.equal(['12,000.50', '5,000.00', '300.00']);

    change = oneEvent(el, 'cb-query-change');
    header('status').dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, shiftKey: true }));
    const { detail } = await change;
    expect(detail.query.sort).to.deep.equal(['-capital', 'status']);
    expect(detail.search).to.equal('sort=-capital%2Cstatus');
    await settle(el);
    expect(shadow(el).querySelector('[role="status"][aria-live="polite"]')!.textContent).to.contain('共 3 条结果');
  });

  it('filters locally from the generated filter panel, debounced', async () => {
    const el = await fixture<CbDataTable>(html`<cb-data-table .columns=${columns} .rows=${rows}></cb-data-table>`);
    await settle(el);
    shadow(el).querySelector<HTMLButtonElement>('.bar button')!.click();
    await settle(el);
    const panel = shadow(el).querySelector('form')!;
    const min = panel.querySelector<HTMLInputElement>('input[data-n="capital"][data-op="gte"]')!;
    min.value = '1000';
    min.dispatchEvent(new Event('input', { bubbles: true }));
    const deregistered = panel.querySelector<HTMLInputElement>('input[data-n="status"][value="1"]')!;
    deregistered.click();
    const { detail } = await oneEvent(el, 'cb-query-change');
    expect(detail.query.filter).to.have.members(['capital:gte:1000', 'status:in:1']);
    await settle(el);
    expect(bodyRows(el).map((r) => cellTexts(r)[0])).to.deep.equal(['佛山市南海区狮山鸿盛五金制品有限公司', '广东南海农商银行']);
  });

  it('moves through cells with the keyboard, activates and selects rows', async () => {
    const many = Array.from({ length: 500 }, (_, i) => ({ id: i + 1, name: `名称 ${i + 1}` }));
    const el = await fixture<CbDataTable>(html`<cb-data-table
      selection="multiple"
      .columns=${[{ name: 'id', label: '序号', type: 'integer' }, { name: 'name', label: '名称' }]}
      .rows=${many}
    ></cb-data-table>`);
    await settle(el);
    const grid = shadow(el).querySelector<HTMLElement>('[role="grid"]')!;
    grid.focus();
    const key = async (key: string, init: KeyboardEventInit = {}) => {
      grid.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true, ...init }));
      await settle(el);
    };
    const active = () => shadow(el).getElementById(grid.getAttribute('aria-activedescendant')!)!;
    expect(active().getAttribute('role')).to.equal('columnheader');
    await key('ArrowDown');
    expect(active().textContent!.trim()).to.equal('1');
    await key('ArrowRight');
    expect(active().textContent!.trim()).to.equal('名称 1');
    await key('PageDown');
    const afterPage = Number(active().closest('[role="row"]')!.getAttribute('aria-rowindex'));
    expect(afterPage).to.be.greaterThan(3);
    await key('End', { ctrlKey: true });
    expect(active().textContent!.trim()).to.equal('名称 500');
    expect(active().closest('[role="row"]')!.getAttribute('aria-rowindex')).to.equal('501');
    await key('Home');
    expect(active().textContent!.trim()).to.equal('500');

    const selection = oneEvent(el, 'cb-selection-change');
    await key(' ');
    expect((await selection).detail.rows).to.deep.equal([many[499]]);
    expect(active().closest('[role="row"]')!.getAttribute('aria-selected')).to.equal('true');

    const click = oneEvent(el, 'cb-row-click');
    await key('Enter');
    expect((await click).detail).to.deep.equal({ row: many[499], index: 499 });

    await key('Home', { ctrlKey: true });
    await key('ArrowUp');
    expect(active().getAttribute('role')).to.equal('columnheader');
    const sorted = oneEvent(el, 'cb-query-change');
    await key('Enter');
    expect((await sorted).detail.query.sort).to.deep.equal(['id']);
  });

  it('opens a column menu from the keyboard and acts on the column', async () => {
    const el = await fixture<CbDataTable>(html`<cb-data-table .columns=${columns} .rows=${rows}></cb-data-table>`);
    await settle(el);
    const grid = shadow(el).querySelector<HTMLElement>('[role="grid"]')!;
    grid.focus();
    grid.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true, composed: true }));
    grid.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', altKey: true, bubbles: true, composed: true }));
    await settle(el);
    const menu = shadow(el).querySelector<HTMLElement>('[role="menu"]')!;
    expect(menu.getAttribute('aria-label')).to.contain('注册资本');
    expect(shadow(el).activeElement).to.equal(menu.querySelector('[role="menuitem"]'));
    menu.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true, composed: true }));
    expect(shadow(el).activeElement!.textContent!.trim()).to.equal('降序排列');
    const change = oneEvent(el, 'cb-query-change');
    (shadow(el).activeElement as HTMLElement).click();
    expect((await change).detail.query.sort).to.deep.equal(['-capital']);
    await settle(el);
    expect(shadow(el).querySelector('[role="menu"]')).to.equal(null);
    expect(shadow(el).activeElement).to.equal(grid);
  });

  it('shows, hides, reorders and resizes columns and reports the state', async () => {
    const el = await fixture<CbDataTable>(html`<cb-data-table .columns=${columns} .rows=${rows}></cb-data-table>`);
    await settle(el);
    const names = () => [...shadow(el).querySelectorAll<HTMLElement>('[role="columnheader"]')].map((h) => h.dataset.c);
    const columnsButton = [...shadow(el).querySelectorAll<HTMLButtonElement>('.bar button')].find((b) => b.textContent!.includes('列设置'))!;
    columnsButton.click();
    await settle(el);
    let change = oneEvent(el, 'cb-column-change');
    shadow(el).querySelectorAll<HTMLInputElement>('.cols input')[1]!.click();
    expect((await change).detail.hidden).to.deep.equal(['capital']);
    await settle(el);
    expect(names()).to.not.include('capital');
    change = oneEvent(el, 'cb-column-change');
    shadow(el).querySelector<HTMLButtonElement>('.cols li:nth-child(3) button')!.click(); // move status up
    expect((await change).detail.order.slice(0, 3)).to.deep.equal(['name', 'status', 'capital']);

    el.columnState = { order: ['phone', 'name'], hidden: ['area'], widths: { name: 300 } };
    await settle(el);
    expect(names()).to.deep.equal(['phone', 'name', 'capital', 'status', 'founded', 'listed']);
    expect(shadow(el).querySelector<HTMLElement>('[data-c="name"]')!.offsetWidth).to.equal(300);
  });

  it('is accessible (axe), with selection on', async () => {
    const el = await fixture<CbDataTable>(html`<cb-data-table selection="single" label="企业名录" .columns=${columns} .rows=${rows}></cb-data-table>`);
    await settle(el);
    await expect(el).to.be.accessible();
    shadow(el).querySelector<HTMLButtonElement>('.bar button')!.click();
    await settle(el);
    await expect(el).to.be.accessible();
  });

  it('shows the empty state with a slot, and clears filters from it', async () => {
    const el = await fixture<CbDataTable>(html`<cb-data-table .columns=${columns} .rows=${[]}><p slot="empty">本村暂无企业</p></cb-data-table>`);
    await settle(el);
    const slot = shadow(el).querySelector<HTMLSlotElement>('[part="empty"] slot')!;
    expect(slot.assignedElements()[0]!.textContent).to.equal('本村暂无企业');
    el.rows = rows;
    el.query = { filter: ['capital:gte:999999'] };
    await settle(el);
    expect(shadow(el).querySelector('[part="empty"]')!.textContent).to.contain('清除筛选');
    shadow(el).querySelector<HTMLButtonElement>('[part="empty"] button')!.click();
    await settle(el);
    expect(bodyRows(el)).to.have.length(3);
  });

  it('warns once about bad attributes and shows an error state instead of throwing', async () => {
    const warnings = captureWarnings();
    try {
      const el = await fixture<CbDataTable>(html`<cb-data-table selection="bogus" page-size="lots" .columns=${columns} .rows=${rows}></cb-data-table>`);
      await settle(el);
      expect(bodyRows(el)).to.have.length(3); // still works with the defaults
      const errorEvent = oneEvent(el, 'cb-error');
      el.rows = 'not rows' as unknown as DataRow[];
      await errorEvent;
      await settle(el);
      expect(shadow(el).querySelector('[role="alert"]')!.textContent).to.contain('rows 属性应为数组');
      el.rows = 'still not rows' as unknown as DataRow[];
      await settle(el);
      const bad = await fixture<CbDataTable>(html`<cb-data-table dataset="../../etc/passwd" base-url="/api/v1"></cb-data-table>`);
      await settle(bad);
      expect(shadow(bad).querySelector('[role="alert"]')!.textContent).to.contain('数据集编号无效');
      expect(shadow(bad).querySelector('[part="retry-button"]')).to.equal(null);
      // A page script may set the dataset id to a number: an error state, not an exception.
      const numeric = await fixture<CbDataTable>(html`<cb-data-table base-url="/api/v1" .datasetId=${42 as unknown as string}></cb-data-table>`);
      await settle(numeric);
      expect(shadow(numeric).querySelector('[role="alert"]')!.textContent).to.contain('数据集编号无效：“42”');
    } finally {
      warnings.restore();
    }
    expect(warnings.messages.filter((m) => m.includes('selection="bogus"'))).to.have.length(1);
    expect(warnings.messages.filter((m) => m.includes('page-size="lots"'))).to.have.length(1);
    expect(warnings.messages.filter((m) => m.includes('rows must be an array'))).to.have.length(1);
    expect(warnings.messages.filter((m) => m.includes('invalid dataset "../../etc/passwd"'))).to.have.length(1);
  });
});

/**
 * Issue 5 (reliability suite): bad input never throws. Odd cell values show as text, entries of
 * `.rows` that are not row objects are skipped with one warning, and `.columns` that is not an
 * array of column objects shows the error state.
 */
describe('cb-data-table (plain mode): bad input', () => {
  afterEach(async () => {
    await setLocale('zh-CN');
  });

  const typed: DataTableColumn[] = [
    { name: 's', label: '文本' },
    { name: 'd', label: '日期', type: 'date' },
    { name: 'dt', label: '时间', type: 'datetime' },
    { name: 'ym', label: '年月', type: 'year-month' },
    { name: 'e', label: '枚举', type: 'enum', options: [{ value: '1', label: '存续' }] },
    { name: 'b', label: '是否', type: 'boolean' },
    { name: 'r', label: '区划', type: 'region-code' },
    { name: 'm', label: '金额', type: 'money', precision: 2 },
    { name: 'i', label: '整数', type: 'integer' },
    { name: 'p', label: '比例', type: 'percent' },
    { name: 'a', label: '面积', type: 'area-sqm' },
  ];

  /** Odd values and the text each must show as, in every column type. */
  function oddValues(): { value: unknown; text: string }[] {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    return [
      { value: { toString: 'x' }, text: '{"toString":"x"}' },
      { value: Object.create(null), text: '{}' },
      {
        value: {
          [Symbol.toPrimitive]() {
            throw new Error('toPrimitive');
          },
        },
        text: '{}',
      },
      { value: cyclic, text: '无效值' },
      { value: Symbol('s'), text: 'Symbol(s)' },
      { value: 10n, text: '10' },
    ];
  }

  it('shows odd cell values (bad toString, null prototype, throwing toPrimitive, cycles, symbols) as text in every column type', async () => {
    const odd = oddValues();
    const data = odd.map(({ value }) => Object.fromEntries(typed.map((c) => [c.name, value])));
    const el = await fixture<CbDataTable>(html`<cb-data-table .columns=${typed} .rows=${data}></cb-data-table>`);
    await settle(el);
    const rendered = bodyRows(el).map(cellTexts);
    expect(rendered).to.have.length(odd.length);
    for (const [i, { text }] of odd.entries()) {
      for (const [j, c] of typed.entries()) {
        // A BigInt is only checked where it is plainly text (year-month reads "10" as a date).
        if (typeof odd[i]!.value === 'bigint' && !['s', 'd', 'dt', 'e', 'b', 'r'].includes(c.name)) continue;
        expect(rendered[i]![j], `${String(text)} in a ${c.type ?? 'string'} column`).to.equal(text);
      }
    }
    await setLocale('en');
    await settle(el);
    expect(cellTexts(bodyRows(el)[3]!)[0]).to.equal('Invalid value');
  });

  it('sorts and filters rows with odd values without throwing', async () => {
    const odd = oddValues().map(({ value }) => value);
    const data: DataRow[] = [
      ...odd.map((value) => ({ s: value, m: value })),
      { s: '佛山市南海区狮山 CO LTD', m: 2 },
      { s: 'abc', m: 1 },
    ];
    const el = await fixture<CbDataTable>(html`<cb-data-table
      .columns=${[
        { name: 's', label: '文本', filterOperators: ['like', 'eq', 'ne', 'in', 'nin', 'prefix', 'gte', 'lte'] },
        { name: 'm', label: '金额', type: 'money' },
      ]}
      .rows=${data}
      .query=${{ sort: ['s'], filter: ['s:like:co ltd'] }}
    ></cb-data-table>`);
    await settle(el);
    expect(bodyRows(el).map((r) => cellTexts(r)[0])).to.deep.equal(['佛山市南海区狮山 CO LTD']);
    el.query = { sort: ['-m', 's'], filter: ['m:gte:1', 's:eq:abc'] };
    await settle(el);
    expect(bodyRows(el).map((r) => cellTexts(r)[0])).to.deep.equal(['abc']);
    el.query = { sort: ['m'], filter: ['s:in:abc,x', 's:nin:x', 's:prefix:ab', 's:ne:x', 's:gte:a', 's:lte:b'] };
    await settle(el);
    expect(bodyRows(el).map((r) => cellTexts(r)[0])).to.deep.equal(['abc']);
    el.query = { sort: ['-s'] };
    await settle(el);
    expect(bodyRows(el)).to.have.length(data.length);
  });

  it('matches the like filter case-insensitively in Chinese and English', async () => {
    const data: DataRow[] = [{ s: '佛山市南海区狮山 CO LTD' }, { s: 'Nanhai Co. Ltd' }, { s: '桂城 xyz' }, { s: null }, { s: 42 }];
    const el = await fixture<CbDataTable>(html`<cb-data-table .columns=${[{ name: 's', label: '文本' }]} .rows=${data}></cb-data-table>`);
    const shown = async (needle: string) => {
      el.query = { filter: [`s:like:${needle}`] };
      await settle(el);
      return bodyRows(el).map((r) => cellTexts(r)[0]);
    };
    expect(await shown('co')).to.deep.equal(['佛山市南海区狮山 CO LTD', 'Nanhai Co. Ltd']);
    expect(await shown('狮山')).to.deep.equal(['佛山市南海区狮山 CO LTD']);
    expect(await shown('XYZ')).to.deep.equal(['桂城 xyz']);
    expect(await shown('co.')).to.deep.equal(['Nanhai Co. Ltd']);
    expect(await shown('4')).to.deep.equal(['42']);
  });

  it('skips entries of .rows that are not row objects, warning once', async () => {
    const good: DataRow[] = [{ name: '甲', n: 2 }, { name: '乙', n: 1 }];
    const warnings = captureWarnings();
    let el: CbDataTable;
    try {
      el = await fixture<CbDataTable>(html`<cb-data-table
        selection="multiple"
        .columns=${[{ name: 'name', label: '名称' }, { name: 'n', label: '数量', type: 'integer' }]}
        .rows=${[good[0], null, 5, 'x', undefined, [], good[1], true]}
      ></cb-data-table>`);
      await settle(el);
      expect(bodyRows(el).map(cellTexts)).to.deep.equal([['甲', '2'], ['乙', '1']]);
      expect(shadow(el).querySelector('.meta')!.textContent).to.contain('共 2 条');
      expect(shadow(el).querySelector('[role="grid"]')!.getAttribute('aria-rowcount')).to.equal('3');
      expect(shadow(el).querySelector('[role="alert"]')).to.equal(null);

      const click = oneEvent(el, 'cb-row-click');
      bodyRows(el)[1]!.querySelector<HTMLElement>('[role="gridcell"]')!.click();
      expect((await click).detail).to.deep.equal({ row: good[1], index: 1 });

      el.query = { sort: ['n'] };
      await settle(el);
      expect(bodyRows(el).map((r) => cellTexts(r)[0])).to.deep.equal(['乙', '甲']);
      const grid = shadow(el).querySelector<HTMLElement>('[role="grid"]')!;
      const selection = oneEvent(el, 'cb-selection-change');
      grid.dispatchEvent(new KeyboardEvent('keydown', { key: 'a', ctrlKey: true, bubbles: true, composed: true, cancelable: true }));
      expect((await selection).detail.rows).to.have.members(good);

      el.rows = [null, good[0]] as unknown as DataRow[];
      await settle(el);
      expect(bodyRows(el).map(cellTexts)).to.deep.equal([['甲', '2']]);
    } finally {
      warnings.restore();
    }
    expect(warnings.messages.filter((m) => m.includes('not row objects'))).to.have.length(1);
  });

  it('shows the error state for .columns that is not an array of column objects, and recovers', async () => {
    const data: DataRow[] = [{ a: '一' }];
    const cases: unknown[] = [
      'a,b',
      42,
      { name: 'a', label: 'A' },
      [{ name: 'a', label: 'A' }, null],
      [{ name: 'a', label: 'A' }, 'b'],
      [{ label: '没有 name' }],
      [{ name: 42, label: '数字' }],
    ];
    const warnings = captureWarnings();
    try {
      for (const columns of cases) {
        const errors: Event[] = [];
        const el = await fixture<CbDataTable>(html`<cb-data-table
          .columns=${columns as DataTableColumn[]}
          .rows=${data}
          @cb-error=${(e: Event) => errors.push(e)}
        ></cb-data-table>`);
        await settle(el);
        const alert = shadow(el).querySelector('[role="alert"]');
        expect(alert, `error state for .columns = ${JSON.stringify(columns)}`).to.exist;
        expect(alert!.textContent).to.contain('columns 属性');
        expect(shadow(el).querySelector('[part="retry-button"]')).to.equal(null);
        expect(bodyRows(el)).to.have.length(0);
        expect(errors).to.have.length(1);

        el.columns = [{ name: 'a', label: 'A' }];
        await settle(el);
        expect(shadow(el).querySelector('[role="alert"]')).to.equal(null);
        expect(bodyRows(el).map(cellTexts)).to.deep.equal([['一']]);
      }
      // Absent columns (undefined or null) are inferred from the first row.
      const inferred = await fixture<CbDataTable>(html`<cb-data-table .columns=${null as unknown as DataTableColumn[]} .rows=${data}></cb-data-table>`);
      await settle(inferred);
      expect(shadow(inferred).querySelector('[role="alert"]')).to.equal(null);
      expect(bodyRows(inferred).map(cellTexts)).to.deep.equal([['一']]);
      // Rows that are not a list at all show the error state too.
      for (const rowsValue of [{ a: 1 }, 7, 'rows']) {
        const el = await fixture<CbDataTable>(html`<cb-data-table .columns=${[{ name: 'a', label: 'A' }]} .rows=${rowsValue as unknown as DataRow[]}></cb-data-table>`);
        await settle(el);
        expect(shadow(el).querySelector('[role="alert"]')!.textContent).to.contain('rows 属性应为数组');
      }
    } finally {
      warnings.restore();
    }
    expect(warnings.messages.filter((m) => m.includes('columns must be an array'))).to.have.length(1);
    expect(warnings.messages.filter((m) => m.includes('columns[1] is not a column object'))).to.have.length(1);
  });

  it('ignores unusable column settings (labels, options, precision) with a warning instead of throwing', async () => {
    const warnings = captureWarnings();
    let el: CbDataTable;
    try {
      el = await fixture<CbDataTable>(html`<cb-data-table
        .columns=${[
          { name: 'a', label: { zh: { toString: 'x' }, en: 1 } },
          { name: 'e', label: '枚举', type: 'enum', options: [null, 5, { value: { toString: 'x' }, label: 'X' }, { value: '1', label: { zh: Symbol('z') } }, { value: '2', label: '二' }] },
          { name: 'm', label: '金额', type: 'money', precision: 500 },
          { name: 'n', label: '数量', type: 'number', precision: -1 },
        ] as unknown as DataTableColumn[]}
        .rows=${[{ a: '甲', e: '2', m: 1234.5678, n: 3.25 }, { a: '乙', e: '1', m: 1, n: 1 }]}
      ></cb-data-table>`);
      await settle(el);
    } finally {
      warnings.restore();
    }
    const headers = [...shadow(el).querySelectorAll('[role="columnheader"]')].map((h) => h.textContent!.replace(/\s+/g, ' ').trim());
    expect(headers[0]).to.contain('a');
    expect(bodyRows(el).map(cellTexts)).to.deep.equal([
      ['甲', '二', '1,234.5678', '3.25'],
      ['乙', '1', '1', '1'],
    ]);
    expect(warnings.messages.some((m) => m.includes('precision'))).to.equal(true);
    expect(warnings.messages.some((m) => m.includes('options'))).to.equal(true);
  });
});
