// Tabulator (full build) with its virtual DOM renderer, 32 px rows, enum labels through the
// `lookup` formatter and money through a formatter; its stylesheet is linked by the page.
import { TabulatorFull as Tabulator } from 'tabulator-tables';
import { install } from './harness.js';

const NUMERIC = new Set(['integer', 'number', 'money']);
const money = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

install({
  name: 'tabulator',
  rowSelector: '.tabulator-row',
  mount(host, columns, rows) {
    const div = document.createElement('div');
    host.append(div);
    const table = new Tabulator(div, {
      data: rows,
      height: `${host.clientHeight}px`,
      rowHeight: 32,
      columns: columns.map((c) => ({
        title: c.label.zh,
        field: c.name,
        width: c.width,
        sorter: NUMERIC.has(c.type) ? 'number' : 'string',
        hozAlign: NUMERIC.has(c.type) ? 'right' : 'left',
        ...(c.options ? { formatter: 'lookup', formatterParams: Object.fromEntries(c.options.map((o) => [o.value, o.label.zh])) } : {}),
        ...(c.type === 'money' ? { formatter: (cell) => (cell.getValue() == null ? '' : money.format(cell.getValue())) } : {}),
      })),
    });
    return { div, table };
  },
  root: () => document,
  scroller: (h) => h.div.querySelector('.tabulator-tableholder'),
  bodyRect: (h) => h.div.querySelector('.tabulator-tableholder').getBoundingClientRect(),
  topRowText: (h, column) => h.div.querySelector(`.tabulator-table .tabulator-row .tabulator-cell[tabulator-field="${column}"]`)?.textContent.trim(),
  sort(h, column, desc) {
    h.table.setSort(column, desc ? 'desc' : 'asc');
  },
  filter(h, column, needle) {
    h.table.setFilter(column, 'like', needle);
  },
});
