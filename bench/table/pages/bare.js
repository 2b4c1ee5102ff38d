// The floor: a plain virtual list in about twenty lines (fixed row height, a pool of row
// elements re-filled with textContent on scroll, raw values), plus an index array for sort/filter.
import { ROW_HEIGHT as H, baselineHeader, baselineStyles, install } from './harness.js';

function virtualList(host, columns, rows) {
  const scroller = Object.assign(document.createElement('div'), { style: 'overflow:auto;flex:1;position:relative' });
  const spacer = document.createElement('div');
  const block = Object.assign(document.createElement('div'), { style: 'position:absolute;top:0;left:0' });
  scroller.append(spacer, block);
  host.append(scroller);
  const list = { scroller, view: rows, pool: [] };
  list.render = () => {
    const first = Math.floor(scroller.scrollTop / H), count = Math.ceil(scroller.clientHeight / H) + 1;
    spacer.style.height = `${list.view.length * H}px`;
    block.style.transform = `translateY(${first * H}px)`;
    while (list.pool.length < count) {
      const row = block.appendChild(Object.assign(document.createElement('div'), { className: 'bl-row' }));
      list.pool.push({ row, cells: columns.map(() => row.appendChild(Object.assign(document.createElement('div'), { className: 'cell' }))) });
    }
    list.pool.forEach(({ row, cells }, k) => {
      const item = list.view[first + k];
      row.dataset.i = String(first + k);
      cells.forEach((cell, j) => (cell.textContent = item ? String(item[columns[j].name] ?? '') : ''));
    });
  };
  scroller.addEventListener('scroll', list.render);
  list.render();
  return list;
}

install({
  name: 'bare',
  rowSelector: '.bl-row',
  mount(host, columns, rows) {
    baselineStyles(columns);
    baselineHeader(host, columns);
    return { list: virtualList(host, columns, rows), rows, columns, view: rows };
  },
  root: () => document,
  scroller: (h) => h.list.scroller,
  bodyRect: (h) => h.list.scroller.getBoundingClientRect(),
  topRowText(h, column) {
    const row = h.list.scroller.querySelector('.bl-row[data-i="0"]');
    return row?.children[h.columns.findIndex((c) => c.name === column)]?.textContent;
  },
  sort(h, column, desc) {
    const d = desc ? -1 : 1;
    h.list.view = [...h.list.view].sort((a, b) => (a[column] === b[column] ? 0 : a[column] == null ? -d : b[column] == null ? d : a[column] < b[column] ? -d : d));
    h.list.render();
  },
  filter(h, column, needle) {
    h.list.view = h.list.view.filter((r) => String(r[column] ?? '').includes(needle));
    h.list.render();
  },
});
