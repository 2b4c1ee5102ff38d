// <cb-data-table> in plain mode (`.columns` + `.rows`), compact density (32 px rows).
import '@citybrain/components';
import { install } from './harness.js';

install({
  name: 'ours',
  rowSelector: '[role="row"]',
  mount(host, columns, rows) {
    const el = document.createElement('cb-data-table');
    el.setAttribute('density', 'compact');
    el.setAttribute('label', '市场主体登记信息');
    el.style.setProperty('--cb-data-table-height', `${host.clientHeight}px`);
    el.columns = columns;
    el.rows = rows;
    host.append(el);
    return { el, columns, query: {} };
  },
  root: (h) => h.el.shadowRoot,
  scroller: (h) => h.el.shadowRoot.querySelector('[role="grid"]'),
  bodyRect(h) {
    const grid = h.el.shadowRoot.querySelector('[role="grid"]');
    const r = grid.getBoundingClientRect();
    const head = h.el.shadowRoot.querySelector('.head')?.offsetHeight ?? 0;
    return new DOMRect(r.left, r.top + head, grid.clientWidth, grid.clientHeight - head);
  },
  topRowText(h, column) {
    const row = h.el.shadowRoot?.querySelector('.block [role="row"][aria-rowindex="2"]');
    const j = h.columns.findIndex((c) => c.name === column);
    return row?.querySelector(`[aria-colindex="${j + 1}"]`)?.textContent.trim();
  },
  sort(h, column, desc) {
    h.query = { ...h.query, sort: [(desc ? '-' : '') + column] };
    h.el.query = h.query;
  },
  filter(h, column, needle) {
    h.query = { ...h.query, filter: [`${column}:like:${needle}`] };
    h.el.query = h.query;
  },
});
