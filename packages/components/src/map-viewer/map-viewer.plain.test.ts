/**
 * The map viewer's pure parts, without WebGL or a server: attribute parsing, overlay building
 * from catalogue records and style fragments, datum conversion, the scale bar, basemaps and
 * attribute labels.
 */
import { expect } from '@open-wc/testing';
import type { Layer, TileJson } from '@citybrain/client';
import { attributionText, offlineBasemap } from './basemaps.js';
import { tiandituBasemap } from './tianditu.js';
import { parseBasemap, parseBasemapCrs, parseCenter, parseLayerIds, parseMode, parseZoom, safeColor, toBBox, toLngLat } from './config.js';
import { convertBBox, convertGeoJson, convertPoint, loadDatumConverter, needsConversion } from './coords.js';
import { fieldLabel, fieldValue } from './fields.js';
import { buildOverlay, firstLabelLayerId, legendColorExpression, type StyleFragment } from './overlays.js';
import { metresPerPixel, scaleBar } from './scale.js';

const zones: Layer = {
  id: 'zones',
  title: '村庄建设管控分区',
  titleEn: 'Village construction control zones',
  category: 'planning',
  access: 'public',
  geometryType: 'Polygon',
  sourceLayer: 'zones',
  coordSys: 'cgcs2000',
  storageCrs: 'http://www.opengis.net/def/crs/EPSG/0/4490',
  crs: ['http://www.opengis.net/def/crs/OGC/1.3/CRS84'],
  reviewNo: '粤S(2025)000号',
  attribution: '佛山市自然资源局南海分局（模拟数据）',
  updated: '2026-01-15T00:00:00Z',
  minzoom: 8,
  maxzoom: 16,
  bbox: [112.87, 22.82, 113.26, 23.27],
  featureCount: 903,
  legend: {
    property: 'zoneType',
    items: [
      { value: 'buildable', label: '可建区', labelEn: 'Buildable', color: '#40c057' },
      { value: 'restricted', label: '限建区', labelEn: 'Restricted', color: '#fab005' },
      { value: 'prohibited', label: '禁建区', labelEn: 'Prohibited', color: 'red;background:url(x)' },
    ],
  },
  links: [],
};

const tileJson: TileJson = {
  tilejson: '3.0.0',
  tiles: ['http://localhost:8080/api/v1/gis/tiles/zones/{z}/{x}/{y}.pbf'],
  minzoom: 8,
  maxzoom: 16,
  bounds: [112.87, 22.82, 113.26, 23.27],
  vector_layers: [{ id: 'zones', fields: { id: '图斑编号 (String)', zoneType: '管控类型 buildable|restricted|prohibited (String)' } }],
};

describe('map viewer attributes', () => {
  it('parses layer lists and refuses anything that is not an id', () => {
    expect(parseLayerIds('zones, villages  homestead-parcels,zones')).to.deep.equal({ ok: true, value: ['zones', 'villages', 'homestead-parcels'] });
    expect(parseLayerIds('')).to.deep.equal({ ok: true, value: [] });
    expect(parseLayerIds(undefined)).to.deep.equal({ ok: true, value: [] });
    expect(parseLayerIds('zones;<b>x</b>')).to.deep.equal({ ok: false, value: 'zones;<b>x</b>' });
    expect(parseLayerIds('Zones')).to.deep.equal({ ok: false, value: 'Zones' });
  });

  it('parses centre, zoom, basemap, datum and mode', () => {
    expect(parseCenter('113.06,23.03')).to.deep.equal({ ok: true, value: [113.06, 23.03] });
    expect(parseCenter(' 113.06 23.03 ')).to.deep.equal({ ok: true, value: [113.06, 23.03] });
    expect(parseCenter('23.03')).to.have.property('ok', false);
    expect(parseCenter('200,10')).to.have.property('ok', false);
    expect(parseZoom(12)).to.deep.equal({ ok: true, value: 12 });
    expect(parseZoom(Number.NaN)).to.have.property('ok', false);
    expect(parseZoom(21)).to.have.property('ok', false);
    expect(parseBasemap(undefined).value).to.deep.equal({ kind: 'offline' });
    expect(parseBasemap('tianditu-img').value).to.deep.equal({ kind: 'tianditu', variant: 'img' });
    expect(parseBasemap('https://example.com/style.json').value).to.deep.equal({ kind: 'url', url: 'https://example.com/style.json' });
    expect(parseBasemap('javascript:alert(1)')).to.have.property('ok', false);
    expect(parseBasemapCrs('CGCS2000')).to.deep.equal({ ok: true, value: 'wgs84' });
    expect(parseBasemapCrs('gcj02')).to.deep.equal({ ok: true, value: 'gcj02' });
    expect(parseBasemapCrs('bd09')).to.have.property('ok', false);
    expect(parseMode('zone-check')).to.deep.equal({ ok: true, value: 'zone-check' });
    expect(parseMode('draw')).to.have.property('ok', false);
  });

  it('validates coordinates, bboxes and colours from scripts and servers', () => {
    expect(toLngLat([113, 23])).to.deep.equal([113, 23]);
    expect(toLngLat(['113', 23])).to.equal(undefined);
    expect(toBBox([113, 23, 113.1, 23.1])).to.deep.equal([113, 23, 113.1, 23.1]);
    expect(toBBox([113.1, 23, 113, 23.1])).to.equal(undefined);
    expect(safeColor('#40c057')).to.equal('#40c057');
    expect(safeColor('red;background:url(x)')).to.equal('#868e96');
  });
});

describe('map viewer overlays', () => {
  it('re-points the server style fragment at its own source and builds a feature-state highlight beside its layers', () => {
    const fragment: StyleFragment = {
      version: 8,
      sources: { zones: { type: 'vector', url: 'http://localhost:8080/api/v1/gis/layers/zones/tilejson' } },
      layers: [
        { id: 'cb-zones-fill', type: 'fill', source: 'zones', 'source-layer': 'zones', paint: { 'fill-color': '#40c057', 'fill-opacity': 0.35 } },
        { id: 'outline', type: 'line', source: 'zones', 'source-layer': 'zones', paint: { 'line-color': '#40c057' } },
        { id: 'sneaky', type: 'fill', source: 'someone-else', paint: {} },
        { id: 'background', type: 'background' },
      ],
    };
    const build = buildOverlay({ layer: zones, fragment, delivery: { kind: 'tiles', tileJson }, tileUrl: (url) => url, highlightColor: '#1a5fb4' });
    expect(build.sourceId).to.equal('cb-src-zones');
    expect(build.source).to.deep.include({ type: 'vector', promoteId: 'id', minzoom: 8, maxzoom: 16 });
    expect(build.layers.map((layer) => layer.id)).to.deep.equal(['cb-zones-fill', 'cb-zones-outline']);
    expect(build.highlight).to.deep.include({ id: 'cb-zones-highlight', source: 'cb-src-zones', 'source-layer': 'zones' });
    expect(build.layers.every((layer) => (layer as { source?: string }).source === 'cb-src-zones')).to.equal(true);
    expect(build.drawnLayerIds).to.deep.equal(['cb-zones-fill', 'cb-zones-outline']);
  });

  it('draws from the legend without a fragment, sends internal tiles through the protocol, and makes GeoJSON sources', () => {
    const internal = { ...zones, access: 'internal' as const };
    const build = buildOverlay({
      layer: internal,
      fragment: undefined,
      delivery: { kind: 'tiles', tileJson },
      tileUrl: (url) => `citybrain://m1/${url}`,
      highlightColor: '#1a5fb4',
    });
    expect((build.source as { tiles: string[] }).tiles[0]).to.equal('citybrain://m1/http://localhost:8080/api/v1/gis/tiles/zones/{z}/{x}/{y}.pbf');
    expect(build.layers[0]).to.deep.include({ id: 'cb-zones-fill', type: 'fill' });
    const converted = buildOverlay({ layer: zones, fragment: undefined, delivery: { kind: 'geojson' }, tileUrl: (url) => url, highlightColor: '#1a5fb4' });
    expect(converted.source.type).to.equal('geojson');
    expect(converted.layers.every((layer) => !('source-layer' in layer))).to.equal(true);
  });

  it('colours by the legend and never passes a malformed colour through', () => {
    expect(legendColorExpression(zones)).to.deep.equal(['match', ['get', 'zoneType'], 'buildable', '#40c057', 'restricted', '#fab005', 'prohibited', '#868e96', '#868e96']);
  });

  it('finds the first label layer of a basemap (overlays go below it)', () => {
    expect(
      firstLabelLayerId(
        {
          version: 8,
          sources: {},
          layers: [
            { id: 'background', type: 'background' },
            { id: 'notes', type: 'raster', source: 'x', metadata: { 'citybrain:labels': true } },
          ],
        },
        'citybrain:labels',
      ),
    ).to.equal('notes');
  });
});

describe('map viewer datums', () => {
  before(() => loadDatumConverter());

  it('treats CGCS2000 as WGS84 and converts to and from GCJ-02', () => {
    expect(needsConversion('cgcs2000', 'wgs84')).to.equal(false);
    expect(needsConversion('cgcs2000', 'gcj02')).to.equal(true);
    const gcj = convertPoint([113.06, 23.03], 'wgs84', 'gcj02');
    // The GCJ-02 offset in Foshan is a few hundred metres east and south-ish.
    expect(gcj[0] - 113.06).to.be.within(0.003, 0.008);
    const back = convertPoint(gcj, 'gcj02', 'wgs84');
    expect(back[0]).to.be.closeTo(113.06, 1e-5);
    expect(back[1]).to.be.closeTo(23.03, 1e-5);
    const bbox = convertBBox([113, 23, 113.1, 23.1], 'wgs84', 'gcj02');
    expect(bbox[0]).to.be.greaterThan(113);
  });

  it('converts GeoJSON without touching the caller’s object', () => {
    const feature = { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [113.06, 23.03] } };
    const converted = convertGeoJson(feature, 'cgcs2000', 'gcj02');
    expect(feature.geometry.coordinates).to.deep.equal([113.06, 23.03]);
    expect(converted.geometry.coordinates[0]).to.not.equal(113.06);
  });
});

describe('map viewer scale, basemaps and labels', () => {
  it('picks a round scale distance that fits', () => {
    expect(metresPerPixel(0, 0)).to.be.closeTo(78271.5, 1);
    const bar = scaleBar(23, 12, 100);
    expect([1, 2, 5].map((m) => m * 10 ** Math.floor(Math.log10(bar.metres)))).to.include(bar.metres);
    expect(bar.width).to.be.within(40, 100);
  });

  it('builds 天地图 _w services with the site key and reads the offline metadata', () => {
    const basemap = tiandituBasemap({ variant: 'vec', key: 'abc123def456', attribution: '天地图' });
    const style = basemap.style as { sources: Record<string, { tiles: string[] }> };
    const tile = style.sources['tianditu-vec']!.tiles[0]!;
    expect(tile).to.contain('https://t0.tianditu.gov.cn/vec_w/wmts?');
    expect(tile).to.contain('TILEMATRIXSET=w');
    expect(tile).to.contain('TILEROW={y}&TILECOL={x}');
    expect(tile).to.contain('tk=abc123def456');
    expect(style.sources['tianditu-cva']!.tiles).to.have.length(8);
    const proxied = tiandituBasemap({ variant: 'img', key: undefined, baseUrl: 'https://gis.example.gov.cn/tdt', attribution: '天地图' });
    expect((proxied.style as typeof style).sources['tianditu-img']!.tiles).to.deep.equal([
      'https://gis.example.gov.cn/tdt/img_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=img&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}',
    ]);
    const offline = offlineBasemap({ version: 8, sources: {}, layers: [], metadata: { 'citybrain:reviewNo': '粤S(2025)000号' } }, undefined);
    expect(offline.reviewNo).to.equal('粤S(2025)000号');
  });

  it('reduces HTML attributions to inert text', () => {
    expect(attributionText('<a href="https://x" onclick="window.__cbTrap=1">© 高德</a> <img src=x onerror="window.__cbTrap=1">')).to.equal('© 高德');
    expect((window as { __cbTrap?: unknown }).__cbTrap).to.equal(undefined);
  });

  it('labels and formats attributes for the popup', () => {
    expect(fieldLabel('parcelNo', undefined)).to.equal('宗地号');
    expect(fieldLabel('sourceDept', { sourceDept: '主管部门 (String)' })).to.equal('主管部门');
    expect(fieldLabel('mystery', undefined)).to.equal('mystery');
    expect(fieldValue('zoneType', 'restricted', zones)).to.equal('限建区');
    expect(fieldValue('areaSqm', 1333.33, zones)).to.equal('1,333.33 ㎡（2 亩）');
    expect(fieldValue('name', null, zones)).to.equal('—');
  });
});
