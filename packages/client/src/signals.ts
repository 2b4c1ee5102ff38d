/**
 * Abort plumbing that works on the supported baseline (Chrome/Edge 94, Firefox ESR 115, Safari 15.4,
 * Node 20) and lets go of everything when a call settles.
 *
 * `AbortSignal.any` (Chrome 116, Firefox 124, Safari 17.4) and `AbortSignal.timeout` (Chrome 103)
 * are not used: they are missing on the baseline, and on Node 20 a long-lived source signal keeps
 * every signal `AbortSignal.any` ever derived from it (100k calls sharing one caller signal held
 * ~120 MB). A {@link LinkedAbort} listens on its sources and removes those listeners on `release()`.
 * `signal.reason` (Chrome 98) is never relied on: callers keep their own record of why they aborted.
 */

/** An AbortController that also aborts when any of its sources does, until released. */
export class LinkedAbort {
  readonly #controller = new AbortController();
  /** The sources listened to, until released. */
  #sources: AbortSignal[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #follow = (event: Event) => this.abort((event.target as AbortSignal).reason);

  constructor(sources: readonly (AbortSignal | undefined)[]) {
    for (const source of sources) {
      if (!source) continue;
      if (source.aborted) {
        this.abort(source.reason);
        break;
      }
      source.addEventListener('abort', this.#follow, { once: true });
      this.#sources.push(source);
    }
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Aborts after `ms` (clamped to what setTimeout can hold) with `reason()`, unless released first. */
  abortAfter(ms: number, reason: () => unknown): this {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.abort(reason()), Math.min(ms, MAX_TIMER_MS));
    return this;
  }

  /** Stops the timer only: the sources still abort this signal (a stream's budget after its headers). */
  stopTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  abort(reason?: unknown): void {
    this.release();
    this.#controller.abort(reason);
  }

  /** Detaches from every source and stops the timer; nothing outside keeps this object alive. */
  release(): void {
    this.stopTimer();
    for (const source of this.#sources) source.removeEventListener('abort', this.#follow);
    this.#sources = [];
  }
}

/** The longest delay setTimeout holds; anything longer wraps around to an immediate call. */
export const MAX_TIMER_MS = 2_147_483_647;

/** Waits `ms`, or rejects with `onAbort()` as soon as `signal` aborts; leaves no listener behind. */
export function abortableSleep(ms: number, signal: AbortSignal | undefined, onAbort: () => unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(onAbort());
    const abort = () => {
      clearTimeout(timer);
      reject(onAbort());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, Math.min(ms, MAX_TIMER_MS));
    signal?.addEventListener('abort', abort, { once: true });
  });
}
