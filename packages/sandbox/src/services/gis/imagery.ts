/**
 * 遥感影像: the imagery tilesets of the catalogue (@citybrain/domain gis-imagery.ts) as raster
 * tiles. The domain paints a tile's pixels; here they are encoded as PNG (pngjs), kept in the GIS
 * tile cache and served with a strong ETag. A tile depends only on the tileset's id, version and
 * address, so it is immutable: its ETag names exactly that (a revalidation is answered without
 * painting), and caches may keep it for a year and never ask again.
 */
import type { GisComponents } from '@citybrain/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PNG } from 'pngjs';
import { GIS_IMAGERY, IMAGERY_TILE_SIZE, SANDBOX_REVIEW_NO, findImagery, paintImageryTile, type ImageryEntry } from '@citybrain/domain';
import { requirePermission } from '../../auth.js';
import type { RequestOf, ServiceContext } from '../../context.js';
import { badRequest, notFound } from '../../problems.js';
import { canReadInternal } from './access.js';
import { round6 } from './geo.js';
import { apiBase } from './links.js';
import { stateOf } from './state.js';
import { ifNoneMatchHits } from './tiles.js';

type Schemas = GisComponents['schemas'];

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Imagery the caller may see: public, or internal with `gis:internal`. */
export function visibleImagery(req: FastifyRequest): ImageryEntry[] {
  return GIS_IMAGERY.filter((entry) => entry.access === 'public' || canReadInternal(req));
}

function readableImagery(req: FastifyRequest, id: string): ImageryEntry {
  const entry = findImagery(id);
  if (!entry) throw notFound(`影像 ${id} 不存在`);
  if (entry.access === 'internal') requirePermission(req, 'gis:internal');
  return entry;
}

const reviewNoOf = (entry: ImageryEntry): string | null => (entry.access === 'public' ? SANDBOX_REVIEW_NO : null);
const tileTemplate = (base: string, entry: ImageryEntry): string => `${base}/gis/imagery/${entry.id}/tiles/{z}/{x}/{y}.png`;

function imageryRecord(base: string, entry: ImageryEntry): Schemas['Imagery'] {
  return {
    id: entry.id,
    title: entry.title,
    titleEn: entry.titleEn,
    description: entry.description,
    category: entry.category,
    access: entry.access,
    captureDate: entry.captureDate,
    version: entry.version,
    resolutionM: entry.resolutionM,
    format: 'image/png',
    tileSize: IMAGERY_TILE_SIZE,
    minzoom: entry.minzoom,
    maxzoom: entry.maxzoom,
    bbox: entry.bbox,
    reviewNo: reviewNoOf(entry),
    attribution: entry.attribution,
    license: entry.license,
    legend: entry.legend,
    tiles: [tileTemplate(base, entry)],
    links: [{ href: `${base}/gis/imagery/${entry.id}/tilejson`, rel: 'describedby', type: 'application/json', title: 'TileJSON 3.0.0' }],
  };
}

export function listGisImagery(req: RequestOf<'listGisImagery'>, _reply: FastifyReply, ctx: ServiceContext): Schemas['ImageryCatalogue'] {
  const base = apiBase(req, ctx);
  return {
    imagery: visibleImagery(req)
      .sort((a, b) => b.captureDate.localeCompare(a.captureDate))
      .map((entry) => imageryRecord(base, entry)),
    links: [{ href: `${base}/gis/imagery`, rel: 'self', type: 'application/json' }],
  };
}

export function getGisImageryTileJson(req: RequestOf<'getGisImageryTileJson'>, _reply: FastifyReply, ctx: ServiceContext): Schemas['RasterTileJson'] {
  const entry = readableImagery(req, req.params.imageryId);
  const reviewNo = reviewNoOf(entry);
  const [west, south, east, north] = entry.bbox;
  return {
    tilejson: '3.0.0',
    name: entry.title,
    description: entry.description,
    version: entry.version,
    attribution: `${entry.attribution} ${reviewNo ?? '内部用图，注意保密'}`,
    scheme: 'xyz',
    tiles: [tileTemplate(apiBase(req, ctx), entry)],
    minzoom: entry.minzoom,
    maxzoom: entry.maxzoom,
    bounds: entry.bbox,
    center: [round6((west + east) / 2), round6((south + north) / 2), Math.max(entry.minzoom, 12)],
  };
}

function encodePng(entry: ImageryEntry, z: number, x: number, y: number): Buffer {
  const png = new PNG({ width: IMAGERY_TILE_SIZE, height: IMAGERY_TILE_SIZE });
  const pixels = paintImageryTile(entry, z, x, y);
  png.data = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  return PNG.sync.write(png);
}

export function getGisImageryTile(req: RequestOf<'getGisImageryTile'>, reply: FastifyReply, ctx: ServiceContext) {
  const entry = readableImagery(req, req.params.imageryId);
  const { z, x, y } = req.params;
  if (z < entry.minzoom || z > entry.maxzoom) {
    throw badRequest(`影像 ${entry.id} 没有第 ${z} 级瓦片`, [{ name: 'path/z', reason: `应在 ${entry.minzoom}–${entry.maxzoom}，更高级别由地图引擎放大` }]);
  }
  const n = 2 ** z;
  if (x >= n || y >= n) throw badRequest(`瓦片 ${z}/${x}/${y} 不存在`, [{ name: x >= n ? 'path/x' : 'path/y', reason: `应小于 ${n}` }]);
  const etag = `"${entry.id}@${entry.version}/${z}/${x}/${y}"`;
  reply.header('etag', etag).header('cache-control', entry.access === 'public' ? IMMUTABLE : 'private, max-age=86400');
  if (ifNoneMatchHits(req.headers['if-none-match'], etag)) return reply.code(304).send();
  const { cache } = stateOf(ctx);
  const key = `@imagery/${etag}`;
  let tile = cache.get(key);
  if (!tile) {
    tile = { body: encodePng(entry, z, x, y), etag };
    cache.set(key, tile);
  }
  return reply.code(200).type('image/png').send(tile.body);
}
