/**
 * MSW handlers that serve the GIS "one map" API for <cb-map-viewer> stories from
 * @citybrain/domain, in the shapes of openapi/gis.yaml: the catalogue in the ten categories,
 * TileJSON, style fragments, Mapbox Vector Tiles cut in the browser (geojson-vt + vt-pbf), the
 * offline basemap (and a GCJ-02-shifted copy of it, standing in for an AMap-style basemap),
 * identify, place search, regions, OGC items, the homestead zone check, and the imagery (遥感影像)
 * painted by the domain package and encoded as PNG in the browser.
 *
 * The district's synthetic boundaries and zones are generated on the first request (a few
 * seconds), then kept.
 */
import { delay, http, HttpResponse, type HttpHandler } from 'msw';
import geojsonvt, { type GeoJsonVtIndex } from 'geojson-vt';
import { fromGeojsonVt } from 'vt-pbf';
import gcoord from 'gcoord';
import type { Feature, FeatureCollection, Geometry, Point, Polygon, MultiPolygon } from 'geojson';
// Fixture sources by path: Storybook's Vite config aliases only the client and the components.
import { controlZones, homesteadParcels, labelPointOf, servicePoints } from '../../packages/domain/src/gis.js';
import { districtOutline, regionBoundaries, boundaryOf } from '../../packages/domain/src/boundaries.js';
import { DISTRICT, findTown, findVillage, towns } from '../../packages/domain/src/regions.js';
import { mainRoads, waterways } from '../../packages/domain/src/gis-network.js';
import { bboxOf, pointInGeometry, type Bbox, type LonLat } from '../../packages/domain/src/geometry.js';
import { GIS_CATEGORIES, SANDBOX_REVIEW_NO, gisLayerEntry, layerRecordOf, type GisCategoryId, type GisLayerEntry, type GisLegend } from '../../packages/domain/src/gis-catalogue.js';
import { gridCells } from '../../packages/domain/src/gis-grid.js';
import { GIS_IMAGERY, IMAGERY_TILE_SIZE, findImagery, paintImageryTile, type ImageryEntry } from '../../packages/domain/src/gis-imagery.js';
import { gisServicesOf } from '../../packages/domain/src/gis-services.js';

/** A catalogue layer (the sandbox's records, @citybrain/domain) with the features the stories serve for it. */
interface LayerDef extends GisLayerEntry {
  features: () => Feature[];
}


function memo<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

const townFeatures = memo(() =>
  regionBoundaries().towns.map((town) => ({
    type: 'Feature' as const,
    id: town.properties.code,
    properties: { id: town.properties.code, code: town.properties.code, name: town.properties.name, kind: 'town' },
    geometry: town.geometry,
  })),
);

const villageFeatures = memo(() =>
  regionBoundaries().villages.map((village) => ({
    type: 'Feature' as const,
    id: village.properties.code,
    properties: {
      id: village.properties.code,
      code: village.properties.code,
      name: village.properties.name,
      kind: findVillage(village.properties.code)?.kind === 'community' ? 'community' : 'village',
      townCode: village.properties.parentCode,
    },
    geometry: village.geometry,
  })),
);

const zoneFeatures = memo(() =>
  controlZones().map((zone) => ({
    type: 'Feature' as const,
    id: zone.id,
    properties: {
      id: zone.id,
      zoneType: zone.zoneType,
      townCode: zone.townCode,
      villageCode: zone.villageCode,
      sourceLayer: zone.sourceLayer,
      sourceDept: zone.sourceDept,
      legalBasis: zone.legalBasis,
      version: zone.version,
      effectiveDate: zone.effectiveDate,
      areaSqm: zone.areaSqm,
    },
    geometry: zone.geometry,
  })),
);

/** Parcels of 狮山镇 at the small seed size (about 700), owners masked as for the public. */
const parcelFeatures = memo(() => {
  const features: Feature[] = [];
  for (const parcel of homesteadParcels({ size: 'small' })) {
    if (parcel.townCode !== '440605124') continue;
    features.push({
      type: 'Feature',
      id: parcel.id,
      properties: {
        id: parcel.id,
        parcelNo: parcel.parcelNo,
        villageCode: parcel.villageCode,
        villageName: parcel.villageName,
        ownerName: `${parcel.ownerName.slice(0, 1)}**`,
        ownerIdNumber: null,
        ownerPhone: null,
        areaSqm: parcel.areaSqm,
        landUse: parcel.landUse,
        status: parcel.status,
      },
      geometry: parcel.geometry,
    });
  }
  return features;
});

const pointFeatures = memo(() =>
  servicePoints().map((point) => ({
    type: 'Feature' as const,
    id: point.id,
    properties: { id: point.id, name: point.name, kind: point.kind, code: point.code, townCode: point.townCode, villageCode: point.villageCode, address: point.address },
    geometry: point.geometry,
  })),
);

const gridFeatures = memo(() =>
  gridCells().map((cell) => ({
    type: 'Feature' as const,
    id: cell.gridCode,
    properties: { id: cell.gridCode, name: cell.name, kind: cell.kind, code: cell.gridCode, townCode: cell.townCode, villageCode: cell.villageCode },
    geometry: cell.geometry,
  })),
);

const LAYERS: LayerDef[] = [
  { ...gisLayerEntry('towns'), features: townFeatures },
  { ...gisLayerEntry('villages'), features: villageFeatures },
  { ...gisLayerEntry('zones'), features: zoneFeatures },
  { ...gisLayerEntry('homestead-parcels'), features: parcelFeatures },
  { ...gisLayerEntry('service-points'), features: pointFeatures },
  { ...gisLayerEntry('grid-cells'), features: gridFeatures },
];

/** A category as `/gis/categories` presents it: its layers here and the platform's services in it. */
function categoryRecord(id: GisCategoryId, title: string, titleEn: string, order: number) {
  return {
    id,
    title,
    titleEn,
    order,
    layerCount: LAYERS.filter((layer) => layer.category === id).length,
    services: gisServicesOf(id).map(({ id: serviceId, title: serviceTitle, titleEn: serviceTitleEn, layerIds }) => ({ id: serviceId, title: serviceTitle, titleEn: serviceTitleEn, layerIds })),
  };
}

function imageryRecord(entry: ImageryEntry, origin: string) {
  return {
    ...entry,
    format: 'image/png',
    tileSize: IMAGERY_TILE_SIZE,
    reviewNo: entry.access === 'public' ? SANDBOX_REVIEW_NO : null,
    tiles: [`${origin}/api/v1/gis/imagery/${entry.id}/tiles/{z}/{x}/{y}.png`],
    links: [link(origin, `/gis/imagery/${entry.id}/tilejson`, 'describedby', 'application/json')],
  };
}

/** An imagery tile as the sandbox paints it, encoded as PNG by the browser's canvas. */
async function imageryTile(entry: ImageryEntry, z: number, x: number, y: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(IMAGERY_TILE_SIZE, IMAGERY_TILE_SIZE);
  const pixels = paintImageryTile(entry, z, x, y);
  canvas.getContext('2d')!.putImageData(new ImageData(pixels, IMAGERY_TILE_SIZE, IMAGERY_TILE_SIZE), 0, 0);
  return canvas.convertToBlob({ type: 'image/png' });
}

const DISTRICT_BBOX: Bbox = [112.83, 22.8, 113.26, 23.32];

/**
 * Area-weighted centroid of the outer rings, computed relative to the first vertex (absolute
 * lon/lat values lose the precision a 10-metre parcel needs).
 */
function centroidOf(geometry: Polygon | MultiPolygon): LonLat {
  const rings = (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates).map((polygon) => polygon[0]!);
  const [ox, oy] = rings[0]![0]! as LonLat;
  let area = 0;
  let cx = 0;
  let cy = 0;
  for (const ring of rings) {
    for (let i = 0; i < ring.length - 1; i++) {
      const [x0, y0] = [ring[i]![0]! - ox, ring[i]![1]! - oy];
      const [x1, y1] = [ring[i + 1]![0]! - ox, ring[i + 1]![1]! - oy];
      const cross = x0 * y1 - x1 * y0;
      area += cross;
      cx += (x0 + x1) * cross;
      cy += (y0 + y1) * cross;
    }
  }
  return area === 0 ? [ox, oy] : [ox + cx / (3 * area), oy + cy / (3 * area)];
}

function link(origin: string, path: string, rel: string, type: string) {
  return { href: `${origin}/api/v1${path}`, rel, type };
}

function layerRecord(layer: LayerDef, origin: string) {
  return layerRecordOf(layer, {
    bbox: DISTRICT_BBOX,
    featureCount: layer.features().length,
    crs: ['http://www.opengis.net/def/crs/OGC/1.3/CRS84'],
    links: [
      link(origin, `/gis/layers/${layer.id}/tilejson`, 'tilejson', 'application/json'),
      link(origin, `/gis/layers/${layer.id}/style`, 'stylesheet', 'application/vnd.maplibre.style+json'),
      link(origin, `/gis/collections/${layer.id}/items`, 'items', 'application/geo+json'),
    ],
  });
}

function colorExpression(legend: GisLegend): unknown {
  if (!legend.property || legend.items.length === 1) return legend.items[0]!.color;
  return ['match', ['get', legend.property], ...legend.items.flatMap((item) => [item.value, item.color]), '#868e96'];
}

function styleFragment(layer: LayerDef, origin: string) {
  const base = { source: layer.id, 'source-layer': layer.id, minzoom: layer.minzoom };
  const color = colorExpression(layer.legend);
  const layers =
    layer.geometryType === 'Point'
      ? [{ ...base, id: `cb-${layer.id}-circle`, type: 'circle', paint: { 'circle-color': color, 'circle-radius': 5, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1 } }]
      : [
          { ...base, id: `cb-${layer.id}-fill`, type: 'fill', paint: { 'fill-color': color, 'fill-opacity': layer.category === 'boundaries' ? 0.03 : layer.id === 'homestead-parcels' ? 0.65 : 0.35 } },
          {
            ...base,
            id: `cb-${layer.id}-outline`,
            type: 'line',
            paint: { 'line-color': color, 'line-width': layer.id === 'towns' ? 2 : 1, ...(layer.id === 'villages' ? { 'line-dasharray': [3, 2] } : {}) },
          },
        ];
  return {
    version: 8,
    name: layer.title,
    metadata: { 'citybrain:layerId': layer.id },
    sources: { [layer.id]: { type: 'vector', url: `${origin}/api/v1/gis/layers/${layer.id}/tilejson` } },
    layers,
  };
}

const tileIndexes = new Map<string, GeoJsonVtIndex>();

function tileIndex(key: string, features: () => Feature[], maxZoom: number): GeoJsonVtIndex {
  let index = tileIndexes.get(key);
  if (!index) {
    index = geojsonvt({ type: 'FeatureCollection', features: features() }, { maxZoom, indexMaxZoom: 4, extent: 4096, buffer: 64 });
    tileIndexes.set(key, index);
  }
  return index;
}

function tileResponse(layers: Record<string, GeoJsonVtIndex>, z: number, x: number, y: number): Response {
  const tiles: Record<string, NonNullable<ReturnType<GeoJsonVtIndex['getTile']>>> = {};
  for (const [name, index] of Object.entries(layers)) {
    const tile = index.getTile(z, x, y);
    if (tile && tile.features.length > 0) tiles[name] = tile;
  }
  if (Object.keys(tiles).length === 0) return new HttpResponse(null, { status: 204 });
  const bytes = fromGeojsonVt(tiles, { version: 2 });
  return new HttpResponse(bytes.slice().buffer, { headers: { 'content-type': 'application/vnd.mapbox-vector-tile' } });
}

// ---- basemap ------------------------------------------------------------------------------

const FONTS = ['Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', 'sans-serif'];

const basemapLayers = memo(() => ({
  district: [districtOutline() as Feature],
  towns: townFeatures() as Feature[],
  villages: villageFeatures() as Feature[],
  water: waterways().map((waterway) => ({ type: 'Feature', properties: { name: waterway.name, kind: waterway.kind }, geometry: waterway.surface }) as Feature),
  roads: mainRoads().map((road) => ({ type: 'Feature', properties: { name: road.name, kind: road.kind }, geometry: road.geometry }) as Feature),
  places: towns.map((town) => ({ type: 'Feature', properties: { name: town.name, level: 'town' }, geometry: { type: 'Point', coordinates: labelPointOf(town.code) } }) as Feature),
}));

function shifted(features: Feature[]): Feature[] {
  return features.map((feature) => gcoord.transform(structuredClone(feature) as never, gcoord.WGS84, gcoord.GCJ02) as unknown as Feature);
}

function basemapIndexes(variant: 'wgs84' | 'gcj02'): Record<string, GeoJsonVtIndex> {
  const layers = basemapLayers();
  return Object.fromEntries(
    Object.entries(layers).map(([name, features]) => [
      name,
      tileIndex(`basemap-${variant}-${name}`, () => (variant === 'gcj02' ? shifted(features) : features), 14),
    ]),
  );
}

function basemapStyle(origin: string, variant: 'wgs84' | 'gcj02') {
  const path = variant === 'gcj02' ? 'basemap-gcj02' : 'basemap';
  return {
    version: 8,
    name: variant === 'gcj02' ? '演示底图（GCJ-02 偏移）' : '南海区离线底图',
    metadata: { 'citybrain:reviewNo': SANDBOX_REVIEW_NO, 'citybrain:attribution': '南海区城市大脑 · 离线底图（模拟数据）' },
    center: [113.06, 23.06],
    zoom: 10,
    sources: {
      basemap: {
        type: 'vector',
        tiles: [`${origin}/api/v1/gis/${path}/tiles/{z}/{x}/{y}.pbf`],
        minzoom: 0,
        maxzoom: 14,
        attribution: variant === 'gcj02' ? '演示：GCJ-02 底图（模拟高德样式）' : '南海区城市大脑 · 离线底图（模拟数据）',
      },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#eef0f2' } },
      { id: 'district-fill', type: 'fill', source: 'basemap', 'source-layer': 'district', paint: { 'fill-color': '#f8f4ec' } },
      { id: 'water-fill', type: 'fill', source: 'basemap', 'source-layer': 'water', paint: { 'fill-color': '#a5d8ff' } },
      { id: 'village-boundaries', type: 'line', source: 'basemap', 'source-layer': 'villages', minzoom: 11, paint: { 'line-color': '#c5b8de', 'line-width': 0.8, 'line-dasharray': [3, 2] } },
      { id: 'town-boundaries', type: 'line', source: 'basemap', 'source-layer': 'towns', paint: { 'line-color': '#9c88c9', 'line-width': 1.2, 'line-dasharray': [4, 2] } },
      { id: 'district-boundary', type: 'line', source: 'basemap', 'source-layer': 'district', paint: { 'line-color': '#7950f2', 'line-width': 2.2 } },
      {
        id: 'roads',
        type: 'line',
        source: 'basemap',
        'source-layer': 'roads',
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': ['match', ['get', 'kind'], 'expressway', '#f7b267', 'national', '#ffe08a', '#ffffff'], 'line-width': ['interpolate', ['linear'], ['zoom'], 8, 0.8, 14, 6] },
      },
      {
        id: 'town-labels',
        type: 'symbol',
        source: 'basemap',
        'source-layer': 'places',
        layout: { 'text-field': ['get', 'name'], 'text-font': FONTS, 'text-size': 14 },
        paint: { 'text-color': '#343a40', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
      },
    ],
  };
}

// ---- queries -------------------------------------------------------------------------------

function problem(status: number, title: string, detail: string): Response {
  return HttpResponse.json(
    { type: `https://citybrain.nanhai.gov.cn/problems/${status}`, title, status, detail, requestId: `sb-${status}` },
    { status, headers: { 'content-type': 'application/problem+json', 'x-request-id': `sb-${status}` } },
  );
}

function distanceMetres(a: LonLat, b: LonLat): number {
  const dx = (a[0] - b[0]) * 102_483.5;
  const dy = (a[1] - b[1]) * 110_744.7;
  return Math.hypot(dx, dy);
}

function hit(feature: Feature, point: LonLat, tolerance: number): number | undefined {
  const geometry = feature.geometry as Geometry;
  if (geometry.type === 'Polygon' || geometry.type === 'MultiPolygon') {
    return pointInGeometry(point, geometry as Polygon | MultiPolygon) ? 0 : undefined;
  }
  if (geometry.type === 'Point') {
    const distance = distanceMetres(point, (geometry as Point).coordinates as LonLat);
    return distance <= Math.max(tolerance, 30) ? Math.round(distance) : undefined;
  }
  return undefined;
}

function regionDetail(code: string) {
  const boundary = boundaryOf(code);
  if (!boundary) return undefined;
  const village = findVillage(code);
  const town = findTown(village ? code.slice(0, 9) : code);
  const district = { code: DISTRICT.code, name: DISTRICT.name, level: 'district', parentCode: '4406', urbanRuralType: null, validFrom: '2023-01-01', validTo: null };
  const townRef = town ? { code: town.code, name: town.name, level: 'town', parentCode: DISTRICT.code, urbanRuralType: null, validFrom: '2023-01-01', validTo: null } : undefined;
  const level = code.length === 6 ? 'district' : village ? 'village' : 'town';
  const ancestors = level === 'district' ? [] : level === 'town' ? [district] : [district, townRef!];
  return {
    code,
    name: boundary.properties.name,
    level,
    parentCode: level === 'district' ? '4406' : level === 'town' ? DISTRICT.code : code.slice(0, 9),
    urbanRuralType: null,
    validFrom: '2023-01-01',
    validTo: null,
    ancestors,
    bbox: bboxOf(boundary.geometry),
    centroid: centroidOf(boundary.geometry),
    geometry: boundary.geometry,
  };
}

const ZONE_RANK: Record<string, number> = { prohibited: 3, restricted: 2, buildable: 1 };
const ZONE_TEXT = {
  buildable: { label: { zh: '适建区', en: 'Buildable' }, explanation: { zh: '该位置位于村庄规划住宅用地内，可申请宅基地（以镇街实地踏勘为准）', en: 'The point lies in residential land of the village plan; homestead applications are possible (the town’s site visit decides).' } },
  restricted: { label: { zh: '限建区', en: 'Restricted' }, explanation: { zh: '该位置需办理农用地转用等手续后方可建设，请咨询镇街', en: 'Building here needs farmland conversion or other approvals first; ask the town.' } },
  prohibited: { label: { zh: '禁建区', en: 'Prohibited' }, explanation: { zh: '该位置属于禁止建设区域，不能申请宅基地', en: 'No building is allowed here; no homestead application is possible.' } },
};

function zoneCheck(point: LonLat) {
  if (!pointInGeometry(point, districtOutline().geometry)) return undefined;
  const matching = controlZones()
    .filter((zone) => point[0] >= zone.bbox[0] && point[0] <= zone.bbox[2] && point[1] >= zone.bbox[1] && point[1] <= zone.bbox[3])
    .filter((zone) => pointInGeometry(point, zone.geometry))
    .sort((a, b) => ZONE_RANK[b.zoneType]! - ZONE_RANK[a.zoneType]!)
    .map(({ geometry: _geometry, bbox: _bbox, ...rule }) => rule);
  const decisive = matching[0] ?? null;
  const result = (decisive?.zoneType ?? 'restricted') as keyof typeof ZONE_TEXT;
  const villageFeature = villageFeatures().find((feature) => pointInGeometry(point, feature.geometry as Polygon | MultiPolygon));
  const village = villageFeature ? findVillage(String(villageFeature.id)) : undefined;
  const town = village ? findTown(village.code.slice(0, 9)) : undefined;
  return {
    point,
    result,
    ...ZONE_TEXT[result],
    decisiveZone: decisive,
    zones: matching,
    town: town ? { code: town.code, name: town.name } : null,
    village: village ? { code: village.code, name: village.name } : null,
    checkedAt: new Date().toISOString(),
  };
}

function search(q: string, limit: number) {
  const places: unknown[] = [];
  const add = (kind: string, feature: Feature, label: string, code: string, layerId: string, context: string) => {
    const geometry = feature.geometry as Polygon | MultiPolygon | Point;
    const bbox = geometry.type === 'Point' ? [...geometry.coordinates, ...geometry.coordinates] : bboxOf(geometry);
    const center = geometry.type === 'Point' ? geometry.coordinates : centroidOf(geometry as Polygon | MultiPolygon);
    places.push({ kind, label, context, code, layerId, featureId: String(feature.id), bbox, center });
  };
  for (const feature of townFeatures()) {
    const { name, code } = feature.properties;
    if (name.includes(q) || code.startsWith(q)) add('town', feature, name, code, 'towns', DISTRICT.name);
  }
  for (const feature of villageFeatures()) {
    const { name, code, townCode } = feature.properties;
    if (name.includes(q) || code.startsWith(q)) add('village', feature, name, code, 'villages', `${DISTRICT.name} · ${findTown(townCode)?.name ?? ''}`);
  }
  if (/^\d{6,}/.test(q)) {
    for (const feature of parcelFeatures()) {
      const parcelNo = String(feature.properties?.parcelNo);
      if (parcelNo.startsWith(q)) add('parcel', feature, parcelNo, parcelNo, 'homestead-parcels', String(feature.properties?.villageName));
      if (places.length >= limit) break;
    }
  }
  for (const feature of pointFeatures()) {
    if (feature.properties.name.includes(q)) add('service-point', feature, feature.properties.name, feature.properties.code, 'service-points', findTown(feature.properties.townCode)?.name ?? '');
    if (places.length >= limit * 2) break;
  }
  return places.slice(0, limit);
}

export interface GisStoryOptions {
  /** Latency of every answer in ms. */
  latency?: number;
}

/** The GIS service (and the region and zone-check operations the map uses) for stories. */
export function mapViewerHandlers(options: GisStoryOptions = {}): HttpHandler[] {
  const wait = () => (options.latency ? delay(options.latency) : Promise.resolve());
  const layerById = (id: string) => LAYERS.find((layer) => layer.id === id);
  return [
    http.get('*/api/v1/gis/categories', async () => {
      await wait();
      return HttpResponse.json({
        items: GIS_CATEGORIES.map(({ id, title, titleEn }, index) => categoryRecord(id, title, titleEn, index + 1)),
      });
    }),
    http.get('*/api/v1/gis/layers', async ({ request }) => {
      await wait();
      const origin = new URL(request.url).origin;
      const layers = LAYERS.map((layer) => layerRecord(layer, origin));
      return HttpResponse.json({
        layers,
        groups: GIS_CATEGORIES.filter(({ id }) => LAYERS.some((layer) => layer.category === id)).map(({ id, title, titleEn }, index) => ({
          category: categoryRecord(id, title, titleEn, index + 1),
          layerIds: LAYERS.filter((layer) => layer.category === id).map((layer) => layer.id),
        })),
        numberMatched: layers.length,
        numberReturned: layers.length,
        links: [],
      });
    }),
    http.get('*/api/v1/gis/layers/:layerId/tilejson', ({ request, params }) => {
      const layer = layerById(String(params.layerId));
      if (!layer) return problem(404, 'Not Found', '没有这个图层');
      const origin = new URL(request.url).origin;
      return HttpResponse.json({
        tilejson: '3.0.0',
        name: layer.title,
        attribution: layer.attribution,
        scheme: 'xyz',
        tiles: [`${origin}/api/v1/gis/tiles/${layer.id}/{z}/{x}/{y}.pbf`],
        minzoom: layer.minzoom,
        maxzoom: layer.maxzoom,
        bounds: DISTRICT_BBOX,
        vector_layers: [{ id: layer.id, fields: layer.tileFields }],
      });
    }),
    http.get('*/api/v1/gis/layers/:layerId/style', ({ request, params }) => {
      const layer = layerById(String(params.layerId));
      if (!layer) return problem(404, 'Not Found', '没有这个图层');
      return HttpResponse.json(styleFragment(layer, new URL(request.url).origin));
    }),
    http.get('*/api/v1/gis/tiles/:layerId/:z/:x/:file', ({ params }) => {
      const layer = layerById(String(params.layerId));
      if (!layer) return problem(404, 'Not Found', '没有这个图层');
      const [z, x, y] = [Number(params.z), Number(params.x), Number.parseInt(String(params.file), 10)];
      return tileResponse({ [layer.id]: tileIndex(layer.id, layer.features, layer.maxzoom) }, z, x, y);
    }),
    http.get('*/api/v1/gis/imagery', async ({ request }) => {
      await wait();
      const origin = new URL(request.url).origin;
      return HttpResponse.json({ imagery: GIS_IMAGERY.map((entry) => imageryRecord(entry, origin)), links: [] });
    }),
    http.get('*/api/v1/gis/imagery/:imageryId/tiles/:z/:x/:file', async ({ params }) => {
      const entry = findImagery(String(params.imageryId));
      if (!entry) return problem(404, 'Not Found', '没有这个影像');
      const [z, x, y] = [Number(params.z), Number(params.x), Number.parseInt(String(params.file), 10)];
      if (z < entry.minzoom || z > entry.maxzoom) return problem(400, 'Bad Request', `影像没有第 ${z} 级瓦片`);
      return new HttpResponse(await imageryTile(entry, z, x, y), { headers: { 'content-type': 'image/png' } });
    }),
    http.get('*/api/v1/gis/basemap/style.json', async ({ request }) => {
      await wait();
      return HttpResponse.json(basemapStyle(new URL(request.url).origin, 'wgs84'));
    }),
    http.get('*/api/v1/gis/basemap-gcj02/style.json', ({ request }) => HttpResponse.json(basemapStyle(new URL(request.url).origin, 'gcj02'))),
    http.get('*/api/v1/gis/basemap/tiles/:z/:x/:file', ({ params }) =>
      tileResponse(basemapIndexes('wgs84'), Number(params.z), Number(params.x), Number.parseInt(String(params.file), 10)),
    ),
    http.get('*/api/v1/gis/basemap-gcj02/tiles/:z/:x/:file', ({ params }) =>
      tileResponse(basemapIndexes('gcj02'), Number(params.z), Number(params.x), Number.parseInt(String(params.file), 10)),
    ),
    http.get('*/api/v1/gis/collections/:layerId/items', ({ request, params }) => {
      const layer = layerById(String(params.layerId));
      if (!layer) return problem(404, 'Not Found', '没有这个图层');
      const url = new URL(request.url);
      const limit = Math.min(1000, Number(url.searchParams.get('limit') ?? 100));
      const box = (url.searchParams.get('bbox') ?? '').split(',').map(Number);
      const features = layer.features().filter((feature) => {
        if (box.length !== 4) return true;
        const [w, s, e, n] = bboxOf(feature.geometry as Geometry);
        return !(e < box[0]! || w > box[2]! || n < box[1]! || s > box[3]!);
      });
      return HttpResponse.json({
        type: 'FeatureCollection',
        numberMatched: features.length,
        numberReturned: Math.min(limit, features.length),
        features: features.slice(0, limit),
        links: [],
      } satisfies FeatureCollection & Record<string, unknown>);
    }),
    http.get('*/api/v1/gis/identify', async ({ request }) => {
      await wait();
      const url = new URL(request.url);
      const point: LonLat = [Number(url.searchParams.get('lon')), Number(url.searchParams.get('lat'))];
      const tolerance = Number(url.searchParams.get('tolerance') ?? 10);
      const ids = (url.searchParams.get('layers') ?? LAYERS.map((layer) => layer.id).join(',')).split(',');
      const results = LAYERS.filter((layer) => ids.includes(layer.id))
        .map((layer) => ({
          layerId: layer.id,
          layerTitle: layer.title,
          features: layer
            .features()
            .map((feature) => ({ feature, distance: hit(feature, point, tolerance) }))
            .filter((entry): entry is { feature: Feature; distance: number } => entry.distance !== undefined)
            .sort((a, b) => a.distance - b.distance)
            .slice(0, 10)
            .map(({ feature, distance }) => ({ type: 'Feature', id: feature.id, geometry: null, properties: feature.properties, distanceM: distance })),
        }))
        .filter((result) => result.features.length > 0);
      const parcels = results.some((result) => result.layerId === 'homestead-parcels');
      return HttpResponse.json({
        location: point,
        tolerance,
        results,
        masking: parcels ? { masked: true, fields: ['ownerIdNumber', 'ownerName', 'ownerPhone'], reason: 'role:public' } : { masked: false, fields: [] },
      });
    }),
    http.get('*/api/v1/gis/search', async ({ request }) => {
      await wait();
      const url = new URL(request.url);
      const q = (url.searchParams.get('q') ?? '').trim();
      const items = search(q, Number(url.searchParams.get('limit') ?? 10));
      return HttpResponse.json({ query: q, numberReturned: items.length, items });
    }),
    http.get('*/api/v1/regions/:code', async ({ params }) => {
      await wait();
      const detail = regionDetail(String(params.code));
      return detail ? HttpResponse.json(detail) : problem(404, 'Not Found', '没有这个行政区划');
    }),
    http.get('*/api/v1/approvals/zone-check', async ({ request }) => {
      await wait();
      const url = new URL(request.url);
      const check = zoneCheck([Number(url.searchParams.get('lon')), Number(url.searchParams.get('lat'))]);
      return check ? HttpResponse.json(check) : problem(422, 'Unprocessable Entity', '该位置不在南海区范围内');
    }),
  ];
}

/** A catalogue that cannot be reached: 503 with RFC 9457 problem details. */
export function catalogueUnavailableHandlers(): HttpHandler[] {
  const unavailable = () => problem(503, 'Service Unavailable', '一张图服务正在维护，预计 10 分钟后恢复。');
  return [http.get('*/api/v1/gis/layers', unavailable), http.get('*/api/v1/gis/basemap/style.json', unavailable), http.get('*/api/v1/gis/categories', unavailable)];
}

/** A point inside a parcel of 唐边村委会, for the identify story. */
export function sampleParcelPoint(): LonLat {
  const parcel = parcelFeatures().find((feature) => feature.properties?.villageCode === '440605124201') ?? parcelFeatures()[0]!;
  return centroidOf(parcel.geometry as Polygon);
}
