/**
 * The map benchmark's data: N homestead parcels from the fixtures' own generator (the same seed
 * and count as the benchmark sandbox seeds, so the GeoJSON file and the vector tiles hold the same
 * parcels), written once per N as one FeatureCollection under bench/.cache, plus the view: the
 * centre of the densest 0.02° cell, so every contender looks at the busiest part of the district.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { SIZES, homesteadParcels } from '@citybrain/domain';
import { cacheRoot } from '../lib/build.mjs';

export const SEED = 'nanhai-2026';

export function ensureParcels(n) {
  const name = `parcels-${n}.geojson`;
  const file = `${cacheRoot}${name}`;
  const viewFile = `${cacheRoot}parcels-${n}.view.json`;
  if (!existsSync(file) || !existsSync(viewFile)) {
    mkdirSync(cacheRoot, { recursive: true });
    const saved = SIZES.small.parcels;
    SIZES.small.parcels = n;
    const features = [];
    const cells = new Map();
    try {
      for (const p of homesteadParcels({ size: 'small', seed: SEED })) {
        features.push({
          type: 'Feature',
          id: features.length + 1,
          properties: { id: p.id, parcelNo: p.parcelNo, villageCode: p.villageCode, status: p.status, landUse: p.landUse, areaSqm: p.areaSqm },
          geometry: p.geometry,
        });
        const key = `${Math.floor(p.bbox[0] / 0.02)},${Math.floor(p.bbox[1] / 0.02)}`;
        cells.set(key, (cells.get(key) ?? 0) + 1);
      }
    } finally {
      SIZES.small.parcels = saved;
    }
    const [best, count] = [...cells.entries()].sort((a, b) => b[1] - a[1])[0];
    const [cx, cy] = best.split(',').map(Number);
    const view = { center: [Math.round((cx + 0.5) * 0.02 * 1e5) / 1e5, Math.round((cy + 0.5) * 0.02 * 1e5) / 1e5], zoom: 14, parcelsInCell: count, parcels: n };
    writeFileSync(`${file}.tmp`, JSON.stringify({ type: 'FeatureCollection', features }));
    renameSync(`${file}.tmp`, file);
    writeFileSync(viewFile, JSON.stringify(view));
  }
  return { file: name, view: JSON.parse(readFileSync(viewFile, 'utf8')) };
}
