/**
 * <cb-map-viewer> interactions against the sandbox: overlays converted to a GCJ-02 basemap,
 * identify from the keyboard, fullscreen from inside another element's shadow root, place
 * search with fly-to, layer toggling from the layer list.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import { sandboxUrl } from '../../test-support/sandbox.js';
import { convertPoint, loadDatumConverter } from './coords.js';
import '../provider/define.js';
import './define.js';
import type { CbMapViewer } from './map-viewer.js';
import type { LngLatTuple, MapFeatureClickDetail, MapViewChangeDetail } from './types.js';

function text(node: Element | null | undefined): string {
  return (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

async function ready(element: CbMapViewer): Promise<void> {
  await oneEvent(element, 'cb-ready');
}

async function click(target: Element): Promise<void> {
  const rect = target.getBoundingClientRect();
  await sendMouse({ type: 'click', position: [Math.round(rect.left + rect.width / 2), Math.round(rect.top + rect.height / 2)] });
}

interface Place {
  kind: string;
  code: string;
  label: string;
  center: LngLatTuple;
  bbox: [number, number, number, number];
}

describe('<cb-map-viewer> interactions', () => {
  it('converts CGCS2000 overlays onto a GCJ-02 basemap and clicks back to WGS84', async () => {
    await loadDatumConverter();
    const village = '440605124201';
    const detail = (await (await fetch(`${sandboxUrl()}/api/v1/regions/${village}`)).json()) as { centroid: LngLatTuple };
    const element = await fixture<CbMapViewer>(html`<cb-map-viewer
      base-url=${sandboxUrl()}
      basemap=${`${sandboxUrl()}/api/v1/gis/basemap/style.json`}
      basemap-crs="gcj02"
      layers="villages"
      center=${detail.centroid.join(',')}
      zoom="14"
    ></cb-map-viewer>`);
    await ready(element);
    const map = element.getMap()!;
    expect(map.getSource('cb-src-villages')!.type).to.equal('geojson');
    // The camera is in GCJ-02; the element reports WGS84.
    const gcj = convertPoint(detail.centroid, 'wgs84', 'gcj02');
    expect(map.getCenter().lng).to.be.closeTo(gcj[0], 1e-6);
    expect(Math.abs(map.getCenter().lng - detail.centroid[0])).to.be.greaterThan(1e-3);
    // The village polygon is drawn where its converted coordinates are.
    await waitUntil(() => map.queryRenderedFeatures(map.project(gcj), { layers: ['cb-villages-fill'] }).length > 0, 'converted village drawn', {
      timeout: 10000,
    });
    const [feature] = map.queryRenderedFeatures(map.project(gcj), { layers: ['cb-villages-fill'] });
    expect(feature!.properties.code).to.equal(village);
    // A click at the drawn place identifies the village at its real (WGS84) coordinates.
    const clicked = oneEvent(element, 'cb-feature-click');
    const point = map.project(gcj);
    const rect = map.getCanvas().getBoundingClientRect();
    await sendMouse({ type: 'click', position: [Math.round(rect.left + point.x), Math.round(rect.top + point.y)] });
    const { detail: clickDetail } = (await clicked) as CustomEvent<MapFeatureClickDetail>;
    expect(clickDetail.featureId).to.equal(village);
    expect(clickDetail.lngLat[0]).to.be.closeTo(detail.centroid[0], 2e-4);
    expect(clickDetail.lngLat[1]).to.be.closeTo(detail.centroid[1], 2e-4);
  });

  it('identifies the map centre with Enter and moves focus into the popup and back', async () => {
    const detail = (await (await fetch(`${sandboxUrl()}/api/v1/regions/440605124201`)).json()) as { centroid: LngLatTuple };
    const element = await fixture<CbMapViewer>(
      html`<cb-map-viewer base-url=${sandboxUrl()} basemap="none" layers="villages" center=${detail.centroid.join(',')} zoom="14"></cb-map-viewer>`,
    );
    await ready(element);
    const canvas = element.getMap()!.getCanvas();
    canvas.focus();
    const clicked = oneEvent(element, 'cb-feature-click');
    await sendKeys({ press: 'Enter' });
    const { detail: clickDetail } = (await clicked) as CustomEvent<MapFeatureClickDetail>;
    expect(clickDetail.regionCode).to.equal('440605124201');
    await waitUntil(() => element.shadowRoot!.activeElement?.classList.contains('maplibregl-popup-close-button'), 'focus in the popup');
    expect(text(element.shadowRoot!.querySelector('.popup'))).to.contain('唐边村委会');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !element.shadowRoot!.querySelector('.maplibregl-popup'), 'popup closed');
    // (Booleans: a failed comparison of DOM nodes would make the runner serialise a canvas.)
    expect(element.shadowRoot!.activeElement === canvas, 'focus back on the map').to.equal(true);
  });

  it('goes fullscreen from inside another element’s shadow root', async () => {
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    const root = host.attachShadow({ mode: 'open' });
    const element = document.createElement('cb-map-viewer') as CbMapViewer;
    element.setAttribute('base-url', sandboxUrl());
    element.setAttribute('basemap', 'none');
    const readyEvent = oneEvent(element, 'cb-ready');
    root.append(element);
    await readyEvent;
    const buttons = element.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="control-button"]');
    const fullscreen = buttons[buttons.length - 1]!;
    await click(fullscreen);
    // Real fullscreen of the host where the browser grants it, else the frame covers the viewport.
    await waitUntil(() => root.fullscreenElement === element || element.shadowRoot!.querySelector('.frame--pseudo-fullscreen'), 'fullscreen', {
      timeout: 5000,
    });
    await waitUntil(() => fullscreen.getAttribute('aria-pressed') === 'true', 'button pressed');
    expect(fullscreen.getAttribute('aria-label')).to.equal('退出全屏');
    await click(fullscreen);
    await waitUntil(() => root.fullscreenElement !== element && !element.shadowRoot!.querySelector('.frame--pseudo-fullscreen'), 'left fullscreen');
  });

  it('searches places through the client and flies to the one chosen', async () => {
    const element = await fixture<CbMapViewer>(html`<cb-map-viewer base-url=${sandboxUrl()} basemap="none" search></cb-map-viewer>`);
    await ready(element);
    const input = element.shadowRoot!.querySelector<HTMLInputElement>('[part="search-input"]')!;
    input.focus();
    await sendKeys({ type: '唐边' });
    await waitUntil(() => element.shadowRoot!.querySelectorAll('[role="option"]').length > 0, 'results', { timeout: 5000 });
    expect(input.getAttribute('aria-expanded')).to.equal('true');
    await sendKeys({ press: 'ArrowDown' });
    expect(input.getAttribute('aria-activedescendant')).to.match(/place-0$/);
    const moved = oneEvent(element, 'cb-view-change');
    await sendKeys({ press: 'Enter' });
    await moved;
    await waitUntil(() => text(element.shadowRoot!.querySelector('[part="breadcrumb"]')).includes('唐边村委会'), 'region outlined', { timeout: 10000 });
    const places = (await (await fetch(`${sandboxUrl()}/api/v1/gis/search?q=${encodeURIComponent('唐边')}`)).json()) as { items: Place[] };
    expect(places.items[0]!.kind).to.equal('village');
  });

  it('turns layers on from the layer list and reflects them in the legend', async () => {
    const element = await fixture<CbMapViewer>(html`<cb-map-viewer base-url=${sandboxUrl()} basemap="none" layer-list legend></cb-map-viewer>`);
    await ready(element);
    const root = element.shadowRoot!;
    expect(element.visibleLayers).to.deep.equal([]);
    const planning = [...root.querySelectorAll('details.category')].find((details) => text(details.querySelector('summary')).includes('国土空间规划'))!;
    planning.setAttribute('open', '');
    const checkbox = planning.querySelector<HTMLInputElement>('input[type="checkbox"]')!;
    checkbox.click();
    await waitUntil(() => element.visibleLayers.includes('zones'), 'zones drawn', { timeout: 10000 });
    await element.updateComplete;
    expect(text(root.querySelector('[part="legend"]'))).to.contain('限建区');
    element.setLayerVisible('zones', false);
    await element.updateComplete;
    expect(element.visibleLayers).to.deep.equal([]);
    expect(element.getMap()!.getLayoutProperty('cb-zones-fill', 'visibility')).to.equal('none');
  });
  it('pans and zooms with the keyboard', async () => {
    const element = await fixture<CbMapViewer>(
      html`<cb-map-viewer base-url=${sandboxUrl()} basemap="none" center="113.06,23.03" zoom="12"></cb-map-viewer>`,
    );
    await ready(element);
    element.getMap()!.getCanvas().focus();
    const panned = oneEvent(element, 'cb-view-change');
    await sendKeys({ press: 'ArrowRight' });
    const { detail: pan } = (await panned) as CustomEvent<MapViewChangeDetail>;
    expect(pan.center[0]).to.be.greaterThan(113.06);
    const zoomed = oneEvent(element, 'cb-view-change');
    await sendKeys({ press: 'Equal' });
    const { detail: zoom } = (await zoomed) as CustomEvent<MapViewChangeDetail>;
    expect(zoom.zoom).to.be.greaterThan(12);
  });

  it('uses the client of a surrounding <cb-provider>', async () => {
    const wrapper = await fixture<HTMLElement>(
      html`<cb-provider base-url=${sandboxUrl()}><cb-map-viewer basemap="none" layers="zones" center="113.06,23.03" zoom="11"></cb-map-viewer></cb-provider>`,
    );
    const element = wrapper.querySelector('cb-map-viewer')!;
    const { detail } = await oneEvent(element, 'cb-ready');
    expect(detail.layers).to.deep.equal(['zones']);
  });
  it('survives being moved in the page (disconnect, reconnect) without leaking the old map', async () => {
    const host = await fixture<HTMLDivElement>(html`<div><cb-map-viewer base-url=${sandboxUrl()} basemap="none" layers="zones" center="113.06,23.03" zoom="11"></cb-map-viewer></div>`);
    const element = host.querySelector('cb-map-viewer')!;
    await ready(element);
    const first = element.getMap()!;
    element.remove();
    expect(element.getMap() === undefined, 'map removed with the element').to.equal(true);
    const again = oneEvent(element, 'cb-ready');
    host.append(element);
    const { detail } = await again;
    expect(detail.layers).to.deep.equal(['zones']);
    expect(element.getMap() !== first, 'a new map').to.equal(true);
    expect(element.shadowRoot!.querySelectorAll('.maplibregl-canvas').length).to.equal(1);
  });
});
