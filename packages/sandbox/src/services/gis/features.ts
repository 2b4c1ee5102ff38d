/**
 * The features of the GIS service: OGC API items and single features, queryables, identify at a
 * point and place search — personal fields masked by the caller's role inside its region, unmasked
 * reads audited.
 */
import type { GisComponents } from '@citybrain/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Feature } from 'geojson';
import { findTown, findVillage } from '@citybrain/domain';
import { inScope, requirePermission, scopeRegion, type Role } from '../../auth.js';
import type { RequestOf, ServiceContext } from '../../context.js';
import { maskedFields, personalFieldPolicy } from '../../masking.js';
import { badRequest, forbidden, notFound } from '../../problems.js';
import { canReadInternal, readableLayer, rowScope, visibleLayers } from './access.js';
import { contentCrs, geometryIn, parseBbox, requestedCrs } from './crs.js';
import { bboxAround, centreOf, distanceToGeometry, localFrame, round6, roundBox, type BBox, type StoredGeometry } from './geo.js';
import { LAYERS_BY_ID, type LayerDef, type PersonalView, type Row } from './layers.js';
import { apiBase, selfHref, type Link } from './links.js';
import { parsePeriod } from './period.js';
import { stateOf } from './state.js';

type Schemas = GisComponents['schemas'];

/** Identify looks at no more than this many bbox candidates per layer (towns and villages are few; parcels are small). */
const IDENTIFY_CANDIDATES = 2_000;
const IDENTIFY_PER_LAYER = 10;

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

function toFeature(layer: LayerDef, row: Row, view: PersonalView): Feature<StoredGeometry> & { id: string } {
  return {
    type: 'Feature',
    id: row.id,
    geometry: JSON.parse(row.geometry) as StoredGeometry,
    properties: layer.properties(row, view) as Record<string, unknown>,
  };
}

// --- search -------------------------------------------------------------------------------------

type PlaceKind = Schemas['PlaceKind'];
type Place = Schemas['Place'];
const KIND_ORDER: PlaceKind[] = ['town', 'village', 'park', 'river', 'road', 'service-point', 'parcel'];

function contextOf(townCode: unknown, villageCode: unknown): string {
  const town = typeof townCode === 'string' ? findTown(townCode) : undefined;
  const village = typeof villageCode === 'string' ? findVillage(villageCode) : undefined;
  return ['南海区', town?.name, village?.name].filter(Boolean).join(' · ');
}

function rowBox(row: Row): BBox {
  return roundBox([Number(row.min_lon), Number(row.min_lat), Number(row.max_lon), Number(row.max_lat)]);
}

// --- handlers -----------------------------------------------------------------------------------

export async function listGisFeatures(req: RequestOf<'listGisFeatures'>, reply: FastifyReply, ctx: ServiceContext) {
  const layer = readableLayer(req, req.params.layerId);
  const query = req.query;
  const scope = scopeRegion(req);
  const filters = itemFilters(layer, query);
  const period = parsePeriod(layer, query.datetime);
  const bbox = parseBbox(query.bbox, query['bbox-crs']);
  const crs = requestedCrs(query.crs);
  const afterRowid = decodeCursor(query.cursor);
  const limit = query.limit ?? 50;
  const state = stateOf(ctx);
  const regionPrefix = rowScope(layer, scope);
  const rows = await state.repo.items(layer, { filters, bbox, regionPrefix, period, afterRowid, limit: limit + 1 });
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
    numberMatched: await state.repo.countItems(layer, { filters, bbox, regionPrefix, period }),
    numberReturned: features.length,
    timeStamp: ctx.clock.now().toISOString(),
    features,
    links,
  };
  if (layer.personalFields.length > 0) body.masking = tracker.summary();
  reply.type('application/geo+json').header('content-crs', contentCrs(crs));
  return body;
}

export async function getGisFeature(req: RequestOf<'getGisFeature'>, reply: FastifyReply, ctx: ServiceContext) {
  const { layerId, featureId } = req.params;
  const layer = readableLayer(req, layerId);
  const scope = scopeRegion(req);
  const row = await stateOf(ctx).repo.item(layer, featureId, rowScope(layer, scope));
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
}

export function getGisQueryables(req: RequestOf<'getGisQueryables'>, reply: FastifyReply, ctx: ServiceContext): Schemas['Queryables'] {
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
}

export async function identifyGisFeatures(req: RequestOf<'identifyGisFeatures'>, _reply: FastifyReply, ctx: ServiceContext) {
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
    const candidates = await state.repo.near(layer, searchBox, rowScope(layer, scope), IDENTIFY_CANDIDATES);
    const hits = candidates
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
}

export async function searchGisPlaces(req: RequestOf<'searchGisPlaces'>, _reply: FastifyReply, ctx: ServiceContext) {
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
  for (const row of await state.repo.searchFeatures(scopes, q, 200)) {
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
    for (const row of await state.repo.searchParcels(parcelQuery, limit)) {
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
}
