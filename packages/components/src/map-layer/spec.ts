/**
 * What `<cb-map-layer>` describes, read from its attributes. The map reads children with this even
 * before the element's class is defined (the script tag defines it with the map), so it needs no Lit.
 */

/** The standards `<cb-map-layer>` reads. */
export type ExternalLayerType = 'wms' | 'wmts' | 'tilejson' | 'ogc-tiles' | 'ogc-features';

export const EXTERNAL_LAYER_TYPES: readonly ExternalLayerType[] = ['wms', 'wmts', 'tilejson', 'ogc-tiles', 'ogc-features'];

/**
 * A layer from a GIS server the district already runs, as `<cb-map-viewer>`'s `externalLayers`
 * property takes it (frameworks) or a `<cb-map-layer>` child describes it (pages).
 */
export interface ExternalLayerSpec {
  type: ExternalLayerType;
  /** WMS and WMTS: the service endpoint (`…/wms?`, `…/wmts?`, or the capabilities document's URL); TileJSON: the TileJSON document (Martin, pg_tileserv, `ST_AsMVT` behind any server); OGC API - Tiles: a tileset (`…/tiles/WebMercatorQuad`) or a collection's tilesets (`…/tiles`); OGC API - Features: the landing page. */
  url: string;
  /** WMS: layer names, comma-separated (all named layers when empty); WMTS: the layer's identifier (the first layer when empty). */
  layers?: string;
  /** WMTS: the tile matrix set (default: the layer's first Web Mercator set). */
  tileMatrixSet?: string;
  /** WMTS: `rest` (default when the server offers it) or `kvp`. */
  encoding?: 'rest' | 'kvp';
  /** OGC API - Features: the collection id. */
  collection?: string;
  /** The title in the layer list and legend; the server's title when empty. */
  title?: string;
  /** 0–1 (default 1 for WMS, 0.35 for the fill of features). */
  opacity?: number;
  /** OGC API - Features and vector TileJSON: the colour features are drawn in (CSS hex, default #7048e8). */
  color?: string;
  /** Vector TileJSON and OGC API - Tiles: the layer inside the tiles (default: the first the server lists). */
  sourceLayer?: string;
  /** Vector TileJSON and OGC API - Features: colours by a property — the property… */
  styleProperty?: string;
  /** …and its classes, `value:#colour:label` separated by commas (the legend shows them). */
  styleClasses?: string;
  /** Vector TileJSON: a MapLibre style whose layers draw the tiles (their `source` is replaced). */
  styleUrl?: string;
  /** OGC API - Features: the most features drawn per view (default 2000; a warning says when more exist). */
  limit?: number;
  /** Cookies to the server: `same-origin` (default), `include` (a bureau's single sign-on), `omit`. */
  credentials?: RequestCredentials;
  /**
   * `platform`: send the platform's own bearer token (the map's client's, e.g. from `<cb-provider>`) as
   * `Authorization`, to a server of the district's own that accepts the same sign-in. Never to others.
   */
  auth?: 'platform';
  /** A key parameter on every request, Tianditu style (`tk`): its name… */
  keyParam?: string;
  /** …and its value (a public, referer-bound key — never a secret). */
  key?: string;
  /** Headers on every request, tiles included (e.g. an `Authorization` the page got from its own sign-in). */
  headers?: Record<string, string>;
  /** Drawn when the map starts (default true); the layer list can switch it. */
  visible?: boolean;
}

const number = (value: string | null) => (value === null || value.trim() === '' || !Number.isFinite(Number(value)) ? undefined : Number(value));

/**
 * A `<cb-map-layer>`'s layer, or undefined when its type or url is missing or wrong. A defined element
 * is read through its properties (a framework may set them without attributes), else its attributes.
 */
export function specFromElement(element: Element): ExternalLayerSpec | undefined {
  const properties = element as Element & Record<string, unknown>;
  const read = (property: string, attribute: string): string | undefined => {
    const value = properties[property];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
    return element.getAttribute(attribute) ?? undefined;
  };
  const type = read('type', 'type') as ExternalLayerType | undefined;
  const url = read('url', 'url')?.trim();
  if (!type || !EXTERNAL_LAYER_TYPES.includes(type) || !url) return undefined;
  const headers = properties.headers;
  const startHidden = properties.startHidden;
  return {
    type,
    url,
    layers: read('layers', 'layers'),
    tileMatrixSet: read('tileMatrixSet', 'tile-matrix-set'),
    sourceLayer: read('sourceLayer', 'source-layer'),
    styleProperty: read('styleProperty', 'style-property'),
    styleClasses: read('styleClasses', 'style-classes'),
    styleUrl: read('styleUrl', 'style-url'),
    encoding: (['rest', 'kvp'] as const).find((value) => value === read('encoding', 'encoding')),
    collection: read('collection', 'collection'),
    title: read('title', 'title') || undefined,
    opacity: number(read('opacity', 'opacity') ?? null),
    color: read('color', 'color'),
    limit: number(read('limit', 'limit') ?? null),
    credentials: read('credentials', 'credentials') as RequestCredentials | undefined,
    auth: read('auth', 'auth') === 'platform' ? 'platform' : undefined,
    keyParam: read('keyParam', 'key-param'),
    key: read('key', 'key'),
    headers: headers && typeof headers === 'object' ? (headers as Record<string, string>) : undefined,
    visible: typeof startHidden === 'boolean' ? !startHidden : !element.hasAttribute('start-hidden'),
  };
}
