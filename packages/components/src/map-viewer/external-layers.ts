/**
 * Layers from the district's own GIS servers (`<cb-map-layer>` children and the `externalLayers`
 * property): WMS 1.3.0 drawn as raster tiles, OGC API - Features collections drawn as GeoJSON per
 * view. Each becomes a catalogue-shaped record (category `external`) so that the layer list, the
 * legend, the stacking order and the region mask treat it like the platform's own layers, and a
 * click identifies in it (GetFeatureInfo; the features already loaded). Loaded from a chunk of its
 * own, only by maps that have such layers. Requests go through the client's external services,
 * never with the platform's token.
 */
import type { ExpressionSpecification, FillLayerSpecification, LayerSpecification, LineLayerSpecification, CircleLayerSpecification } from 'maplibre-gl';
import { createExternalService, createOgcFeaturesClient, type ExternalService, type OgcFeaturesClient } from '@citybrain/client';
import { safeColor } from './config.js';
import type { OverlayBuild } from './overlays.js';
import type { CatalogueLayer, IdentifiedFeature, LngLatTuple, BBoxTuple } from './types.js';
import { getFeatureInfoUrl, getMapTemplate, infoFormatOf, parseFeatureInfo, parseWmsCapabilities, rewriteTileUrl, type WmsCapabilities, type WmsLayerInfo } from './wms.js';
import { parseWmtsCapabilities, wmtsTiles } from './wmts.js';
import { redrawTile, type GeographicSource } from './geographic-tiles.js';
import { CapabilitiesError } from './wms.js';
import type { ExternalLayerSpec } from '../map-layer/map-layer.js';

/** The category external layers are listed under (not one of the platform's ten). */
export const EXTERNAL_CATEGORY = 'external';
const DEFAULT_FEATURE_LIMIT = 2000;
const DEFAULT_FEATURE_COLOR = '#7048e8';
const FEATURE_PAGE = 500;

interface WmsState {
  kind: 'wms';
  service: ExternalService;
  capabilities: WmsCapabilities;
  layers: WmsLayerInfo[];
}

interface TilesState {
  kind: 'wmts' | 'raster-tiles';
}

/** Vector tiles: identify reads the drawn features, as for OGC API - Features. */
interface VectorTilesState {
  kind: 'vector-tiles';
}

/** Where tiles come from, as TileJSON and OGC API - Tiles both tell it. */
interface TileSource {
  urls: string[];
  minzoom: number;
  maxzoom: number;
  bounds: [number, number, number, number] | undefined;
  attribution: string;
}

/** The parts of an OGC API - Tiles tileset (1.0) the map reads. */
interface OgcTileset {
  title?: string;
  dataType?: 'vector' | 'map' | 'coverage';
  tileMatrixSetURI?: string;
  links?: { href: string; rel: string; templated?: boolean }[];
  tileMatrixSetLimits?: { tileMatrix: string }[];
  layers?: { id: string }[];
}

/**
 * A tile URL template from a document at `documentUrl`: resolved against it, the service's key parameter
 * added, maplibre's `{z}`/`{x}`/`{y}` kept literal (URL encodes their braces).
 */
function tileTemplate(service: ExternalService, documentUrl: string, template: string): string {
  const absolute = new URL(template, new URL(documentUrl, globalThis.location?.href)).toString();
  return service.resolve(absolute).replace(/%7B/gi, '{').replace(/%7D/gi, '}');
}

const isWebMercatorQuad = (uri: string | undefined) => /\/WebMercatorQuad$/.test(uri ?? '');

interface TileJsonDocument {
  tilejson?: string;
  tiles?: unknown;
  minzoom?: number;
  maxzoom?: number;
  bounds?: number[];
  attribution?: string;
  name?: string;
  description?: string;
  vector_layers?: { id: string; fields?: Record<string, string> }[];
}

interface FeaturesState {
  kind: 'ogc-features';
  client: OgcFeaturesClient;
  collection: string;
  limit: number;
  /** The features of the last view, for identify. */
  loaded: GeoJSON.Feature[];
}

interface ExternalEntry {
  spec: ExternalLayerSpec;
  layer: CatalogueLayer;
  build: OverlayBuild;
  legendImage: string | undefined;
  state: WmsState | TilesState | VectorTilesState | FeaturesState;
}

const XML_ACCEPT = 'application/xml, text/xml';

/** What the external layers need of the map. */
export interface ExternalLayersContext {
  warnOnce(key: string, message: string): void;
  /** Metres per pixel at the map's centre, for GetFeatureInfo's search window. */
  metresPerPixel(): number;
  /** The map engine's module, to register the redrawing of geographic tiles with. */
  maplibre: Pick<typeof import('maplibre-gl'), 'addProtocol'>;
  /** The platform's bearer token, for layers with `auth: 'platform'`. */
  platformToken(): Promise<string | undefined>;
}

/** Tiles of geographic WMTS sets come through this scheme and are redrawn in Web Mercator. */
const GEOGRAPHIC_PROTOCOL = 'citybrain-geo';
/** Sources of geographic tiles by layer id, for every map on the page (the protocol is global). */
const geographicSources = new Map<string, GeographicSource>();
const protocolsRegistered = new WeakSet<object>();

function registerGeographicProtocol(maplibre: ExternalLayersContext['maplibre']): void {
  if (protocolsRegistered.has(maplibre)) return;
  protocolsRegistered.add(maplibre);
  maplibre.addProtocol(GEOGRAPHIC_PROTOCOL, async (params, abortController) => {
    const [layerId, z, x, y] = params.url.slice(GEOGRAPHIC_PROTOCOL.length + 3).split('/');
    const source = geographicSources.get(layerId!);
    if (!source) throw new Error('cb-map-viewer: the layer that requested this tile is gone');
    return { data: await redrawTile(source, Number(z), Number(x), Number(y), abortController.signal) };
  });
}

/** A stable id from what the layer is (not its position among the children). */
function idOf(spec: ExternalLayerSpec): string {
  const text = [spec.type, spec.url, spec.layers ?? '', spec.collection ?? ''].join('|');
  let hash = 2166136261;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 16777619);
  return `ext-${(hash >>> 0).toString(36)}`;
}

function catalogueRecord(id: string, title: string, geometryType: CatalogueLayer['geometryType'], legend: CatalogueLayer['legend'], coordSys: CatalogueLayer['coordSys']): CatalogueLayer {
  return {
    id,
    title,
    titleEn: title,
    category: EXTERNAL_CATEGORY as CatalogueLayer['category'],
    access: 'public',
    geometryType,
    sourceLayer: '',
    coordSys,
    storageCrs: '',
    crs: [],
    reviewNo: null,
    attribution: '',
    updated: '',
    minzoom: 0,
    maxzoom: 24,
    bbox: [-180, -90, 180, 90],
    featureCount: 0,
    legend,
    links: [],
  } as CatalogueLayer;
}

export class ExternalLayers {
  private readonly entries = new Map<string, ExternalEntry>();
  private platformToken: string | undefined;
  /** Layers whose server failed: still listed (as failed), never drawn. */
  private readonly failed = new Map<string, CatalogueLayer>();
  /** Every layer's id, in the page's order. */
  private order: string[] = [];
  /** URL prefixes of the servers, with how tiles to them are requested. */
  private readonly tileRequests: { prefix: string; headers?: Record<string, string>; credentials: RequestCredentials }[] = [];

  constructor(private readonly context: ExternalLayersContext) {}

  owns(layerId: string): boolean {
    return this.entries.has(layerId) || this.failed.has(layerId);
  }

  /** Every external layer, loaded or failed, in the page's order. */
  layers(): CatalogueLayer[] {
    return this.order.flatMap((id) => this.entries.get(id)?.layer ?? this.failed.get(id) ?? []);
  }

  legendImage(layerId: string): string | undefined {
    return this.entries.get(layerId)?.legendImage;
  }

  entry(layerId: string): { layer: CatalogueLayer; build: OverlayBuild; visible: boolean } | undefined {
    const entry = this.entries.get(layerId);
    return entry && { layer: entry.layer, build: entry.build, visible: entry.spec.visible !== false };
  }

  /**
   * Reads every layer's server (capabilities, collection) and builds its overlay. Resolves with the
   * ids of the layers to draw, in order; a layer that fails is kept as failed and reported through `onError`.
   */
  async load(specs: readonly ExternalLayerSpec[], signal: AbortSignal, onError: (layer: CatalogueLayer, error: unknown) => void): Promise<string[]> {
    // Asked once per load: tiles need their headers synchronously (a reload of the map asks again).
    if (specs.some((spec) => spec.auth === 'platform')) this.platformToken = await this.context.platformToken();
    const ids: string[] = [];
    await Promise.all(
      specs.map(async (spec) => {
        const id = idOf(spec);
        if (ids.includes(id)) return;
        ids.push(id);
        try {
          const load = { wms: this.loadWms, wmts: this.loadWmts, tilejson: this.loadTileJson, 'ogc-tiles': this.loadOgcTiles, 'ogc-features': this.loadFeatures }[spec.type];
          const entry = await load.call(this, id, spec, signal);
          this.entries.set(id, entry);
        } catch (error) {
          if ((error as { name?: string }).name === 'AbortError') throw error;
          const layer = catalogueRecord(id, spec.title ?? spec.url, 'Mixed', { property: null, items: [] }, 'wgs84');
          this.failed.set(id, layer);
          onError(layer, error);
        }
      }),
    );
    this.order = ids;
    return ids.filter((id) => this.entries.has(id));
  }

  private serviceOptions(spec: ExternalLayerSpec) {
    const credentials = (['same-origin', 'include', 'omit'] as const).find((value) => value === spec.credentials) ?? 'same-origin';
    if (spec.credentials !== undefined && spec.credentials !== credentials) {
      this.context.warnOnce(`credentials:${spec.url}`, `credentials="${spec.credentials}" is not same-origin, include or omit; using same-origin.`);
    }
    const query = spec.keyParam && spec.key ? { [spec.keyParam]: spec.key } : undefined;
    if (spec.auth === 'platform' && !this.platformToken) {
      this.context.warnOnce(`auth:${spec.url}`, `auth="platform" on the layer from ${spec.url}: the map has no platform token to send.`);
    }
    const headers = spec.auth === 'platform' && this.platformToken ? { ...spec.headers, authorization: `Bearer ${this.platformToken}` } : spec.headers;
    return { url: spec.url, credentials, query, headers, retry: { maxAttempts: 2 } };
  }

  private rememberTileRequests(url: string, options: ReturnType<ExternalLayers['serviceOptions']>): void {
    const prefix = new URL(url, globalThis.location?.href).origin + '/';
    if (!this.tileRequests.some((entry) => entry.prefix === prefix)) this.tileRequests.push({ prefix, headers: options.headers, credentials: options.credentials });
  }

  /** A raster overlay of 256-px (or the set's) tiles from `template`. */
  private rasterBuild(id: string, spec: ExternalLayerSpec, template: string, attribution: string, tiles: { tileSize?: number; minzoom?: number; maxzoom?: number } = {}): OverlayBuild {
    const sourceId = `cb-src-${id}`;
    return {
      layerId: id,
      sourceId,
      source: { type: 'raster', tiles: [template], tileSize: tiles.tileSize ?? 256, minzoom: tiles.minzoom ?? 0, maxzoom: tiles.maxzoom ?? 22, attribution },
      layers: [{ id: `cb-${id}-raster`, type: 'raster', source: sourceId, paint: { 'raster-opacity': Math.min(1, Math.max(0, spec.opacity ?? 1)) } } as LayerSpecification],
      drawnLayerIds: [],
      sourceLayer: undefined,
      hasFeatureIds: false,
    };
  }

  private async loadWms(id: string, spec: ExternalLayerSpec, signal: AbortSignal): Promise<ExternalEntry> {
    const options = this.serviceOptions(spec);
    const service = createExternalService(options);
    const { data: xml } = await service.get<string>(service.resolve(spec.url, { SERVICE: 'WMS', VERSION: '1.3.0', REQUEST: 'GetCapabilities' }), {
      parseAs: 'text',
      accept: XML_ACCEPT,
      signal,
    });
    const capabilities = parseWmsCapabilities(xml);
    const wanted = (spec.layers ?? '').split(',').map((name) => name.trim()).filter(Boolean);
    const layers = wanted.length > 0 ? wanted.map((name) => capabilities.layers.find((layer) => layer.name === name)) : capabilities.layers;
    const missing = wanted.filter((_, index) => !layers[index]);
    if (missing.length > 0 || layers.length === 0) {
      throw new Error(`the WMS has no layer ${missing.map((name) => `"${name}"`).join(', ') || '(none named)'}`);
    }
    const found = layers as WmsLayerInfo[];
    const title = spec.title ?? found.map((layer) => layer.title).join('、');
    // The key parameter rides in the tile URL itself: maplibre's worker fetches tiles.
    const tiles = getMapTemplate(capabilities, found, options.query);
    this.rememberTileRequests(capabilities.getMapUrl, options);
    const build = this.rasterBuild(id, spec, tiles, capabilities.title);
    const legendUrl = found.length === 1 ? found[0]!.legendUrl : undefined;
    return {
      spec,
      layer: catalogueRecord(id, title, 'Mixed', { property: null, items: [] }, 'cgcs2000'),
      build,
      legendImage: legendUrl ? service.resolve(legendUrl) : undefined,
      state: { kind: 'wms', service, capabilities, layers: found },
    };
  }

  private async loadWmts(id: string, spec: ExternalLayerSpec, signal: AbortSignal): Promise<ExternalEntry> {
    const options = this.serviceOptions(spec);
    const service = createExternalService(options);
    // A URL that is the capabilities document itself (…/WMTSCapabilities.xml) is read as it is.
    const capabilitiesUrl = /\.xml($|\?)/i.test(spec.url) ? spec.url : service.resolve(spec.url, { SERVICE: 'WMTS', VERSION: '1.0.0', REQUEST: 'GetCapabilities' });
    const { data: xml } = await service.get<string>(capabilitiesUrl, { parseAs: 'text', accept: XML_ACCEPT, signal });
    const capabilities = parseWmtsCapabilities(xml);
    const wanted = spec.layers?.trim();
    const layer = wanted ? capabilities.layers.find((candidate) => candidate.identifier === wanted) : capabilities.layers[0];
    if (!layer) throw new Error(`the WMTS has no layer ${wanted ? `"${wanted}"` : '(none listed)'}`);
    const tiles = wmtsTiles(capabilities, layer, { tileMatrixSet: spec.tileMatrixSet, encoding: spec.encoding, extra: options.query });
    let build: OverlayBuild;
    if ('matrices' in tiles) {
      // A geographic set: its tiles are fetched through the client and redrawn in Web Mercator.
      registerGeographicProtocol(this.context.maplibre);
      geographicSources.set(id, {
        template: tiles.template,
        matrices: tiles.matrices,
        load: async (url, tileSignal) => {
          try {
            const { data } = await service.get<Blob>(url, { parseAs: 'blob', accept: 'image/*', signal: tileSignal });
            return data.size > 0 ? data : undefined;
          } catch (error) {
            if ((error as { status?: number }).status === 404) return undefined;
            throw error;
          }
        },
      });
      build = this.rasterBuild(id, spec, `${GEOGRAPHIC_PROTOCOL}://${id}/{z}/{x}/{y}`, capabilities.title);
    } else {
      this.rememberTileRequests(tiles.template, options);
      build = this.rasterBuild(id, spec, tiles.template, capabilities.title, tiles);
    }
    return {
      spec,
      layer: catalogueRecord(id, spec.title ?? layer.title, 'Mixed', { property: null, items: [] }, 'cgcs2000'),
      build,
      legendImage: layer.legendUrl ? service.resolve(layer.legendUrl) : undefined,
      state: { kind: 'wmts' },
    };
  }

  /**
   * Fill, line and circle layers for features of any geometry, coloured by the spec: one colour, or
   * `styleClasses` of `styleProperty` (the legend lists them). `source-layer` for vector tiles.
   */
  private vectorStyle(id: string, spec: ExternalLayerSpec, title: string, sourceLayer?: string): { layers: LayerSpecification[]; legend: CatalogueLayer['legend'] } {
    const color = safeColor(spec.color ?? DEFAULT_FEATURE_COLOR, DEFAULT_FEATURE_COLOR);
    const classes = (spec.styleClasses ?? '')
      .split(',')
      .map((entry) => entry.trim().split(':'))
      .filter((parts) => parts.length >= 2 && parts[0] !== '')
      .map(([value, classColor, ...label]) => ({ value: value!, color: safeColor(classColor!, color), label: label.join(':') || value! }));
    if (spec.styleClasses && classes.length === 0) this.context.warnOnce(`style-classes:${id}`, `style-classes="${spec.styleClasses}" has no value:#colour:label entries; drawing one colour.`);
    const byClass = spec.styleProperty && classes.length > 0;
    const paint: string | ExpressionSpecification = byClass
      ? (['match', ['to-string', ['get', spec.styleProperty!]], ...classes.flatMap((entry) => [entry.value, entry.color]), color] as ExpressionSpecification)
      : color;
    const opacity = Math.min(1, Math.max(0, spec.opacity ?? 0.35));
    const base = { source: `cb-src-${id}`, ...(sourceLayer ? { 'source-layer': sourceLayer } : {}) };
    const polygon: ExpressionSpecification = ['==', ['geometry-type'], 'Polygon'];
    const point: ExpressionSpecification = ['==', ['geometry-type'], 'Point'];
    return {
      layers: [
        { ...base, id: `cb-${id}-fill`, type: 'fill', filter: polygon, paint: { 'fill-color': paint, 'fill-opacity': opacity } } as FillLayerSpecification,
        { ...base, id: `cb-${id}-line`, type: 'line', filter: ['!', point], paint: { 'line-color': paint, 'line-width': 1.5 } } as LineLayerSpecification,
        { ...base, id: `cb-${id}-circle`, type: 'circle', filter: point, paint: { 'circle-color': paint, 'circle-radius': 5, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1 } } as CircleLayerSpecification,
      ],
      legend: byClass
        ? { property: spec.styleProperty!, items: classes.map((entry) => ({ value: entry.value, label: entry.label, color: entry.color })) }
        : { property: null, items: [{ label: title, color }] },
    };
  }

  /** The layers of a MapLibre style, drawing `sourceId` instead of whatever source they named. */
  private async styleLayers(id: string, service: ExternalService, styleUrl: string, signal: AbortSignal): Promise<LayerSpecification[]> {
    const { data: style } = await service.get<{ layers?: LayerSpecification[] }>(styleUrl, { signal });
    const layers = (Array.isArray(style.layers) ? style.layers : []).filter((layer) => layer.type !== 'background' && layer.type !== 'raster');
    if (layers.length === 0) throw new CapabilitiesError(`the style ${styleUrl} has no layers to draw the tiles with`);
    return layers.map((layer, index) => ({ ...layer, id: `cb-${id}-style-${index}`, source: `cb-src-${id}` }) as LayerSpecification);
  }

  private async loadTileJson(id: string, spec: ExternalLayerSpec, signal: AbortSignal): Promise<ExternalEntry> {
    const options = this.serviceOptions(spec);
    const service = createExternalService(options);
    const { data: tileJson } = await service.get<TileJsonDocument>(spec.url, { signal });
    const templates = Array.isArray(tileJson.tiles) ? tileJson.tiles.filter((tile): tile is string => typeof tile === 'string') : [];
    if (templates.length === 0) throw new CapabilitiesError('not a TileJSON document (no tiles)');
    const urls = templates.map((template) => tileTemplate(service, spec.url, template));
    for (const url of urls) this.rememberTileRequests(url, options);
    const title = spec.title ?? tileJson.name ?? spec.url;
    const zooms = { minzoom: tileJson.minzoom ?? 0, maxzoom: tileJson.maxzoom ?? 22 };
    const bounds = tileJson.bounds?.length === 4 ? (tileJson.bounds as [number, number, number, number]) : undefined;
    const tiles = { urls, ...zooms, bounds, attribution: tileJson.attribution ?? '' };
    const vectorLayers = Array.isArray(tileJson.vector_layers) ? tileJson.vector_layers.map((layer) => layer.id) : undefined;
    return vectorLayers
      ? this.vectorTilesEntry(id, spec, service, title, tiles, vectorLayers, signal)
      : this.rasterTilesEntry(id, spec, title, tiles);
  }

  /**
   * OGC API - Tiles: a tileset (`…/tiles/WebMercatorQuad`) or a collection's tileset list (`…/tiles`,
   * its WebMercatorQuad tileset then read), drawn from its templated `item` link.
   */
  private async loadOgcTiles(id: string, spec: ExternalLayerSpec, signal: AbortSignal): Promise<ExternalEntry> {
    const options = this.serviceOptions(spec);
    const service = createExternalService(options);
    let { data: tileset } = await service.get<OgcTileset & { tilesets?: OgcTileset[] }>(spec.url, { signal });
    if (Array.isArray(tileset.tilesets)) {
      const listed = tileset.tilesets.find((candidate) => isWebMercatorQuad(candidate.tileMatrixSetURI));
      const self = listed?.links?.find((link) => link.rel === 'self')?.href;
      if (!self) throw new CapabilitiesError('the collection offers no WebMercatorQuad tileset');
      tileset = (await service.get<OgcTileset>(new URL(self, new URL(spec.url, globalThis.location?.href)).toString(), { signal })).data;
    }
    if (!isWebMercatorQuad(tileset.tileMatrixSetURI)) {
      throw new CapabilitiesError(`the tileset is on ${String(tileset.tileMatrixSetURI)}; this map draws WebMercatorQuad tiles`);
    }
    const item = tileset.links?.find((link) => link.rel === 'item');
    if (!item?.href) throw new CapabilitiesError('not an OGC API - Tiles tileset (no item link)');
    const template = tileTemplate(service, spec.url, item.href.replace(/\{tileMatrix\}/g, '{z}').replace(/\{tileRow\}/g, '{y}').replace(/\{tileCol\}/g, '{x}'));
    this.rememberTileRequests(template, options);
    const matrices = (tileset.tileMatrixSetLimits ?? []).map((limits) => Number(limits.tileMatrix)).filter(Number.isFinite);
    const tiles = {
      urls: [template],
      minzoom: matrices.length > 0 ? Math.min(...matrices) : 0,
      maxzoom: matrices.length > 0 ? Math.max(...matrices) : 22,
      bounds: undefined,
      attribution: '',
    };
    const title = spec.title ?? tileset.title ?? spec.url;
    return tileset.dataType === 'map'
      ? this.rasterTilesEntry(id, spec, title, tiles)
      : this.vectorTilesEntry(id, spec, service, title, tiles, (tileset.layers ?? []).map((layer) => layer.id), signal);
  }

  private rasterTilesEntry(id: string, spec: ExternalLayerSpec, title: string, tiles: TileSource): ExternalEntry {
    const build = this.rasterBuild(id, spec, tiles.urls[0]!, tiles.attribution, tiles);
    build.source = { ...build.source, tiles: tiles.urls } as typeof build.source;
    return { spec, layer: catalogueRecord(id, title, 'Mixed', { property: null, items: [] }, 'cgcs2000'), build, legendImage: undefined, state: { kind: 'raster-tiles' } };
  }

  /** Vector tiles (TileJSON, OGC API - Tiles) drawn by the spec's style; identify reads the drawn features. */
  private async vectorTilesEntry(id: string, spec: ExternalLayerSpec, service: ExternalService, title: string, tiles: TileSource, tileLayers: string[], signal: AbortSignal): Promise<ExternalEntry> {
    const sourceLayer = spec.sourceLayer ?? tileLayers[0];
    if (!sourceLayer || !tileLayers.includes(sourceLayer)) {
      throw new CapabilitiesError(`the tiles have no layer "${String(sourceLayer)}" (they have ${tileLayers.join(', ') || 'none'})`);
    }
    const styled = this.vectorStyle(id, spec, title, sourceLayer);
    const layers = spec.styleUrl ? await this.styleLayers(id, service, spec.styleUrl, signal) : styled.layers;
    const build: OverlayBuild = {
      layerId: id,
      sourceId: `cb-src-${id}`,
      source: { type: 'vector', tiles: tiles.urls, minzoom: tiles.minzoom, maxzoom: tiles.maxzoom, ...(tiles.bounds ? { bounds: tiles.bounds } : {}), attribution: tiles.attribution },
      layers,
      drawnLayerIds: layers.map((layer) => layer.id),
      sourceLayer,
      hasFeatureIds: false,
    };
    const legend = spec.styleUrl ? { property: null, items: [] } : styled.legend;
    return { spec, layer: catalogueRecord(id, title, 'Mixed', legend, 'cgcs2000'), build, legendImage: undefined, state: { kind: 'vector-tiles' } };
  }

  private async loadFeatures(id: string, spec: ExternalLayerSpec, signal: AbortSignal): Promise<ExternalEntry> {
    if (!spec.collection) throw new Error('an OGC API - Features layer needs a collection');
    const options = this.serviceOptions(spec);
    const client = createOgcFeaturesClient(options);
    const collection = await client.collection(spec.collection, signal);
    const title = spec.title ?? collection.title ?? spec.collection;
    const { layers, legend } = this.vectorStyle(id, spec, title);
    const sourceId = `cb-src-${id}`;
    const build: OverlayBuild = {
      layerId: id,
      sourceId,
      source: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
      layers,
      drawnLayerIds: layers.map((layer) => layer.id),
      sourceLayer: undefined,
      hasFeatureIds: false,
    };
    return {
      spec,
      layer: catalogueRecord(id, title, 'Mixed', legend, 'wgs84'),
      build,
      legendImage: undefined,
      state: { kind: 'ogc-features', client, collection: spec.collection, limit: spec.limit ?? DEFAULT_FEATURE_LIMIT, loaded: [] },
    };
  }

  /** The features of a collection in the view (CRS84), at most the layer's limit, with a warning past it. */
  async features(layerId: string, bbox: BBoxTuple, signal: AbortSignal): Promise<GeoJSON.FeatureCollection> {
    const entry = this.entries.get(layerId);
    if (!entry || entry.state.kind !== 'ogc-features') return { type: 'FeatureCollection', features: [] };
    const state = entry.state;
    const features: GeoJSON.Feature[] = [];
    const limit = Math.max(1, state.limit);
    for await (const page of state.client.items(state.collection, { bbox, limit: Math.min(FEATURE_PAGE, limit), signal }).pages()) {
      features.push(...(page.features as unknown as GeoJSON.Feature[]));
      if (features.length >= limit) {
        const more = features.length > limit || page.links?.some((link) => link.rel === 'next');
        if (more) {
          this.context.warnOnce(`feature-cap:${layerId}`, `layer "${entry.layer.title}": more than ${limit} features in view; only the first ${limit} are drawn. Zoom in, or raise its limit.`);
        }
        break;
      }
    }
    state.loaded = features.slice(0, limit);
    return { type: 'FeatureCollection', features: state.loaded };
  }

  /** What a click finds in the visible external layers: GetFeatureInfo for WMS, the loaded features for the others. */
  async identify(lngLat: LngLatTuple, visibleIds: readonly string[], renderedAt: (layerIds: string[]) => GeoJSON.Feature[], signal: AbortSignal): Promise<IdentifiedFeature[]> {
    const found = await Promise.all(
      visibleIds
        .map((id) => this.entries.get(id))
        .filter((entry): entry is ExternalEntry => entry !== undefined)
        .map(async (entry): Promise<IdentifiedFeature[]> => {
          const { layer, state } = entry;
          if (state.kind === 'ogc-features' || state.kind === 'vector-tiles') {
            return renderedAt(entry.build.drawnLayerIds).map((feature) => ({
              layerId: layer.id,
              layerTitle: layer.title,
              featureId: feature.id ?? (feature.properties?.id as string | undefined),
              properties: { ...(feature.properties ?? {}) },
              distanceM: 0,
            }));
          }
          // WMTS and raster tiles are pictures: their servers rarely answer GetFeatureInfo, so nothing is asked.
          if (state.kind !== 'wms') return [];
          const queryable = state.layers.filter((info) => info.queryable);
          const url = queryable.length > 0 ? getFeatureInfoUrl(state.capabilities, queryable, lngLat, this.context.metresPerPixel()) : undefined;
          const format = infoFormatOf(state.capabilities);
          if (!url || !format) return [];
          try {
            const { data } = await state.service.get<string>(url, { parseAs: 'text', accept: format, signal });
            return parseFeatureInfo(data, format).map((feature) => ({
              layerId: layer.id,
              layerTitle: layer.title,
              featureId: feature.featureId,
              properties: feature.properties,
              distanceM: 0,
            }));
          } catch (error) {
            if ((error as { name?: string }).name === 'AbortError') throw error;
            this.context.warnOnce(`info:${layer.id}`, `layer "${layer.title}": GetFeatureInfo failed (${String(error)})`);
            return [];
          }
        }),
    );
    return found.flat();
  }

  /** maplibre's `transformRequest` for tiles of these servers: their headers and cookie policy; a geographic bbox where needed. */
  transformRequest(url: string): { url: string; headers?: Record<string, string>; credentials?: 'same-origin' | 'include' } | undefined {
    const match = this.tileRequests.find((entry) => url.startsWith(entry.prefix));
    if (!match) return undefined;
    // maplibre knows no `omit`; `same-origin` sends nothing to another origin anyway.
    const credentials = match.credentials === 'include' ? 'include' : 'same-origin';
    return { url: rewriteTileUrl(url), ...(match.headers ? { headers: match.headers } : {}), credentials };
  }
}
