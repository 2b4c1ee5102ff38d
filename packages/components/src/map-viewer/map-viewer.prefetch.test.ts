/**
 * A lazy map near the viewport fetches the viewer's own code at once and starts the map (maplibre-gl,
 * its workers, the WebGL context) only at the page's next idle moment, which then does not wait for
 * that code. This file runs in its own page, so nothing else has loaded the viewer before.
 */
import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import { sandboxUrl } from '../../test-support/sandbox.js';
import './define.js';
import type { CbMapViewer } from './map-viewer.js';

const requested = (pattern: RegExp) => performance.getEntriesByType('resource').some((entry) => pattern.test(entry.name));

describe('<cb-map-viewer> prefetch of a lazy map', () => {
  it('fetches the viewer’s code when the map comes near, and starts the map only when the page is idle', async () => {
    const held: IdleRequestCallback[] = [];
    const nativeIdle = window.requestIdleCallback;
    window.requestIdleCallback = (callback) => held.push(callback);
    const element = document.createElement('cb-map-viewer') as CbMapViewer;
    element.setAttribute('base-url', sandboxUrl());
    element.setAttribute('basemap', 'none');
    try {
      document.body.append(element);
      await waitUntil(() => requested(/map-viewer\/viewer\./), 'the viewer’s code requested', { timeout: 10_000 });
      await waitUntil(() => held.length > 0, 'the start waits for an idle moment');
      expect(requested(/maplibre-gl/), 'maplibre-gl before the idle moment').to.equal(false);
      expect(element.getMap(), 'a map before the idle moment').to.equal(undefined);
      expect(element.shadowRoot!.querySelector('[part~="facade"]'), 'the preview until then').to.exist;

      const ready = oneEvent(element, 'cb-ready');
      for (const callback of held.splice(0)) callback({ didTimeout: false, timeRemaining: () => 50 });
      await ready;
      expect(element.getMap()).to.exist;
    } finally {
      window.requestIdleCallback = nativeIdle;
      element.remove();
    }
  });
});
