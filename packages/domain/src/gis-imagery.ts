/**
 * 遥感影像 (imagery) of the one-map: one synthetic raster tileset per capture, so the imagery path —
 * its catalogue record, legend, attribution and cacheable PNG tiles — is real without shipping
 * photographs. A tile is painted from the district's own synthetic geography: the water surfaces of
 * `waterways()` exactly, and around them land cover (built-up near the town centres, fish ponds,
 * cropland, woodland) from a hashed value-noise field in lon/lat, so that neighbouring tiles and
 * zoom levels agree. Integer hashing and a fixed palette: the same pixels on every run.
 *
 * Isomorphic (no Node built-ins): the sandbox encodes the RGBA pixels as PNG.
 */
import type { Position } from 'geojson';
import type { GisComponents } from '@citybrain/contract';
import { bboxOf, type Bbox, type LonLat } from './geometry.js';
import { waterways } from './gis-network.js';
import { labelPointOf } from './gis.js';
import { towns } from './regions.js';

type Schemas = GisComponents['schemas'];

export const IMAGERY_TILE_SIZE = 256;

export type LandCover = 'water' | 'pond' | 'built-up' | 'cropland' | 'woodland';

/** Land-cover classes and the base colour each is painted in (the legend shows the same colours). */
export const LAND_COVER: readonly { value: LandCover; zh: string; en: string; rgb: readonly [number, number, number] }[] = [
  { value: 'water', zh: '河流水面', en: 'River', rgb: [46, 86, 112] },
  { value: 'pond', zh: '坑塘（鱼塘）', en: 'Fish ponds', rgb: [64, 110, 104] },
  { value: 'built-up', zh: '建设用地', en: 'Built-up land', rgb: [158, 152, 146] },
  { value: 'cropland', zh: '耕地', en: 'Cropland', rgb: [128, 150, 84] },
  { value: 'woodland', zh: '林草地', en: 'Woodland and grass', rgb: [62, 104, 56] },
];

const hex = (rgb: readonly number[]): string => `#${rgb.map((channel) => channel.toString(16).padStart(2, '0')).join('')}`;

export interface ImageryEntry {
  id: string;
  title: string;
  titleEn: string;
  description: string;
  /** The platform category it is listed under. */
  category: Schemas['CategoryId'];
  access: Schemas['LayerAccess'];
  /** 成像日期 of the (synthetic) capture. */
  captureDate: string;
  /** Changes whenever the painting changes: part of every tile's ETag and URL-independent cache key. */
  version: string;
  /** Ground resolution the capture stands for, metres per pixel. */
  resolutionM: number;
  attribution: string;
  license: string;
  minzoom: number;
  maxzoom: number;
  /** The area painted (the district and its edge); tiles outside are transparent. */
  bbox: Bbox;
  legend: Schemas['Legend'];
}

/** Every imagery capture of the catalogue (one raster tileset each). */
export const GIS_IMAGERY: readonly ImageryEntry[] = [
  {
    id: 'imagery-2025',
    title: '2025 年度遥感影像（合成）',
    titleEn: 'Imagery 2025 (synthetic)',
    description: '南海区 2025 年度卫星遥感影像底图（0.5 米级）。本沙箱按区内水系与土地覆盖合成，非真实影像，仅用于联调影像底图、图例与署名。',
    category: 'basemap',
    access: 'public',
    captureDate: '2025-11-20',
    version: '2025.1',
    resolutionM: 0.5,
    attribution: '南海区自然资源局 · 合成遥感影像（模拟数据）',
    license: '政务公开（合成数据，可自由使用）',
    minzoom: 10,
    maxzoom: 16,
    bbox: [112.8, 22.78, 113.3, 23.34],
    legend: { property: 'landCover', items: LAND_COVER.map((cover) => ({ value: cover.value, label: cover.zh, labelEn: cover.en, color: hex(cover.rgb) })) },
  },
];

/** The imagery entry `id`, or undefined. */
export const findImagery = (id: string): ImageryEntry | undefined => GIS_IMAGERY.find((entry) => entry.id === id);

// --- painting -------------------------------------------------------------------------------------

/** A 32-bit integer hash of two integers (xxhash-style avalanche), as a number in [0, 1). */
function hash2(a: number, b: number, salt: number): number {
  let h = Math.imul(a | 0, 0x27d4eb2d) ^ Math.imul(b | 0, 0x165667b1) ^ Math.imul(salt, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4_294_967_296;
}

/** Smooth value noise in [0, 1) on a lattice of `cell` degrees. */
function valueNoise(lon: number, lat: number, cell: number, salt: number): number {
  const gx = lon / cell;
  const gy = lat / cell;
  const x0 = Math.floor(gx);
  const y0 = Math.floor(gy);
  const fx = gx - x0;
  const fy = gy - y0;
  const sx = fx * fx * (3 - 2 * fx);
  const sy = fy * fy * (3 - 2 * fy);
  const top = hash2(x0, y0, salt) * (1 - sx) + hash2(x0 + 1, y0, salt) * sx;
  const bottom = hash2(x0, y0 + 1, salt) * (1 - sx) + hash2(x0 + 1, y0 + 1, salt) * sx;
  return top * (1 - sy) + bottom * sy;
}

/** Field cells (≈ 40 m) give cropland and ponds their parcels; dykes between ponds are ≈ 6 m. */
const FIELD_CELL = 0.0004;
const DYKE_SHARE = 0.15;

let townCentresMemo: LonLat[] | undefined;
const townCentres = (): LonLat[] => (townCentresMemo ??= towns.map((town) => labelPointOf(town.code)));

/** How urban a place is, 0–1: near a town centre, fading over ≈ 7 km, plus noise. */
function urbanness(lon: number, lat: number): number {
  let nearest = Infinity;
  for (const [cx, cy] of townCentres()) {
    const dx = (lon - cx) * 1.0;
    const dy = (lat - cy) * 1.09;
    nearest = Math.min(nearest, dx * dx + dy * dy);
  }
  const core = Math.max(0, 1 - Math.sqrt(nearest) / 0.07);
  return core * 0.75 + valueNoise(lon, lat, 0.012, 11) * 0.45;
}

/** The land cover at a point away from rivers. */
function landCoverAt(lon: number, lat: number): LandCover {
  // Town centres, and village settlements scattered through the farmland (Nanhai is mostly built up).
  if (urbanness(lon, lat) > 0.6 || valueNoise(lon, lat, 0.005, 53) > 0.78) return 'built-up';
  const wet = valueNoise(lon, lat, 0.02, 23);
  if (wet > 0.66) return 'pond';
  return valueNoise(lon, lat, 0.008, 37) > 0.68 ? 'woodland' : 'cropland';
}

function lonOf(pixelX: number, scale: number): number {
  return (pixelX / scale) * 360 - 180;
}

function latOf(pixelY: number, scale: number): number {
  const n = Math.PI * (1 - (2 * pixelY) / scale);
  return (Math.atan(Math.sinh(n)) * 180) / Math.PI;
}

interface Ring {
  points: readonly Position[];
  box: Bbox;
}

let waterRingsMemo: Ring[][] | undefined;

/** The rings (outer and holes) of each water surface, one list per waterway. */
function waterRings(): Ring[][] {
  waterRingsMemo ??= waterways().map((waterway) => {
    const polygons = waterway.surface.type === 'Polygon' ? [waterway.surface.coordinates] : waterway.surface.coordinates;
    return polygons.flatMap((polygon) => polygon.map((ring) => ({ points: ring, box: bboxOf({ type: 'LineString', coordinates: ring }) })));
  });
  return waterRingsMemo;
}

/**
 * The longitude intervals of a row of pixels at `lat` that lie on water, sorted by their start:
 * even–odd within each surface (islands stay land), united across surfaces (confluences overlap).
 */
function waterIntervals(surfaces: Ring[][], lat: number): [number, number][] {
  const intervals: [number, number][] = [];
  for (const rings of surfaces) {
    const crossings: number[] = [];
    for (const { points, box } of rings) {
      if (lat < box[1] || lat > box[3]) continue;
      for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
        const [x1, y1] = points[j]! as [number, number];
        const [x2, y2] = points[i]! as [number, number];
        if (y1 > lat !== y2 > lat) crossings.push(x1 + ((lat - y1) / (y2 - y1)) * (x2 - x1));
      }
    }
    crossings.sort((a, b) => a - b);
    for (let i = 0; i + 1 < crossings.length; i += 2) intervals.push([crossings[i]!, crossings[i + 1]!]);
  }
  return intervals.sort((a, b) => a[0] - b[0]);
}

const COVER_RGB = new Map(LAND_COVER.map((cover) => [cover.value, cover.rgb]));

/**
 * The RGBA pixels (row by row, 4 bytes each) of tile z/x/y of `entry`: opaque inside the entry's
 * bbox, transparent outside it.
 */
export function paintImageryTile(entry: ImageryEntry, z: number, x: number, y: number): Uint8ClampedArray<ArrayBuffer> {
  const size = IMAGERY_TILE_SIZE;
  const pixels = new Uint8ClampedArray(size * size * 4);
  const scale = size * 2 ** z;
  const [west, south, east, north] = entry.bbox;
  const [tileNorth, tileSouth] = [latOf(y * size, scale), latOf((y + 1) * size, scale)];
  const surfaces = waterRings()
    .map((rings) => rings.filter(({ box }) => box[1] <= tileNorth && box[3] >= tileSouth))
    .filter((rings) => rings.length > 0);
  for (let row = 0; row < size; row++) {
    const lat = latOf(y * size + row + 0.5, scale);
    const intervals = waterIntervals(surfaces, lat);
    let interval = 0;
    let reach = -Infinity;
    for (let column = 0; column < size; column++) {
      const lon = lonOf(x * size + column + 0.5, scale);
      const offset = (row * size + column) * 4;
      if (lon < west || lon > east || lat < south || lat > north) continue;
      // `reach`: the furthest east any interval starting west of this pixel goes.
      while (interval < intervals.length && intervals[interval]![0] <= lon) reach = Math.max(reach, intervals[interval++]![1]);
      let cover: LandCover = lon <= reach ? 'water' : landCoverAt(lon, lat);
      const fieldX = Math.floor(lon / FIELD_CELL);
      const fieldY = Math.floor(lat / FIELD_CELL);
      const onDyke = lon / FIELD_CELL - fieldX < DYKE_SHARE || lat / FIELD_CELL - fieldY < DYKE_SHARE;
      // Ponds are separated by grassy dykes: the texture that makes Nanhai's 基塘 recognisable.
      if (cover === 'pond' && onDyke) cover = 'woodland';
      const base = COVER_RGB.get(cover)!;
      const fieldShade = cover === 'water' ? 0 : Math.round((hash2(fieldX, fieldY, 5) - 0.5) * 24);
      const grain = Math.round((hash2(Math.floor(lon * 2e5), Math.floor(lat * 2e5), 7) - 0.5) * 10);
      // A clamped array: shades past 0 or 255 stop there.
      for (let channel = 0; channel < 3; channel++) pixels[offset + channel] = base[channel]! + fieldShade + grain;
      pixels[offset + 3] = 255;
    }
  }
  return pixels;
}
