/**
 * Async iteration over paged results: cursor pages (`page.nextCursor`) and OGC API Features pages
 * (`links[rel=next]`, or an RFC 8288 `Link: rel="next"` header) share one implementation that only
 * differs in how a page names the next one.
 */
import { checkNonNegative } from './check.js';
import { PaginationError } from './errors.js';

/** Options of a paged helper (`list`, `rows`, `items`…) besides the usual call options. */
export interface PageLimitOptions {
  /**
   * Pages fetched at most by one iteration; one more page available fails the iteration with a
   * {@link PaginationError} (`reason: 'max-pages'`) rather than silently stopping short. Default: no limit.
   */
  maxPages?: number;
}

/**
 * Empty pages in a row that still name a next page before the iteration gives up: a server
 * handing out fresh cursors with no rows would otherwise be followed forever.
 */
export const MAX_EMPTY_PAGES_IN_A_ROW = 3;


/**
 * A paged result: iterate it for items (`for await (const row of client.data.rows(id))`), or call
 * `pages()` for whole pages. Nothing is fetched until iteration starts, and each iteration starts
 * again from the first page.
 */
export interface Paginated<Item, Page> extends AsyncIterable<Item> {
  /** Every page in order, until the last one. */
  pages(): AsyncIterableIterator<Page>;
  /** Just the first page. */
  first(): Promise<Page>;
  /** The items of every page (or only the first `max`), collected into an array. */
  toArray(max?: number): Promise<Item[]>;
}

/**
 * Builds a {@link Paginated} from how to load a page given the previous page's "next" token (a
 * cursor or a URL; undefined for the first page), how to read its items and how to find the next
 * token (null or undefined on the last page). `where` names the listing in errors.
 *
 * The iteration ends for sure: a repeated next token, {@link MAX_EMPTY_PAGES_IN_A_ROW} empty pages
 * that still name a next one, or more than `maxPages` pages fail it with a {@link PaginationError}.
 */
export function paginate<Item, Page, Next>(
  loadPage: (next: Next | undefined) => Promise<Page>,
  itemsOf: (page: Page) => readonly Item[],
  nextOf: (page: Page) => Next | null | undefined,
  { maxPages = Number.POSITIVE_INFINITY, where = { method: 'GET', url: '(paged listing)' } }: PageLimitOptions & { where?: { method: string; url: string } } = {},
): Paginated<Item, Page> {
  checkNonNegative('maxPages', maxPages);
  async function* pages(): AsyncIterableIterator<Page> {
    let next: Next | undefined;
    const seen = new Set<Next>();
    let loaded = 0;
    let emptyInARow = 0;
    const stop = (reason: PaginationError['reason'], detail: string) => new PaginationError({ ...where, reason, pages: loaded, message: `${where.method} ${where.url}: ${detail} after ${loaded} pages; stopping` });
    for (;;) {
      const page = await loadPage(next);
      loaded += 1;
      yield page;
      const following = nextOf(page);
      if (following === null || following === undefined) return;
      if (seen.has(following)) throw stop('repeated-cursor', `the server repeated the next token ${String(following)}`);
      emptyInARow = itemsOf(page).length === 0 ? emptyInARow + 1 : 0;
      if (emptyInARow >= MAX_EMPTY_PAGES_IN_A_ROW) throw stop('empty-pages', `${emptyInARow} empty pages in a row still named a next page`);
      if (loaded >= maxPages) throw stop('max-pages', `more pages remain than maxPages (${maxPages})`);
      seen.add(following);
      next = following;
    }
  }

  async function* items(): AsyncIterableIterator<Item> {
    for await (const page of pages()) yield* itemsOf(page);
  }

  return {
    pages,
    [Symbol.asyncIterator]: items,
    async first() {
      return loadPage(undefined);
    },
    async toArray(max = Number.POSITIVE_INFINITY) {
      // NaN would compare false with every count and silently fetch every page.
      checkNonNegative('toArray(max)', max);
      const collected: Item[] = [];
      if (max <= 0) return collected;
      for await (const item of items()) {
        collected.push(item);
        if (collected.length >= max) break;
      }
      return collected;
    },
  };
}

/** A cursor-paged response of the platform (`items` beside a `page` with `nextCursor`). */
export interface CursorPage<Item> {
  items: Item[];
  page: { nextCursor: string | null; limit: number; total?: number | null; totalExact?: boolean };
}

/** Iterates a cursor-paged endpoint: `load(cursor)` is called with undefined first, then each `nextCursor`. */
export function paginateCursor<Page extends CursorPage<unknown>>(
  load: (cursor: string | undefined) => Promise<Page>,
  options?: Parameters<typeof paginate>[3],
): Paginated<Page['items'][number], Page> {
  return paginate(load, (page) => page.items, (page) => page.page.nextCursor, options);
}

/** A link object of OGC API responses. */
export interface OgcLink {
  href: string;
  rel: string;
  type?: string;
  title?: string;
}

/** The `rel="next"` target of an RFC 8288 `Link` header, if there is one. */
export function nextFromLinkHeader(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const target = /^\s*<([^>]*)>/.exec(part);
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(part);
    // rel may hold several space-separated relation types ("next last").
    if (target && rel && (rel[1] ?? rel[2] ?? '').toLowerCase().split(/\s+/).includes('next')) return target[1];
  }
  return undefined;
}

/** The `next` link of an OGC API page: `links[rel=next]`, else the `Link` header. */
export function nextOgcLink(body: { links?: readonly OgcLink[] | null }, response?: Response): string | undefined {
  const link = body.links?.find((l) => l.rel === 'next');
  return link?.href ?? nextFromLinkHeader(response?.headers.get('link') ?? null);
}
