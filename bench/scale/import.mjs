/**
 * Times `npm run import` of a GeoJSON file of parcels into a store: a SQLite file (`--database`) or a
 * PostgreSQL database (`--database-url`, which the import command takes once the GIS port lands; until
 * then the attempt fails and is reported as such). The file holds copies of filled parcels under new
 * parcel numbers, so every feature is an insert through GDAL's checks and reprojection.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../lib/build.mjs';
import { SCALE_PARCEL_LETTERS } from './fill.mjs';

const run = promisify(execFile);
const IMPORT_LETTERS = 'IM';

/** A FeatureCollection of `count` parcels of the store, renumbered with the import's letters. */
async function parcelFile(store, count, file) {
  const rows = await store.all(
    `SELECT parcel_no, village_code, land_use, status, floors, geometry FROM parcels WHERE parcel_no LIKE '%${SCALE_PARCEL_LETTERS}%' LIMIT ${count}`,
  );
  const features = rows.map((row) => ({
    type: 'Feature',
    properties: {
      parcelNo: row.parcel_no.replace(SCALE_PARCEL_LETTERS, IMPORT_LETTERS),
      villageCode: row.village_code,
      landUse: row.land_use,
      status: row.status,
      floors: row.floors,
    },
    geometry: JSON.parse(row.geometry),
  }));
  writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features }));
  return features.length;
}

/**
 * @param {{ dialect: string, all: Function }} connection an open connection to the store (closed by the caller)
 * @param {{ path?: string, url?: string }} store where the import writes: the SQLite file, or the PostgreSQL URL
 * @returns {Promise<{ table: string, rows: number, seconds: number, output: string }>}
 */
export async function timeImport(connection, store, count) {
  const target = store.url ? ['--database-url', store.url] : ['--database', store.path];
  const dir = mkdtempSync(join(tmpdir(), 'citybrain-scale-import-'));
  try {
    const file = join(dir, 'parcels.geojson');
    const features = await parcelFile(connection, count, file);
    const started = performance.now();
    const { stdout } = await run('npm', ['run', '--silent', 'import', '--', file, '--layer', 'parcels', '--crs', 'EPSG:4326', ...target], {
      cwd: repoRoot,
      maxBuffer: 256 * 1024 * 1024,
    }).catch((error) => {
      // The command's own words (its first line of stderr), not execFile's echo of the command line.
      const said = String(error.stderr ?? '').split('\n').find((line) => line.trim()) ?? error.message;
      throw new Error(`npm run import failed: ${said.trim()}`);
    });
    const seconds = (performance.now() - started) / 1000;
    const added = Number(/(\d+) added/.exec(stdout)?.[1] ?? NaN);
    if (added !== features) throw new Error(`import added ${added} of ${features} parcels: ${stdout.slice(0, 500)}`);
    return { table: 'parcels (npm run import, GeoJSON)', rows: added, seconds, output: stdout.split('\n')[0] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
