/**
 * The facade of <cb-map-viewer>: until the engine is wanted, a light preview (region outline, legend,
 * 审图号, a start button) from the real sandbox, with maplibre-gl not downloaded; then the `loading`
 * policy decides when it is. Runs in its own page, so nothing else has loaded maplibre first.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sandboxUrl } from '../../test-support/sandbox.js';
import './define.js';
import type { CbMapViewer } from './map-viewer.js';

const engineRequested = () => performance.getEntriesByType('resource').some((entry) => /maplibre-gl/.test(entry.name));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function part(el: CbMapViewer, name: string): Element | null {
  return el.shadowRoot!.querySelector(`[part~="${name}"]`);
}

describe('<cb-map-viewer> facade', () => {
  it('shows the region, legend and 审图号 without the engine, and loads the map in the same box on a press', async () => {
    const el = await fixture<CbMapViewer>(html`<cb-map-viewer
      base-url=${sandboxUrl()} basemap="none" loading="interaction" region="440605124" layers="zones" legend review-no="粤S（2026）123号"
    ></cb-map-viewer>`);
    await waitUntil(() => part(el, 'preview-outline')?.getAttribute('d')?.startsWith('M'), 'the region outline', { timeout: 10000 });
    await waitUntil(() => el.shadowRoot!.querySelectorAll('[part~="facade-legend"] li').length > 0, 'the legend', { timeout: 10000 });
    expect(part(el, 'preview')!.getAttribute('aria-label')).to.contain('狮山镇');
    expect(part(el, 'attribution')!.textContent).to.contain('粤S（2026）123号');
    await expect(el).to.be.accessible();

    await pause(800);
    expect(engineRequested(), 'maplibre-gl before any interaction').to.equal(false);
    expect(el.getMap()).to.equal(undefined);

    const before = el.getBoundingClientRect();
    const ready = oneEvent(el, 'cb-ready');
    (part(el, 'start-button') as HTMLButtonElement).click();
    await ready;
    expect(el.getMap()).to.exist;
    expect(part(el, 'start-button')).to.equal(null);
    const after = el.getBoundingClientRect();
    expect([after.width, after.height, after.top]).to.deep.equal([before.width, before.height, before.top], 'no layout shift');
  });

  it('waits below the fold with the default policy, and loads once scrolled near', async () => {
    const page = await fixture<HTMLElement>(html`<div>
      <div class="spacer"></div>
      <cb-map-viewer base-url=${sandboxUrl()} basemap="none" region="440605011"></cb-map-viewer>
    </div>`);
    (page.querySelector('.spacer') as HTMLElement).style.blockSize = '4000px';
    const el = page.querySelector('cb-map-viewer')!;
    await pause(800);
    expect(el.getMap(), 'below the fold').to.equal(undefined);
    expect(part(el, 'start-button')).to.exist;
    const ready = oneEvent(el, 'cb-ready');
    el.scrollIntoView();
    await ready;
    expect(el.getMap()).to.exist;
  });

  it('starts when a method needs the map, and reads a wrong policy as lazy with one warning', async () => {
    const warnings: string[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
    try {
      const waiting = await fixture<CbMapViewer>(html`<cb-map-viewer base-url=${sandboxUrl()} basemap="none" loading="interaction"></cb-map-viewer>`);
      const ready = oneEvent(waiting, 'cb-ready');
      waiting.flyTo([113.0, 23.1], 12);
      await ready;
      expect(waiting.getMap()).to.exist;

      const odd = await fixture<CbMapViewer>(html`<cb-map-viewer base-url=${sandboxUrl()} basemap="none" loading="soon"></cb-map-viewer>`);
      await oneEvent(odd, 'cb-ready');
      expect(warnings.filter((w) => w.includes('loading="soon"'))).to.have.length(1);
    } finally {
      console.warn = original;
    }
  });
});
