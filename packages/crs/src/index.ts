import proj4 from 'proj4';

/**
 * Coordinate conversion for vendors, on proj4: the platform answers in CGCS2000 geographic coordinates
 * (EPSG:4490, treated as WGS 84 for display), while cadastral and planning data in Guangdong arrive in
 * CGCS2000 3-degree Gauss-Krüger with central meridian 114°E (EPSG:4547, the zone that holds Foshan).
 *
 * Positions are always `[east, north]` — longitude then latitude, easting then northing — the GeoJSON
 * order, whatever an authority's axis order says (EPSG lists northing first for 4547 and latitude
 * first for 4326/4490; OGC API Features Part 2 URIs name the CRS, not the order of this module).
 * A separate entry (`@citybrain/client/crs`) so that pages that never convert do not load proj4.
 */

export type Position = [east: number, north: number];
export type BBox = [minEast: number, minNorth: number, maxEast: number, maxNorth: number];

/** The coordinate reference systems the platform accepts in `crs` / `bbox-crs`. */
export const SUPPORTED_CRS = {
  'OGC:CRS84': '+proj=longlat +datum=WGS84 +no_defs',
  'EPSG:4490': '+proj=longlat +ellps=GRS80 +no_defs',
  'EPSG:4326': '+proj=longlat +datum=WGS84 +no_defs',
  'EPSG:4547': '+proj=tmerc +lat_0=0 +lon_0=114 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs',
  'EPSG:3857': '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs',
} as const;

export type CrsCode = keyof typeof SUPPORTED_CRS;

const OGC_URI = /^https?:\/\/www\.opengis\.net\/def\/crs\/(EPSG\/0\/(\d+)|OGC\/1\.3\/CRS84)$/;

/**
 * The code of a CRS named as `EPSG:4547`, `4547`, an OGC URI
 * (`http://www.opengis.net/def/crs/EPSG/0/4547`) or `CRS84`; null for one the platform does not use.
 */
export function crsCode(name: string | number): CrsCode | null {
  const text = String(name).trim();
  const uri = OGC_URI.exec(text);
  const upper = text.toUpperCase();
  const code = uri ? (uri[2] ? `EPSG:${uri[2]}` : 'OGC:CRS84') : /^\d+$/.test(text) ? `EPSG:${text}` : upper === 'CRS84' ? 'OGC:CRS84' : upper;
  return code in SUPPORTED_CRS ? (code as CrsCode) : null;
}

/** The OGC URI of a CRS, as OGC API Features Part 2 writes it in `crs`, `bbox-crs` and `Content-Crs`. */
export function crsUri(code: CrsCode): string {
  return code === 'OGC:CRS84' ? 'http://www.opengis.net/def/crs/OGC/1.3/CRS84' : `http://www.opengis.net/def/crs/EPSG/0/${code.slice(5)}`;
}

/**
 * Whether the EPSG register lists northing (latitude) first: true for EPSG:4490, 4326 and 4547, false
 * for CRS84 and Web Mercator. OGC API Features Part 2 writes coordinates in this authority order for
 * every CRS but CRS84; this module's own positions stay `[east, north]`.
 */
export function northFirst(code: CrsCode): boolean {
  return code !== 'OGC:CRS84' && code !== 'EPSG:3857';
}

const converters = new Map<string, proj4.Converter>();

function converter(from: CrsCode, to: CrsCode): proj4.Converter {
  const key = `${from}>${to}`;
  let found = converters.get(key);
  if (!found) converters.set(key, (found = proj4(SUPPORTED_CRS[from], SUPPORTED_CRS[to])));
  return found;
}

function known(name: string | number): CrsCode {
  const code = crsCode(name);
  if (!code) throw new RangeError(`unsupported CRS ${JSON.stringify(name)}: use one of ${Object.keys(SUPPORTED_CRS).join(', ')}`);
  return code;
}

/** One `[east, north]` position from one CRS to another. Throws a RangeError for a CRS it does not know or a non-finite position. */
export function transformPosition(position: readonly [number, number], from: string | number, to: string | number): Position {
  const [east, north] = position;
  if (!Number.isFinite(east) || !Number.isFinite(north)) throw new RangeError(`position must be two finite numbers, got ${JSON.stringify(position)}`);
  const source = known(from);
  const target = known(to);
  if (source === target) return [east, north];
  const [x, y] = converter(source, target).forward([east, north]);
  return [x, y];
}

/** Geographic CGCS2000 `[lon, lat]` to `[easting, northing]` in metres of EPSG:4547 (3-degree GK, CM 114°E). */
export function toGaussKruger(lonLat: readonly [number, number]): Position {
  return transformPosition(lonLat, 'EPSG:4490', 'EPSG:4547');
}

/** `[easting, northing]` of EPSG:4547 to geographic CGCS2000 `[lon, lat]`. */
export function fromGaussKruger(eastNorth: readonly [number, number]): Position {
  return transformPosition(eastNorth, 'EPSG:4547', 'EPSG:4490');
}

/**
 * A bounding box from one CRS to another: the box around the transformed edges (densified, since a
 * straight edge in one projection is a curve in the other), so nothing inside the source box falls
 * outside the result.
 */
export function transformBBox(bbox: readonly [number, number, number, number], from: string | number, to: string | number, edgePoints = 8): BBox {
  const [minX, minY, maxX, maxY] = bbox;
  if (!(minX <= maxX && minY <= maxY)) throw new RangeError(`bbox must be [minEast, minNorth, maxEast, maxNorth], got ${JSON.stringify(bbox)}`);
  const result: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i <= edgePoints; i++) {
    const t = i / edgePoints;
    const x = minX + (maxX - minX) * t;
    const y = minY + (maxY - minY) * t;
    for (const corner of [[x, minY], [x, maxY], [minX, y], [maxX, y]] as const) {
      const [east, north] = transformPosition(corner, from, to);
      result[0] = Math.min(result[0], east);
      result[1] = Math.min(result[1], north);
      result[2] = Math.max(result[2], east);
      result[3] = Math.max(result[3], north);
    }
  }
  return result;
}

type Coordinates = number[] | Coordinates[];

interface GeometryLike {
  type: string;
  coordinates?: Coordinates;
  geometries?: GeometryLike[];
}

/** A GeoJSON geometry (any type, including collections) with every position transformed; the input is left as it was. */
export function transformGeometry<G extends GeometryLike>(geometry: G, from: string | number, to: string | number): G {
  const source = known(from);
  const target = known(to);
  const walk = (coordinates: Coordinates): Coordinates =>
    typeof coordinates[0] === 'number'
      ? [...transformPosition(coordinates as [number, number], source, target), ...(coordinates as number[]).slice(2)]
      : (coordinates as Coordinates[]).map(walk);
  if (geometry.type === 'GeometryCollection') {
    return { ...geometry, geometries: (geometry.geometries ?? []).map((inner) => transformGeometry(inner, source, target)) };
  }
  return { ...geometry, coordinates: walk(geometry.coordinates ?? []) };
}
