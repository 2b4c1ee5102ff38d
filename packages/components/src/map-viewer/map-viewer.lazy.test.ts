/**
 * maplibre-gl is downloaded only when a map connects: registering the element (what every
 * page with the library does) must not fetch it, its stylesheet or the map engine. Once it
 * connects, the stylesheet and maplibre's workers start beside the engine, not after the viewer's
 * code and its map. This file runs in its own page, so nothing else has loaded maplibre before.
 */
import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import { sandboxUrl } from '../../test-support/sandbox.js';
import './define.js';
import type { CbMapViewer } from './map-viewer.js';

function mapModulesRequested(): string[] {
  return performance
    .getEntriesByType('resource')
    .map((entry) => entry.name)
    .filter((name) => /maplibre-gl|maplibre-css|map-viewer\/(engine|viewer)/.test(name));
}

describe('<cb-map-viewer> lazy loading', () => {
  it('requests maplibre-gl only when the element connects, and its stylesheet and workers with it', async () => {
    expect(customElements.get('cb-map-viewer')).to.exist;
    const element = document.createElement('cb-map-viewer') as CbMapViewer;
    element.setAttribute('base-url', sandboxUrl());
    element.setAttribute('basemap', 'none');
    // Started on connecting: the viewer's code and the stylesheet are asked for by the same call (a lazy
    // map near the viewport fetches the viewer's code before its idle start: map-viewer.prefetch.test.ts).
    element.setAttribute('loading', 'eager');
    // Created and configured, but not in the page: nothing map-related is fetched.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(mapModulesRequested(), 'before connecting').to.deep.equal([]);

    // Whether the map's canvas already existed when each of maplibre's workers started.
    const canvasAtWorkerStart: boolean[] = [];
    const NativeWorker = window.Worker;
    window.Worker = class extends NativeWorker {
      constructor(...args: ConstructorParameters<typeof Worker>) {
        canvasAtWorkerStart.push(element.shadowRoot?.querySelector('canvas') != null);
        super(...args);
      }
    };
    try {
      const ready = oneEvent(element, 'cb-ready');
      document.body.append(element);
      await waitUntil(() => mapModulesRequested().some((name) => name.includes('maplibre-gl')), 'maplibre-gl requested', {
        timeout: 15000,
      });
      await ready;
      expect(element.getMap()).to.exist;
    } finally {
      window.Worker = NativeWorker;
      element.remove();
    }
    expect(canvasAtWorkerStart.length, 'workers started').to.be.greaterThan(0);
    expect(canvasAtWorkerStart.includes(true), 'a worker started only with the map').to.equal(false);
    const requested = (pattern: RegExp) => (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find((entry) => pattern.test(entry.name))!;
    const viewer = requested(/map-viewer\/viewer\./);
    expect(requested(/map-viewer\/maplibre-css\./).startTime, 'stylesheet requested before the viewer code arrived').to.be.lessThan(viewer.responseEnd);
  });
});
