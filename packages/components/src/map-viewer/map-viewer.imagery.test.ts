/**
 * `basemap="imagery"`: the platform's 遥感影像 (`GET /gis/imagery`) drawn as a raster basemap from
 * the real sandbox's PNG tiles — its pixels read back in the legend's land-cover colours, its
 * attribution and 审图号 bottom-left — and an unknown imagery id as a configuration error.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sandboxUrl } from '../../test-support/sandbox.js';
import { parseBasemap } from './config.js';
import './define.js';
import type { CbMapViewer } from './map-viewer.js';

interface ImageryList {
  imagery: { id: string; attribution: string; reviewNo: string | null; tiles: string[]; legend: { items: { color: string }[] } }[];
}

const text = (node: Element | null | undefined): string => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
const rgb = (hex: string): number[] => [0, 1, 2].map((i) => parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16));

describe('<cb-map-viewer basemap="imagery">', () => {
  it('parses imagery and imagery:<id>, refusing an id that is none', () => {
    expect(parseBasemap('imagery')).to.deep.equal({ ok: true, value: { kind: 'imagery', id: undefined } });
    expect(parseBasemap('imagery:imagery-2025')).to.deep.equal({ ok: true, value: { kind: 'imagery', id: 'imagery-2025' } });
    expect(parseBasemap('imagery:<b>').ok).to.equal(false);
  });

  it('draws the newest imagery from its PNG tiles, with its attribution and 审图号', async () => {
    const list = (await (await fetch(`${sandboxUrl()}/api/v1/gis/imagery`)).json()) as ImageryList;
    const imagery = list.imagery[0]!;
    const wrapper = await fixture<HTMLDivElement>(
      html`<div class="host" style="width: 400px; height: 300px">
        <cb-map-viewer base-url=${sandboxUrl()} basemap="imagery" center="113.1,23.05" zoom="12" preserve-drawing-buffer></cb-map-viewer>
      </div>`,
    );
    const element = wrapper.querySelector<CbMapViewer>('cb-map-viewer')!;
    await oneEvent(element, 'cb-ready');
    const map = element.getMap()!;
    const source = map.getStyle().sources[`imagery-${imagery.id}`] as { type: string; tiles: string[] };
    expect(source.type).to.equal('raster');
    expect(source.tiles).to.deep.equal(imagery.tiles);
    await waitUntil(() => map.areTilesLoaded(), 'imagery tiles loaded');

    const canvas = map.getCanvas();
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const context = copy.getContext('2d')!;
    context.drawImage(canvas, 0, 0);
    const pixel = [...context.getImageData(Math.round(canvas.width / 2), Math.round(canvas.height / 2), 1, 1).data.slice(0, 3)];
    // Land cover is painted in the legend's colours, shaded by at most ±17 per channel.
    const nearest = Math.min(...imagery.legend.items.map((item) => Math.max(...rgb(item.color).map((value, i) => Math.abs(value - pixel[i]!)))));
    expect(nearest, `pixel ${pixel}`).to.be.at.most(20);

    const attribution = text(element.shadowRoot!.querySelector('[part="attribution"]'));
    expect(attribution).to.contain(imagery.attribution);
    expect(attribution).to.contain(imagery.reviewNo!);
  });

  it('shows a configuration error for imagery the catalogue does not have', async () => {
    const element = await fixture<CbMapViewer>(html`<cb-map-viewer base-url=${sandboxUrl()} basemap="imagery:imagery-1999"></cb-map-viewer>`);
    await waitUntil(() => element.shadowRoot!.querySelector('[part="error"]'), 'error state', { timeout: 15000 });
    expect(text(element.shadowRoot!.querySelector('[part="error-message"]'))).to.contain('imagery-1999');
    expect(element.shadowRoot!.querySelector('[part="retry-button"]') === null, 'no retry for a configuration error').to.equal(true);
  });
});
