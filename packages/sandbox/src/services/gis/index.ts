/**
 * The GIS "one map" service (openapi/gis.yaml): the layer catalogue, TileJSON and styles
 * (catalogue.ts), OGC API Features items, identify and place search (features.ts), imagery raster
 * tiles (imagery.ts), and here the
 * vector tiles of every layer and of the offline basemap.
 */
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { GisOperations } from '@citybrain/contract';
import { negotiate } from '@fastify/accept-negotiator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SANDBOX_NOTICE, SANDBOX_REVIEW_NO, foshanDistricts, waterways } from '@citybrain/domain';
import { scopeRegion } from '../../auth.js';
import type { RequestOf, SandboxService, ServiceContext } from '../../context.js';
import { badRequest } from '../../problems.js';
import { readableLayer, rowScope } from './access.js';
import {
  getGisCollection,
  getGisConformance,
  getGisLandingPage,
  getGisLayer,
  getGisLayerStyle,
  getGisLayerTileJson,
  listGisCategories,
  listGisCollections,
  listGisLayers,
} from './catalogue.js';
import { getGisFeature, getGisQueryables, identifyGisFeatures, listGisFeatures, searchGisPlaces } from './features.js';
import { roundBox, tileAt, type BBox, type StoredGeometry } from './geo.js';
import { LAYERS_BY_ID, type LayerDef, type Row } from './layers.js';
import { apiBase } from './links.js';
import type { Feature } from 'geojson';
import { parsePeriod } from './period.js';
import { stateOf, type GisState } from './state.js';
import { migrateGis, migrateGisMercatorPostgres, migrateGisPostgres, migrateGisWrites, migrateGisWritesPostgres, seedGis } from './store.js';
import { BASEMAP_MAX_ZOOM, basemapStyle, type BasemapSourceLayer } from './styles.js';
import { GeojsonVtRenderer, TileSet, gzipEtag, ifNoneMatchHits, type EncodedTile } from './tiles.js';
import { getGisImageryTile, getGisImageryTileJson, listGisImagery } from './imagery.js';

const MVT_TYPE = 'application/vnd.mapbox-vector-tile';
const BASEMAP_ATTRIBUTION = `南海区城市大脑 · 离线底图${SANDBOX_NOTICE}`;

/** A layer's tiles for a region scope (`null`: the whole layer); tile sets of dataset layers are per scope. */
function tileSetFor(state: GisState, layer: LayerDef, regionPrefix: string | null): TileSet {
  const key = regionPrefix === null ? layer.id : `${layer.id}@${regionPrefix}`;
  let tileSet = state.tileSets.get(key);
  if (!tileSet) {
    tileSet = new TileSet(key, () => state.repo.layerTiles(layer, regionPrefix), state.cache);
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
  // The offline basemap is cut in JavaScript on both stores: half of it (neighbours, centrelines) is not in the database.
  tileSet = new TileSet('@basemap', () => new GeojsonVtRenderer(BASEMAP_MAX_ZOOM, load), state.cache);
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

async function basemapVersion(state: GisState): Promise<string> {
  const stats = await Promise.all(['towns', 'villages', 'water', 'roads'].map((id) => state.repo.layerStats(LAYERS_BY_ID.get(id)!)));
  return stats.map(({ version }) => version).join('-');
}

async function sendTile(req: FastifyRequest, reply: FastifyReply, tile: EncodedTile, cacheControl: string): Promise<FastifyReply> {
  const gzipBody = tile.body !== null && tile.gzipped === true;
  const asGzip = gzipBody && acceptsGzip(req.headers['accept-encoding']);
  reply.header('etag', asGzip ? gzipEtag(tile.etag) : tile.etag).header('cache-control', cacheControl);
  if (gzipBody) reply.header('vary', 'accept-encoding');
  if (ifNoneMatchHits(req.headers['if-none-match'], tile.etag, gzipEtag(tile.etag))) return reply.code(304).send();
  if (!tile.body) return reply.code(204).send();
  if (asGzip) return reply.code(200).type(MVT_TYPE).header('content-encoding', 'gzip').send(tile.body);
  return reply.code(200).type(MVT_TYPE).send(gzipBody ? await gunzipAsync(tile.body) : tile.body);
}

const gunzipAsync = promisify(gunzip);
const acceptsGzip = (header: string | string[] | undefined): boolean =>
  typeof header === 'string' && negotiate(header, ['gzip']) === 'gzip';

function checkTileAddress(z: number, x: number, y: number, maxzoom: number): void {
  if (z > maxzoom) {
    throw badRequest(`缩放级别 ${z} 超出图层最大级别 ${maxzoom}`, [{ name: 'path/z', reason: `应在 0–${maxzoom}，更高级别由地图引擎放大` }]);
  }
  const n = 2 ** z;
  if (x >= n || y >= n) throw badRequest(`瓦片 ${z}/${x}/${y} 不存在`, [{ name: x >= n ? 'path/x' : 'path/y', reason: `应小于 ${n}` }]);
}

// --- handlers -----------------------------------------------------------------------------------

function getGisTile(req: RequestOf<'getGisTile'>, reply: FastifyReply, ctx: ServiceContext) {
  const { layerId, z, x, y } = req.params;
  return sendLayerTile(req, reply, ctx, layerId, z, x, y, req.query.datetime);
}

/** One layer's tile as this caller may read it, within `datetime` if given: the XYZ and the OGC API – Tiles routes alike. */
async function sendLayerTile(req: FastifyRequest, reply: FastifyReply, ctx: ServiceContext, layerId: string, z: number, x: number, y: number, datetime: string | undefined) {
  const layer = readableLayer(req, layerId);
  const regionPrefix = rowScope(layer, scopeRegion(req));
  const period = parsePeriod(layer, datetime);
  checkTileAddress(z, x, y, layer.maxzoom);
  const state = stateOf(ctx);
  // parsePeriod refuses `datetime` on a layer without periods, so a period here means the layer has one.
  const only = period ? { key: `${period.from ?? '..'}/${period.to ?? '..'}`, period } : undefined;
  const { version } = await state.repo.layerStats(layer);
  const tile = await tileSetFor(state, layer, regionPrefix).tile(version, z, x, y, only);
  return sendTile(req, reply, tile, layer.access === 'public' ? 'public, max-age=3600' : 'private, max-age=600');
}

/** OGC API – Tiles: the platform's one tile matrix set, and the geometry dimension of each geometry type. */
const WEB_MERCATOR_QUAD = 'http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad';
const WEB_MERCATOR_CRS = 'http://www.opengis.net/def/crs/EPSG/0/3857';
const GEOMETRY_DIMENSION: Record<LayerDef['geometryType'], number> = { Point: 0, LineString: 1, Polygon: 2 };

function tilesetSummary(base: string, layer: LayerDef) {
  const tileset = `${base}/gis/collections/${layer.id}/tiles/WebMercatorQuad`;
  return {
    title: layer.title,
    dataType: 'vector' as const,
    crs: WEB_MERCATOR_CRS,
    tileMatrixSetURI: WEB_MERCATOR_QUAD,
    links: [
      { href: tileset, rel: 'self', type: 'application/json', title: `${layer.title} 矢量瓦片集` },
      { href: WEB_MERCATOR_QUAD, rel: 'http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme', type: 'application/json' },
      { href: `${tileset}/{tileMatrix}/{tileRow}/{tileCol}`, rel: 'item', type: 'application/vnd.mapbox-vector-tile', templated: true },
    ],
  };
}

/** Column and row of the tile holding a point at zoom `z`, kept on the grid (extents may touch its edge). */
function tileOnGrid(lon: number, lat: number, z: number): [number, number] {
  const last = 2 ** z - 1;
  const { x, y } = tileAt(lon, lat, z);
  return [Math.min(last, Math.max(0, x)), Math.min(last, Math.max(0, y))];
}

function listGisCollectionTilesets(req: RequestOf<'listGisCollectionTilesets'>, _reply: FastifyReply, ctx: ServiceContext) {
  const layer = readableLayer(req, req.params.layerId);
  const base = apiBase(req, ctx);
  return {
    tilesets: [tilesetSummary(base, layer)],
    links: [{ href: `${base}/gis/collections/${layer.id}/tiles`, rel: 'self', type: 'application/json' }],
  };
}

async function getGisCollectionTileset(req: RequestOf<'getGisCollectionTileset'>, _reply: FastifyReply, ctx: ServiceContext) {
  const layer = readableLayer(req, req.params.layerId);
  const { bbox } = await stateOf(ctx).repo.layerStats(layer);
  const zooms = Array.from({ length: layer.maxzoom - layer.minzoom + 1 }, (_, index) => layer.minzoom + index);
  return {
    ...tilesetSummary(apiBase(req, ctx), layer),
    // The tiles that can hold features: those over the layer's extent, at each of its zoom levels.
    tileMatrixSetLimits: bbox
      ? zooms.map((z) => {
          const [minTileCol, maxTileRow] = tileOnGrid(bbox[0], bbox[1], z);
          const [maxTileCol, minTileRow] = tileOnGrid(bbox[2], bbox[3], z);
          return { tileMatrix: String(z), minTileRow, maxTileRow, minTileCol, maxTileCol };
        })
      : [],
    layers: [
      {
        // The MVT layer inside the tiles is named as the layer (TileJSON's `vector_layers` and `sourceLayer` alike).
        id: layer.id,
        title: layer.title,
        dataType: 'vector' as const,
        geometryDimension: GEOMETRY_DIMENSION[layer.geometryType],
        minTileMatrix: String(layer.minzoom),
        maxTileMatrix: String(layer.maxzoom),
      },
    ],
  };
}

function getGisCollectionTile(req: RequestOf<'getGisCollectionTile'>, reply: FastifyReply, ctx: ServiceContext) {
  const { layerId, tileMatrix, tileRow, tileCol } = req.params;
  return sendLayerTile(req, reply, ctx, layerId, tileMatrix, tileCol, tileRow, req.query.datetime);
}

function getGisBasemapStyle(req: RequestOf<'getGisBasemapStyle'>, reply: FastifyReply, ctx: ServiceContext) {
  reply.header('cache-control', 'public, max-age=300');
  return basemapStyle({
    tilesUrl: `${apiBase(req, ctx)}/gis/basemap/tiles/{z}/{x}/{y}.pbf`,
    bounds: foshanBounds(),
    reviewNo: SANDBOX_REVIEW_NO,
    attribution: BASEMAP_ATTRIBUTION,
  });
}

async function getGisBasemapTile(req: RequestOf<'getGisBasemapTile'>, reply: FastifyReply, ctx: ServiceContext) {
  const { z, x, y } = req.params;
  checkTileAddress(z, x, y, BASEMAP_MAX_ZOOM);
  const state = stateOf(ctx);
  const tile = await basemapTileSet(state).tile(await basemapVersion(state), z, x, y);
  return sendTile(req, reply, tile, 'public, max-age=3600');
}

// --- the service ---------------------------------------------------------------------------------

export const gisService: SandboxService<keyof GisOperations> = {
  name: 'gis',
  migrations: [
    { id: 'gis/001-layers', sqlite: migrateGis, postgres: migrateGisPostgres },
    // SQLite cuts tiles from the GeoJSON in JavaScript: the Web-Mercator column is PostgreSQL's alone.
    { id: 'gis/002-mercator-geometry', sqlite: () => {}, postgres: migrateGisMercatorPostgres },
    { id: 'gis/003-layer-writes', sqlite: migrateGisWrites, postgres: migrateGisWritesPostgres },
  ],
  seed: seedGis,
  handlers: {
    getGisLandingPage,
    getGisConformance,
    listGisCategories,
    listGisLayers,
    getGisLayer,
    getGisLayerTileJson,
    getGisLayerStyle,
    getGisTile,
    listGisCollectionTilesets,
    getGisCollectionTileset,
    getGisCollectionTile,
    listGisCollections,
    getGisCollection,
    listGisFeatures,
    getGisFeature,
    getGisQueryables,
    identifyGisFeatures,
    searchGisPlaces,
    getGisBasemapStyle,
    getGisBasemapTile,
    listGisImagery,
    getGisImageryTileJson,
    getGisImageryTile,
  },
};
