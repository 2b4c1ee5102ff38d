import { expect, waitUntil } from '@open-wc/testing';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { LiveController, pollDelay, type LiveSource } from './live-controller.js';

/** A host that records controllers, as LitElement would. */
class FakeHost implements ReactiveControllerHost {
  controllers: ReactiveController[] = [];
  updates = 0;
  addController(controller: ReactiveController): void {
    this.controllers.push(controller);
  }
  removeController(): void {}
  requestUpdate(): void {
    this.updates += 1;
  }
  get updateComplete(): Promise<boolean> {
    return Promise.resolve(true);
  }
  disconnect(): void {
    for (const c of this.controllers) c.hostDisconnected?.();
  }
  connect(): void {
    for (const c of this.controllers) c.hostConnected?.();
  }
}

/** An event stream the test pushes events into, or fails. */
function stream(): { source: (signal: AbortSignal) => AsyncIterable<unknown>; push: (e: unknown) => void; fail: (e: unknown) => void; opened: () => number } {
  let opened = 0;
  let push: (e: unknown) => void = () => {};
  let fail: (e: unknown) => void = () => {};
  return {
    opened: () => opened,
    push: (e) => push(e),
    fail: (e) => fail(e),
    source: (signal) => ({
      async *[Symbol.asyncIterator]() {
        opened += 1;
        const queue: unknown[] = [];
        let wake: (() => void) | undefined;
        let failure: unknown;
        push = (e) => {
          queue.push(e);
          wake?.();
        };
        fail = (e) => {
          failure = e ?? new Error('stream failed');
          wake?.();
        };
        signal.addEventListener('abort', () => wake?.());
        for (;;) {
          if (signal.aborted) throw new DOMException('aborted', 'AbortError');
          if (failure) throw failure;
          if (queue.length) {
            yield queue.shift();
            continue;
          }
          await new Promise<void>((resolve) => (wake = resolve));
        }
      },
    }),
  };
}

describe('LiveController', () => {
  it('refreshes on every streamed event, coalescing bursts', async () => {
    const host = new FakeHost();
    const live = new LiveController(host);
    const s = stream();
    let refreshes = 0;
    let release: () => void = () => {};
    const source: LiveSource = {
      watch: s.source,
      refresh: async () => {
        refreshes += 1;
        await new Promise<void>((resolve) => (release = resolve));
      },
    };
    live.start(source, { pollInterval: 60_000 });
    expect(live.mode).to.equal('streaming');
    await waitUntil(() => s.opened() === 1);
    s.push(1);
    await waitUntil(() => refreshes === 1);
    s.push(2);
    s.push(3);
    s.push(4);
    await new Promise((r) => setTimeout(r, 20));
    expect(refreshes).to.equal(1);
    release();
    await waitUntil(() => refreshes === 2, 'one more refresh for the burst');
    release();
    await new Promise((r) => setTimeout(r, 20));
    expect(refreshes).to.equal(2);
    live.stop();
    expect(live.mode).to.equal('off');
  });

  it('passes the last event id when it opens the stream', async () => {
    const host = new FakeHost();
    const live = new LiveController(host);
    let seen: string | undefined;
    live.start(
      {
        watch: (_signal, lastEventId) => {
          seen = lastEventId;
          return (async function* () {})();
        },
        refresh: async () => {},
        lastEventId: () => '48213',
      },
      { pollInterval: 60_000 },
    );
    await waitUntil(() => seen !== undefined);
    expect(seen).to.equal('48213');
    live.stop();
  });

  it('falls back to polling when the stream fails, and backs off after failed polls', async () => {
    const host = new FakeHost();
    const live = new LiveController(host);
    const s = stream();
    const times: number[] = [];
    let failing = false;
    live.start(
      {
        watch: s.source,
        refresh: async () => {
          times.push(performance.now());
          if (failing) throw Object.assign(new Error('503'), { status: 503 });
        },
      },
      { pollInterval: 40, maxBackoff: 400 },
    );
    await waitUntil(() => s.opened() === 1);
    s.fail(new Error('proxy blocks text/event-stream'));
    await waitUntil(() => live.mode === 'polling', 'polling');
    // One catch-up refresh right after the stream failed, then every 40 ms.
    await waitUntil(() => times.length >= 4, 'polls');
    failing = true;
    const failedFrom = times.length;
    await waitUntil(() => times.length >= failedFrom + 4, 'failed polls', { timeout: 5000 });
    const gaps = times.slice(failedFrom).map((t, i, all) => (i === 0 ? 0 : t - all[i - 1]!)).slice(1);
    // Backoff: waits grow (with jitter within [ceiling/2, ceiling)).
    expect(gaps[2]!).to.be.greaterThan(gaps[0]! * 1.2);
    live.stop();
    const count = times.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(times.length).to.equal(count);
  });

  it('honours Retry-After when a poll is rate-limited', async () => {
    const host = new FakeHost();
    const live = new LiveController(host);
    const times: number[] = [];
    live.start(
      {
        refresh: async () => {
          times.push(performance.now());
          if (times.length === 1) throw Object.assign(new Error('429'), { status: 429, retryAfter: 300 });
        },
      },
      { pollInterval: 20, maxBackoff: 40 },
    );
    await waitUntil(() => times.length >= 2, 'second poll', { timeout: 3000 });
    expect(times[1]! - times[0]!).to.be.at.least(290);
    live.stop();
  });

  it('waits, not hammers the server, when the interval or Retry-After exceeds what setTimeout can hold', async () => {
    // Browsers run a setTimeout longer than 2^31 − 1 ms (≈ 24.8 days) at once.
    const host = new FakeHost();
    const live = new LiveController(host);
    let polls = 0;
    live.start({ refresh: async () => void (polls += 1) }, { pollInterval: 3_000_000 * 1000 }); // poll-interval="3000000"
    let rateLimited = 0;
    const limited = new LiveController(new FakeHost());
    limited.start(
      {
        refresh: async () => {
          rateLimited += 1;
          throw Object.assign(new Error('429'), { retryAfter: 40 * 86_400_000 }); // Retry-After: 40 days
        },
      },
      { pollInterval: 10, maxBackoff: 60 * 86_400_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    live.stop();
    limited.stop();
    expect(polls).to.equal(0);
    expect(rateLimited).to.equal(1);
  });

  it('stops when the host leaves the page and resumes when it comes back', async () => {
    const host = new FakeHost();
    const live = new LiveController(host);
    const s = stream();
    live.start({ watch: s.source, refresh: async () => {} }, { pollInterval: 60_000 });
    await waitUntil(() => s.opened() === 1);
    host.disconnect();
    expect(live.mode).to.equal('off');
    host.connect();
    expect(live.mode).to.equal('streaming');
    await waitUntil(() => s.opened() === 2, 'reopened');
    live.stop();
    host.disconnect();
    host.connect();
    expect(live.mode).to.equal('off');
  });

  it('computes backoff with full jitter, capped', () => {
    expect(pollDelay(1000, 0, 60_000)).to.equal(1000);
    expect(pollDelay(1000, 1, 60_000, () => 0)).to.equal(1000);
    expect(pollDelay(1000, 1, 60_000, () => 0.999)).to.be.closeTo(2000, 2);
    expect(pollDelay(1000, 3, 60_000, () => 0)).to.equal(4000);
    expect(pollDelay(1000, 20, 60_000, () => 0.999)).to.be.closeTo(60_000, 60);
  });
});
