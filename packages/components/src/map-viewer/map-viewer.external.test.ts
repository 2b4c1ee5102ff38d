/**
 * External layers against a real district GIS server (Debian's MapServer 8, started by
 * web-test-runner.config.mjs, serving the seed's zones and villages): a WMS layer reaches idle with
 * its tiles, is listed in its own group with the server's title and legend image, and identifies
 * through GetFeatureInfo; an OGC API - Features collection is drawn per view up to its limit; a
 * wrong URL or a document that is not WMS capabilities is an error state and cb-error, never a throw;
 * hostile titles and properties from the server stay text.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import { sandboxToken, sandboxUrl } from '../../test-support/sandbox.js';
import { mapServerUrl, tileServerUrl } from '../../test-support/mapserver.js';
import { interiorPoint, type Position } from '../../test-support/geometry.js';
import './define.js';
import '../map-layer/define.js';
import type { CbMapViewer } from './map-viewer.js';
import type { MapFeatureClickDetail } from './types.js';
import type { GeoJSONSource } from 'maplibre-gl';

declare global {
  interface Window {
    cbTrap?: (where: string) => void;
  }
}

interface ZoneFeature {
  id: string;
  properties: { zoneType: string };
  geometry: { type: string; coordinates: Position[][] };
}

const text = (node: Element | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
const trapped: string[] = [];

let zone: ZoneFeature;
let zonePoint: Position;

before(async () => {
  window.cbTrap = (where) => trapped.push(where);
  const response = await fetch(`${sandboxUrl()}/api/v1/gis/collections/zones/items?limit=20`);
  const { features } = (await response.json()) as { features: ZoneFeature[] };
  zone = features.find((feature) => feature.geometry.type === 'Polygon')!;
  zonePoint = interiorPoint(zone.geometry.coordinates[0]!);
});

afterEach(() => expect(trapped, 'no script from the server ran').to.deep.equal([]));

async function readyMap(template: ReturnType<typeof html>): Promise<CbMapViewer> {
  const wrapper = await fixture<HTMLDivElement>(html`<div style="width:640px;height:420px">${template}</div>`);
  const element = wrapper.querySelector('cb-map-viewer')!;
  await oneEvent(element, 'cb-ready');
  return element;
}

const externalGroup = (element: CbMapViewer) =>
  [...element.shadowRoot!.querySelectorAll('.category')].find((group) => text(group.querySelector('summary')).startsWith('外部图层'));

describe('<cb-map-viewer> with layers from a district GIS server', () => {
  it('draws a WMS layer: tiles from GetMap, its own group in the layer list, the legend from GetLegendGraphic', async () => {
    const element = await readyMap(html`<cb-map-viewer base-url=${sandboxUrl()} basemap="none" loading="eager" center=${zonePoint.join(',')} zoom="15" layer-list legend>
      <cb-map-layer type="wms" url="${mapServerUrl()}/wms" layers="zones"></cb-map-layer>
    </cb-map-viewer>`);
    const map = element.getMap()!;
    const sourceId = Object.keys(map.getStyle().sources).find((id) => id.startsWith('cb-src-ext-'))!;
    expect(sourceId, 'an external source').to.be.a('string');
    expect(map.isSourceLoaded(sourceId)).to.equal(true);
    const group = externalGroup(element);
    expect(text(group)).to.contain('建设管控分区（自然资源局）');
    const legend = element.shadowRoot!.querySelector<HTMLImageElement>('.panel--legend .legend__image')!;
    expect(legend.src).to.contain('GetLegendGraphic');
    await waitUntil(() => legend.complete && legend.naturalWidth > 0, 'the legend image loaded');
    expect(legend.alt).to.contain('建设管控分区');
  });

  for (const encoding of ['rest', 'kvp']) {
    it(`draws a WMTS layer from its ${encoding.toUpperCase()} tiles in the Web Mercator set`, async () => {
      const element = await readyMap(html`<cb-map-viewer base-url=${sandboxUrl()} basemap="none" loading="eager" center=${zonePoint.join(',')} zoom="13" layer-list>
        <cb-map-layer type="wmts" url="${mapServerUrl()}/mapcache/wmts" layers="zones" encoding=${encoding}></cb-map-layer>
      </cb-map-viewer>`);
      const map = element.getMap()!;
      const sourceId = Object.keys(map.getStyle().sources).find((id) => id.startsWith('cb-src-ext-'))!;
      expect((map.getStyle().sources[sourceId] as { tiles: string[] }).tiles[0]).to.contain(encoding === 'rest' ? '/GoogleMapsCompatible/{z}/' : 'REQUEST=GetTile');
      expect(map.isSourceLoaded(sourceId)).to.equal(true);
      expect(text(externalGroup(element))).to.contain('建设管控分区（瓦片）');
    });
  }

  it('redraws a WMTS layer of a geographic CGCS2000 tile matrix set (天地图 _c style) as Web Mercator tiles', async () => {
    const element = await readyMap(html`<cb-map-viewer base-url=${sandboxUrl()} basemap="none" loading="eager" center=${zonePoint.join(',')} zoom="13" layer-list>
      <cb-map-layer type="wmts" url="${mapServerUrl()}/mapcache/wmts" layers="zones" tile-matrix-set="CGCS2000Quad"></cb-map-layer>
    </cb-map-viewer>`);
    const map = element.getMap()!;
    const sourceId = Object.keys(map.getStyle().sources).find((id) => id.startsWith('cb-src-ext-'))!;
    expect((map.getStyle().sources[sourceId] as { tiles: string[] }).tiles[0]).to.match(/^citybrain-geo:\/\//);
    expect(map.isSourceLoaded(sourceId)).to.equal(true);
    expect(element.shadowRoot!.querySelectorAll('.layer__state--error')).to.have.length(0);
  });

  it('sends the platform token to a district server only for a layer with auth="platform"', async () => {
    const token = await sandboxToken('demo-district');
    const wrapper = await fixture<HTMLDivElement>(html`<div style="width:640px;height:420px">
      <cb-map-viewer base-url=${sandboxUrl()} token=${token} basemap="none" loading="eager" center=${zonePoint.join(',')} zoom="14" layer-list>
        <cb-map-layer type="wms" url="${mapServerUrl()}/secured/wms" layers="zones" auth="platform" title="带令牌"></cb-map-layer>
        <cb-map-layer type="wms" url="${mapServerUrl()}/secured/wms" layers="villages" title="不带令牌"></cb-map-layer>
      </cb-map-viewer>
    </div>`);
    const element = wrapper.querySelector('cb-map-viewer')!;
    const errors: string[] = [];
    element.addEventListener('cb-error', (event) => errors.push(event.detail.message));
    await oneEvent(element, 'cb-ready');
    await waitUntil(() => errors.length >= 1, 'the layer without the token failed');
    expect(errors.join(' ')).to.contain('“不带令牌”').and.not.contain('“带令牌”');
    const map = element.getMap()!;
    const sourceId = Object.keys(map.getStyle().sources).find((id) => id.startsWith('cb-src-ext-'))!;
    expect(map.isSourceLoaded(sourceId), 'its tiles came with the token too').to.equal(true);
    expect(externalGroup(element)!.querySelectorAll('.layer__state--error')).to.have.length(1);
  });

  it('identifies in a WMS layer through GetFeatureInfo, shown as text in the popup and in cb-feature-click', async () => {
    const element = await readyMap(html`<cb-map-viewer base-url=${sandboxUrl()} basemap="none" loading="eager" center=${zonePoint.join(',')} zoom="16">
      <cb-map-layer type="wms" url="${mapServerUrl()}/wms" layers="zones" title="自然资源局管控分区"></cb-map-layer>
    </cb-map-viewer>`);
    const map = element.getMap()!;
    const at = map.project(zonePoint);
    const rect = map.getCanvas().getBoundingClientRect();
    const clicked = oneEvent(element, 'cb-feature-click');
    await sendMouse({ type: 'click', position: [Math.round(rect.left + at.x), Math.round(rect.top + at.y)] });
    const { detail } = (await clicked) as CustomEvent<MapFeatureClickDetail>;
    const found = detail.features.find((feature) => feature.properties.id === zone.id);
    expect(found, `zone ${zone.id} among ${detail.features.map((f) => f.properties.id).join(', ')}`).to.exist;
    expect(found!.layerTitle).to.equal('自然资源局管控分区');
    await waitUntil(() => element.shadowRoot!.querySelector('.maplibregl-popup .popup-content'), 'popup shown');
    expect(text(element.shadowRoot!.querySelector('.maplibregl-popup'))).to.contain(zone.id);
  });

  it('draws an OGC API - Features collection per view, no more than its limit, and says so', async () => {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
    try {
      const element = await readyMap(html`<cb-map-viewer base-url=${sandboxUrl()} basemap="none" loading="eager" center="113.06,23.03" zoom="11" layer-list>
        <cb-map-layer type="ogc-features" url="${mapServerUrl()}/nanhai/ogcapi" collection="villages" limit="7" color="#1c7ed6"></cb-map-layer>
      </cb-map-viewer>`);
      const map = element.getMap()!;
      const sourceId = Object.keys(map.getStyle().sources).find((id) => id.startsWith('cb-src-ext-'))!;
      await waitUntil(async () => ((await (map.getSource(sourceId) as GeoJSONSource).getData()) as GeoJSON.FeatureCollection).features.length > 0, 'features drawn');
      const data = (await (map.getSource(sourceId) as GeoJSONSource).getData()) as GeoJSON.FeatureCollection;
      expect(data.features).to.have.length(7);
      expect(warnings.some((line) => line.includes('more than 7 features'))).to.equal(true);
      expect(text(externalGroup(element))).to.contain('村（居）界线');
    } finally {
      console.warn = warn;
    }
  });

  it('draws PostGIS vector tiles (ST_AsMVT) from TileJSON, coloured by a property with its legend, and identifies in them', async () => {
    const element = await readyMap(html`<cb-map-viewer base-url=${sandboxUrl()} basemap="none" loading="eager" center=${zonePoint.join(',')} zoom="16" layer-list legend>
      <cb-map-layer type="tilejson" url="${tileServerUrl()}/zones.json" title="管控分区（PostGIS）" style-property="zonetype"
        style-classes="buildable:#2f9e44:可建设区,restricted:#f08c00:限制建设区,prohibited:#e03131:禁止建设区"></cb-map-layer>
    </cb-map-viewer>`);
    const map = element.getMap()!;
    const sourceId = Object.keys(map.getStyle().sources).find((id) => id.startsWith('cb-src-ext-'))!;
    expect(map.getStyle().sources[sourceId]!.type).to.equal('vector');
    expect(map.isSourceLoaded(sourceId)).to.equal(true);
    expect(map.querySourceFeatures(sourceId, { sourceLayer: 'zones' }).length).to.be.above(0);
    expect(text(element.shadowRoot!.querySelector('.panel--legend'))).to.contain('可建设区').and.contain('禁止建设区');
    const at = map.project(zonePoint);
    const rect = map.getCanvas().getBoundingClientRect();
    const clicked = oneEvent(element, 'cb-feature-click');
    await sendMouse({ type: 'click', position: [Math.round(rect.left + at.x), Math.round(rect.top + at.y)] });
    const { detail } = (await clicked) as CustomEvent<MapFeatureClickDetail>;
    expect(detail.features.map((feature) => feature.properties.id)).to.include(zone.id);
  });

  it('draws an OGC API - Tiles vector tileset on WebMercatorQuad from its templated item link', async () => {
    const element = await readyMap(html`<cb-map-viewer base-url=${sandboxUrl()} basemap="none" loading="eager" center=${zonePoint.join(',')} zoom="15" layer-list legend>
      <cb-map-layer type="ogc-tiles" url="${sandboxUrl()}/api/v1/gis/collections/zones/tiles" color="#1c7ed6"></cb-map-layer>
    </cb-map-viewer>`);
    const map = element.getMap()!;
    const sourceId = Object.keys(map.getStyle().sources).find((id) => id.startsWith('cb-src-ext-'))!;
    const source = map.getStyle().sources[sourceId] as { type: string; tiles: string[] };
    expect(source.type).to.equal('vector');
    expect(source.tiles[0]).to.match(/\/tiles\/WebMercatorQuad\/\{z\}\/\{y\}\/\{x\}$/);
    expect(map.isSourceLoaded(sourceId)).to.equal(true);
    expect(map.querySourceFeatures(sourceId, { sourceLayer: 'zones' }).length).to.be.above(0);
    expect(text(externalGroup(element))).to.contain('村庄建设管控分区');
  });

  it('answers a wrong URL and a document that is not WMS capabilities with cb-error and a failed layer, not a blank map', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div style="width:640px;height:420px">
      <cb-map-viewer base-url=${sandboxUrl()} basemap="none" loading="eager" layer-list>
        <cb-map-layer type="wms" url="${mapServerUrl()}/no-such-service" layers="zones" title="不存在的服务"></cb-map-layer>
        <cb-map-layer type="wms" url="${mapServerUrl()}/nanhai/ogcapi/collections/zones/items?f=json&amp;limit=1" title="不是 WMS"></cb-map-layer>
      </cb-map-viewer>
    </div>`);
    const element = wrapper.querySelector('cb-map-viewer')!;
    const errors: string[] = [];
    element.addEventListener('cb-error', (event) => errors.push(event.detail.message));
    await oneEvent(element, 'cb-ready');
    await waitUntil(() => errors.length >= 2, 'both layers reported');
    expect(errors.join(' ')).to.contain('不存在的服务');
    expect(errors.join(' ')).to.contain('不是 WMS');
    const group = externalGroup(element)!;
    expect(group.querySelectorAll('.layer__state--error')).to.have.length(2);
    expect(element.getMap()!.loaded()).to.equal(true);
  });

  it('shows hostile titles and feature properties from the server as text', async () => {
    const element = await readyMap(html`<cb-map-viewer base-url=${sandboxUrl()} basemap="none" loading="eager" center="113.06,23.03" zoom="11" layer-list legend>
      <cb-map-layer type="wms" url="${mapServerUrl()}/wms" layers="hostile"></cb-map-layer>
      <cb-map-layer type="ogc-features" url="${mapServerUrl()}/nanhai/ogcapi" collection="hostile"></cb-map-layer>
    </cb-map-viewer>`);
    const root = element.shadowRoot!;
    expect(text(externalGroup(element))).to.contain('<img src=x onerror=cbTrap("wms-title")>');
    expect(root.querySelector('img[onerror], svg[onload]')).to.equal(null);
  });
});
