/**
 * Point-to-geometry measurements for identify, and the Web-Mercator tile arithmetic. Distances use a
 * local equirectangular frame around the query point: at identify tolerances (≤ 500 m) the error is
 * far below a metre.
 */
import type { Geometry, GeometryCollection, Position } from 'geojson';

/** What the GIS tables store and the contract's `Geometry` allows: single and multi parts, no collections. */
export type StoredGeometry = Exclude<Geometry, GeometryCollection>;

export type BBox = [minLon: number, minLat: number, maxLon: number, maxLat: number];

const EARTH_RADIUS_M = 6_371_008.8;
const DEG = Math.PI / 180;

export interface LocalFrame {
  /** Metres per degree of longitude and latitude at the frame's latitude. */
  kx: number;
  ky: number;
  origin: Position;
}

export function localFrame(origin: Position): LocalFrame {
  const ky = EARTH_RADIUS_M * DEG;
  return { kx: ky * Math.cos(origin[1]! * DEG), ky, origin };
}

/** The bbox around a point that covers `metres` in every direction. */
export function bboxAround(frame: LocalFrame, metres: number): BBox {
  const [lon, lat] = frame.origin as [number, number];
  const dLon = metres / frame.kx;
  const dLat = metres / frame.ky;
  return [lon - dLon, lat - dLat, lon + dLon, lat + dLat];
}

function segmentDistance(frame: LocalFrame, a: Position, b: Position): number {
  const [ox, oy] = frame.origin as [number, number];
  const ax = (a[0]! - ox) * frame.kx;
  const ay = (a[1]! - oy) * frame.ky;
  const bx = (b[0]! - ox) * frame.kx;
  const by = (b[1]! - oy) * frame.ky;
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSq = dx * dx + dy * dy;
  const t = lengthSq === 0 ? 0 : Math.min(1, Math.max(0, -(ax * dx + ay * dy) / lengthSq));
  return Math.hypot(ax + t * dx, ay + t * dy);
}

function lineDistance(frame: LocalFrame, line: readonly Position[]): number {
  if (line.length === 1) return segmentDistance(frame, line[0]!, line[0]!);
  let best = Infinity;
  for (let i = 1; i < line.length; i++) best = Math.min(best, segmentDistance(frame, line[i - 1]!, line[i]!));
  return best;
}

/** Even–odd ray casting over all rings of one polygon (holes included). */
function insidePolygon(point: Position, rings: readonly Position[][]): boolean {
  const [x, y] = point as [number, number];
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i] as [number, number];
      const [xj, yj] = ring[j] as [number, number];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

function polygonDistance(frame: LocalFrame, rings: readonly Position[][]): number {
  if (insidePolygon(frame.origin, rings)) return 0;
  let best = Infinity;
  for (const ring of rings) best = Math.min(best, lineDistance(frame, ring));
  return best;
}

/** Distance in metres from the frame's origin to the geometry; 0 inside a polygon. */
export function distanceToGeometry(frame: LocalFrame, geometry: Geometry): number {
  switch (geometry.type) {
    case 'Point':
      return segmentDistance(frame, geometry.coordinates, geometry.coordinates);
    case 'MultiPoint':
      return Math.min(...geometry.coordinates.map((p) => segmentDistance(frame, p, p)));
    case 'LineString':
      return lineDistance(frame, geometry.coordinates);
    case 'MultiLineString':
      return Math.min(...geometry.coordinates.map((line) => lineDistance(frame, line)));
    case 'Polygon':
      return polygonDistance(frame, geometry.coordinates);
    case 'MultiPolygon':
      return Math.min(...geometry.coordinates.map((polygon) => polygonDistance(frame, polygon)));
    case 'GeometryCollection':
      return Math.min(...geometry.geometries.map((g) => distanceToGeometry(frame, g)));
  }
}

export function bboxesMeet(a: BBox, b: BBox): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

/** Lon/lat bounds of an XYZ Web-Mercator tile. */
export function tileBounds(z: number, x: number, y: number): BBox {
  return bufferedTileBounds(z, x, y, 0);
}

/** Lon/lat bounds of an XYZ tile grown by `margin` (a fraction of the tile) on every side. */
export function bufferedTileBounds(z: number, x: number, y: number, margin: number): BBox {
  const n = 2 ** z;
  const lon = (column: number) => (column / n) * 360 - 180;
  const lat = (row: number) => Math.atan(Math.sinh(Math.PI * (1 - (2 * row) / n))) / DEG;
  return [lon(x - margin), lat(y + 1 + margin), lon(x + 1 + margin), lat(y - margin)];
}

/** The XYZ tile containing a lon/lat point at zoom z. */
export function tileAt(lon: number, lat: number, z: number): { x: number; y: number } {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const rad = lat * DEG;
  const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
  return { x, y };
}

/** A representative point: the middle vertex of a line, the point itself, the bbox centre otherwise. */
export function centreOf(geometry: Geometry, bbox: BBox): Position {
  if (geometry.type === 'Point') return geometry.coordinates;
  if (geometry.type === 'LineString') return geometry.coordinates[Math.floor(geometry.coordinates.length / 2)]!;
  return [(bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2];
}

export const round6 = (value: number): number => Math.round(value * 1e6) / 1e6;
export const roundBox = (box: BBox): BBox => box.map(round6) as BBox;
