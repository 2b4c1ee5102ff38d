/**
 * OGC API – Features Part 2 for the items of a layer: `crs` converts the answer, `bbox-crs` says what
 * CRS `bbox` is in. Features are stored in CGCS2000 lon/lat (EPSG:4490), which the platform treats as
 * CRS84. Every CRS but CRS84 is written in the axis order of the EPSG register (latitude or northing
 * first), as Part 2 requires and GDAL and QGIS expect.
 */
import { crsCode, crsUri, northFirst, transformBBox, transformGeometry, type CrsCode } from '@citybrain/crs';
import type { StoredGeometry } from './geo.js';
import type { BBox } from './geo.js';
import { badRequest } from '../../problems.js';

/** The CRSs an items request may name, CRS84 (the default) first. */
export const ITEM_CRS: readonly CrsCode[] = ['OGC:CRS84', 'EPSG:4490', 'EPSG:4326', 'EPSG:4547'];
export const ITEM_CRS_URIS = ITEM_CRS.map(crsUri);

/** The CRS a `crs` / `bbox-crs` value names (the route has already checked it is one of ITEM_CRS); CRS84 when absent. */
export function requestedCrs(uri: unknown): CrsCode {
  return (typeof uri === 'string' && crsCode(uri)) || 'OGC:CRS84';
}

/** `Content-Crs` of an answer in `code`. */
export const contentCrs = (code: CrsCode): string => `<${crsUri(code)}>`;

/** Four numbers of a `bbox` in `code`'s axis order, as a CRS84 lon/lat box (densified edges for projected CRSs). */
export function bboxToCrs84(numbers: readonly [number, number, number, number], code: CrsCode): BBox {
  const [a, b, c, d] = numbers;
  const eastNorth: BBox = northFirst(code) ? [b, a, d, c] : [a, b, c, d];
  return code === 'OGC:CRS84' ? eastNorth : transformBBox(eastNorth, code, 'OGC:CRS84');
}

function swapAxes(coordinates: unknown): unknown {
  if (!Array.isArray(coordinates)) return coordinates;
  if (typeof coordinates[0] === 'number') return [coordinates[1], coordinates[0], ...coordinates.slice(2)];
  return coordinates.map(swapAxes);
}

/** A stored geometry written in `code`, in that CRS's axis order. */
export function geometryIn(geometry: StoredGeometry, code: CrsCode): StoredGeometry {
  if (code === 'OGC:CRS84') return geometry;
  const converted = transformGeometry(geometry, 'OGC:CRS84', code);
  return northFirst(code) ? ({ ...converted, coordinates: swapAxes(converted.coordinates) } as StoredGeometry) : converted;
}

/** `bbox` as a CRS84 box: four numbers in the axis order of `bbox-crs` (CRS84 when absent). */
export function parseBbox(text: string | undefined, bboxCrs?: unknown): BBox | null {
  if (text === undefined) return null;
  const numbers = text.split(',').map((part) => Number(part.trim()));
  const [a, b, c, d] = numbers as BBox;
  const ordered = numbers.length === 4 && numbers.every(Number.isFinite) && a <= c && b <= d;
  const box = ordered ? bboxToCrs84([a, b, c, d], requestedCrs(bboxCrs)) : null;
  const valid = box !== null && box[0] >= -180 && box[2] <= 180 && box[1] >= -90 && box[3] <= 90 && box.every(Number.isFinite);
  if (!valid) {
    const order = bboxCrs === undefined ? 'minLon,minLat,maxLon,maxLat' : '下角与上角坐标，按 bbox-crs 的坐标轴顺序';
    throw badRequest(`bbox ${text} 无效`, [{ name: 'query/bbox', reason: `应为 ${order}，且 min ≤ max` }]);
  }
  return box;
}
