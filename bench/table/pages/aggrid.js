// AG Grid Community with every community module registered (what its quick start does), the
// default Quartz theme, 32 px rows, enum labels through refData and money through a formatter.
import { AllCommunityModule, ModuleRegistry, createGrid } from 'ag-grid-community';
import { install } from './harness.js';

ModuleRegistry.registerModules([AllCommunityModule]);
const NUMERIC = new Set(['integer', 'number', 'money']);
const money = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

install({
  name: 'aggrid',
  rowSelector: '.ag-row',
  mount(host, columns, rows) {
    const div = document.createElement('div');
    div.style.height = '100%';
    host.append(div);
    const api = createGrid(div, {
      rowData: rows,
      rowHeight: 32,
      columnDefs: columns.map((c) => ({
        field: c.name,
        headerName: c.label.zh,
        width: c.width,
        sortable: true,
        filter: NUMERIC.has(c.type) ? 'agNumberColumnFilter' : 'agTextColumnFilter',
        ...(NUMERIC.has(c.type) ? { type: 'rightAligned' } : {}),
        ...(c.options ? { refData: Object.fromEntries(c.options.map((o) => [o.value, o.label.zh])) } : {}),
        ...(c.type === 'money' ? { valueFormatter: (p) => (p.value == null ? '' : money.format(p.value)) } : {}),
      })),
    });
    return { div, api };
  },
  root: () => document,
  // AG Grid 36: one scrolling `.ag-grid-viewport` (role=grid) with the header pinned inside it.
  scroller: (h) => h.div.querySelector('.ag-grid-viewport'),
  bodyRect(h) {
    const viewport = h.div.querySelector('.ag-grid-viewport');
    const r = viewport.getBoundingClientRect();
    const head = h.div.querySelector('.ag-header')?.offsetHeight ?? 0;
    return new DOMRect(r.left, r.top + head, viewport.clientWidth, viewport.clientHeight - head);
  },
  topRowText: (h, column) => h.div.querySelector(`.ag-row[row-index="0"] [col-id="${column}"]`)?.textContent.trim(),
  sort(h, column, desc) {
    h.api.applyColumnState({ state: [{ colId: column, sort: desc ? 'desc' : 'asc' }], defaultState: { sort: null } });
  },
  filter(h, column, needle) {
    void h.api.setColumnFilterModel(column, { filterType: 'text', type: 'contains', filter: needle }).then(() => h.api.onFilterChanged());
  },
});
