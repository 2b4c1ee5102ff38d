/**
 * `npm run import`: one file of a town's GIS data (GeoPackage, shapefile, GeoJSON; EPSG:4547, 4490
 * or 4326) into the parcels, zones or villages of a store. GDAL reprojects it to the store's
 * CGCS2000 lon/lat and repairs invalid geometry (MakeValid); each feature that is repaired or rejected
 * is reported with its reason. The file goes in whole or not at all: a file that cannot be read, has
 * no such layer, declares no CRS or holds no importable feature changes nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Feature } from 'geojson';
import { hasCrs, ImportError, invalidityReasons, listLayers, toStoreGeoJson } from './ogr.js';
import { FeatureRejected, KEY_FIELD, keyOf, rowOf, type ImportLayer, type ImportRows, type ParcelRow } from './rows.js';
import type { ImportTarget } from './target.js';

export { ImportError } from './ogr.js';
export { IMPORT_LAYERS, type ImportLayer } from './rows.js';
export { importTargetFor, PostgresImportTarget, SqliteImportTarget, type ImportTarget } from './target.js';

export const IMPORT_CRS = ['EPSG:4547', 'EPSG:4490', 'EPSG:4326'] as const;
export type ImportCrs = (typeof IMPORT_CRS)[number];

export interface ImportOptions {
  file: string;
  layer: ImportLayer;
  /** The source's CRS when the file declares none (or declares it wrongly). */
  crs?: ImportCrs;
  /** Which layer of a file with several (a GeoPackage); else its only layer, or the one named like `layer`. */
  sourceLayer?: string;
}

export interface FeatureReport {
  /** 1-based position of the feature in the source layer. */
  feature: number;
  /** Its key (parcel number, zone id, village code) when it has one. */
  key: string | null;
  reason: string;
}

export interface ImportResult {
  sourceLayer: string;
  read: number;
  inserted: number;
  replaced: number;
  repaired: FeatureReport[];
  rejected: FeatureReport[];
}

async function chooseSourceLayer(file: string, wanted: ImportOptions['sourceLayer'], layer: ImportLayer): Promise<string> {
  const layers = await listLayers(file);
  if (!layers.length) throw new ImportError(`${file}: GDAL finds no layer in it`);
  if (wanted) {
    if (!layers.includes(wanted)) throw new ImportError(`${file} has no layer ${wanted} (it has ${layers.join(', ')})`);
    return wanted;
  }
  if (layers.length === 1) return layers[0]!;
  if (layers.includes(layer)) return layer;
  throw new ImportError(`${file} has ${layers.length} layers (${layers.join(', ')}): name one with --source-layer`);
}

export async function importFile(options: ImportOptions, target: ImportTarget): Promise<ImportResult> {
  const { file, layer, crs } = options;
  const sourceLayer = await chooseSourceLayer(file, options.sourceLayer, layer);
  if (!crs && !(await hasCrs(file, sourceLayer))) {
    throw new ImportError(`${file} (layer ${sourceLayer}) declares no coordinate reference system: name it with --crs ${IMPORT_CRS.join('|')}`);
  }
  const work = mkdtempSync(join(tmpdir(), 'citybrain-import-'));
  try {
    const raw = await toStoreGeoJson(file, sourceLayer, join(work, 'raw.geojson'), { sourceCrs: crs, makeValid: false });
    const reasons = await invalidityReasons(join(work, 'raw.geojson'));
    const fixed = reasons.some(Boolean) ? await toStoreGeoJson(file, sourceLayer, join(work, 'fixed.geojson'), { sourceCrs: crs, makeValid: true }) : raw;
    // MakeValid keeps one feature per feature; if GDAL ever dropped one, the pairs no longer match and nothing is repaired.
    const canRepair = fixed.features.length === raw.features.length;

    const result: ImportResult = { sourceLayer, read: raw.features.length, inserted: 0, replaced: 0, repaired: [], rejected: [] };
    const rows: unknown[] = [];
    const seen = new Map<string, number>();
    const parcelIds = new Map<string, number>();
    raw.features.forEach((original: Feature, index) => {
      const invalid = reasons[index] ?? null;
      const feature = invalid && canRepair ? fixed.features[index]! : original;
      const key = keyOf(layer, original);
      const report = { feature: index + 1, key };
      try {
        if (invalid && !canRepair) throw new FeatureRejected(`invalid geometry: ${invalid}`);
        if (key !== null && seen.has(key)) throw new FeatureRejected(`the same ${KEY_FIELD[layer]} as feature ${seen.get(key)}`);
        const row = rowOf(layer, feature);
        // A parcel is also stored under its id: two of one file with the same id would replace each other.
        const parcelId = layer === 'parcels' ? (row as ParcelRow).id : null;
        if (parcelId !== null && parcelIds.has(parcelId)) throw new FeatureRejected(`the same id as feature ${parcelIds.get(parcelId)}`);
        rows.push(row);
        if (key !== null) seen.set(key, index + 1);
        if (parcelId !== null) parcelIds.set(parcelId, index + 1);
        if (invalid) result.repaired.push({ ...report, reason: `invalid geometry (${invalid}), repaired with MakeValid` });
      } catch (error) {
        if (!(error instanceof FeatureRejected)) throw error;
        result.rejected.push({ ...report, reason: invalid && canRepair ? `invalid geometry (${invalid}); after repair: ${error.message}` : error.message });
      }
    });
    if (!rows.length) {
      const examples = result.rejected.slice(0, 3).map((r) => `feature ${r.feature}${r.key ? ` (${r.key})` : ''}: ${r.reason}`).join('; ');
      throw new ImportError(`${file}: none of its ${result.read} features can be imported${examples ? ` — ${examples}` : ''}`);
    }
    const written = target.write({ layer, rows } as ImportRows);
    return { ...result, ...written };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
