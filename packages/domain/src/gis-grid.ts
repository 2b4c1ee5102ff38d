/**
 * 城市管理网格 (一网统管 grid cells) and the lattice the 12345 hotspot layer counts work orders on.
 *
 * One fixed lattice of GRID_STEP° squares covers the district; a village's grid cells are the pieces
 * of its (synthetic) boundary in each square it meets, so cells never cross a village line, as real
 * 网格 do not. Codes follow the 网格编码 habit of the village's 12-digit code plus a 3-digit serial.
 * The hotspot layer counts work orders per lattice square (`latticeSquareAt`), so both layers line up.
 * Pure arithmetic on a fixed origin: the same cells on every engine, no seed involved.
 */
import type { MultiPolygon, Polygon } from 'geojson';
import { regionBoundaries } from './boundaries.js';
import { areaSqm, bboxOf, centroidOf, type LonLat } from './geometry.js';
import { intersect } from './gis-shapes.js';
import { findVillage } from './regions.js';

/** South-west corner of the lattice (just outside the district's extent) and its step in degrees (≈1.1 × 1.0 km). */
const GRID_ORIGIN: LonLat = [112.8, 22.78];
const GRID_STEP = 0.01;

/** Pieces smaller than this (slivers where a village line grazes a square) join no grid. */
const MIN_CELL_SQM = 20_000;

export interface LatticeSquare {
  column: number;
  row: number;
}

/** The lattice square holding a point. */
export function latticeSquareAt([lon, lat]: LonLat): LatticeSquare {
  return { column: Math.floor((lon - GRID_ORIGIN[0]) / GRID_STEP), row: Math.floor((lat - GRID_ORIGIN[1]) / GRID_STEP) };
}

/** The square's corners, rounded to 1e-6° so that neighbouring squares share their edges exactly. */
export function latticeSquarePolygon({ column, row }: LatticeSquare): Polygon {
  const at = (steps: number, origin: number) => Math.round((origin + steps * GRID_STEP) * 1e6) / 1e6;
  const [west, east] = [at(column, GRID_ORIGIN[0]), at(column + 1, GRID_ORIGIN[0])];
  const [south, north] = [at(row, GRID_ORIGIN[1]), at(row + 1, GRID_ORIGIN[1])];
  return { type: 'Polygon', coordinates: [[[west, south], [east, south], [east, north], [west, north], [west, south]]] };
}

export interface GridCell {
  /** 网格编码: village code + 3-digit serial, e.g. 440605011001002. */
  gridCode: string;
  name: string;
  townCode: string;
  villageCode: string;
  /** `community` grids in 社区, `village` grids in 村 (the village's own kind). */
  kind: 'community' | 'village';
  square: LatticeSquare;
  areaSqm: number;
  label: LonLat;
  geometry: Polygon | MultiPolygon;
}

let gridMemo: readonly GridCell[] | undefined;

function generateGridCells(): GridCell[] {
  const cells: GridCell[] = [];
  for (const feature of regionBoundaries().villages) {
    const village = findVillage(feature.properties.code)!;
    const [minLon, minLat, maxLon, maxLat] = bboxOf(feature.geometry);
    const first = latticeSquareAt([minLon, minLat]);
    const last = latticeSquareAt([maxLon, maxLat]);
    let serial = 0;
    for (let row = first.row; row <= last.row; row++) {
      for (let column = first.column; column <= last.column; column++) {
        const square = { column, row };
        const piece = intersect(latticeSquarePolygon(square), feature.geometry);
        if (!piece) continue;
        const area = areaSqm(piece);
        if (area < MIN_CELL_SQM) continue;
        serial++;
        cells.push({
          gridCode: `${village.code}${String(serial).padStart(3, '0')}`,
          name: `${village.shortName}第${serial}网格`,
          townCode: village.townCode,
          villageCode: village.code,
          kind: village.kind,
          square,
          areaSqm: Math.round(area),
          label: centroidOf(piece),
          geometry: piece,
        });
      }
    }
  }
  return cells;
}

/** Every grid cell of the district, village by village (memoised, read-only). */
export function gridCells(): readonly GridCell[] {
  gridMemo ??= generateGridCells();
  return gridMemo;
}

/** 12345 hotspot classes by work orders per lattice square, lowest first (the legend's order). */
export const HOTSPOT_LEVELS: readonly { value: 'low' | 'medium' | 'high' | 'severe'; minOrders: number; zh: string; en: string; color: string }[] = [
  { value: 'low', minOrders: 1, zh: '1–2 件', en: '1–2 orders', color: '#ffe066' },
  { value: 'medium', minOrders: 3, zh: '3–5 件', en: '3–5 orders', color: '#ffa94d' },
  { value: 'high', minOrders: 6, zh: '6–9 件', en: '6–9 orders', color: '#ff6b6b' },
  { value: 'severe', minOrders: 10, zh: '10 件及以上', en: '10 or more', color: '#c92a2a' },
];

/** The hotspot class of a square with `orders` work orders (≥ 1). */
export function hotspotLevel(orders: number): (typeof HOTSPOT_LEVELS)[number]['value'] {
  let level = HOTSPOT_LEVELS[0]!.value;
  for (const candidate of HOTSPOT_LEVELS) if (orders >= candidate.minOrders) level = candidate.value;
  return level;
}
