/**
 * Datum conversion between the platform's CGCS2000/WGS84 data and the basemap the map is
 * drawn on. CGCS2000 and WGS84 differ by centimetres and are treated as one; GCJ-02 (AMap,
 * Tencent) and BD-09 (Baidu) are converted with gcoord. Never mix datums in one view: every
 * overlay is converted to the basemap's datum, and every coordinate leaving the element
 * (events, identify, zone checks) is converted back to WGS84.
 */
import type { BasemapCrs, CoordSys, LngLatTuple } from './types.js';

type Gcoord = typeof import('gcoord').default;
let gcoord: Gcoord | undefined;

/**
 * Loads gcoord (≈ 3.5 KB gzip), only for maps that need a datum conversion: a GCJ-02 basemap,
 * or a layer in GCJ-02 / BD-09. Call before converting between different datums.
 */
export async function loadDatumConverter(): Promise<void> {
  gcoord ??= (await import('gcoord')).default;
}

function converter(): Gcoord {
  if (!gcoord) throw new Error('cb-map-viewer: loadDatumConverter() must run before a datum conversion');
  return gcoord;
}

type Datum = 'wgs84' | 'gcj02' | 'bd09';

export function datumOf(crs: CoordSys | BasemapCrs): Datum {
  return crs === 'cgcs2000' ? 'wgs84' : crs;
}

/** Whether data in `from` must be converted to be drawn on a basemap in `to`. */
export function needsConversion(from: CoordSys, to: BasemapCrs): boolean {
  return datumOf(from) !== datumOf(to);
}

/** gcoord's names of the datums (the values of its CRSTypes enum). */
const GCOORD = { wgs84: 'WGS84', gcj02: 'GCJ02', bd09: 'BD09' } as const satisfies Record<Datum, string>;
type GcoordCrs = Parameters<Gcoord['transform']>[1];

/** Converts one position between datums (no-op when they are the same). */
export function convertPoint(point: LngLatTuple, from: CoordSys | BasemapCrs, to: CoordSys | BasemapCrs): LngLatTuple {
  const a = datumOf(from);
  const b = datumOf(to);
  if (a === b) return [point[0], point[1]];
  const [lon, lat] = converter().transform([point[0], point[1]] as [number, number], GCOORD[a] as GcoordCrs, GCOORD[b] as GcoordCrs);
  return [lon, lat];
}

/**
 * Converts GeoJSON between datums. gcoord mutates its input, so a copy is converted; the
 * caller's object is left as it was.
 */
export function convertGeoJson<T extends object>(geojson: T, from: CoordSys | BasemapCrs, to: CoordSys | BasemapCrs): T {
  const a = datumOf(from);
  const b = datumOf(to);
  if (a === b) return geojson;
  // GeoJSON is plain JSON: a JSON round trip copies it where structuredClone (Chrome 98) is missing.
  const copy = typeof structuredClone === 'function' ? structuredClone(geojson) : (JSON.parse(JSON.stringify(geojson)) as T);
  return converter().transform(copy as Parameters<Gcoord['transform']>[0], GCOORD[a] as GcoordCrs, GCOORD[b] as GcoordCrs) as unknown as T;
}

/** Converts a bbox by its corners (adequate for view bboxes: the offsets vary slowly). */
export function convertBBox(
  bbox: [number, number, number, number],
  from: CoordSys | BasemapCrs,
  to: CoordSys | BasemapCrs,
): [number, number, number, number] {
  const [w, s] = convertPoint([bbox[0], bbox[1]], from, to);
  const [e, n] = convertPoint([bbox[2], bbox[3]], from, to);
  return [Math.min(w, e), Math.min(s, n), Math.max(w, e), Math.max(s, n)];
}
