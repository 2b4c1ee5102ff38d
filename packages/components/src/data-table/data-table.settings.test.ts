/**
 * `<cb-data-table>` when its settings change under it, against the real sandbox: a new client
 * (signing in, a new token) after the table has drawn, and the count in its caption.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { createClient } from '@citybrain/client';
import { sandboxToken, sandboxUrl } from '../../test-support/sandbox.js';
import type { CbProvider } from '../provider/provider.js';
import '../provider/define.js';
import type { CbDataTable } from './data-table.js';
import './define.js';

/** Uncaught errors and unhandled rejections while `run` runs (a render that throws lands here). */
async function uncaught(run: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const onError = (e: ErrorEvent) => seen.push(String(e.error ?? e.message));
  const onRejection = (e: PromiseRejectionEvent) => seen.push(String(e.reason));
  window.addEventListener('error', onError);
  window.addEventListener('unhandledrejection', onRejection);
  try {
    await run();
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    window.removeEventListener('error', onError);
    window.removeEventListener('unhandledrejection', onRejection);
  }
  return seen;
}

async function tableIn(provider: ReturnType<typeof html>): Promise<{ provider: CbProvider; table: CbDataTable }> {
  const element = await fixture<CbProvider>(provider);
  return { provider: element, table: element.querySelector('cb-data-table')! };
}

describe('cb-data-table settings (sandbox)', () => {
  const apiUrl = () => `${sandboxUrl()}/api/v1`;

  it('takes a new client after it has drawn (signing in) without an error, and reloads', async () => {
    const { provider, table } = await tableIn(html`<cb-provider base-url=${apiUrl()}><cb-data-table dataset="schools"></cb-data-table></cb-provider>`);
    await oneEvent(table, 'cb-data-load');
    await table.updateComplete;
    const token = await sandboxToken('demo-town-shishan');
    const errors = await uncaught(async () => {
      const reloaded = oneEvent(table, 'cb-data-load');
      provider.getToken = async () => ({ token, expiresAt: Date.now() + 60_000 });
      await reloaded;
      await table.updateComplete;
      const again = oneEvent(table, 'cb-data-load');
      provider.token = token;
      provider.getToken = undefined;
      await again;
      await table.updateComplete;
    });
    expect(errors).to.deep.equal([]);
    expect(table.shadowRoot!.querySelectorAll('[role="columnheader"]').length).to.be.greaterThan(2);
    expect(table.shadowRoot!.querySelector('.block [role="row"] .sk')).to.equal(null);
  });

  it('shows the server’s count in its caption, not one more page than it has loaded', async () => {
    const token = await sandboxToken('demo-town-shishan');
    const client = createClient({ baseUrl: apiUrl(), auth: token });
    const { data } = await client.GET('/data/datasets/{datasetId}/rows', { params: { path: { datasetId: 'schools' }, query: { limit: 1 } } });
    const total = data!.page.total!;
    // The case of the report (狮山镇 has 102 schools in the full seed; the table showed 150 with
    // page-size 50): two pages loaded, fewer rows than "the loaded ones + one more page".
    const pageSize = Math.floor(total * 0.4);
    expect(pageSize).to.be.greaterThan(5);
    let rowsAnswered = 0;
    const fetchBefore = window.fetch;
    window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const response = await fetchBefore(input, init);
      if (new URL(input instanceof Request ? input.url : String(input)).pathname.endsWith('/rows')) rowsAnswered++;
      return response;
    };
    let table: CbDataTable;
    try {
      ({ table } = await tableIn(
        html`<cb-provider base-url=${apiUrl()} token=${token}><cb-data-table dataset="schools" page-size=${pageSize}></cb-data-table></cb-provider>`,
      ));
      const { detail } = await oneEvent(table, 'cb-data-load');
      expect(detail).to.deep.equal({ total, exact: true });
      // The second page arrives ahead of scrolling; the caption once grew by a page with it.
      await waitUntil(() => rowsAnswered >= 2, 'the second page was not prefetched');
      // Its rows are read and rendered a few tasks after the response.
      await new Promise((resolve) => setTimeout(resolve, 200));
      await table.updateComplete;
    } finally {
      window.fetch = fetchBefore;
    }
    expect(table.shadowRoot!.querySelector('.meta')!.textContent!.trim()).to.equal(`共 ${total} 条`);
    expect(table.shadowRoot!.querySelector('[role="grid"]')!.getAttribute('aria-rowcount')).to.equal(String(total + 1));
  });
});
