import { expect, waitUntil } from '@open-wc/testing';
import { MAX_PAGE, RowPages, type FetchedPage } from './row-pages.js';
import { MAX_BODY_HEIGHT, Viewport } from './viewport.js';

describe('Viewport (index scaling)', () => {
  it('is 1:1 below the maximum height and scaled above it', () => {
    const vp = new Viewport();
    vp.rowHeight = 40;
    vp.height = 400;
    vp.count = 1000;
    expect(vp.scale).to.equal(1);
    expect(vp.window(4000)).to.include({ start: 90, top: 90 * 40, height: 40_000 });

    vp.count = 1_000_000;
    expect(vp.bodyHeight).to.equal(MAX_BODY_HEIGHT);
    expect(vp.scale).to.be.greaterThan(3.9);
    const end = vp.window(MAX_BODY_HEIGHT - 400);
    expect(end.end).to.equal(1_000_000);
    // The last row's bottom lines up with the bottom of the view.
    expect(end.top + (end.end - end.start) * 40).to.be.closeTo(MAX_BODY_HEIGHT, 1);
    const middle = vp.window((MAX_BODY_HEIGHT - 400) / 2);
    expect(middle.start).to.be.within(499_900, 500_000);
    expect(middle.end - middle.start).to.be.below(40);
  });

  it('scrolls just enough to reveal a row, in virtual coordinates', () => {
    const vp = new Viewport();
    vp.rowHeight = 40;
    vp.height = 400;
    vp.count = 1_000_000;
    const top = vp.reveal(750_000, 0);
    const w = vp.window(top);
    expect(w.start).to.be.at.most(750_000);
    expect(w.end).to.be.greaterThan(750_000);
    expect(vp.reveal(750_000, top)).to.equal(top);
  });
});

/** A fake keyset API over `total` rows: cursors are offsets, every call is recorded. */
function fakeApi(total: number) {
  const calls: { cursor: string | undefined; limit: number; signal: AbortSignal }[] = [];
  const fetcher = async (cursor: string | undefined, limit: number, signal: AbortSignal): Promise<FetchedPage> => {
    calls.push({ cursor, limit, signal });
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (signal.aborted) throw new DOMException('aborted', 'AbortError');
    const from = Number(cursor ?? 0);
    const items = Array.from({ length: Math.max(0, Math.min(limit, total - from)) }, (_, i) => ({ n: from + i }));
    return { items, next: from + items.length < total ? String(from + items.length) : null, total, exact: true };
  };
  return { calls, fetcher };
}

describe('RowPages (cursor pages)', () => {
  it('advances by cursor towards the rows in view, in large pages when far', async () => {
    const api = fakeApi(50_000);
    let changes = 0;
    const pages = new RowPages(api.fetcher, 100, () => changes++);
    await pages.first(new AbortController().signal);
    expect(pages.count).to.equal(50_000);
    expect(pages.row(99)).to.deep.equal({ n: 99 });
    expect(pages.row(100)).to.equal(undefined);
    const target = 3_500;
    while (!pages.row(target)) {
      pages.ensure(target - 10, target + 10);
      await waitUntil(() => !pages.busy);
    }
    expect(api.calls.slice(1).map((c) => c.cursor)).to.deep.equal(['100', '1100', '2100', '3100']);
    expect(api.calls.slice(1, -1).every((c) => c.limit === MAX_PAGE)).to.equal(true);
    expect(changes).to.be.greaterThan(0);
  });

  it('drops far rows, fetches them again by their own cursor, and aborts a superseded re-fetch', async () => {
    const api = fakeApi(40_000);
    const pages = new RowPages(api.fetcher, 1000, () => undefined);
    await pages.first(new AbortController().signal);
    while (pages.loaded < 40_000) {
      pages.ensure(pages.loaded, pages.loaded + 10);
      await waitUntil(() => !pages.busy);
    }
    expect(pages.next).to.equal(null);
    expect(pages.row(0)).to.equal(undefined); // evicted: far from the view at the end
    expect(pages.row(39_999)).to.deep.equal({ n: 39_999 });
    const before = api.calls.length;
    pages.ensure(0, 20);
    const refetch = api.calls[before]!;
    expect(refetch.cursor).to.equal(undefined); // the first page's own cursor
    pages.ensure(20_000, 20_020); // the view moved on: the re-fetch of page 0 is superseded
    expect(refetch.signal.aborted).to.equal(true);
    await waitUntil(() => !pages.busy);
    expect(api.calls.at(-1)!.cursor).to.equal('20000');
    expect(pages.row(20_005)).to.deep.equal({ n: 20_005 });
  });

  it('keeps a failed later page as an error until retry', async () => {
    let fail = true;
    const api = fakeApi(500);
    const pages = new RowPages(
      async (cursor, limit, signal) => {
        if (cursor && fail) throw new Error('503');
        return api.fetcher(cursor, limit, signal);
      },
      100,
      () => undefined,
    );
    await pages.first(new AbortController().signal);
    pages.ensure(150, 160);
    await waitUntil(() => pages.error !== undefined);
    pages.ensure(150, 160); // no request while failed
    expect(pages.busy).to.equal(false);
    fail = false;
    pages.retry();
    pages.ensure(150, 160);
    await waitUntil(() => pages.row(150) !== undefined);
  });

  it('reports the server’s count, or the loaded rows as a lower bound, never loaded rows plus a page', async () => {
    const api = fakeApi(102);
    const exact = new RowPages(api.fetcher, 40, () => undefined);
    await exact.first(new AbortController().signal);
    exact.ensure(0, 60);
    await waitUntil(() => !exact.busy);
    expect(exact.count).to.equal(102);
    expect(exact.known).to.deep.equal({ total: 102, exact: true, atLeast: false });

    const uncounted = new RowPages(async (...args) => ({ ...(await api.fetcher(...args)), total: null, exact: false }), 40, () => undefined);
    await uncounted.first(new AbortController().signal);
    expect(uncounted.known).to.deep.equal({ total: 40, exact: false, atLeast: true });
    uncounted.ensure(0, 500);
    await waitUntil(() => uncounted.next === null);
    expect(uncounted.known).to.deep.equal({ total: 102, exact: true, atLeast: false });
  });
});
