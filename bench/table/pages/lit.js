// Lit + @lit-labs/virtualizer with bare rows (raw values): what a Lit developer writes first.
import { html } from 'lit';
import '@lit-labs/virtualizer';
import { baselineHeader, baselineStyles, install } from './harness.js';

install({
  name: 'lit',
  rowSelector: '.bl-row',
  mount(host, columns, rows) {
    baselineStyles(columns);
    baselineHeader(host, columns);
    const v = document.createElement('lit-virtualizer');
    v.scroller = true;
    v.style.flex = '1';
    v.style.minHeight = '0';
    v.renderItem = (row, i) =>
      html`<div class="bl-row" data-i=${i}>${columns.map((c) => html`<div class="cell">${row[c.name] ?? ''}</div>`)}</div>`;
    v.items = rows;
    host.append(v);
    return { v, columns };
  },
  root: () => document,
  scroller: (h) => h.v,
  bodyRect: (h) => h.v.getBoundingClientRect(),
  topRowText(h, column) {
    const row = h.v.querySelector('.bl-row[data-i="0"]');
    return row?.children[h.columns.findIndex((c) => c.name === column)]?.textContent;
  },
  sort(h, column, desc) {
    const d = desc ? -1 : 1;
    h.v.items = [...h.v.items].sort((a, b) => (a[column] === b[column] ? 0 : a[column] == null ? -d : b[column] == null ? d : a[column] < b[column] ? -d : d));
  },
  filter(h, column, needle) {
    h.v.items = h.v.items.filter((r) => String(r[column] ?? '').includes(needle));
  },
});
