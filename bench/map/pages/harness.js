/**
 * In-page half of the map benchmark. A contender page passes an adapter to `install()`:
 *   create(host, cfg) → { ready: Promise (the parcels are drawn and the map is idle), map: () => maplibre Map }
 * The Node side calls `bench.start(cfg)` (time to idle), `bench.memory()` and `bench.moves()`
 * (a scripted pan and zoom: frame intervals, long tasks, time to idle afterwards).
 */
const state = {};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function idle(map) {
  return new Promise((resolve) => {
    map.once('idle', () => resolve(performance.now()));
    map.triggerRepaint();
  });
}

function renderedParcels(map) {
  const ids = new Set();
  for (const f of map.queryRenderedFeatures()) {
    if (f.layer.type === 'fill' && f.layer.id.includes('parcels')) ids.add(f.properties?.id ?? f.id);
  }
  return ids.size;
}

export function install(adapter) {
  const host = document.getElementById('host');
  window.bench = {
    name: adapter.name,

    async start(cfg) {
      const t0 = performance.now();
      state.handle = adapter.create(host, cfg);
      await Promise.race([state.handle.ready, sleep(180_000).then(() => Promise.reject(new Error('map never became idle')))]);
      const t1 = performance.now();
      const map = state.handle.map();
      // The network waterfall of the timed part (relative to t0), to see what waited for what.
      const requests = performance
        .getEntriesByType('resource')
        .filter((e) => e.startTime >= t0 - 1)
        .map((e) => ({ url: e.name.replace(/^https?:\/\/[^/]+/, '').replace(/access_token=[^&]+/, 'access_token=…'), start: Math.round(e.startTime - t0), end: Math.round(e.responseEnd - t0), type: e.initiatorType }));
      return { ms: t1 - t0, rendered: renderedParcels(map), zoom: map.getZoom(), requests };
    },

    /** Bytes of JS memory of the page and its workers (cross-origin isolated pages), else the main heap only. */
    async memory() {
      if (self.crossOriginIsolated && performance.measureUserAgentSpecificMemory) {
        const result = await performance.measureUserAgentSpecificMemory();
        return { bytes: result.bytes, method: 'measureUserAgentSpecificMemory (page + workers)' };
      }
      return { bytes: performance.memory?.usedJSHeapSize ?? NaN, method: 'performance.memory (main thread only)' };
    },

    /** `k` scales the durations (the CI smoke runs them 4× faster). */
    async moves(k = 1) {
      const map = state.handle.map();
      const frames = [];
      const longTasks = [];
      const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration)));
      observer.observe({ type: 'longtask' });
      let last;
      let running = true;
      const loop = (ts) => {
        if (last !== undefined) frames.push(ts - last);
        last = ts;
        if (running) requestAnimationFrame(loop);
      };
      requestAnimationFrame(loop);
      const move = (fn) =>
        new Promise((resolve) => {
          map.once('moveend', resolve);
          fn();
        });
      const z = map.getZoom();
      await move(() => map.panBy([400, 0], { duration: 1000 * k }));
      await move(() => map.easeTo({ zoom: z + 1, duration: 800 * k }));
      await move(() => map.easeTo({ zoom: z - 1, duration: 1200 * k }));
      await move(() => map.panBy([-400, 300], { duration: 1000 * k }));
      running = false;
      const t = performance.now();
      const idleAt = await idle(map);
      observer.disconnect();
      return { frames, longTasks, idleAfterMs: idleAt - t };
    },
  };
}
