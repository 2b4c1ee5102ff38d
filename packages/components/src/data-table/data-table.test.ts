/**
 * `<cb-data-table>` against the real sandbox (started by web-test-runner.config.mjs): schema, rows,
 * sort, filters, cursor paging, aborts, states, export and accessibility. Requests are observed
 * with a wrapper around `window.fetch`, which the client calls at request time.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sandboxToken, sandboxUrl } from '../../test-support/sandbox.js';
import type { CbProvider } from '../provider/provider.js';
import '../provider/define.js';
import type { CbDataTable } from './data-table.js';
import './define.js';

interface Seen {
  url: URL;
  signal: AbortSignal | null | undefined;
}

/** Records the data API requests; `delay(url)` may hold one back (abortably) to keep it in flight. */
function watchFetch(delay: (url: URL) => number = () => 0): { seen: Seen[]; rows: () => URL[]; restore: () => void } {
  const original = window.fetch;
  const seen: Seen[] = [];
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const signal = init?.signal ?? request.signal;
    seen.push({ url, signal });
    const wait = delay(url);
    if (wait) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, wait);
        signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new DOMException('aborted', 'AbortError'));
        });
      });
    }
    return original(input, init);
  };
  return {
    seen,
    rows: () => seen.filter((s) => s.url.pathname.endsWith('/rows')).map((s) => s.url),
    restore: () => (window.fetch = original),
  };
}

let token: string;

async function mount(attributes = '', clientId = 'demo-town-shishan'): Promise<CbDataTable> {
  const t = clientId === 'demo-town-shishan' ? token : await sandboxToken(clientId);
  const container = await fixture<HTMLDivElement>(html`<div></div>`);
  // Static attributes through a template element: the test varies them freely.
  const template = document.createElement('template');
  template.innerHTML = `<cb-provider base-url="${sandboxUrl()}/api/v1"><cb-data-table ${attributes}></cb-data-table></cb-provider>`;
  const provider = template.content.firstElementChild as CbProvider;
  provider.token = t;
  container.append(provider);
  return provider.querySelector('cb-data-table')!;
}

async function loaded(el: CbDataTable): Promise<void> {
  await oneEvent(el, 'cb-data-load');
  await el.updateComplete;
}

function rows(el: CbDataTable): HTMLElement[] {
  return [...el.shadowRoot!.querySelectorAll<HTMLElement>('.block [role="row"]')];
}

function column(el: CbDataTable, name: string): string[] {
  const j = [...el.shadowRoot!.querySelectorAll<HTMLElement>('[role="columnheader"]')].findIndex((h) => h.dataset.c === name);
  return rows(el).map((row) => row.querySelectorAll('[role="gridcell"]')[j]!.textContent!.replace(/\s+/g, ' ').trim());
}

function header(el: CbDataTable, name: string): HTMLElement {
  return el.shadowRoot!.querySelector<HTMLElement>(`[role="columnheader"][data-c="${name}"]`)!;
}

describe('cb-data-table (sandbox)', () => {
  before(async () => {
    token = await sandboxToken('demo-town-shishan');
  });

  it('builds its columns from the dataset schema, with labels, units, formats and masking', async () => {
    const el = await mount('dataset="market-enterprises"');
    await loaded(el);
    const headers = [...el.shadowRoot!.querySelectorAll<HTMLElement>('[role="columnheader"]')];
    expect(headers.map((h) => h.dataset.c)).to.deep.equal([
      'uscc', 'companyName', 'entityType', 'legalPerson', 'legalPersonPhone', 'registeredCapital',
      'industry', 'establishedDate', 'status', 'employees', 'address', 'regionCode',
    ]);
    expect(header(el, 'registeredCapital').textContent).to.contain('注册资本（万元）');
    // The town role sees phone numbers masked: the header says so and the cells carry the lock.
    expect(header(el, 'legalPersonPhone').textContent).to.contain('已脱敏');
    expect(column(el, 'legalPersonPhone').filter((v) => v !== '—').every((v) => /^1\d{2}\*{4}\d{4}$/.test(v))).to.equal(true);
    expect(rows(el)[0]!.querySelector('.masked .lock')).to.exist;
    // Enum codes as labels, dates formatted, region codes as village names once they load.
    expect(column(el, 'status').every((v) => ['存续（在营、开业、在册）', '吊销', '注销', '迁出'].includes(v))).to.equal(true);
    expect(column(el, 'establishedDate')[0]).to.match(/^\d{4}-\d{2}-\d{2}$/);
    await waitUntil(() => column(el, 'regionCode').every((v) => /[村社区居委会]/.test(v)), 'region names did not load', { timeout: 5000 });
    expect(el.shadowRoot!.querySelector('.cap')!.textContent).to.equal('市场主体登记信息');
    const grid = el.shadowRoot!.querySelector('[role="grid"]')!;
    expect(Number(grid.getAttribute('aria-rowcount'))).to.be.greaterThan(1000);
    expect(header(el, 'legalPersonPhone').classList.contains('ns')).to.equal(true); // masked: not sortable
  });

  it('sends sort (shift-click for more keys) and debounced filters to the server', async () => {
    const net = watchFetch();
    try {
      const el = await mount('dataset="market-enterprises" page-size="50"');
      await loaded(el);
      expect(net.rows()[0]!.searchParams.get('limit')).to.equal('50');
      expect(net.rows()[0]!.searchParams.has('sort')).to.equal(false);

      header(el, 'registeredCapital').click();
      await loaded(el);
      expect(net.rows().at(-1)!.searchParams.get('sort')).to.equal('registeredCapital');
      header(el, 'registeredCapital').click();
      await loaded(el);
      expect(net.rows().at(-1)!.searchParams.get('sort')).to.equal('-registeredCapital');
      const capitals = column(el, 'registeredCapital').map((v) => Number(v.replace(/,/g, '')));
      expect(capitals).to.deep.equal([...capitals].sort((a, b) => b - a));
      header(el, 'establishedDate').dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, shiftKey: true }));
      await loaded(el);
      expect(net.rows().at(-1)!.searchParams.get('sort')).to.equal('-registeredCapital,establishedDate');
      expect(header(el, 'registeredCapital').getAttribute('aria-sort')).to.equal('descending');
      expect(header(el, 'establishedDate').hasAttribute('aria-sort')).to.equal(false);
      expect(el.shadowRoot!.querySelector('[role="status"][aria-live="polite"]')!.textContent).to.match(/共 [\d,]+ 条结果，按注册资本降序排列/);

      // Filters: typing twice quickly sends one request.
      el.shadowRoot!.querySelector<HTMLButtonElement>('.bar button')!.click();
      await el.updateComplete;
      const before = net.rows().length;
      const name = el.shadowRoot!.querySelector<HTMLInputElement>('input[data-n="companyName"]')!;
      name.value = '五';
      name.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      name.value = '五金';
      name.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      el.shadowRoot!.querySelector<HTMLInputElement>('input[data-n="status"][value="1"]')!.click();
      const change = await oneEvent(el, 'cb-query-change');
      expect(change.detail.query.filter).to.deep.equal(['companyName:like:五金', 'status:in:1']);
      await loaded(el);
      // One query reached the server (and maybe the prefetch of its second page), never the half-typed one.
      const sent = net.rows().slice(before);
      const firstPages = sent.filter((u) => !u.searchParams.has('cursor'));
      expect(firstPages.map((u) => u.searchParams.getAll('filter').join())).to.deep.equal(['companyName:like:五金,status:in:1']);
      expect(sent.some((u) => u.searchParams.getAll('filter').includes('companyName:like:五'))).to.equal(false);
      expect(column(el, 'companyName').every((v) => v.includes('五金'))).to.equal(true);
      expect(column(el, 'status').every((v) => v.startsWith('存续'))).to.equal(true);
    } finally {
      net.restore();
    }
  });

  it('applies a deep-linked query attribute and fetches further pages by cursor as it scrolls', async () => {
    const net = watchFetch();
    try {
      const el = await mount('dataset="market-enterprises" page-size="40" query="sort=-employees&filter=industry:in:C"');
      await loaded(el);
      const first = net.rows()[0]!;
      expect(first.searchParams.get('sort')).to.equal('-employees');
      expect(first.searchParams.getAll('filter')).to.deep.equal(['industry:in:C']);
      await waitUntil(() => net.rows().length >= 2, 'no second page was prefetched');
      const grid = el.shadowRoot!.querySelector<HTMLElement>('[role="grid"]')!;
      grid.scrollTop = 200 * 40;
      await waitUntil(() => rows(el).some((r) => r.getAttribute('aria-rowindex') === '202' && !r.querySelector('.sk')), 'row 201 did not load', {
        timeout: 8000,
      });
      const cursors = net.rows().slice(1).map((u) => u.searchParams.get('cursor'));
      expect(cursors.every(Boolean)).to.equal(true);
      expect(new Set(cursors).size).to.equal(cursors.length);
      expect(net.rows().slice(1).every((u) => u.searchParams.get('sort') === '-employees')).to.equal(true);
      expect(rows(el).length).to.be.below(60);
    } finally {
      net.restore();
    }
  });

  it('aborts a superseded request and shows only the newest answer', async () => {
    // Hold the ascending sort back so it is still in flight when the descending one starts.
    const net = watchFetch((url) => (url.searchParams.get('sort') === 'employees' ? 800 : 0));
    try {
      const el = await mount('dataset="market-enterprises" page-size="20"');
      await loaded(el);
      el.query = { sort: ['employees'] };
      await el.updateComplete;
      await waitUntil(() => net.rows().some((u) => u.searchParams.get('sort') === 'employees'));
      el.query = { sort: ['-employees'] };
      await loaded(el);
      const slow = net.seen.find((s) => s.url.searchParams.get('sort') === 'employees')!;
      expect(slow.signal?.aborted).to.equal(true);
      await new Promise((resolve) => setTimeout(resolve, 900));
      const employees = column(el, 'employees').map((v) => Number(v.replace(/,/g, '')));
      expect(employees[0]).to.be.greaterThan(employees.at(-1)!);
      expect(header(el, 'employees').getAttribute('aria-sort')).to.equal('descending');
    } finally {
      net.restore();
    }
  });

  it('pages with buttons in pager mode', async () => {
    const net = watchFetch();
    try {
      const el = await mount('dataset="village-profiles" paging="pager" page-size="25"');
      await loaded(el);
      const pager = el.shadowRoot!.querySelector('[part="pager"]')!;
      expect(pager.textContent).to.match(/第 1 页，共 \d+ 页/);
      const firstIds = column(el, el.shadowRoot!.querySelector<HTMLElement>('[role="columnheader"]')!.dataset.c!);
      // The rows in view paint first, the rest of the page a frame later.
      await waitUntil(() => rows(el).length === 25, `the page shows its 25 rows (${rows(el).length})`);
      [...pager.querySelectorAll('button')].find((b) => b.textContent!.includes('下一页'))!.click();
      await waitUntil(() => pager.textContent!.includes('第 2 页') && !rows(el)[0]!.querySelector('.sk'), 'page 2 did not show');
      expect(rows(el)[0]!.getAttribute('aria-rowindex')).to.equal('27');
      expect(column(el, el.shadowRoot!.querySelector<HTMLElement>('[role="columnheader"]')!.dataset.c!)).to.not.deep.equal(firstIds);
      expect(net.rows().some((u) => u.searchParams.has('cursor'))).to.equal(true);
    } finally {
      net.restore();
    }
  });

  it('shows permission denied with the catalogue reason, without requesting rows', async () => {
    const net = watchFetch();
    try {
      const el = await mount('dataset="social-assistance"');
      await waitUntil(() => el.shadowRoot!.querySelector('[part="denied"]'), 'no denied state');
      expect(el.shadowRoot!.querySelector('[part="denied"]')!.textContent).to.contain('没有查看此数据的权限').and.contain('不予共享');
      expect(net.rows()).to.have.length(0);
      await expect(el).to.be.accessible();
    } finally {
      net.restore();
    }
  });

  it('shows an error with the problem message and retries', async () => {
    const el = await mount('dataset="no-such-dataset"');
    await waitUntil(() => el.shadowRoot!.querySelector('[part="error"]'), 'no error state');
    const error = el.shadowRoot!.querySelector('[part="error"]')!;
    expect(error.textContent).to.contain('未找到要查看的内容').and.contain('no-such-dataset');
    const net = watchFetch();
    try {
      error.querySelector<HTMLButtonElement>('[part="retry-button"]')!.click();
      await waitUntil(() => net.seen.some((s) => s.url.pathname.endsWith('/data/datasets/no-such-dataset')), 'retry sent nothing');
    } finally {
      net.restore();
    }
  });

  it('exports the current query as CSV through the server, with progress', async () => {
    const el = await mount('dataset="village-profiles" query="filter=regionCode:prefix:440605124"');
    await loaded(el);
    const net = watchFetch();
    try {
      el.addEventListener('cb-export', (e) => e.preventDefault(), { once: true });
      const exported = oneEvent(el, 'cb-export');
      [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('.bar button')].find((b) => b.textContent!.includes('导出'))!.click();
      const { detail } = await exported;
      const request = net.seen.find((s) => s.url.pathname.endsWith('/export'))!.url;
      expect(request.searchParams.getAll('filter')).to.deep.equal(['regionCode:prefix:440605124']);
      expect(request.searchParams.get('columns')!.split(',')[0]).to.equal(el.shadowRoot!.querySelector<HTMLElement>('[role="columnheader"]')!.dataset.c);
      const text = await detail.blob.text();
      expect(text.split('\r\n').filter(Boolean)).to.have.length(detail.rows + 1);
      expect(detail.rows).to.be.greaterThan(0);
      expect(detail.filename).to.match(/\.csv$/);
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('[part="export"]')!.textContent).to.contain(`导出完成：${detail.rows} 行`);
    } finally {
      net.restore();
    }
  });

  it('is accessible (axe) with data, selection and the filter panel', async () => {
    const el = await mount('dataset="market-enterprises" selection="multiple"');
    await loaded(el);
    rows(el)[0]!.querySelector<HTMLElement>('[role="gridcell"]')!.click();
    el.shadowRoot!.querySelector<HTMLButtonElement>('.bar button')!.click();
    await el.updateComplete;
    await waitUntil(() => el.shadowRoot!.querySelector('select[data-op="prefix"]'), 'region picker did not load');
    expect(el.selectedRows).to.have.length(1);
    await expect(el).to.be.accessible();
  });
});
