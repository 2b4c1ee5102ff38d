/**
 * OGC WMTS 1.0 for the map's external layers: capabilities read into layers and tile matrix sets, and
 * the tile URL (REST `ResourceURL` or KVP GetTile) of a layer: a maplibre template in a Web Mercator
 * set (GoogleMapsCompatible, 天地图's `_w` services), or, in a geographic CGCS2000 / WGS 84 set
 * (天地图's `_c` services, provincial platforms), a source whose tiles the map redraws in Web Mercator
 * (geographic-tiles.ts): maplibre draws Web Mercator tiles only.
 */
import { CapabilitiesError } from './wms.js';
import type { BBoxTuple } from './types.js';

export interface WmtsLayerInfo {
  identifier: string;
  title: string;
  formats: string[];
  /** The default style's identifier (WMTS requires one in every request). */
  style: string;
  legendUrl: string | undefined;
  tileMatrixSets: string[];
  /** REST templates by format. */
  resourceUrls: { format: string; template: string }[];
  bbox: BBoxTuple | undefined;
}

export interface WmtsTileMatrix {
  identifier: string;
  scaleDenominator: number;
  topLeft: [number, number];
  tileWidth: number;
  matrixWidth: number;
  matrixHeight: number;
}

export interface WmtsTileMatrixSet {
  identifier: string;
  /** `EPSG:nnnn` when the URN or URL names an EPSG code. */
  crs: string;
  matrices: WmtsTileMatrix[];
}

export interface WmtsCapabilities {
  title: string;
  /** The KVP GetTile endpoint, when the server offers KVP. */
  getTileUrl: string | undefined;
  layers: WmtsLayerInfo[];
  tileMatrixSets: WmtsTileMatrixSet[];
}

const childrenNamed = (parent: Element | undefined, name: string) => (parent ? [...parent.children].filter((child) => child.localName === name) : []);
const childNamed = (parent: Element | undefined, name: string) => childrenNamed(parent, name)[0];
const textOf = (element: Element | undefined) => element?.textContent?.trim() ?? '';
const numbers = (text: string) => text.split(/\s+/).filter(Boolean).map(Number);
const hrefOf = (element: Element | undefined) =>
  element?.getAttributeNS('http://www.w3.org/1999/xlink', 'href') ?? element?.getAttribute('xlink:href') ?? undefined;

/** `urn:ogc:def:crs:EPSG:6.3:3857`, `http://www.opengis.net/def/crs/EPSG/0/4490`, `EPSG:900913` → `EPSG:nnnn`. */
function epsgOf(crs: string): string {
  const code = /EPSG(?::[\d.]*)?[:/](?:0\/)?(\d+)$/i.exec(crs.trim())?.[1];
  return code ? `EPSG:${code}` : crs.trim();
}

export function parseWmtsCapabilities(xml: string): WmtsCapabilities {
  const document = new DOMParser().parseFromString(xml, 'application/xml');
  const root = document.documentElement;
  if (!root || document.getElementsByTagName('parsererror').length > 0) throw new CapabilitiesError('the capabilities are not well-formed XML');
  if (root.localName === 'ExceptionReport') throw new CapabilitiesError(`the server answered with an exception: ${textOf(root).slice(0, 200)}`);
  if (root.localName !== 'Capabilities' || !(root.getAttribute('version') ?? '').startsWith('1.0')) {
    throw new CapabilitiesError(`not a WMTS 1.0 capabilities document (<${root.localName}>)`);
  }
  const contents = childNamed(root, 'Contents');
  if (!contents) throw new CapabilitiesError('the capabilities list no Contents');

  const getTile = childrenNamed(childNamed(root, 'OperationsMetadata'), 'Operation').find((operation) => operation.getAttribute('name') === 'GetTile');
  const kvpGet = [...(getTile?.getElementsByTagNameNS('*', 'Get') ?? [])].find((get) =>
    [...get.getElementsByTagNameNS('*', 'Value')].some((value) => textOf(value) === 'KVP'),
  );

  const layers = childrenNamed(contents, 'Layer').map((layer): WmtsLayerInfo => {
    const styles = childrenNamed(layer, 'Style');
    const style = styles.find((candidate) => candidate.getAttribute('isDefault') === 'true') ?? styles[0];
    const wgs84 = childNamed(layer, 'WGS84BoundingBox');
    const corners = [...numbers(textOf(childNamed(wgs84, 'LowerCorner'))), ...numbers(textOf(childNamed(wgs84, 'UpperCorner')))];
    const identifier = textOf(childNamed(layer, 'Identifier'));
    return {
      identifier,
      title: textOf(childNamed(layer, 'Title')) || identifier,
      formats: childrenNamed(layer, 'Format').map(textOf),
      style: textOf(childNamed(style, 'Identifier')) || 'default',
      legendUrl: hrefOf(childNamed(style, 'LegendURL')) ?? childNamed(style, 'LegendURL')?.getAttribute('href') ?? undefined,
      tileMatrixSets: childrenNamed(layer, 'TileMatrixSetLink').map((link) => textOf(childNamed(link, 'TileMatrixSet'))),
      resourceUrls: childrenNamed(layer, 'ResourceURL')
        .filter((url) => (url.getAttribute('resourceType') ?? 'tile') === 'tile')
        .map((url) => ({ format: url.getAttribute('format') ?? '', template: url.getAttribute('template') ?? '' })),
      bbox: corners.length === 4 && corners.every(Number.isFinite) ? (corners as BBoxTuple) : undefined,
    };
  });

  const tileMatrixSets = childrenNamed(contents, 'TileMatrixSet').map((set): WmtsTileMatrixSet => ({
    identifier: textOf(childNamed(set, 'Identifier')),
    crs: epsgOf(textOf(childNamed(set, 'SupportedCRS'))),
    matrices: childrenNamed(set, 'TileMatrix').map((matrix) => {
      const [x, y] = numbers(textOf(childNamed(matrix, 'TopLeftCorner')));
      return {
        identifier: textOf(childNamed(matrix, 'Identifier')),
        scaleDenominator: Number(textOf(childNamed(matrix, 'ScaleDenominator'))),
        topLeft: [x ?? Number.NaN, y ?? Number.NaN] as [number, number],
        tileWidth: Number(textOf(childNamed(matrix, 'TileWidth'))),
        matrixWidth: Number(textOf(childNamed(matrix, 'MatrixWidth'))),
        matrixHeight: Number(textOf(childNamed(matrix, 'MatrixHeight'))),
      };
    }),
  }));

  return { title: textOf(childNamed(childNamed(root, 'ServiceIdentification'), 'Title')), getTileUrl: hrefOf(kvpGet), layers, tileMatrixSets };
}

const WEB_MERCATOR = ['EPSG:3857', 'EPSG:900913', 'EPSG:102100', 'EPSG:102113'];
/** GoogleMapsCompatible's scale denominator at zoom 0 (256-px tiles, 0.28 mm pixels). */
const ZOOM0_SCALE = 559082264.0287178;
const HALF_WORLD = 20037508.342789244;

/** Each matrix's web-map zoom, when the set is Web Mercator on the standard grid; else undefined. */
function webMercatorZooms(set: WmtsTileMatrixSet): number[] | undefined {
  if (!WEB_MERCATOR.includes(set.crs) || set.matrices.length === 0) return undefined;
  const zooms = set.matrices.map((matrix) => {
    const zoom = Math.log2((ZOOM0_SCALE * (256 / matrix.tileWidth)) / matrix.scaleDenominator);
    const onGrid = Math.abs(matrix.topLeft[0] + HALF_WORLD) < 1 && Math.abs(matrix.topLeft[1] - HALF_WORLD) < 1;
    // `|| 0`: a zoom rounded up from -1e-12 is -0.
    return onGrid && Math.abs(zoom - Math.round(zoom)) < 1e-3 ? Math.round(zoom) || 0 : Number.NaN;
  });
  return zooms.every(Number.isFinite) ? zooms : undefined;
}

export interface WmtsTiles {
  /** A maplibre raster tile URL with `{z}`, `{x}`, `{y}`. */
  template: string;
  tileSize: number;
  minzoom: number;
  maxzoom: number;
  tileMatrixSet: string;
}

/** One level of a geographic (CGCS2000 / WGS 84 degrees) tile matrix set. */
export interface GeographicMatrix {
  identifier: string;
  degreesPerPixel: number;
  /** Longitude and latitude of the matrix's top-left corner. */
  west: number;
  north: number;
  tileSize: number;
  matrixWidth: number;
  matrixHeight: number;
}

/** Tiles in a geographic set: the map redraws them into Web Mercator tiles (see geographic-tiles.ts). */
export interface GeographicWmtsTiles {
  /** The tile URL with `{matrix}`, `{row}` and `{col}` to fill. */
  template: string;
  matrices: GeographicMatrix[];
  tileMatrixSet: string;
}

const GEOGRAPHIC = ['EPSG:4490', 'EPSG:4326', 'CRS84', 'OGC:CRS84'];
/** Metres per degree in OGC's scale convention (WMTS 1.0 §6.1: 2πR/360, R = 6378137 m). */
const METRES_PER_DEGREE = (2 * Math.PI * 6378137) / 360;

/** The levels of a geographic set, or undefined when the set is not geographic. */
function geographicMatrices(set: WmtsTileMatrixSet): GeographicMatrix[] | undefined {
  const crs = set.crs.replace(/^urn:ogc:def:crs:OGC:[\d.]*:/i, 'OGC:');
  if (!GEOGRAPHIC.some((code) => crs.endsWith(code)) || set.matrices.length === 0) return undefined;
  return set.matrices.map((matrix) => {
    // EPSG:4490 and 4326 order the corner latitude first; CRS84 (and servers that ignore the EPSG order) longitude first.
    const [first, second] = matrix.topLeft;
    const lonFirst = crs.endsWith('CRS84') || Math.abs(first) > 90;
    return {
      identifier: matrix.identifier,
      degreesPerPixel: (matrix.scaleDenominator * 0.00028) / METRES_PER_DEGREE,
      west: lonFirst ? first : second,
      north: lonFirst ? second : first,
      tileSize: matrix.tileWidth,
      matrixWidth: matrix.matrixWidth,
      matrixHeight: matrix.matrixHeight,
    };
  });
}

/**
 * The tiles of `layer`: in a Web Mercator set as a maplibre template, or in a geographic CGCS2000 /
 * WGS 84 set (天地图's `_c` services, provincial platforms) as a source to redraw. Without
 * `tileMatrixSet`, a Web Mercator set is preferred.
 */
export function wmtsTiles(
  capabilities: WmtsCapabilities,
  layer: WmtsLayerInfo,
  { tileMatrixSet, encoding, extra = {} }: { tileMatrixSet?: string; encoding?: 'rest' | 'kvp'; extra?: Record<string, string> } = {},
): WmtsTiles | GeographicWmtsTiles {
  const linked = layer.tileMatrixSets.map((id) => capabilities.tileMatrixSets.find((set) => set.identifier === id)).filter((set): set is WmtsTileMatrixSet => !!set);
  const candidates = tileMatrixSet ? linked.filter((set) => set.identifier === tileMatrixSet) : linked;
  if (candidates.length === 0) throw new CapabilitiesError(`layer "${layer.identifier}" has no tile matrix set ${tileMatrixSet ? `"${tileMatrixSet}"` : ''}`.trim());
  const mercator = candidates.map((set) => ({ set, zooms: webMercatorZooms(set) })).find((candidate) => candidate.zooms);
  const format = layer.formats.includes('image/png') ? 'image/png' : (layer.formats[0] ?? 'image/png');
  const rest = layer.resourceUrls.find((url) => url.format === format) ?? layer.resourceUrls[0];
  const useRest = encoding === 'rest' || (encoding !== 'kvp' && rest !== undefined) || !capabilities.getTileUrl;
  if (useRest && !rest) throw new CapabilitiesError(`layer "${layer.identifier}" has no ResourceURL for REST tiles`);
  /** The tile URL with the matrix, row and column left as placeholders of the caller's choice. */
  const tileUrl = (set: WmtsTileMatrixSet, matrix: string, row: string, col: string) => {
    if (useRest) {
      let template = rest!.template
        .replace(/\{TileMatrixSet\}/gi, encodeURIComponent(set.identifier))
        .replace(/\{Style\}/gi, encodeURIComponent(layer.style))
        .replace(/\{TileMatrix\}/gi, matrix)
        .replace(/\{TileRow\}/gi, row)
        .replace(/\{TileCol\}/gi, col);
      const unknown = /\{(?!z\}|x\}|y\}|matrix\}|row\}|col\})[^}]*\}/.exec(template);
      if (unknown) throw new CapabilitiesError(`the tile template names a dimension this map cannot fill: ${unknown[0]}`);
      const query = new URLSearchParams(extra).toString();
      if (query) template += `${template.includes('?') ? '&' : '?'}${query}`;
      return template;
    }
    const url = new URL(capabilities.getTileUrl!, globalThis.location?.href);
    for (const [name, value] of Object.entries({ ...extra, SERVICE: 'WMTS', REQUEST: 'GetTile', VERSION: '1.0.0', LAYER: layer.identifier, STYLE: layer.style, FORMAT: format, TILEMATRIXSET: set.identifier })) {
      url.searchParams.set(name, value);
    }
    // The placeholders stay literal: URLSearchParams would percent-encode their braces.
    return `${url}&TILEMATRIX=${matrix}&TILEROW=${row}&TILECOL=${col}`;
  };

  if (!mercator) {
    const set = candidates[0]!;
    const matrices = geographicMatrices(set);
    if (!matrices) throw new CapabilitiesError(`tile matrix set "${set.identifier}" is in ${set.crs}, which this map can neither draw nor redraw`);
    return { template: tileUrl(set, '{matrix}', '{row}', '{col}'), matrices, tileMatrixSet: set.identifier };
  }
  const { set, zooms } = mercator;
  // maplibre substitutes a number for {z}; the matrix identifiers must be that number with a fixed prefix.
  const prefix = set.matrices[0]!.identifier.slice(0, set.matrices[0]!.identifier.length - String(zooms![0]).length);
  if (!set.matrices.every((matrix, index) => matrix.identifier === `${prefix}${zooms![index]}`)) {
    throw new CapabilitiesError(`tile matrix identifiers of "${set.identifier}" do not follow the zoom levels (${set.matrices.slice(0, 3).map((m) => m.identifier).join(', ')}…)`);
  }
  return {
    template: tileUrl(set, `${useRest ? prefix : encodeURIComponent(prefix)}{z}`, '{y}', '{x}'),
    tileSize: set.matrices[0]!.tileWidth,
    minzoom: Math.min(...zooms!),
    maxzoom: Math.max(...zooms!),
    tileMatrixSet: set.identifier,
  };
}
