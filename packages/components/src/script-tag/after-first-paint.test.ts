import { expect, fixture, html } from '@open-wc/testing';
import { afterFirstPaint, type PaintEnvironment, type PaintObserverConstructor } from './after-first-paint.js';

/** A document whose visibility a test sets. */
class FakeDocument extends EventTarget {
  visibilityState: DocumentVisibilityState = 'visible';

  hide(): void {
    this.visibilityState = 'hidden';
    this.dispatchEvent(new Event('visibilitychange'));
  }
}

/**
 * A Paint Timing whose paint the test delivers; `paint()` calls the observers as a browser would.
 * `null`: a PerformanceObserver without `supportedEntryTypes` (Chrome before 73).
 */
function fakePaintTiming(supportedEntryTypes: string[] | null = ['paint', 'largest-contentful-paint']) {
  const observers: Array<{ callback: () => void; observed: boolean; disconnected: boolean }> = [];
  const Observer = class {
    readonly state;
    static readonly supportedEntryTypes = supportedEntryTypes ?? undefined;
    constructor(callback: () => void) {
      this.state = { callback, observed: false, disconnected: false };
      observers.push(this.state);
    }
    observe(options: { type: string; buffered: boolean }) {
      expect(options).to.deep.equal({ type: 'paint', buffered: true });
      this.state.observed = true;
    }
    disconnect() {
      this.state.disconnected = true;
    }
  } satisfies PaintObserverConstructor;
  return {
    observers,
    Observer,
    paint() {
      for (const observer of observers) if (observer.observed && !observer.disconnected) observer.callback();
    },
  };
}

function environment(overrides: Partial<PaintEnvironment> = {}): PaintEnvironment & { document: FakeDocument } {
  return {
    document: new FakeDocument(),
    performance: { getEntriesByType: () => [] },
    PerformanceObserver: fakePaintTiming().Observer,
    ...overrides,
  } as PaintEnvironment & { document: FakeDocument };
}

/** Counts the calls of the callback afterFirstPaint gets. */
function counter() {
  let calls = 0;
  return {
    callback: () => void calls++,
    get calls() {
      return calls;
    },
  };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('afterFirstPaint', () => {
  it('waits for the first paint entry, then calls once and stops observing', async () => {
    const timing = fakePaintTiming();
    const env = environment({ PerformanceObserver: timing.Observer });
    const calls = counter();
    afterFirstPaint(calls.callback, { environment: env, timeout: 50 });
    await wait(10);
    expect(calls.calls, 'not before the paint').to.equal(0);
    timing.paint();
    expect(calls.calls).to.equal(1);
    expect(timing.observers[0]?.disconnected).to.equal(true);
    env.document.hide();
    await wait(80); // past the timeout
    expect(calls.calls, 'once').to.equal(1);
  });

  it('runs after the page has painted in this browser, through its own Paint Timing', async () => {
    await fixture(html`<p>宅基地建设管控分区</p>`);
    // A long timeout: it must be the paint that ends the wait, whether it comes now or came before.
    await new Promise<void>((resolve) => afterFirstPaint(resolve, { timeout: 10_000 }));
    expect(performance.getEntriesByType('paint').map((entry) => entry.name)).to.include('first-contentful-paint');
  });

  it('calls at once when the page has painted already (a bundle loaded late registers as it runs)', () => {
    const timing = fakePaintTiming();
    const calls = counter();
    const painted = { getEntriesByType: () => [{ name: 'first-contentful-paint' }] } as unknown as PaintEnvironment['performance'];
    afterFirstPaint(calls.callback, { environment: environment({ performance: painted, PerformanceObserver: timing.Observer }) });
    expect(calls.calls).to.equal(1);
    expect(timing.observers).to.have.length(0);
  });

  it('calls at once without Paint Timing', () => {
    for (const PerformanceObserver of [undefined, fakePaintTiming(['mark', 'measure']).Observer, fakePaintTiming(null).Observer]) {
      const calls = counter();
      afterFirstPaint(calls.callback, { environment: environment({ PerformanceObserver }) });
      expect(calls.calls).to.equal(1);
    }
  });

  it('calls at once in a hidden document, and when the document is hidden while waiting', async () => {
    const hidden = environment();
    hidden.document.visibilityState = 'hidden';
    const atOnce = counter();
    afterFirstPaint(atOnce.callback, { environment: hidden });
    expect(atOnce.calls).to.equal(1);

    const visible = environment();
    const onHide = counter();
    afterFirstPaint(onHide.callback, { environment: visible, timeout: 10_000 });
    visible.document.dispatchEvent(new Event('visibilitychange')); // still visible: keeps waiting
    expect(onHide.calls).to.equal(0);
    visible.document.hide();
    expect(onHide.calls).to.equal(1);
  });

  it('calls after the timeout when no paint comes', async () => {
    const calls = counter();
    afterFirstPaint(calls.callback, { environment: environment(), timeout: 30 });
    await wait(10);
    expect(calls.calls).to.equal(0);
    await wait(60);
    expect(calls.calls).to.equal(1);
  });

  it('never throws for a broken Paint Timing: it calls at once instead', () => {
    const throwing = () => {
      throw new Error('broken');
    };
    const BrokenObserve = class extends fakePaintTiming().Observer {
      override observe() {
        throwing();
      }
    };
    const BrokenConstructor = class extends fakePaintTiming().Observer {
      constructor(callback: () => void) {
        super(callback);
        throwing();
      }
    };
    const brokenSupport = {
      get supportedEntryTypes(): string[] {
        return throwing();
      },
    } as unknown as PaintObserverConstructor;
    const environments = [
      environment({ PerformanceObserver: BrokenObserve }),
      environment({ PerformanceObserver: BrokenConstructor }),
      environment({ PerformanceObserver: brokenSupport }),
      environment({ performance: { getEntriesByType: throwing } }),
    ];
    for (const env of environments) {
      const calls = counter();
      expect(() => afterFirstPaint(calls.callback, { environment: env })).not.to.throw();
      expect(calls.calls).to.equal(1);
    }
  });

  it('lets an error of the callback itself reach the page instead of swallowing it', () => {
    const hidden = environment();
    hidden.document.visibilityState = 'hidden';
    expect(() =>
      afterFirstPaint(
        () => {
          throw new Error('the callback’s own');
        },
        { environment: hidden },
      ),
    ).to.throw('the callback’s own');
  });
});
