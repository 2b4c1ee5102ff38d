/**
 * GDAL's command-line tools (Debian `gdal-bin`) read what towns deliver — GeoPackage, shapefile,
 * GeoJSON — reproject it and repair geometry; the importer only ever sees GeoJSON in CGCS2000
 * lon/lat (EPSG:4490), the store's coordinates.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FeatureCollection } from 'geojson';

const run = promisify(execFile);

export const GDAL_INSTALL_HINT = 'GDAL not found, which the importer needs: install it (Debian/Ubuntu: sudo apt-get install -y gdal-bin).';

/** The CRS the GIS store keeps coordinates in. */
export const STORE_CRS = 'EPSG:4490';

/** A failure of the file as a whole: unreadable, no such layer, no CRS, nothing valid. */
export class ImportError extends Error {}

function tool(name: 'ogr2ogr' | 'ogrinfo'): string {
  const path = ['/usr/bin', '/usr/local/bin'].map((dir) => join(dir, name)).find((candidate) => existsSync(candidate));
  if (!path) throw new ImportError(GDAL_INSTALL_HINT);
  return path;
}

async function gdal(name: 'ogr2ogr' | 'ogrinfo', args: string[]): Promise<string> {
  try {
    const { stdout } = await run(tool(name), args, { maxBuffer: 1024 * 1024 * 1024, env: { ...process.env, CPL_LOG: '/dev/null' } });
    return stdout;
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new ImportError((stderr || message).trim().split('\n').filter((line) => !line.startsWith('Warning')).join('\n') || message);
  }
}

/** The layers of a source file, by name; a file GDAL cannot open is an ImportError. */
export async function listLayers(file: string): Promise<string[]> {
  if (!existsSync(file)) throw new ImportError(`${file}: no such file`);
  const out = await gdal('ogrinfo', ['-ro', '-q', file]);
  return out.split('\n').map((line) => /^\d+: (.+?)(?: \([^)]*\))?$/.exec(line.trim())?.[1]).filter((name): name is string => Boolean(name));
}

/** Whether a layer declares its coordinate reference system. */
export async function hasCrs(file: string, layer: string): Promise<boolean> {
  const out = await gdal('ogrinfo', ['-ro', '-so', file, layer]);
  return !/Layer SRS WKT:\s*\n\(unknown\)/.test(out);
}

/** The name of the layer in the GeoJSON files the importer writes. */
export const WORK_LAYER = 'features';

/** A layer written as GeoJSON in the store's CRS, `makeValid` repairing invalid geometry (GEOS MakeValid). */
export async function toStoreGeoJson(file: string, layer: string, out: string, { sourceCrs, makeValid }: { sourceCrs?: string; makeValid: boolean }): Promise<FeatureCollection> {
  await gdal('ogr2ogr', [
    '-f', 'GeoJSON', out, file, layer, '-nln', WORK_LAYER,
    '-t_srs', STORE_CRS,
    ...(sourceCrs ? ['-s_srs', sourceCrs] : []),
    ...(makeValid ? ['-makevalid'] : []),
    '-lco', 'COORDINATE_PRECISION=8',
  ]);
  return JSON.parse(readFileSync(out, 'utf8')) as FeatureCollection;
}

/** For each feature of a GeoJSON file toStoreGeoJson wrote, in order: GEOS's reason it is invalid, or null when it is valid. */
export async function invalidityReasons(geojsonFile: string): Promise<(string | null)[]> {
  const sql = `SELECT ST_IsValidReason(geometry) AS reason FROM "${WORK_LAYER}"`;
  const out = await gdal('ogr2ogr', ['-f', 'GeoJSON', '/vsistdout/', geojsonFile, '-dialect', 'SQLite', '-sql', sql]);
  const collection = JSON.parse(out) as FeatureCollection;
  return collection.features.map((feature) => {
    const reason = feature.properties?.reason as string | null | undefined;
    return !reason || reason === 'Valid Geometry' ? null : reason;
  });
}
