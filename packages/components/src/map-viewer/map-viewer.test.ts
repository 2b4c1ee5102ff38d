/**
 * <cb-map-viewer> in Chromium with SwiftShader WebGL against a real sandbox (started by
 * web-test-runner.config.mjs): the map reaches idle, a zone polygon is drawn in its legend
 * colour (pixels read back), a click identifies and fires cb-feature-click, hostile strings
 * stay inert, internal tiles load through the client with a token, zone checks, regions,
 * a bad `layers` value, and axe on the controls.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import { createClient, type CityBrainClient } from '@citybrain/client';
import { sandboxToken, sandboxUrl } from '../../test-support/sandbox.js';
import { inside, interiorPoint, type Position } from '../../test-support/geometry.js';
import { setLocale } from '../shared/localization.js';
import './define.js';
import type { CbMapViewer } from './map-viewer.js';
import type { MapFeatureClickDetail, MapReadyDetail, MapZoneCheckDetail } from './types.js';

interface ZoneFeature {
  id: string;
  properties: { zoneType: string; villageCode: string };
  geometry: { type: 'Polygon'; coordinates: Position[][] };
}

declare global {
  interface Window {
    __cbTrap?: unknown;
  }
}

async function getJson<T>(path: string, token?: string): Promise<T> {
  const response = await fetch(`${sandboxUrl()}/api/v1${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

let zone: ZoneFeature;
let zonePoint: Position;

before(async () => {
  const items = await getJson<{ features: ZoneFeature[] }>('/gis/collections/zones/items?limit=50');
  // A buildable zone that no other zone of the page overlaps at its interior point.
  const buildable = items.features.filter((feature) => feature.properties.zoneType === 'buildable' && feature.geometry.type === 'Polygon');
  zone = buildable.find((candidate) => {
    const point = interiorPoint(candidate.geometry.coordinates[0]!);
    return !items.features.some((other) => other.id !== candidate.id && other.geometry.type === 'Polygon' && inside(point, other.geometry.coordinates[0]!));
  }) ?? buildable[0]!;
  zonePoint = interiorPoint(zone.geometry.coordinates[0]!);
});

afterEach(async () => {
  await setLocale('zh-CN');
});

async function readyMap(template: ReturnType<typeof html>): Promise<{ element: CbMapViewer; detail: MapReadyDetail }> {
  const wrapper = await fixture<HTMLDivElement>(html`<div class="host">${template}</div>`);
  const element = wrapper.querySelector('cb-map-viewer')!;
  const { detail } = await oneEvent(element, 'cb-ready');
  return { element, detail };
}

/** Clicks the map like a user (real mouse events from the browser) at a WGS84 point. */
async function clickAt(element: CbMapViewer, lngLat: Position): Promise<void> {
  const map = element.getMap()!;
  const point = map.project(lngLat);
  const rect = map.getCanvas().getBoundingClientRect();
  await sendMouse({ type: 'click', position: [Math.round(rect.left + point.x), Math.round(rect.top + point.y)] });
}

function popup(element: CbMapViewer): HTMLElement | null {
  return element.shadowRoot!.querySelector('.maplibregl-popup .popup-content');
}

function text(node: Element | null | undefined): string {
  return (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** A client whose answers for one path are replaced, the rest going to the sandbox. */
function clientAnswering(pathPart: string, body: unknown): CityBrainClient {
  return createClient({
    baseUrl: sandboxUrl(),
    retry: false,
    fetch: async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.includes(pathPart)) {
        return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json', 'x-request-id': 'test' } });
      }
      return fetch(input, init);
    },
  });
}

describe('<cb-map-viewer> against the sandbox', () => {
  it('reaches idle with the catalogue layers and fires cb-ready with the view', async () => {
    const { element, detail } = await readyMap(
      html`<cb-map-viewer base-url=${sandboxUrl()} layers="zones,villages" center="113.06,23.03" zoom="10" layer-list legend></cb-map-viewer>`,
    );
    expect(detail.layers).to.have.members(['zones', 'villages']);
    expect(detail.zoom).to.equal(10);
    expect(detail.center[0]).to.be.closeTo(113.06, 1e-6);
    expect(detail.bbox[0]).to.be.lessThan(113.06);
    const map = element.getMap()!;
    expect(map.loaded()).to.equal(true);
    expect(map.getLayer('cb-zones-fill')).to.exist;
    // The layer list has the ten categories, with access badges.
    const root = element.shadowRoot!;
    expect(root.querySelectorAll('.category')).to.have.length(10);
    expect(text(root.querySelector('.panel--layers'))).to.contain('村庄建设管控分区');
    expect(root.querySelector('.badge--public')).to.exist;
    // The legend shows the zone colours; the bottom-left line carries the 审图号.
    expect(text(root.querySelector('.panel--legend'))).to.contain('可建区');
    expect(text(root.querySelector('[part="attribution"]'))).to.match(/审图号：粤S\(2025\)000号/);
  });

  it('draws a zone polygon in its legend colour (pixels read back)', async () => {
    const { element } = await readyMap(
      html`<cb-map-viewer
        base-url=${sandboxUrl()}
        basemap="none"
        layers="zones"
        center=${zonePoint.join(',')}
        zoom="16"
        preserve-drawing-buffer
      ></cb-map-viewer>`,
    );
    const map = element.getMap()!;
    const opacity = map.getPaintProperty('cb-zones-fill', 'fill-opacity') as number;
    expect(opacity).to.be.a('number');
    const legend = '#40c057'; // 可建区 in the catalogue legend
    const channel = (hex: string, i: number) => parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16);
    const expected = [0, 1, 2].map((i) => Math.round(255 * (1 - opacity) + channel(legend, i) * opacity));

    const canvas = map.getCanvas();
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const context = copy.getContext('2d')!;
    context.drawImage(canvas, 0, 0);
    const centre = map.project(zonePoint);
    const ratio = canvas.width / canvas.clientWidth;
    const [r, g, b] = context.getImageData(Math.round(centre.x * ratio), Math.round(centre.y * ratio), 1, 1).data;
    expect([r, g, b].map((value, i) => Math.abs(value! - expected[i]!) <= 3), `pixel ${[r, g, b]} vs ${expected}`).to.deep.equal([true, true, true]);
  });

  it('identifies on click: cb-feature-click, a popup with the legend label, the feature selected', async () => {
    const { element } = await readyMap(
      html`<cb-map-viewer base-url=${sandboxUrl()} basemap="none" layers="zones" center=${zonePoint.join(',')} zoom="16"></cb-map-viewer>`,
    );
    const clicked = oneEvent(element, 'cb-feature-click');
    await clickAt(element, zonePoint);
    const { detail } = (await clicked) as CustomEvent<MapFeatureClickDetail>;
    expect(detail.layerId).to.equal('zones');
    expect(detail.featureId).to.equal(zone.id);
    expect(detail.regionCode).to.equal(zone.properties.villageCode);
    expect(detail.properties.zoneType).to.equal('buildable');
    await waitUntil(() => popup(element), 'popup shown');
    expect(text(popup(element))).to.contain('可建区');
    expect(text(popup(element))).to.contain('村庄建设管控分区');
    // The identified feature is highlighted through feature-state.
    const state = element.getMap()!.getFeatureState({ source: 'cb-src-zones', sourceLayer: 'zones', id: zone.id });
    expect(state.selected).to.equal(true);
    expect(element.getMap()!.getLayer('cb-zones-highlight'), 'the highlight layer, added with the selection').to.exist;
    // And announced as text for screen readers.
    expect(text(element.shadowRoot!.querySelector('p[role="status"]'))).to.contain('村庄建设管控分区');
  });

  it('adds the highlight layer only when a feature is first hovered, above the layer it outlines', async () => {
    const { element } = await readyMap(
      html`<cb-map-viewer base-url=${sandboxUrl()} basemap="none" layers="zones" center=${zonePoint.join(',')} zoom="16"></cb-map-viewer>`,
    );
    const map = element.getMap()!;
    expect(map.getLayer('cb-zones-highlight'), 'no highlight layer in a view nobody pointed at').to.equal(undefined);
    const point = map.project(zonePoint);
    const rect = map.getCanvas().getBoundingClientRect();
    await sendMouse({ type: 'move', position: [Math.round(rect.left + point.x), Math.round(rect.top + point.y)] });
    await waitUntil(() => map.getFeatureState({ source: 'cb-src-zones', sourceLayer: 'zones', id: zone.id }).hover === true, 'the zone hovered');
    const order = map.getStyle().layers.map((layer) => layer.id);
    expect(order.indexOf('cb-zones-highlight'), 'highlight above the outline').to.equal(order.indexOf('cb-zones-outline') + 1);
    await sendMouse({ type: 'move', position: [0, 0] });
  });

  it('says in words only that the map is loading: nothing animates over the map while it sets up', async () => {
    let releaseStyle!: () => void;
    const styleHeld = new Promise<void>((resolve) => (releaseStyle = resolve));
    const client = createClient({
      baseUrl: sandboxUrl(),
      retry: false,
      fetch: async (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        if (url.includes('/gis/basemap/style.json')) await styleHeld;
        return fetch(input, init);
      },
    });
    const element = await fixture<CbMapViewer>(html`<cb-map-viewer .client=${client} loading="eager" layers="zones"></cb-map-viewer>`);
    const root = element.shadowRoot!;
    await waitUntil(() => root.querySelector('.map ~ .load-state .status--loading'), 'the map setting up', { timeout: 10000 });
    expect(text(root.querySelector('.map ~ .load-state'))).to.contain('正在加载地图');
    expect(root.getAnimations(), 'animations in the element').to.deep.equal([]);
    const ready = oneEvent(element, 'cb-ready');
    releaseStyle();
    await ready;
  });

  it('keeps hostile property strings inert in the popup', async () => {
    const hostile = '<img src=x onerror="window.__cbTrap=1"><script>window.__cbTrap=2</script>';
    const client = clientAnswering('/gis/identify', {
      location: zonePoint,
      tolerance: 10,
      results: [
        {
          layerId: 'zones',
          layerTitle: `<svg onload="window.__cbTrap=3">`,
          features: [
            {
              type: 'Feature',
              id: 'Z-1',
              geometry: null,
              properties: { name: hostile, legalBasis: '"><iframe src="javascript:window.__cbTrap=4">', villageCode: '440605124201' },
              distanceM: 0,
            },
          ],
        },
      ],
      masking: { masked: false, fields: [] },
    });
    const { element } = await readyMap(
      html`<cb-map-viewer .client=${client} basemap="none" layers="zones" center=${zonePoint.join(',')} zoom="16"></cb-map-viewer>`,
    );
    const clicked = oneEvent(element, 'cb-feature-click');
    await clickAt(element, zonePoint);
    await clicked;
    await waitUntil(() => popup(element), 'popup shown');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const content = popup(element)!;
    expect(window.__cbTrap).to.equal(undefined);
    expect(content.querySelector('img, script, iframe') === null, 'no element made from the strings').to.equal(true);
    expect(element.shadowRoot!.querySelector('.maplibregl-popup img, .maplibregl-popup script, .maplibregl-popup iframe') === null).to.equal(true);
    expect(content.textContent).to.contain(hostile);
  });

  /** The first parcel of Shishan town, and a point inside it. */
  async function shishanParcel(token: string): Promise<Position> {
    const parcels = await getJson<{ features: ZoneFeature[] }>('/gis/collections/homestead-parcels/items?limit=1&townCode=440605124', token);
    return interiorPoint(parcels.features[0]!.geometry.coordinates[0]!);
  }

  const parcelsDrawn = (map: ReturnType<CbMapViewer['getMap']> & object) =>
    waitUntil(() => map.querySourceFeatures('cb-src-homestead-parcels', { sourceLayer: 'homestead-parcels' }).length > 0, 'parcel tiles loaded', {
      timeout: 10000,
    });

  it("has maplibre's worker fetch internal tiles with the client's token, none through the main thread", async () => {
    const token = await sandboxToken('demo-town-shishan');
    const point = await shishanParcel(token);
    const { element, detail } = await readyMap(
      html`<cb-map-viewer base-url=${sandboxUrl()} token=${token} basemap="none" layers="homestead-parcels" center=${point.join(',')} zoom="16" layer-list></cb-map-viewer>`,
    );
    expect(detail.layers).to.deep.equal(['homestead-parcels']);
    const map = element.getMap()!;
    const source = map.getSource('cb-src-homestead-parcels') as { tiles?: string[] };
    expect(source.tiles?.[0]).to.equal(`${sandboxUrl()}/api/v1/gis/tiles/homestead-parcels/{z}/{x}/{y}.pbf`);
    // Internal tiles are refused without a token: drawn parcels mean the worker sent it.
    expect((await fetch(`${sandboxUrl()}/api/v1/gis/tiles/homestead-parcels/16/0/0.pbf`)).status).to.equal(401);
    await parcelsDrawn(map);
    expect(element.shadowRoot!.querySelector('.badge--internal')).to.exist;
    expect(text(element.shadowRoot!.querySelector('[part="attribution"]'))).to.contain('内部用图');
  });

  it('keeps internal tiles in the client when its requests cannot be handed over (hooks)', async () => {
    const token = await sandboxToken('demo-town-shishan');
    const point = await shishanParcel(token);
    const tileRequests: string[] = [];
    const client = createClient({
      baseUrl: sandboxUrl(),
      auth: token,
      hooks: { beforeRequest: (request) => void (request.url.includes('/gis/tiles/') && tileRequests.push(request.url)) },
    });
    const { element } = await readyMap(
      html`<cb-map-viewer .client=${client} basemap="none" layers="homestead-parcels" center=${point.join(',')} zoom="16"></cb-map-viewer>`,
    );
    const map = element.getMap()!;
    expect((map.getSource('cb-src-homestead-parcels') as { tiles?: string[] }).tiles?.[0]).to.match(/^citybrain:\/\//);
    await parcelsDrawn(map);
    expect(tileRequests.length, 'tiles went through the hooks').to.be.greaterThan(0);
  });

  it('asks once for the catalogue for its preview and its map, and adds no style layer the view does not need', async () => {
    // A client of its own (no other test of this page signs in as it): catalogues are shared per token,
    // and the sandbox may issue the same token twice within a second.
    const token = await sandboxToken('demo-village-tangbian');
    performance.clearResourceTimings();
    const element = await fixture<CbMapViewer>(
      html`<cb-map-viewer base-url=${sandboxUrl()} token=${token} loading="interaction" basemap="none" layers="zones" legend center="113.06,23.03" zoom="10"></cb-map-viewer>`,
    );
    await waitUntil(() => element.shadowRoot!.querySelectorAll('[part~="facade-legend"] li').length > 0, 'the preview legend', { timeout: 10000 });
    const ready = oneEvent(element, 'cb-ready');
    void element.load();
    await ready;
    const catalogueRequests = performance
      .getEntriesByType('resource')
      .map((entry) => new URL(entry.name))
      .filter((url) => url.pathname.endsWith('/gis/layers'))
      .map((url) => url.search);
    expect(catalogueRequests).to.deep.equal(['?groupBy=category']);
    const ownLayers = element.getMap()!.getStyle().layers.map((layer) => layer.id).filter((id) => /^cb-(region|marker)-/.test(id));
    expect(ownLayers, 'no region or marker layers without a region or a marker').to.deep.equal([]);
    element.fitRegion('440605124');
    await waitUntil(() => element.getMap()!.getLayer('cb-region-line'), 'the region outline once a region is shown', { timeout: 10000 });
  });

  it("asks for the drawn layers' TileJSON and style beside the catalogue, not after it", async () => {
    // A client of its own (no other test of this page signs in as it): these requests are shared per token.
    const token = await sandboxToken('demo-dept-natres');
    let releaseCatalogue!: () => void;
    const catalogueHeld = new Promise<void>((resolve) => (releaseCatalogue = resolve));
    const requested: string[] = [];
    const client = createClient({
      baseUrl: sandboxUrl(),
      auth: token,
      retry: false,
      fetch: async (input, init) => {
        const { pathname } = new URL(input instanceof Request ? input.url : String(input));
        requested.push(pathname);
        if (pathname.endsWith('/gis/layers')) await catalogueHeld;
        return fetch(input, init);
      },
    });
    const element = await fixture<CbMapViewer>(html`<cb-map-viewer .client=${client} loading="eager" basemap="none" layers="zones"></cb-map-viewer>`);
    const ready = oneEvent(element, 'cb-ready');
    await waitUntil(
      () => ['/gis/layers/zones/tilejson', '/gis/layers/zones/style'].every((path) => requested.some((pathname) => pathname.endsWith(path))),
      "the layer's TileJSON and style requested while the catalogue is on its way",
      { timeout: 10000 },
    );
    releaseCatalogue();
    await ready;
    expect(element.visibleLayers).to.deep.equal(['zones']);
  });

  it('checks zones on click in zone-check mode', async () => {
    const check = {
      point: zonePoint,
      result: 'buildable',
      label: { zh: '适建区', en: 'Buildable' },
      explanation: { zh: '该位置位于村庄规划住宅用地内，可申请宅基地（以镇街实地踏勘为准）', en: 'The point lies in residential land of the village plan.' },
      decisiveZone: {
        id: zone.id,
        zoneType: 'buildable',
        sourceLayer: '村庄规划住宅用地',
        sourceDept: '自然资源',
        legalBasis: '《唐边村村庄规划（2021—2035年）》',
        version: '2024.2',
        effectiveDate: '2024-06-30',
        areaSqm: 18452.6,
        townCode: '440605124',
        villageCode: '440605124201',
      },
      zones: [],
      town: { code: '440605124', name: '狮山镇' },
      village: { code: '440605124201', name: '唐边村委会' },
      checkedAt: '2026-11-25T10:12:00+08:00',
    };
    const { element } = await readyMap(
      html`<cb-map-viewer .client=${clientAnswering('/approvals/zone-check', check)} mode="zone-check" basemap="none" layers="zones" center=${zonePoint.join(',')} zoom="16"></cb-map-viewer>`,
    );
    const checked = oneEvent(element, 'cb-zone-check');
    await clickAt(element, zonePoint);
    const { detail } = (await checked) as CustomEvent<MapZoneCheckDetail>;
    expect(detail.result).to.equal('buildable');
    expect(detail.lngLat[0]).to.be.closeTo(zonePoint[0], 1e-4);
    await waitUntil(() => popup(element), 'popup shown');
    expect(text(popup(element))).to.contain('适建区');
    expect(text(popup(element))).to.contain('《唐边村村庄规划（2021—2035年）》');
  });

  it('fits and outlines a region by code, with its path as a breadcrumb', async () => {
    const { element } = await readyMap(html`<cb-map-viewer base-url=${sandboxUrl()} basemap="none" region="440605124201"></cb-map-viewer>`);
    await waitUntil(() => element.shadowRoot!.querySelector('[part="breadcrumb"]'), 'breadcrumb');
    expect(text(element.shadowRoot!.querySelector('[part="breadcrumb"]'))).to.match(/南海区.*狮山镇.*唐边村委会/);
    const map = element.getMap()!;
    expect(map.getLayer('cb-region-line')).to.exist;
    const view = element.getMap()!.getCenter();
    expect(view.lng).to.be.within(113.06, 113.09);
    expect(view.lat).to.be.within(23.18, 23.2);
  });

  it('warns once and shows an error state for a bad layers value', async () => {
    const warnings: unknown[][] = [];
    const originalWarn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      const errors: string[] = [];
      const wrapper = await fixture<HTMLDivElement>(html`<div class="host" @cb-error=${(event: CustomEvent<{ message: string }>) => errors.push(event.detail.message)}>
        <cb-map-viewer base-url=${sandboxUrl()} layers="zones;<b>x</b>"></cb-map-viewer>
        <cb-map-viewer base-url=${sandboxUrl()} layers="zones;<b>x</b>"></cb-map-viewer>
      </div>`);
      const [first] = wrapper.querySelectorAll('cb-map-viewer');
      await waitUntil(() => first!.shadowRoot!.querySelector('[part="error"]'), 'error state');
      expect(text(first!.shadowRoot!.querySelector('[part="error-message"]'))).to.contain('zones;<b>x</b>');
      expect(first!.shadowRoot!.querySelector('[part="retry-button"]') === null, 'no retry for a configuration error').to.equal(true);
      expect(first!.getMap() === undefined, 'no map').to.equal(true);
      const layerWarnings = warnings.filter((args) => String(args[0]).includes('layers') && String(args[0]).includes('zones;<b>x</b>'));
      expect(layerWarnings).to.have.length(1);
      expect(errors.length).to.be.greaterThan(0);
    } finally {
      console.warn = originalWarn;
    }
  });

  it('shows an error with retry when the catalogue is unreachable', async () => {
    const element = await fixture<CbMapViewer>(html`<cb-map-viewer base-url="http://127.0.0.1:9/api/v1" basemap="none"></cb-map-viewer>`);
    await waitUntil(() => element.shadowRoot!.querySelector('[part="error"]'), 'error state', { timeout: 15000 });
    expect(element.shadowRoot!.querySelector('[part="retry-button"]')).to.exist;
  });

  it('has accessible, localized controls (axe)', async () => {
    const { element } = await readyMap(
      html`<cb-map-viewer base-url=${sandboxUrl()} basemap="none" layers="zones" layer-list legend search></cb-map-viewer>`,
    );
    await expect(element).to.be.accessible();
    const canvas = element.getMap()!.getCanvas();
    expect(canvas.getAttribute('aria-label')).to.equal('地图');
    expect(element.shadowRoot!.getElementById(canvas.getAttribute('aria-describedby')!)).to.exist;
    await setLocale('en');
    await element.updateComplete;
    const labels = [...element.shadowRoot!.querySelectorAll('[part="control-button"]')].map((button) => button.getAttribute('aria-label'));
    expect(labels).to.deep.equal(['Zoom in', 'Zoom out', 'Reset view', 'Full screen']);
    expect(text(element.shadowRoot!.querySelector('.panel--layers'))).to.contain('Village construction control zones');
    await expect(element).to.be.accessible();
  });

  it('keeps 24px targets for the layer checkboxes, also with a state line under one (WCAG 2.5.8)', async () => {
    const token = await sandboxToken('demo-town-shishan');
    // Parcels show from z12: at z10 their row gets the "放大后显示" line.
    const { element } = await readyMap(
      html`<cb-map-viewer base-url=${sandboxUrl()} token=${token} basemap="none" layers="homestead-parcels,zones" zoom="10" layer-list></cb-map-viewer>`,
    );
    const root = element.shadowRoot!;
    await waitUntil(() => [...root.querySelectorAll('.layer__state')].some((state) => /放大后显示/.test(state.textContent ?? '')), 'the zoom-in hint');
    const boxes = [...root.querySelectorAll<HTMLInputElement>('.layer input[type="checkbox"]')].filter((box) => box.checkVisibility());
    expect(boxes.length).to.be.greaterThan(1);
    // The other targets of the panel (the map canvas lies under it, so it is no neighbour).
    const panel = root.querySelector('.panel--layers')!;
    const targets = [...panel.querySelectorAll<HTMLElement>('button, summary, input, a[href], [tabindex]')].filter((el) => el.checkVisibility());
    for (const box of boxes) {
      const label = box.closest('label')!.getBoundingClientRect();
      const rect = box.getBoundingClientRect();
      const [x, y] = [rect.left + rect.width / 2, rect.top + rect.height / 2];
      expect(label.height, 'the label row is the target').to.be.at.least(24);
      // The spacing of 2.5.8: a 24px circle on the box's centre meets no other target.
      for (const other of targets) {
        if (other === box) continue;
        const near = other.getBoundingClientRect();
        const dx = Math.max(near.left - x, 0, x - near.right);
        const dy = Math.max(near.top - y, 0, y - near.bottom);
        expect(Math.hypot(dx, dy), `${other.localName} ${text(other).slice(0, 20)} is within 12px of a layer checkbox`).to.be.at.least(12);
      }
    }
  });
});
