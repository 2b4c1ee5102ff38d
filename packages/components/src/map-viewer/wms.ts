/**
 * OGC WMS 1.3.0 for the map's external layers: the capabilities document read into what the map
 * needs (layers, titles, CRSs, legends, GetMap and GetFeatureInfo endpoints and formats), GetMap tile
 * templates, GetFeatureInfo requests around a click, and their answers (GeoJSON, GML, plain text)
 * read into plain properties that the popup shows as text. Nothing here is ever parsed as HTML.
 */
import type { BBoxTuple, LngLatTuple } from './types.js';

export interface WmsLayerInfo {
  name: string;
  title: string;
  abstract: string;
  queryable: boolean;
  /** Every CRS the layer can be drawn in, its parents' included (WMS inheritance). */
  crs: string[];
  /** EX_GeographicBoundingBox: west, south, east, north. */
  bbox: BBoxTuple | undefined;
  /** The first style's legend image, when the server names one. */
  legendUrl: string | undefined;
}

export interface WmsCapabilities {
  title: string;
  getMapUrl: string;
  getFeatureInfoUrl: string | undefined;
  mapFormats: string[];
  infoFormats: string[];
  /** Named layers (those that can be requested), in document order. */
  layers: WmsLayerInfo[];
}

/** A capabilities document this map cannot use: not XML, a service exception, another version. */
export class CapabilitiesError extends Error {
  override name = 'CapabilitiesError';
}

const WEB_MERCATOR = ['EPSG:3857', 'EPSG:900913', 'EPSG:102100'];
/** Geographic CRSs in which WMS 1.3.0 orders axes latitude first (EPSG's definition). */
const LAT_LON = ['EPSG:4490', 'EPSG:4326'];

const childrenNamed = (parent: Element, name: string) => [...parent.children].filter((child) => child.localName === name);
const childNamed = (parent: Element | undefined, name: string) => (parent ? childrenNamed(parent, name)[0] : undefined);
const textOf = (element: Element | undefined) => element?.textContent?.trim() ?? '';
const hrefOf = (element: Element | undefined) =>
  element?.getAttributeNS('http://www.w3.org/1999/xlink', 'href') ?? element?.getAttribute('xlink:href') ?? undefined;

export function parseWmsCapabilities(xml: string): WmsCapabilities {
  const document = new DOMParser().parseFromString(xml, 'application/xml');
  const root = document.documentElement;
  if (!root || root.localName === 'parsererror' || document.getElementsByTagName('parsererror').length > 0) {
    throw new CapabilitiesError('the capabilities are not well-formed XML');
  }
  if (root.localName === 'ServiceExceptionReport' || root.localName === 'ExceptionReport') {
    throw new CapabilitiesError(`the server answered with an exception: ${textOf(root).slice(0, 200)}`);
  }
  if (root.localName !== 'WMS_Capabilities') throw new CapabilitiesError(`not a WMS 1.3.0 capabilities document (<${root.localName}>)`);
  const version = root.getAttribute('version') ?? '';
  if (!version.startsWith('1.3')) throw new CapabilitiesError(`WMS ${version} is not supported; ask the server for VERSION=1.3.0`);

  const capability = childNamed(root, 'Capability');
  const request = childNamed(capability, 'Request');
  const operation = (name: string) => childNamed(request, name);
  const endpoint = (name: string) => hrefOf(childNamed(childNamed(childNamed(childNamed(operation(name), 'DCPType'), 'HTTP'), 'Get'), 'OnlineResource'));
  const formats = (name: string) => (operation(name) ? childrenNamed(operation(name)!, 'Format').map(textOf) : []);
  const getMapUrl = endpoint('GetMap');
  if (!getMapUrl) throw new CapabilitiesError('the capabilities name no GetMap endpoint');

  const layers: WmsLayerInfo[] = [];
  const visit = (element: Element, inheritedCrs: string[]) => {
    const crs = [...new Set([...inheritedCrs, ...childrenNamed(element, 'CRS').map(textOf)])];
    const name = textOf(childNamed(element, 'Name'));
    if (name) {
      const box = childNamed(element, 'EX_GeographicBoundingBox');
      const edges = ['westBoundLongitude', 'southBoundLatitude', 'eastBoundLongitude', 'northBoundLatitude'].map((edge) => Number(textOf(childNamed(box, edge))));
      const legend = childNamed(childNamed(element, 'Style'), 'LegendURL');
      layers.push({
        name,
        title: textOf(childNamed(element, 'Title')) || name,
        abstract: textOf(childNamed(element, 'Abstract')),
        queryable: element.getAttribute('queryable') === '1' || element.getAttribute('queryable') === 'true',
        crs,
        bbox: box && edges.every(Number.isFinite) ? (edges as BBoxTuple) : undefined,
        legendUrl: hrefOf(childNamed(legend, 'OnlineResource')),
      });
    }
    for (const child of childrenNamed(element, 'Layer')) visit(child, crs);
  };
  for (const top of childrenNamed(capability ?? root, 'Layer')) visit(top, []);

  return {
    title: textOf(childNamed(childNamed(root, 'Service'), 'Title')),
    getMapUrl,
    getFeatureInfoUrl: endpoint('GetFeatureInfo'),
    mapFormats: formats('GetMap'),
    infoFormats: formats('GetFeatureInfo'),
    layers,
  };
}

/** The CRS to ask GetMap and GetFeatureInfo in: Web Mercator when offered, else CGCS2000 / WGS84. */
export function requestCrs(layers: readonly WmsLayerInfo[]): string | undefined {
  const common = (candidates: string[]) => candidates.find((crs) => layers.every((layer) => layer.crs.includes(crs)));
  return common(WEB_MERCATOR) ?? common(LAT_LON) ?? common(['CRS:84']);
}

/** Marks a GetMap template whose bbox must be turned from Web Mercator into the server's CRS per tile. */
export const BBOX_CRS_PARAM = 'cb-bbox-crs';

/** Adds `params` to the endpoint's own query (which may hold a `map=` or a key) without duplicating names. */
function withParams(endpoint: string, params: Record<string, string>): string {
  const url = new URL(endpoint, globalThis.location?.href);
  const taken = new Set([...url.searchParams.keys()].map((key) => key.toLowerCase()));
  for (const [name, value] of Object.entries(params)) if (!taken.has(name.toLowerCase())) url.searchParams.set(name, value);
  return url.toString();
}

/** A maplibre raster tile URL (256 px) for GetMap, with maplibre's `{bbox-epsg-3857}` placeholder. */
export function getMapTemplate(capabilities: WmsCapabilities, layers: readonly WmsLayerInfo[], extra: Record<string, string> = {}): string {
  const crs = requestCrs(layers);
  if (!crs) throw new CapabilitiesError(`the layers offer no CRS this map can draw (${layers[0]?.crs.join(', ') || 'none'})`);
  const format = capabilities.mapFormats.includes('image/png') ? 'image/png' : capabilities.mapFormats.find((f) => f.startsWith('image/')) ?? 'image/png';
  const url = withParams(capabilities.getMapUrl, {
    ...extra,
    SERVICE: 'WMS',
    VERSION: '1.3.0',
    REQUEST: 'GetMap',
    LAYERS: layers.map((layer) => layer.name).join(','),
    STYLES: '',
    CRS: crs,
    WIDTH: '256',
    HEIGHT: '256',
    FORMAT: format,
    TRANSPARENT: 'TRUE',
    ...(WEB_MERCATOR.includes(crs) ? {} : { [BBOX_CRS_PARAM]: crs }),
  });
  // The placeholder must stay literal for maplibre: URLSearchParams would percent-encode its braces.
  return `${url}&BBOX={bbox-epsg-3857}`;
}

const EARTH_RADIUS = 6378137;
const toLon = (x: number) => (x / EARTH_RADIUS) * (180 / Math.PI);
const toLat = (y: number) => (2 * Math.atan(Math.exp(y / EARTH_RADIUS)) - Math.PI / 2) * (180 / Math.PI);
const toX = (lon: number) => (lon * Math.PI * EARTH_RADIUS) / 180;
const toY = (lat: number) => EARTH_RADIUS * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));

/** The BBOX value for `crs` in WMS 1.3.0 axis order, from a Web Mercator box. */
function bboxIn(crs: string, [minX, minY, maxX, maxY]: number[]): string {
  if (WEB_MERCATOR.includes(crs)) return [minX, minY, maxX, maxY].join(',');
  const [west, south, east, north] = [toLon(minX!), toLat(minY!), toLon(maxX!), toLat(maxY!)].map((v) => v.toFixed(8));
  return LAT_LON.includes(crs) ? [south, west, north, east].join(',') : [west, south, east, north].join(',');
}

/**
 * A tile URL maplibre is about to fetch, rewritten for a server without Web Mercator: the bbox goes
 * into the server's CRS and axis order (a geographic tile drawn into a Mercator tile: off by under
 * a pixel at town scale). Other URLs pass unchanged.
 */
export function rewriteTileUrl(url: string): string {
  if (!url.includes(BBOX_CRS_PARAM)) return url;
  const target = new URL(url);
  const crs = target.searchParams.get(BBOX_CRS_PARAM)!;
  const box = (target.searchParams.get('BBOX') ?? '').split(',').map(Number);
  target.searchParams.delete(BBOX_CRS_PARAM);
  if (box.length === 4 && box.every(Number.isFinite)) target.searchParams.set('BBOX', bboxIn(crs, box));
  return target.toString();
}

/** Pixels around a click that GetFeatureInfo looks at (its image is 2 × this + 1 wide). */
const INFO_RADIUS_PX = 5;

/** The formats this map reads, best first. */
const INFO_FORMATS = ['application/geo+json', 'application/json', 'application/vnd.ogc.gml', 'application/vnd.ogc.gml/3.1.1', 'text/xml', 'text/plain'];

export function infoFormatOf(capabilities: WmsCapabilities): string | undefined {
  return INFO_FORMATS.find((format) => capabilities.infoFormats.includes(format));
}

/** A GetFeatureInfo request for a click at `lngLat`, looking `INFO_RADIUS_PX` pixels around at `metresPerPixel`. */
export function getFeatureInfoUrl(
  capabilities: WmsCapabilities,
  layers: readonly WmsLayerInfo[],
  lngLat: LngLatTuple,
  metresPerPixel: number,
  extra: Record<string, string> = {},
): string | undefined {
  const crs = requestCrs(layers);
  const format = infoFormatOf(capabilities);
  if (!crs || !format || !capabilities.getFeatureInfoUrl) return undefined;
  const size = INFO_RADIUS_PX * 2 + 1;
  // Web Mercator metres are stretched by 1/cos(lat) against ground metres.
  const half = (INFO_RADIUS_PX + 0.5) * metresPerPixel / Math.cos((lngLat[1] * Math.PI) / 180);
  const [x, y] = [toX(lngLat[0]), toY(lngLat[1])];
  const names = layers.map((layer) => layer.name).join(',');
  return withParams(capabilities.getFeatureInfoUrl, {
    ...extra,
    SERVICE: 'WMS',
    VERSION: '1.3.0',
    REQUEST: 'GetFeatureInfo',
    LAYERS: names,
    QUERY_LAYERS: names,
    STYLES: '',
    CRS: crs,
    BBOX: bboxIn(crs, [x - half, y - half, x + half, y + half]),
    WIDTH: String(size),
    HEIGHT: String(size),
    I: String(INFO_RADIUS_PX),
    J: String(INFO_RADIUS_PX),
    INFO_FORMAT: format,
    FEATURE_COUNT: '10',
  });
}

export interface InfoFeature {
  /** The WMS layer (GML: the member's element name; GeoJSON: a `layer` hint when the server gives one). */
  layerName: string | undefined;
  featureId: string | number | undefined;
  properties: Record<string, unknown>;
}

/** A GetFeatureInfo answer read into features with plain properties (never HTML). */
export function parseFeatureInfo(text: string, format: string): InfoFeature[] {
  if (format.includes('json')) {
    const body = JSON.parse(text) as { features?: unknown; name?: unknown };
    if (!Array.isArray(body.features)) return [];
    return body.features.map((feature: { id?: unknown; properties?: unknown }) => ({
      layerName: typeof body.name === 'string' ? body.name : undefined,
      featureId: typeof feature.id === 'string' || typeof feature.id === 'number' ? feature.id : undefined,
      properties: plainProperties(feature.properties),
    }));
  }
  if (format === 'text/plain') {
    const trimmed = text.trim();
    return trimmed ? [{ layerName: undefined, featureId: undefined, properties: { text: trimmed.slice(0, 2000) } }] : [];
  }
  return parseGmlFeatures(text);
}

function plainProperties(value: unknown): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, v !== null && typeof v === 'object' ? JSON.stringify(v) : v]));
}

/**
 * MapServer's GML (`<msGMLOutput><zones_layer><zones_feature>…`) and WFS-style GML (`featureMember`):
 * every element with only text children becomes a property; geometry and bounding boxes are left out.
 */
function parseGmlFeatures(xml: string): InfoFeature[] {
  const document = new DOMParser().parseFromString(xml, 'application/xml');
  if (document.getElementsByTagName('parsererror').length > 0) return [];
  const features: InfoFeature[] = [];
  const skipped = new Set(['boundedBy', 'Envelope', 'Box', 'coordinates', 'posList', 'pos', 'lowerCorner', 'upperCorner']);
  const isFeature = (element: Element) => element.localName.endsWith('_feature') || element.parentElement?.localName === 'featureMember';
  for (const element of [...document.getElementsByTagName('*')].filter(isFeature)) {
    const properties: Record<string, unknown> = {};
    for (const child of element.children) {
      if (skipped.has(child.localName) || child.children.length > 0) continue;
      properties[child.localName] = child.textContent ?? '';
    }
    const layerElement = element.parentElement?.localName.endsWith('_layer') ? element.parentElement : undefined;
    features.push({
      layerName: layerElement ? layerElement.localName.replace(/_layer$/, '') : element.localName.replace(/_feature$/, ''),
      featureId: element.getAttributeNS('http://www.opengis.net/gml', 'id') ?? element.getAttribute('fid') ?? undefined,
      properties,
    });
  }
  return features;
}
