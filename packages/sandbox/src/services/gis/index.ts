/**
 * The GIS "one map" service (openapi/gis.yaml): layer catalogue, TileJSON, MapLibre styles, vector
 * tiles, OGC API Features items, identify, place search and the offline basemap.
 */
import type { GisComponents, GisOperations } from '@citybrain/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Feature } from 'geojson';
import {
  GIS_CATEGORIES,
  SANDBOX_NOTICE,
  SANDBOX_REVIEW_NO,
  findTown,
  findVillage,
  foshanDistricts,
  gisCategoryOrder,
  waterways,
} from '@citybrain/fixtures';
import { inScope, requirePermission, scopeRegion, type Role } from '../../auth.js';
import type { SandboxService, ServiceContext } from '../../context.js';
import type { Db } from '../../db.js';
import { maskedFields, personalFieldPolicy } from '../../masking.js';
import { accessOf, isListed } from '../data/access.js';
import { badRequest, forbidden, notFound } from '../../problems.js';
import { bboxToCrs84, contentCrs, geometryIn, ITEM_CRS_URIS, requestedCrs } from './crs.js';
import { bboxAround, centreOf, distanceToGeometry, localFrame, type BBox, type StoredGeometry } from './geo.js';
import {
  LAYERS,
  LAYERS_BY_ID,
  type LayerDef,
  type PersonalView,
  type Row,
} from './layers.js';
import { GisRepository } from './repository.js';
import { migrateGis, seedGis } from './store.js';
import { BASEMAP_MAX_ZOOM, basemapStyle, layerStyle, type BasemapSourceLayer } from './styles.js';
import { TileCache, TileSet, type EncodedTile } from './tiles.js';

/** Encoded tiles kept in memory across all tile sets of one sandbox. */
const TILE_CACHE_BYTES = 96 * 1024 * 1024;
const MVT_TYPE = 'application/vnd.mapbox-vector-tile';
const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const CGCS2000 = 'http://www.opengis.net/def/crs/EPSG/0/4490';
const QUERYABLES_REL = 'http://www.opengis.net/def/rel/ogc/1.0/queryables';
const BASEMAP_ATTRIBUTION = `南海区城市大脑 · 离线底图${SANDBOX_NOTICE}`;
/** Identify looks at no more than this many bbox candidates per layer (towns and villages are few; parcels are small). */
const IDENTIFY_CANDIDATES = 2_000;
const IDENTIFY_PER_LAYER = 10;

/** Per-sandbox state: several sandboxes can run in one process (tests), each with its own database. */
interface GisState {
  repo: GisRepository;
  cache: TileCache;
  tileSets: Map<string, TileSet>;
}

const states = new WeakMap<Db, GisState>();

function stateOf(ctx: ServiceContext): GisState {
  let state = states.get(ctx.db);
  if (!state) {
    state = { repo: new GisRepository(ctx.db), cache: new TileCache(TILE_CACHE_BYTES), tileSets: new Map() };
    states.set(ctx.db, state);
  }
  return state;
}

// --- access and masking ----------------------------------------------------------------------

const canReadInternal = (req: FastifyRequest): boolean => req.principal.permissions.includes('gis:internal');

/**
 * Whether the caller may read a layer. A layer drawn from a dataset follows the data API exactly:
 * absent (404) when the catalogue does not list the dataset to the caller, forbidden when listed but
 * not shared with it. Other layers: public, or internal for callers with `gis:internal`.
 */
function layerAccess(req: FastifyRequest, layer: LayerDef): 'read' | 'absent' | 'forbidden' {
  if (layer.dataset) {
    if (!isListed(req.principal, layer.dataset.definition)) return 'absent';
    return accessOf(req.principal, layer.dataset.definition).read ? 'read' : 'forbidden';
  }
  return layer.access === 'public' || canReadInternal(req) ? 'read' : 'forbidden';
}

function visibleLayers(req: FastifyRequest): LayerDef[] {
  return LAYERS.filter((layer) => layerAccess(req, layer) === 'read');
}

/** The layer, or 404; a layer the caller may not read is 401 anonymous, 403 otherwise (absent if its dataset is unlisted). */
function readableLayer(req: FastifyRequest, layerId: string): LayerDef {
  const layer = LAYERS_BY_ID.get(layerId);
  const access = layer ? layerAccess(req, layer) : 'absent';
  if (!layer || access === 'absent') throw notFound(`图层 ${layerId} 不存在`);
  if (access === 'forbidden') {
    if (layer.dataset) throw forbidden(`图层 ${layerId}：${accessOf(req.principal, layer.dataset.definition).reason}`);
    requirePermission(req, 'gis:internal');
  }
  return layer;
}

/** The region prefix that limits a layer's rows for this caller: its scope for dataset layers, none otherwise. */
const rowScope = (layer: LayerDef, scope: string): string | null => (layer.dataset ? scope : null);

const PROPERTY_OF_FIELD = { name: 'ownerName', idNumber: 'ownerIdNumber', phone: 'ownerPhone', address: 'ownerAddress' } as const;

/**
 * Decides, row by row, which role's masking applies: the caller's own inside its region scope
 * (token region narrowed by X-Region-Code), the public's outside it. Collects what was masked so the
 * response can say so, and audits unmasked personal data.
 */
class MaskingTracker {
  private readonly masked = new Set<string>();
  private outside = false;
  private unmaskedRows = 0;

  constructor(
    private readonly req: FastifyRequest,
    private readonly scope: string,
  ) {}

  viewFor(layer: LayerDef, row: Row): PersonalView {
    const principal = this.req.principal;
    if (layer.personalFields.length === 0) return { role: principal.role, principal };
    const villageCode = typeof row.village_code === 'string' ? row.village_code : '';
    const inside = villageCode.startsWith(this.scope) && inScope(this.req, villageCode);
    const role: Role = inside ? this.req.principal.role : 'public';
    if (!inside) this.outside = true;
    const fields = layer.personalFields.map((p) => p.field);
    for (const field of maskedFields(role, fields)) this.masked.add(PROPERTY_OF_FIELD[field]);
    if (personalFieldPolicy(role).idNumber === 'full') this.unmaskedRows++;
    return { role, principal };
  }

  summary(): { masked: boolean; fields: string[]; reason: string | null } {
    if (this.masked.size === 0) return { masked: false, fields: [], reason: null };
    const reason = `role:${this.req.principal.role}${this.outside && this.req.principal.role !== 'public' ? ';outside-region' : ''}`;
    return { masked: true, fields: [...this.masked].sort(), reason };
  }

  /** Audits the unmasked rows shown since the last call (one entry per layer and request). */
  audit(ctx: ServiceContext, layer: LayerDef): void {
    const rows = this.unmaskedRows;
    this.unmaskedRows = 0;
    if (rows === 0 || !personalFieldPolicy(this.req.principal.role).auditUnmasked) return;
    ctx.audit(this.req, 'gis.personal-data.read', `gis:${layer.id} (${rows} 条)`, ['ownerIdNumber', 'ownerPhone']);
  }
}

// --- URLs and links ----------------------------------------------------------------------------

/** The configured public base URL (config.ts): a forged `Host` header never shapes a link. */
const origin = (ctx: ServiceContext): string => ctx.config.publicBaseUrl ?? '';

/** `https://public.base/api/v1`, the route's prefix after the public base URL. */
function apiBase(req: FastifyRequest, ctx: ServiceContext): string {
  const route = req.routeOptions.url ?? '';
  return `${origin(ctx)}${route.slice(0, route.indexOf('/gis'))}`;
}

/**
 * The request's own URL for a `self` link, its query re-encoded: broken percent-encoding in a request
 * (`?q=%zz`) must not turn the link into an invalid URI.
 */
function selfHref(base: string, req: FastifyRequest): string {
  const url = new URL(`${base}${req.url.slice(req.url.indexOf('/gis'))}`);
  url.search = new URLSearchParams(url.search).toString();
  return url.toString();
}

type Schemas = GisComponents['schemas'];
type Link = Schemas['Link'];

function layerLinks(base: string, layer: LayerDef): Link[] {
  return [
    { href: `${base}/gis/layers/${layer.id}`, rel: 'self', type: 'application/json', title: layer.title },
    { href: `${base}/gis/layers/${layer.id}/tilejson`, rel: 'tilejson', type: 'application/json', title: 'TileJSON 3.0.0' },
    { href: `${base}/gis/layers/${layer.id}/style`, rel: 'stylesheet', type: 'application/vnd.maplibre.style+json', title: 'MapLibre 样式' },
    { href: `${base}/gis/collections/${layer.id}/items`, rel: 'items', type: 'application/geo+json', title: '要素' },
    { href: `${base}/gis/collections/${layer.id}/queryables`, rel: QUERYABLES_REL, type: 'application/schema+json', title: '可查询属性' },
  ];
}

/** The district's extent, for layers that are still empty. */
const DISTRICT_BBOX: BBox = [112.83, 22.8, 113.26, 23.32];

function layerRecord(state: GisState, base: string, layer: LayerDef): Schemas['Layer'] {
  const stats = state.repo.layerStats(layer);
  return {
    id: layer.id,
    title: layer.title,
    titleEn: layer.titleEn,
    description: layer.description,
    category: layer.category,
    keywords: layer.keywords,
    access: layer.access,
    geometryType: layer.geometryType,
    sourceLayer: layer.id,
    coordSys: 'cgcs2000',
    storageCrs: CGCS2000,
    crs: ITEM_CRS_URIS,
    // Internal layers are 内部用图 and carry no 审图号.
    reviewNo: layer.access === 'public' ? SANDBOX_REVIEW_NO : null,
    attribution: layer.attribution,
    license: layer.license,
    updated: layer.updated,
    minzoom: layer.minzoom,
    maxzoom: layer.maxzoom,
    bbox: roundBox(stats.bbox ?? DISTRICT_BBOX),
    featureCount: stats.count,
    legend: layer.legend,
    links: layerLinks(base, layer),
  };
}

function collectionRecord(state: GisState, base: string, layer: LayerDef): Schemas['Collection'] {
  const stats = state.repo.layerStats(layer);
  return {
    id: layer.id,
    title: layer.title,
    description: layer.description,
    itemType: 'feature',
    crs: ITEM_CRS_URIS,
    storageCrs: CGCS2000,
    extent: { spatial: { bbox: [roundBox(stats.bbox ?? DISTRICT_BBOX)], crs: CRS84 } },
    links: [
      { href: `${base}/gis/collections/${layer.id}`, rel: 'self', type: 'application/json', title: layer.title },
      { href: `${base}/gis/collections/${layer.id}/items`, rel: 'items', type: 'application/geo+json', title: layer.title },
      { href: `${base}/gis/collections/${layer.id}/queryables`, rel: QUERYABLES_REL, type: 'application/schema+json', title: '可查询属性' },
      { href: `${base}/gis/layers/${layer.id}/tilejson`, rel: 'describedby', type: 'application/json', title: 'TileJSON 3.0.0' },
      { href: `${base}/gis/layers/${layer.id}/style`, rel: 'stylesheet', type: 'application/vnd.maplibre.style+json', title: 'MapLibre 样式' },
    ],
  };
}

const round6 = (value: number): number => Math.round(value * 1e6) / 1e6;
const roundBox = (box: BBox): BBox => box.map(round6) as BBox;

// --- parameters ----------------------------------------------------------------------------------

/** `bbox` as a CRS84 box: four numbers in the axis order of `bbox-crs` (CRS84 when absent). */
function parseBbox(text: string | undefined, bboxCrs?: unknown): BBox | null {
  if (text === undefined) return null;
  const numbers = text.split(',').map((part) => Number(part.trim()));
  const [a, b, c, d] = numbers as BBox;
  const ordered = numbers.length === 4 && numbers.every(Number.isFinite) && a <= c && b <= d;
  const box = ordered ? bboxToCrs84([a, b, c, d], requestedCrs(bboxCrs)) : null;
  const valid = box !== null && box[0] >= -180 && box[2] <= 180 && box[1] >= -90 && box[3] <= 90 && box.every(Number.isFinite);
  if (!valid) {
    const order = bboxCrs === undefined ? 'minLon,minLat,maxLon,maxLat' : '下角与上角坐标，按 bbox-crs 的坐标轴顺序';
    throw badRequest(`bbox ${text} 无效`, [{ name: 'query/bbox', reason: `应为 ${order}，且 min ≤ max` }]);
  }
  return box;
}

const encodeCursor = (rowid: number): string => Buffer.from(`r${rowid}`).toString('base64url');

function decodeCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  const match = /^r(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw badRequest('cursor 无效', [{ name: 'query/cursor', reason: '请使用上一页 next 链接中的 cursor' }]);
  return Number(match[1]);
}

/** Query parameters of /items that filter by a queryable (the rest are paging and bbox). */
const FILTER_PARAMETERS = ['townCode', 'villageCode', 'zoneType', 'landUse', 'status', 'parcelNo', 'kind'] as const;

function itemFilters(layer: LayerDef, query: Record<string, unknown>): { column: string; value: string }[] {
  const filters: { column: string; value: string }[] = [];
  for (const name of FILTER_PARAMETERS) {
    const value = query[name];
    if (value === undefined) continue;
    const queryable = layer.queryables[name];
    if (!queryable) {
      throw badRequest(`图层 ${layer.id} 不支持按 ${name} 过滤`, [
        { name: `query/${name}`, reason: `可查询属性：${Object.keys(layer.queryables).join(', ') || '无'}` },
      ]);
    }
    const text = String(value);
    if (queryable.schema.enum && !queryable.schema.enum.includes(text)) {
      throw badRequest(`${name} 取值 ${text} 无效`, [{ name: `query/${name}`, reason: `应为 ${queryable.schema.enum.join(', ')}` }]);
    }
    filters.push({ column: queryable.column, value: text });
  }
  return filters;
}

// --- features ------------------------------------------------------------------------------------

function toFeature(layer: LayerDef, row: Row, view: PersonalView): Feature<StoredGeometry> & { id: string } {
  return {
    type: 'Feature',
    id: row.id,
    geometry: JSON.parse(row.geometry) as StoredGeometry,
    properties: layer.properties(row, view) as Record<string, unknown>,
  };
}

/** A layer's tiles for a region scope (`null`: the whole layer); tile sets of dataset layers are per scope. */
function tileSetFor(state: GisState, layer: LayerDef, regionPrefix: string | null): TileSet {
  const key = regionPrefix === null ? layer.id : `${layer.id}@${regionPrefix}`;
  let tileSet = state.tileSets.get(key);
  if (!tileSet) {
    tileSet = new TileSet(
      key,
      layer.maxzoom,
      () =>
        new Map([
          [
            layer.id,
            state.repo.allRows(layer, regionPrefix).map(
              (row): Feature => ({
                type: 'Feature',
                // MVT feature ids are integers: the rowid; the string id travels as the `id` property.
                id: row.rid,
                geometry: JSON.parse(row.geometry) as StoredGeometry,
                properties: layer.tileProperties(row),
              }),
            ),
          ],
        ]),
      state.cache,
    );
    state.tileSets.set(key, tileSet);
  }
  return tileSet;
}

function basemapTileSet(state: GisState): TileSet {
  let tileSet = state.tileSets.get('@basemap');
  if (tileSet) return tileSet;
  const load = (): Map<string, Feature[]> => {
    const fromRows = (layerId: string, props: (row: Row) => Record<string, string | number>): Feature[] =>
      state.repo.featureRows(layerId).map((row) => ({ type: 'Feature', geometry: JSON.parse(row.geometry) as StoredGeometry, properties: props(row) }));
    const named = (row: Row) => ({ name: String(row.name), code: String(row.code ?? row.id), kind: String(row.kind ?? '') });
    const neighbours = foshanDistricts().features.filter((f) => f.properties.code !== '440605');
    const places: Feature[] = [
      ...neighbours.map((f): Feature => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [...f.properties.labelPoint] },
        properties: { name: f.properties.name, code: f.properties.code, level: 'neighbour', rank: 0 },
      })),
      ...(['towns', 'villages'] as const).flatMap((layerId) =>
        state.repo.featureRows(layerId).map((row): Feature => ({
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [Number(row.label_lon), Number(row.label_lat)] },
          properties: { name: String(row.name), code: String(row.code), level: layerId === 'towns' ? 'town' : 'village', rank: layerId === 'towns' ? 1 : 2 },
        })),
      ),
    ];
    const layers: Record<BasemapSourceLayer, Feature[]> = {
      neighbours: neighbours.map((f) => ({ type: 'Feature', geometry: f.geometry, properties: { name: f.properties.name, code: f.properties.code } })),
      district: fromRows('district', named),
      towns: fromRows('towns', named),
      villages: fromRows('villages', named),
      water: fromRows('water', named),
      waterways: waterways().map((w) => ({ type: 'Feature', geometry: w.centreline, properties: { name: w.name, kind: w.kind } })),
      roads: fromRows('roads', (row) => ({ ...named(row), ref: String(JSON.parse(String(row.properties)).ref ?? '') })),
      places,
    };
    return new Map(Object.entries(layers));
  };
  tileSet = new TileSet('@basemap', BASEMAP_MAX_ZOOM, load, state.cache);
  state.tileSets.set('@basemap', tileSet);
  return tileSet;
}

let foshanBoundsMemo: BBox | undefined;

/** The basemap covers Foshan (Nanhai and the districts around it), so tiles outside are never requested. */
function foshanBounds(): BBox {
  if (!foshanBoundsMemo) {
    const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
    for (const feature of foshanDistricts().features) {
      const polygons = feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
      for (const polygon of polygons) {
        for (const [lon, lat] of polygon[0]!) {
          box[0] = Math.min(box[0], lon!);
          box[1] = Math.min(box[1], lat!);
          box[2] = Math.max(box[2], lon!);
          box[3] = Math.max(box[3], lat!);
        }
      }
    }
    foshanBoundsMemo = roundBox(box);
  }
  return foshanBoundsMemo;
}

function basemapVersion(state: GisState): string {
  return ['towns', 'villages', 'water', 'roads'].map((id) => state.repo.layerStats(LAYERS_BY_ID.get(id)!).version).join('-');
}

function sendTile(req: FastifyRequest, reply: FastifyReply, tile: EncodedTile, cacheControl: string): FastifyReply {
  reply.header('etag', tile.etag).header('cache-control', cacheControl);
  const match = req.headers['if-none-match'];
  if (typeof match === 'string' && match.split(',').some((tag) => tag.trim() === tile.etag || tag.trim() === '*')) {
    return reply.code(304).send();
  }
  if (!tile.body) return reply.code(204).send();
  return reply.code(200).type(MVT_TYPE).send(tile.body);
}

function checkTileAddress(z: number, x: number, y: number, maxzoom: number): void {
  if (z > maxzoom) {
    throw badRequest(`缩放级别 ${z} 超出图层最大级别 ${maxzoom}`, [{ name: 'path/z', reason: `应在 0–${maxzoom}，更高级别由地图引擎放大` }]);
  }
  const n = 2 ** z;
  if (x >= n || y >= n) throw badRequest(`瓦片 ${z}/${x}/${y} 不存在`, [{ name: x >= n ? 'path/x' : 'path/y', reason: `应小于 ${n}` }]);
}

// --- search -------------------------------------------------------------------------------------

type PlaceKind = 'town' | 'village' | 'parcel' | 'park' | 'river' | 'road' | 'service-point';
const KIND_ORDER: PlaceKind[] = ['town', 'village', 'park', 'river', 'road', 'service-point', 'parcel'];

interface Place {
  kind: PlaceKind;
  label: string;
  context: string;
  code: string;
  layerId: string;
  featureId: string;
  bbox: BBox;
  center: [number, number];
}

function contextOf(townCode: unknown, villageCode: unknown): string {
  const town = typeof townCode === 'string' ? findTown(townCode) : undefined;
  const village = typeof villageCode === 'string' ? findVillage(villageCode) : undefined;
  return ['南海区', town?.name, village?.name].filter(Boolean).join(' · ');
}

function rowBox(row: Row): BBox {
  return roundBox([Number(row.min_lon), Number(row.min_lat), Number(row.max_lon), Number(row.max_lat)]);
}

// --- the service ---------------------------------------------------------------------------------

export const gisService: SandboxService<keyof GisOperations> = {
  name: 'gis',
  migrate: migrateGis,
  seed: seedGis,
  handlers: {
    getGisLandingPage(req, _reply, ctx) {
      const base = apiBase(req, ctx);
      return {
        title: '南海区城市大脑 · 一张图',
        description: '南海区城市大脑地理信息服务（OGC API – Features；图层目录、矢量瓦片、要素查询）',
        links: [
          { href: `${base}/gis`, rel: 'self', type: 'application/json', title: '本页' },
          { href: `${origin(ctx)}/openapi/gis.yaml`, rel: 'service-desc', type: 'application/vnd.oai.openapi;version=3.1', title: '接口契约' },
          { href: `${base}/gis/conformance`, rel: 'conformance', type: 'application/json', title: '符合性声明' },
          { href: `${base}/gis/collections`, rel: 'data', type: 'application/json', title: '图层集合' },
          { href: `${base}/gis/layers`, rel: 'catalog', type: 'application/json', title: '图层目录' },
        ],
      };
    },

    getGisConformance() {
      return {
        conformsTo: [
          'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
          'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
          'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs',
          'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables',
          'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters',
        ],
      };
    },

    listGisCategories(req) {
      const visible = visibleLayers(req);
      return {
        items: GIS_CATEGORIES.map((category, index) => ({
          id: category.id,
          title: category.title,
          titleEn: category.titleEn,
          description: category.description,
          order: index + 1,
          layerCount: visible.filter((layer) => layer.category === category.id).length,
        })),
      };
    },

    listGisLayers(req, _reply, ctx) {
      const query = req.query;
      if (query.access === 'internal') requirePermission(req, 'gis:internal');
      const bbox = parseBbox(query.bbox);
      const state = stateOf(ctx);
      const needle = query.q?.trim().toLowerCase();
      const base = apiBase(req, ctx);
      const layers = visibleLayers(req)
        .filter((layer) => !query.category || layer.category === query.category)
        .filter((layer) => !query.access || layer.access === query.access)
        .filter(
          (layer) =>
            !needle ||
            [layer.title, layer.titleEn, layer.description, ...layer.keywords].some((text) => text.toLowerCase().includes(needle)),
        )
        .filter((layer) => {
          if (!bbox) return true;
          const extent = state.repo.layerStats(layer).bbox;
          return extent !== null && extent[0] <= bbox[2] && bbox[0] <= extent[2] && extent[1] <= bbox[3] && bbox[1] <= extent[3];
        })
        .sort((a, b) => gisCategoryOrder(a.category) - gisCategoryOrder(b.category));
      const selfUrl = selfHref(base, req);
      const body: Schemas['LayerCatalogue'] = {
        numberMatched: layers.length,
        numberReturned: layers.length,
        layers: layers.map((layer) => layerRecord(state, base, layer)),
        links: [{ href: selfUrl, rel: 'self', type: 'application/json' }],
      };
      if (query.groupBy === 'category') {
        body.groups = GIS_CATEGORIES.map((category, index) => ({ category, index }))
          .map(({ category, index }) => ({
            category: {
              ...category,
              order: index + 1,
              layerCount: layers.filter((layer) => layer.category === category.id).length,
            },
            layerIds: layers.filter((layer) => layer.category === category.id).map((layer) => layer.id),
          }))
          .filter((group) => group.layerIds.length > 0);
      }
      return body;
    },

    getGisLayer(req, _reply, ctx) {
      const layer = readableLayer(req, req.params.layerId);
      return layerRecord(stateOf(ctx), apiBase(req, ctx), layer);
    },

    getGisLayerTileJson(req, _reply, ctx) {
      const layer = readableLayer(req, req.params.layerId);
      const state = stateOf(ctx);
      const bounds = roundBox(state.repo.layerStats(layer).bbox ?? DISTRICT_BBOX);
      const base = apiBase(req, ctx);
      const reviewNo = layer.access === 'public' ? ` ${SANDBOX_REVIEW_NO}` : ' 内部用图，注意保密';
      return {
        tilejson: '3.0.0',
        name: layer.title,
        description: layer.description,
        version: '1.0.0',
        attribution: `${layer.attribution}${reviewNo}`,
        scheme: 'xyz',
        tiles: [`${base}/gis/tiles/${layer.id}/{z}/{x}/{y}.pbf`],
        minzoom: layer.minzoom,
        maxzoom: layer.maxzoom,
        bounds,
        center: [round6((bounds[0] + bounds[2]) / 2), round6((bounds[1] + bounds[3]) / 2), Math.max(layer.minzoom, 11)],
        vector_layers: [
          { id: layer.id, description: layer.title, minzoom: layer.minzoom, maxzoom: layer.maxzoom, fields: layer.tileFields },
        ],
      };
    },

    getGisLayerStyle(req, _reply, ctx) {
      const layer = readableLayer(req, req.params.layerId);
      return layerStyle(layer, `${apiBase(req, ctx)}/gis/layers/${layer.id}/tilejson`);
    },

    getGisTile(req, reply, ctx) {
      const { layerId, z, x, y } = req.params;
      const layer = readableLayer(req, layerId);
      const regionPrefix = rowScope(layer, scopeRegion(req));
      checkTileAddress(z, x, y, layer.maxzoom);
      const state = stateOf(ctx);
      const tile = tileSetFor(state, layer, regionPrefix).tile(state.repo.layerStats(layer).version, z, x, y);
      return sendTile(req, reply, tile, layer.access === 'public' ? 'public, max-age=3600' : 'private, max-age=600');
    },

    listGisCollections(req, _reply, ctx) {
      const base = apiBase(req, ctx);
      const state = stateOf(ctx);
      return {
        links: [{ href: `${base}/gis/collections`, rel: 'self', type: 'application/json', title: '图层集合' }],
        collections: visibleLayers(req).map((layer) => collectionRecord(state, base, layer)),
      };
    },

    getGisCollection(req, _reply, ctx) {
      const layer = readableLayer(req, req.params.layerId);
      return collectionRecord(stateOf(ctx), apiBase(req, ctx), layer);
    },

    listGisFeatures(req, reply, ctx) {
      const layer = readableLayer(req, req.params.layerId);
      const query = req.query;
      const scope = scopeRegion(req);
      const filters = itemFilters(layer, query);
      const bbox = parseBbox(query.bbox, query['bbox-crs']);
      const crs = requestedCrs(query.crs);
      const afterRowid = decodeCursor(query.cursor);
      const limit = query.limit ?? 50;
      const state = stateOf(ctx);
      const regionPrefix = rowScope(layer, scope);
      const rows = state.repo.items(layer, { filters, bbox, regionPrefix, afterRowid, limit: limit + 1 });
      const page = rows.slice(0, limit);
      const tracker = new MaskingTracker(req, scope);
      const features = page.map((row) => {
        const feature = toFeature(layer, row, tracker.viewFor(layer, row));
        return { ...feature, geometry: feature.geometry && geometryIn(feature.geometry, crs) };
      });
      tracker.audit(ctx, layer);

      const base = apiBase(req, ctx);
      const self = new URL(selfHref(base, req));
      const links: Link[] = [{ href: self.toString(), rel: 'self', type: 'application/geo+json', title: '本页' }];
      if (rows.length > limit) {
        const next = new URL(self);
        next.searchParams.set('cursor', encodeCursor(page[page.length - 1]!.rid));
        links.push({ href: next.toString(), rel: 'next', type: 'application/geo+json', title: '下一页' });
        reply.header('link', `<${next.toString()}>; rel="next"`);
      }
      links.push({ href: `${base}/gis/collections/${layer.id}`, rel: 'collection', type: 'application/json', title: layer.title });
      const body: Schemas['FeatureCollection'] = {
        type: 'FeatureCollection',
        numberMatched: state.repo.countItems(layer, { filters, bbox, regionPrefix }),
        numberReturned: features.length,
        timeStamp: ctx.clock.now().toISOString(),
        features,
        links,
      };
      if (layer.personalFields.length > 0) body.masking = tracker.summary();
      reply.type('application/geo+json').header('content-crs', contentCrs(crs));
      return body;
    },

    getGisFeature(req, reply, ctx) {
      const { layerId, featureId } = req.params;
      const layer = readableLayer(req, layerId);
      const scope = scopeRegion(req);
      const row = stateOf(ctx).repo.item(layer, featureId, rowScope(layer, scope));
      if (!row) throw notFound(`图层 ${layerId} 中不存在要素 ${featureId}`);
      const tracker = new MaskingTracker(req, scope);
      const feature = toFeature(layer, row, tracker.viewFor(layer, row));
      tracker.audit(ctx, layer);
      const base = apiBase(req, ctx);
      const crs = requestedCrs(req.query.crs);
      reply.type('application/geo+json').header('content-crs', contentCrs(crs));
      return {
        ...feature,
        geometry: feature.geometry && geometryIn(feature.geometry, crs),
        links: [
          { href: `${base}/gis/collections/${layer.id}/items/${encodeURIComponent(row.id)}`, rel: 'self', type: 'application/geo+json' },
          { href: `${base}/gis/collections/${layer.id}`, rel: 'collection', type: 'application/json', title: layer.title },
        ],
      };
    },

    getGisQueryables(req, reply, ctx) {
      const layer = readableLayer(req, req.params.layerId);
      const geometryFormat = { Point: 'geometry-point', LineString: 'geometry-linestring', Polygon: 'geometry-polygon' }[layer.geometryType];
      const properties: Schemas['Queryables']['properties'] = { geometry: { format: geometryFormat } };
      for (const [name, queryable] of Object.entries(layer.queryables)) {
        properties[name] = { title: queryable.title, ...queryable.schema };
      }
      reply.type('application/schema+json');
      return {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        $id: `${apiBase(req, ctx)}/gis/collections/${layer.id}/queryables`,
        type: 'object',
        title: layer.title,
        properties,
        additionalProperties: false,
      };
    },

    identifyGisFeatures(req, _reply, ctx) {
      const query = req.query;
      const tolerance = query.tolerance ?? 10;
      const scope = scopeRegion(req);
      const layers = query.layers
        ? [...new Set(query.layers.split(','))].map((id) => readableLayer(req, id))
        : visibleLayers(req);
      const frame = localFrame([query.lon, query.lat]);
      const searchBox = bboxAround(frame, tolerance);
      const state = stateOf(ctx);
      const tracker = new MaskingTracker(req, scope);
      const results = [];
      for (const layer of layers) {
        const hits = state.repo
          .near(layer, searchBox, rowScope(layer, scope), IDENTIFY_CANDIDATES)
          .map((row) => ({ row, geometry: JSON.parse(row.geometry) as StoredGeometry }))
          .map((hit) => ({ ...hit, distance: distanceToGeometry(frame, hit.geometry) }))
          .filter((hit) => hit.distance <= tolerance)
          .sort((a, b) => a.distance - b.distance || a.row.rid - b.row.rid)
          .slice(0, IDENTIFY_PER_LAYER);
        if (hits.length === 0) continue;
        results.push({
          layerId: layer.id,
          layerTitle: layer.title,
          features: hits.map(({ row, geometry, distance }) => ({
            type: 'Feature' as const,
            id: row.id,
            geometry,
            properties: layer.properties(row, tracker.viewFor(layer, row)),
            distanceM: Math.round(distance * 10) / 10,
          })),
        });
        tracker.audit(ctx, layer);
      }
      return { location: [query.lon, query.lat], tolerance, results, masking: tracker.summary() };
    },

    searchGisPlaces(req, _reply, ctx) {
      const query = req.query;
      const q = query.q.trim();
      const limit = query.limit ?? 10;
      if (!q) throw badRequest('q 不能为空', [{ name: 'query/q', reason: '请输入村居名称、区划代码或宗地号' }]);
      const kinds = new Set((query.kinds?.split(',') ?? KIND_ORDER) as PlaceKind[]);
      const internal = canReadInternal(req);
      if (query.kinds && kinds.has('parcel') && kinds.size === 1 && !internal) {
        // Asking only for parcels without the right is a permission problem, not an empty result.
        if (req.principal.role === 'public') requirePermission(req, 'gis:internal');
        throw forbidden('查询宗地需要 gis:internal 权限');
      }
      const state = stateOf(ctx);
      const scope = scopeRegion(req);
      const searchable = visibleLayers(req).filter((layer) => layer.searchKind && kinds.has(layer.searchKind));
      const places: (Place & { rank: number })[] = [];
      const scopes = searchable.map((layer) => ({ layerId: layer.id, regionPrefix: rowScope(layer, scope) }));
      for (const row of state.repo.searchFeatures(scopes, q, 200)) {
        const layer = LAYERS_BY_ID.get(String(row.layer_id))!;
        const name = String(row.name);
        const code = String(row.code ?? row.id);
        const rank = code === q || name === q ? 0 : code.startsWith(q) || name.startsWith(q) ? 1 : 2;
        const kind = layer.searchKind!;
        places.push({
          rank,
          kind,
          label: name,
          context: kind === 'town' ? '南海区' : contextOf(row.town_code, kind === 'village' ? undefined : row.village_code),
          code,
          layerId: layer.id,
          featureId: row.id,
          bbox: rowBox(row),
          center: [round6(Number(row.label_lon)), round6(Number(row.label_lat))],
        });
      }
      const parcelQuery = q.toUpperCase();
      if (internal && kinds.has('parcel') && /^\d{6,12}([A-Z]{1,2}\d{0,5})?$/.test(parcelQuery)) {
        for (const row of state.repo.searchParcels(parcelQuery, limit)) {
          const box = rowBox(row);
          const center = centreOf(JSON.parse(row.geometry) as StoredGeometry, box);
          places.push({
            rank: row.parcel_no === parcelQuery ? 0 : 1,
            kind: 'parcel',
            label: String(row.parcel_no),
            context: contextOf(row.town_code, row.village_code),
            code: String(row.parcel_no),
            layerId: 'homestead-parcels',
            featureId: row.id,
            bbox: box,
            center: [round6(center[0]!), round6(center[1]!)],
          });
        }
      }
      places.sort((a, b) => a.rank - b.rank || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.label.length - b.label.length || a.code.localeCompare(b.code));
      const items = places.slice(0, limit).map(({ rank: _rank, ...place }) => place);
      return { query: q, numberReturned: items.length, items };
    },

    getGisBasemapStyle(req, reply, ctx) {
      reply.header('cache-control', 'public, max-age=300');
      return basemapStyle({
        tilesUrl: `${apiBase(req, ctx)}/gis/basemap/tiles/{z}/{x}/{y}.pbf`,
        bounds: foshanBounds(),
        reviewNo: SANDBOX_REVIEW_NO,
        attribution: BASEMAP_ATTRIBUTION,
      });
    },

    getGisBasemapTile(req, reply, ctx) {
      const { z, x, y } = req.params;
      checkTileAddress(z, x, y, BASEMAP_MAX_ZOOM);
      const state = stateOf(ctx);
      const tile = basemapTileSet(state).tile(basemapVersion(state), z, x, y);
      return sendTile(req, reply, tile, 'public, max-age=3600');
    },
  },
};
