/**
 * Runs a callback once the page's first frame is on screen: when `citybrain.js` registers its elements.
 *
 * Registered earlier, the elements' first renders (Lit's updates, the map facade's outline) and the
 * requests they start run before the browser presents the page's own first contentful paint, and
 * compete with it. Lighthouse's simulated LCP counts every task that started, and every request
 * that ended, before the observed paint, and replays them on a slow phone: on the example town
 * page that was +900 ms of LCP for boxes that are not the page's main content (issue #19). Loading
 * third-party embeds after the page's own content is web.dev's advice for them.
 *
 * "On screen" is the first `paint` entry (Paint Timing): `first-contentful-paint`, or a
 * `first-paint` that came without it, whose frame showed boxes and backgrounds but no text or
 * image. That page's content may well be the elements themselves, which waiting for a contentful
 * paint would only delay. Without a paint to wait for, it does not wait:
 * - when the browser has no Paint Timing (`PerformanceObserver.supportedEntryTypes` lacks `paint`)
 *   or anything about it throws;
 * - when the document is hidden (a background tab, a prerender): nothing paints until the reader
 *   looks, and they expect the page loaded by then, as it did before this wait existed; a page
 *   hidden while waiting stops waiting too;
 * - after `timeout` ms: a page that never paints content of its own (a white page holding only
 *   `cb-*` elements, which show nothing until they are defined) still gets its elements.
 */

/** How long to wait for a paint at most, from the call (citybrain.js calls at `DOMContentLoaded`). */
export const FIRST_PAINT_TIMEOUT_MS = 500;

/** The little of PerformanceObserver that is used, so that tests can pass their own. */
export interface PaintObserverConstructor {
  new (callback: () => void): {
    observe(options: { type: string; buffered: boolean }): void;
    disconnect(): void;
  };
  readonly supportedEntryTypes?: ReadonlyArray<string>;
}

/** What afterFirstPaint reads of the browser; the page's own by default. */
export interface PaintEnvironment {
  readonly document: Pick<Document, 'visibilityState' | 'addEventListener' | 'removeEventListener'>;
  readonly performance?: Pick<Performance, 'getEntriesByType'>;
  readonly PerformanceObserver?: PaintObserverConstructor;
}

export interface AfterFirstPaintOptions {
  /** At most this many milliseconds; {@link FIRST_PAINT_TIMEOUT_MS} by default. */
  timeout?: number;
  environment?: PaintEnvironment;
}

/**
 * Calls `callback` once, after the first paint or one of the fallbacks above; synchronously when
 * there is nothing to wait for (the page has painted already, is hidden, or has no Paint Timing),
 * so a bundle loaded after the page's first paint registers its elements as it runs. Throws nothing of its own.
 */
export function afterFirstPaint(callback: () => void, options: AfterFirstPaintOptions = {}): void {
  const { timeout = FIRST_PAINT_TIMEOUT_MS } = options;
  let done = false;
  let observer: InstanceType<PaintObserverConstructor> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let environment: PaintEnvironment | undefined;

  const onVisibilityChange = () => {
    if (environment?.document.visibilityState === 'hidden') finish();
  };
  function finish(): void {
    if (done) return;
    done = true;
    clearTimeout(timer);
    observer?.disconnect();
    environment?.document.removeEventListener('visibilitychange', onVisibilityChange);
    callback();
  }

  /** Starts waiting; false when there is nothing to wait for. */
  function wait(): boolean {
    environment = options.environment ?? pageEnvironment();
    const { document, performance, PerformanceObserver: Observer } = environment;
    if (document.visibilityState === 'hidden') return false;
    if (Observer === undefined || !Observer.supportedEntryTypes?.includes('paint')) return false;
    if ((performance?.getEntriesByType('paint').length ?? 0) > 0) return false;
    // Every paint entry is a first one: first-paint, first-contentful-paint, or both from one frame.
    observer = new Observer(() => finish());
    observer.observe({ type: 'paint', buffered: true });
    document.addEventListener('visibilitychange', onVisibilityChange);
    timer = setTimeout(finish, timeout);
    return true;
  }

  let waiting = false;
  try {
    waiting = wait();
  } catch {
    // A Paint Timing that is there but broken: as if there were none.
  }
  // Outside the try: an error of the callback's own is the page's to see.
  if (!waiting) finish();
}

function pageEnvironment(): PaintEnvironment {
  return { document, performance: globalThis.performance, PerformanceObserver: globalThis.PerformanceObserver };
}
