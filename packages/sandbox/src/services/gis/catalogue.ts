/**
 * The layer catalogue of the GIS service: the landing page, the categories, the layers with their
 * TileJSON and styles, and the OGC API collections — each record from the catalogue (@citybrain/domain)
 * and the layer's stored extent and count.
 */
import type { GisComponents } from '@citybrain/contract';
import type { FastifyReply } from 'fastify';
import { GIS_CATEGORIES, SANDBOX_REVIEW_NO, gisCategoryOrder, gisServicesOf, layerRecordOf, type GisCategoryId } from '@citybrain/domain';
import type { RequestOf, ServiceContext } from '../../context.js';
import { requirePermission } from '../../auth.js';
import { readableLayer, visibleLayers } from './access.js';
import { ITEM_CRS_URIS, parseBbox } from './crs.js';
import { round6, roundBox, type BBox } from './geo.js';
import type { LayerDef } from './layers.js';
import { apiBase, CGCS2000, CRS84, layerLinks, origin, QUERYABLES_REL, selfHref } from './links.js';
import { stateOf, type GisState } from './state.js';
import { layerStyle } from './styles.js';

type Schemas = GisComponents['schemas'];

/** The district's extent, for layers that are still empty. */
const DISTRICT_BBOX: BBox = [112.83, 22.8, 113.26, 23.32];

async function layerRecord(state: GisState, base: string, layer: LayerDef): Promise<Schemas['Layer']> {
  const stats = await state.repo.layerStats(layer);
  return layerRecordOf(layer, { bbox: roundBox(stats.bbox ?? DISTRICT_BBOX), featureCount: stats.count, crs: ITEM_CRS_URIS, links: layerLinks(base, layer) });
}

async function collectionRecord(state: GisState, base: string, layer: LayerDef): Promise<Schemas['Collection']> {
  const [stats, period] = await Promise.all([state.repo.layerStats(layer), state.repo.periodExtent(layer)]);
  return {
    id: layer.id,
    title: layer.title,
    description: layer.description,
    itemType: 'feature',
    crs: ITEM_CRS_URIS,
    storageCrs: CGCS2000,
    extent: {
      spatial: { bbox: [roundBox(stats.bbox ?? DISTRICT_BBOX)], crs: CRS84 },
      // Layers with periods take `datetime` on their items; the interval says which days hold features.
      ...(period ? { temporal: { interval: [period.map((day) => `${day}T00:00:00Z`)] } } : {}),
    },
    links: [
      { href: `${base}/gis/collections/${layer.id}`, rel: 'self', type: 'application/json', title: layer.title },
      { href: `${base}/gis/collections/${layer.id}/items`, rel: 'items', type: 'application/geo+json', title: layer.title },
      { href: `${base}/gis/collections/${layer.id}/queryables`, rel: QUERYABLES_REL, type: 'application/schema+json', title: '可查询属性' },
      { href: `${base}/gis/layers/${layer.id}/tilejson`, rel: 'describedby', type: 'application/json', title: 'TileJSON 3.0.0' },
      { href: `${base}/gis/collections/${layer.id}/tiles`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector', type: 'application/json', title: '矢量瓦片集（OGC API – Tiles）' },
      { href: `${base}/gis/layers/${layer.id}/style`, rel: 'stylesheet', type: 'application/vnd.maplibre.style+json', title: 'MapLibre 样式' },
    ],
  };
}

export function getGisLandingPage(req: RequestOf<'getGisLandingPage'>, _reply: FastifyReply, ctx: ServiceContext) {
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
}

export function getGisConformance() {
  return {
    conformsTo: [
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
      'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs',
      'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables',
      'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters',
      'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core',
      'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset',
      'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list',
      'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets',
      'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt',
    ],
  };
}

/** A category's services as the API lists them (without the category each entry repeats). */
const servicesOf = (category: GisCategoryId): Schemas['GisService'][] =>
  gisServicesOf(category).map(({ id, title, titleEn, layerIds }) => ({ id, title, titleEn, layerIds }));

export function listGisCategories(req: RequestOf<'listGisCategories'>) {
  const visible = visibleLayers(req);
  return {
    items: GIS_CATEGORIES.map((category, index) => ({
      id: category.id,
      title: category.title,
      titleEn: category.titleEn,
      description: category.description,
      order: index + 1,
      layerCount: visible.filter((layer) => layer.category === category.id).length,
      services: servicesOf(category.id),
    })),
  };
}

export async function listGisLayers(req: RequestOf<'listGisLayers'>, _reply: FastifyReply, ctx: ServiceContext) {
  const query = req.query;
  if (query.access === 'internal') requirePermission(req, 'gis:internal');
  const bbox = parseBbox(query.bbox);
  const state = stateOf(ctx);
  const needle = query.q?.trim().toLowerCase();
  const base = apiBase(req, ctx);
  const candidates = visibleLayers(req)
    .filter((layer) => !query.category || layer.category === query.category)
    .filter((layer) => !query.access || layer.access === query.access)
    .filter(
      (layer) =>
        !needle ||
        [layer.title, layer.titleEn, layer.description, ...layer.keywords].some((text) => text.toLowerCase().includes(needle)),
    )
    .sort((a, b) => gisCategoryOrder(a.category) - gisCategoryOrder(b.category));
  const extents = await Promise.all(candidates.map(async (layer) => (await state.repo.layerStats(layer)).bbox));
  const layers = candidates.filter((_, index) => {
    if (!bbox) return true;
    const extent = extents[index]!;
    return extent !== null && extent[0] <= bbox[2] && bbox[0] <= extent[2] && extent[1] <= bbox[3] && bbox[1] <= extent[3];
  });
  const selfUrl = selfHref(base, req);
  const body: Schemas['LayerCatalogue'] = {
    numberMatched: layers.length,
    numberReturned: layers.length,
    layers: await Promise.all(layers.map((layer) => layerRecord(state, base, layer))),
    links: [{ href: selfUrl, rel: 'self', type: 'application/json' }],
  };
  if (query.groupBy === 'category') {
    body.groups = GIS_CATEGORIES.map((category, index) => ({ category, index }))
      .map(({ category, index }) => ({
        category: {
          ...category,
          order: index + 1,
          layerCount: layers.filter((layer) => layer.category === category.id).length,
          services: servicesOf(category.id),
        },
        layerIds: layers.filter((layer) => layer.category === category.id).map((layer) => layer.id),
      }))
      .filter((group) => group.layerIds.length > 0);
  }
  return body;
}

export function getGisLayer(req: RequestOf<'getGisLayer'>, _reply: FastifyReply, ctx: ServiceContext) {
  const layer = readableLayer(req, req.params.layerId);
  return layerRecord(stateOf(ctx), apiBase(req, ctx), layer);
}

export async function getGisLayerTileJson(req: RequestOf<'getGisLayerTileJson'>, _reply: FastifyReply, ctx: ServiceContext): Promise<Schemas['TileJson']> {
  const layer = readableLayer(req, req.params.layerId);
  const state = stateOf(ctx);
  const bounds = roundBox((await state.repo.layerStats(layer)).bbox ?? DISTRICT_BBOX);
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
}

export function getGisLayerStyle(req: RequestOf<'getGisLayerStyle'>, _reply: FastifyReply, ctx: ServiceContext) {
  const layer = readableLayer(req, req.params.layerId);
  return layerStyle(layer, `${apiBase(req, ctx)}/gis/layers/${layer.id}/tilejson`);
}

export async function listGisCollections(req: RequestOf<'listGisCollections'>, _reply: FastifyReply, ctx: ServiceContext) {
  const base = apiBase(req, ctx);
  const state = stateOf(ctx);
  return {
    links: [{ href: `${base}/gis/collections`, rel: 'self', type: 'application/json', title: '图层集合' }],
    collections: await Promise.all(visibleLayers(req).map((layer) => collectionRecord(state, base, layer))),
  };
}

export function getGisCollection(req: RequestOf<'getGisCollection'>, _reply: FastifyReply, ctx: ServiceContext) {
  const layer = readableLayer(req, req.params.layerId);
  return collectionRecord(stateOf(ctx), apiBase(req, ctx), layer);
}
