/**
 * A map that waits for the reader (`loading="interaction"`) fetches the viewer's own code as soon as a
 * pointer moves over the preview, and starts the map (maplibre-gl) only on the press. This file runs
 * in its own page, so nothing else has loaded the viewer before.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import { sandboxUrl } from '../../test-support/sandbox.js';
import './define.js';
import type { CbMapViewer } from './map-viewer.js';

const requested = (pattern: RegExp) => performance.getEntriesByType('resource').some((entry) => pattern.test(entry.name));

describe('<cb-map-viewer> prefetch on the reader’s intent', () => {
  it('fetches the viewer’s code when a pointer comes over the preview, and maplibre-gl only on the press', async () => {
    const el = await fixture<CbMapViewer>(html`<cb-map-viewer base-url=${sandboxUrl()} basemap="none" loading="interaction"></cb-map-viewer>`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(requested(/map-viewer\/viewer\./), 'the viewer’s code before any intent').to.equal(false);

    const box = el.getBoundingClientRect();
    await sendMouse({ type: 'move', position: [Math.round(box.left + box.width / 2), Math.round(box.top + box.height / 2)] });
    await waitUntil(() => requested(/map-viewer\/viewer\./), 'the viewer’s code requested', { timeout: 10_000 });
    expect(requested(/maplibre-gl/), 'maplibre-gl before the press').to.equal(false);
    expect(el.getMap(), 'a map before the press').to.equal(undefined);

    const ready = oneEvent(el, 'cb-ready');
    await sendMouse({ type: 'click', position: [Math.round(box.left + box.width / 2), Math.round(box.top + box.height / 2)] });
    await ready;
    expect(el.getMap()).to.exist;
    await sendMouse({ type: 'move', position: [0, 0] });
  });

  it('fetches it too when the keyboard focus reaches the preview’s start button', async () => {
    // The viewer's module is in this page already (the test above): what shows is whether the element asked.
    const el = await fixture<CbMapViewer>(html`<cb-map-viewer base-url=${sandboxUrl()} basemap="none" loading="interaction"></cb-map-viewer>`);
    const asked = () => (el as unknown as { viewerLoad?: Promise<unknown> }).viewerLoad !== undefined;
    await waitUntil(() => el.shadowRoot!.querySelector('[part~="start-button"]'), 'the start button');
    expect(asked(), 'asked before the focus').to.equal(false);
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="start-button"]')!.focus();
    expect(asked(), 'asked on the focus').to.equal(true);
    expect(el.getMap(), 'a map before the press').to.equal(undefined);
  });
});
