/**
 * Async iteration over paged results: cursor pages (`page.nextCursor`) and OGC API Features pages
 * (`links[rel=next]`, or an RFC 8288 `Link: rel="next"` header) share one implementation that only
 * differs in how a page names the next one.
 */
import { checkNonNegative } from './check.js';

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
 * token (null or undefined on the last page).
 */
export function paginate<Item, Page, Next>(
  loadPage: (next: Next | undefined) => Promise<Page>,
  itemsOf: (page: Page) => readonly Item[],
  nextOf: (page: Page) => Next | null | undefined,
): Paginated<Item, Page> {
  async function* pages(): AsyncIterableIterator<Page> {
    let next: Next | undefined;
    const seen = new Set<Next>();
    for (;;) {
      const page = await loadPage(next);
      yield page;
      const following = nextOf(page);
      if (following === null || following === undefined) return;
      // A server that hands back a token it already gave would make this loop forever.
      if (seen.has(following)) throw new Error(`Pagination repeated its next token ${String(following)}; stopping`);
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
): Paginated<Page['items'][number], Page> {
  return paginate(load, (page) => page.items, (page) => page.page.nextCursor);
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
