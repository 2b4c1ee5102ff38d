/**
 * In-page half of the table benchmark. Each contender page passes an adapter to `install()`;
 * the Node side then drives `window.bench` step by step (load → mount → scroll → sort → filter)
 * and reads the heap between steps over CDP.
 *
 * Timing: t0 is taken right before the contender is asked to do something; the end is the first
 * frame after which the expected rows are in the DOM, read in a task posted from that frame's
 * requestAnimationFrame callback (that is, once the frame has been committed for painting). The
 * resolution is one frame (16.7 ms) for every contender alike.
 *
 * Adapter: { name, rowSelector, mount(host, columns, rows) → handle, root(h), scroller(h),
 *   bodyRect(h), topRowText(h, column), sort(h, column, desc), filter(h, column, needle) }
 */

const TOWNS = ['狮山', '大沥', '里水', '桂城', '九江', '西樵', '丹灶'];
export const ROW_HEIGHT = 32;

const state = { rows: [], columns: [], handle: undefined };

function afterFrame() {
  return new Promise((resolve) =>
    requestAnimationFrame((ts) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve(ts);
      channel.port2.postMessage(0);
    }),
  );
}

/** Resolves with performance.now() after the first frame at whose end `ready()` holds. */
function paintedWhen(ready, what, timeout = 120_000) {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const tick = () =>
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
          let ok = false;
          try {
            ok = ready();
          } catch {
            ok = false;
          }
          if (ok) resolve(performance.now());
          else if (performance.now() - start > timeout) reject(new Error(`timed out waiting for ${what}`));
          else tick();
        };
        channel.port2.postMessage(0);
      });
    tick();
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const number = (text) => (text === undefined ? NaN : Number(String(text).replace(/[^\d.-]/g, '')));

function minimum(values, compare) {
  let best;
  for (const v of values) if (v != null && (best === undefined || compare(v, best) < 0)) best = v;
  return best;
}

export function install(adapter) {
  const host = document.getElementById('host');
  const text = (column) => adapter.topRowText(state.handle, column);

  window.bench = {
    name: adapter.name,

    /** Loads the cached fixture rows; sizes above the file are made by repeating them with varied numbers. */
    async load(file, n) {
      const base = await (await fetch(file)).json();
      state.columns = base.columns;
      const src = base.rows;
      let rows = src;
      if (n <= src.length) rows = src.slice(0, n);
      else {
        rows = new Array(n);
        for (let i = 0; i < n; i++) {
          const row = src[i % src.length];
          const k = Math.floor(i / src.length);
          rows[i] =
            k === 0
              ? row
              : {
                  ...row,
                  registeredCapital: row.registeredCapital == null ? null : Math.round(row.registeredCapital * (1 + k * 0.013) * 100) / 100,
                  employees: row.employees == null ? null : row.employees + k,
                };
        }
      }
      state.rows = rows;
      return rows.length;
    },

    async mount() {
      const first = state.rows[0].companyName;
      const t0 = performance.now();
      state.handle = adapter.mount(host, state.columns, state.rows);
      const sync = performance.now() - t0;
      const t1 = await paintedWhen(() => text('companyName') === first, 'the first rows');
      return { ms: t1 - t0, syncMs: sync };
    },

    /** Lets deferred work (idle callbacks, timers) finish before the heap is read. */
    async settle(ms = 300) {
      await sleep(ms);
      await afterFrame();
      await afterFrame();
    },

    /** Scrolls by one viewport per frame; returns frame intervals, long tasks and blank rows seen after each frame. */
    async scroll(viewports) {
      const scroller = adapter.scroller(state.handle);
      const root = adapter.root(state.handle);
      const step = adapter.bodyRect(state.handle).height;
      const longTasks = [];
      const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration)));
      observer.observe({ type: 'longtask' });
      const frames = [];
      let blank = 0;
      let sampled = 0;
      const perStep = [];
      let last;
      const sampleBlank = () => {
        const rect = adapter.bodyRect(state.handle);
        const b0 = blank;
        for (let y = rect.top + ROW_HEIGHT * 0.4; y < rect.bottom - 2; y += ROW_HEIGHT) {
          sampled++;
          const hit = root.elementFromPoint(rect.left + 24, y);
          const row = hit?.closest?.(adapter.rowSelector);
          if (!row || !row.textContent.trim()) blank++;
        }
        perStep.push(blank - b0);
      };
      const maxTop = scroller.scrollHeight - scroller.clientHeight;
      let done = 0;
      for (let i = 0; i <= viewports; i++) {
        await new Promise((resolve) =>
          requestAnimationFrame((ts) => {
            if (last !== undefined) frames.push(ts - last);
            last = ts;
            const channel = new MessageChannel();
            channel.port1.onmessage = () => {
              if (i > 0) sampleBlank();
              if (i < viewports && scroller.scrollTop < maxTop) {
                scroller.scrollTop += step;
                done = i + 1;
              }
              resolve();
            };
            channel.port2.postMessage(0);
          }),
        );
      }
      await afterFrame();
      observer.disconnect();
      return { frames, longTasks, blank, sampled, perStep, viewports: done, step };
    },

    /** Back to the first row, settled. */
    async top() {
      adapter.scroller(state.handle).scrollTop = 0;
      await this.settle(200);
    },

    async sortNumber() {
      let max = -Infinity;
      for (const row of state.rows) if (row.registeredCapital != null && row.registeredCapital > max) max = row.registeredCapital;
      const t0 = performance.now();
      adapter.sort(state.handle, 'registeredCapital', true);
      const t1 = await paintedWhen(() => Math.abs(number(text('registeredCapital')) - max) < 0.005, 'the numeric sort');
      return { ms: t1 - t0 };
    },

    async sortText() {
      const names = state.rows.map((r) => r.companyName);
      // Code-point order (ours, AG Grid, the baselines) or locale order (Tabulator): both accepted.
      const expected = new Set([minimum(names, (a, b) => (a < b ? -1 : a > b ? 1 : 0)), minimum(names, (a, b) => a.localeCompare(b))]);
      const t0 = performance.now();
      adapter.sort(state.handle, 'companyName', false);
      const t1 = await paintedWhen(() => expected.has(text('companyName')), 'the text sort');
      return { ms: t1 - t0 };
    },

    async filter() {
      const current = text('companyName') ?? '';
      const needle = TOWNS.find((t) => !current.includes(t) && state.rows.some((r) => r.companyName.includes(t)));
      const matches = state.rows.reduce((n, r) => n + (r.companyName.includes(needle) ? 1 : 0), 0);
      const t0 = performance.now();
      adapter.filter(state.handle, 'companyName', needle);
      const t1 = await paintedWhen(() => (text('companyName') ?? '').includes(needle), 'the filter');
      return { ms: t1 - t0, needle, matches };
    },
  };
}

/** Header + body layout shared by the two baselines. */
export function baselineStyles(columns) {
  const template = columns.map((c) => `${c.width ?? 120}px`).join(' ');
  const style = document.createElement('style');
  style.textContent = `
    .bl-head, .bl-row { display: grid; grid-template-columns: ${template}; height: ${ROW_HEIGHT}px; align-items: center; }
    .bl-head { font-weight: 600; background: #f3f4f6; flex: none; overflow: hidden; }
    .bl-row { border-bottom: 1px solid #eee; box-sizing: border-box; }
    .cell { padding: 0 8px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  `;
  document.head.append(style);
}

export function baselineHeader(host, columns) {
  const head = document.createElement('div');
  head.className = 'bl-head';
  for (const c of columns) {
    const cell = document.createElement('div');
    cell.className = 'cell';
    cell.textContent = typeof c.label === 'string' ? c.label : c.label.zh;
    head.append(cell);
  }
  host.append(head);
  return head;
}
