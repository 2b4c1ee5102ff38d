import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Keeps a status view current: follows the record's event stream (SSE, through the
 * client's `watch()`) and refreshes on every event; when the stream cannot be used
 * (no stream for this caller, a proxy that buffers or blocks `text/event-stream`, the
 * stream failing again and again) it falls back to polling, with exponential backoff
 * and jitter after failures and the server's `Retry-After` honoured. Polling pauses
 * while the page is hidden and catches up as soon as it is visible again.
 *
 * The controller owns one run at a time: `start()` replaces the previous run, the
 * host leaving the page stops it and coming back resumes it.
 */

export interface LiveSource {
  /**
   * Opens the event stream, resuming after `lastEventId`; its iteration ends or
   * throws when the stream is unusable. Absent: poll only.
   */
  watch?: (signal: AbortSignal, lastEventId: string | undefined) => AsyncIterable<unknown>;
  /** Fetches the current state and applies it; rejects on failure. */
  refresh: (signal: AbortSignal) => Promise<void>;
  /** The event id to resume the stream after (asked at every (re)connection). */
  lastEventId?: () => string | undefined;
}

export interface LiveOptions {
  /** Polling interval in ms while everything works. */
  pollInterval: number;
  /** Longest wait between polls after repeated failures, in ms. */
  maxBackoff?: number;
}

export type LiveMode = 'off' | 'streaming' | 'polling';

const DEFAULT_MAX_BACKOFF = 5 * 60_000;

/**
 * The longest delay setTimeout holds (2^31 − 1 ms, ≈ 24.8 days); browsers run a longer one
 * at once, which would turn a huge poll-interval or Retry-After into a request loop.
 */
const MAX_TIMEOUT = 2 ** 31 - 1;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.min(ms, MAX_TIMEOUT));
    signal.addEventListener('abort', done, { once: true });
  });
}

function untilVisible(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (typeof document === 'undefined' || document.visibilityState !== 'hidden' || signal.aborted) return resolve();
    const done = () => {
      document.removeEventListener('visibilitychange', check);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const check = () => {
      if (document.visibilityState !== 'hidden') done();
    };
    document.addEventListener('visibilitychange', check);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Milliseconds the server asked us to wait (the client's `RateLimitedError.retryAfter`), if any. */
function retryAfterOf(error: unknown): number | undefined {
  const value = (error as { retryAfter?: unknown } | null)?.retryAfter;
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** Full-jitter exponential backoff: a wait in [base·2^(n−1) / 2, base·2^(n−1)), capped. */
export function pollDelay(interval: number, failures: number, maxBackoff: number, random: () => number = Math.random): number {
  if (failures <= 0) return interval;
  const ceiling = Math.min(maxBackoff, interval * 2 ** failures);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export class LiveController implements ReactiveController {
  /** How updates currently arrive. */
  mode: LiveMode = 'off';

  private readonly host: ReactiveControllerHost;
  private source: LiveSource | undefined;
  private options: LiveOptions = { pollInterval: 30_000 };
  private abortController: AbortController | undefined;
  private pausedByDisconnect = false;

  constructor(host: ReactiveControllerHost) {
    this.host = host;
    host.addController(this);
  }

  /** Starts following `source`, replacing any earlier run. */
  start(source: LiveSource, options: LiveOptions): void {
    this.stop();
    this.source = source;
    this.options = options;
    const abortController = new AbortController();
    this.abortController = abortController;
    void this.run(source, abortController.signal);
  }

  /** Stops following; nothing is fetched until the next `start()`. */
  stop(): void {
    this.abortController?.abort();
    this.abortController = undefined;
    this.source = undefined;
    this.setMode('off');
  }

  hostConnected(): void {
    if (this.pausedByDisconnect && this.source !== undefined) {
      this.pausedByDisconnect = false;
      this.start(this.source, this.options);
    }
  }

  hostDisconnected(): void {
    if (this.abortController === undefined) return;
    const source = this.source;
    this.stop();
    // Remember what to resume when the element is attached again (e.g. moved in the DOM).
    this.source = source;
    this.pausedByDisconnect = true;
  }

  private setMode(mode: LiveMode): void {
    if (this.mode === mode) return;
    this.mode = mode;
    this.host.requestUpdate();
  }

  private async run(source: LiveSource, signal: AbortSignal): Promise<void> {
    // One refresh at a time; events arriving meanwhile cause exactly one more.
    let refreshing: Promise<void> | undefined;
    let again = false;
    const refresh = (): Promise<void> => {
      if (refreshing !== undefined) {
        again = true;
        return refreshing;
      }
      refreshing = (async () => {
        try {
          do {
            again = false;
            await source.refresh(signal);
          } while (again && !signal.aborted);
        } finally {
          refreshing = undefined;
        }
      })();
      return refreshing;
    };

    if (source.watch !== undefined) {
      this.setMode('streaming');
      try {
        for await (const _event of source.watch(signal, source.lastEventId?.())) {
          if (signal.aborted) return;
          // Not awaited, so a burst of events coalesces into one or two refreshes. A failed
          // refresh leaves the view as it was; the next event or poll catches up.
          void refresh().catch(() => undefined);
        }
      } catch {
        // Unusable stream (or it gave up reconnecting): fall back to polling below.
      }
      if (signal.aborted) return;
      // Events may have happened while the stream was failing.
      await refresh().catch(() => undefined);
    }
    if (signal.aborted) return;
    this.setMode('polling');
    const { pollInterval, maxBackoff = DEFAULT_MAX_BACKOFF } = this.options;
    let failures = 0;
    let wait = pollInterval;
    while (!signal.aborted) {
      await sleep(wait, signal);
      await untilVisible(signal);
      if (signal.aborted) return;
      try {
        await refresh();
        failures = 0;
        wait = pollInterval;
      } catch (error) {
        if (signal.aborted) return;
        failures += 1;
        wait = Math.max(pollDelay(pollInterval, failures, maxBackoff), retryAfterOf(error) ?? 0);
      }
    }
  }
}
