import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { labelPointOf } from '@citybrain/domain';
import { createTestDatabase, dropTestDatabase, startTestSandbox, type TestSandbox } from './harness.js';
import { importTargetFor } from '../src/import/index.js';
import { IMPORT_BATCH_ROWS } from '../src/import/target.js';
import { areaSqm, type ParcelRow } from '../src/import/rows.js';

/**
 * `npm run import` as a town runs it: fixtures made at test time with GDAL's ogr2ogr (a GeoPackage,
 * a shapefile in Gauss-Krüger EPSG:4547, GeoJSON), imported by the CLI into the database of a running
 * sandbox, then read back through its API. A bad file changes nothing; a bow-tie polygon is repaired.
 * Into the SQLite file (`--database`), or into PostgreSQL (`--database-url`) when a cluster is given
 * (CITYBRAIN_TEST_POSTGRES_URL), as the harness moves every sandbox there: `npm test` runs this file in
 * both stages, so each store is imported into once.
 */

const root = fileURLToPath(new URL('../../..', import.meta.url));
const TANGBIAN = '440605124201';
type Json = Record<string, any>;

/** A square of `size` degrees whose south-west corner is `east`/`north` degrees from 唐边's label point. */
function square(east: number, north: number, size = 0.0002): number[][][] {
  const [lon, lat] = labelPointOf(TANGBIAN);
  const [x, y] = [lon + east, lat + north];
  return [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]];
}

/** The same square drawn corner to corner crosswise: a self-intersecting bow-tie. */
function bowTie(east: number, north: number, size = 0.0002): number[][][] {
  const [lon, lat] = labelPointOf(TANGBIAN);
  const [x, y] = [lon + east, lat + north];
  return [[[x, y], [x + size, y + size], [x + size, y], [x, y + size], [x, y]]];
}

const centreOf = (ring: number[][][]) => [(ring[0]![0]![0]! + ring[0]![2]![0]!) / 2, (ring[0]![0]![1]! + ring[0]![2]![1]!) / 2] as const;

function collection(features: { properties: Json; coordinates: number[][][] }[]): string {
  return JSON.stringify({
    type: 'FeatureCollection',
    features: features.map(({ properties, coordinates }) => ({ type: 'Feature', properties, geometry: { type: 'Polygon', coordinates } })),
  });
}

function run(command: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: root }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

const postgres = process.env.CITYBRAIN_TEST_POSTGRES_URL;

for (const store of ['sqlite', 'postgres'] as const) describe(`npm run import into ${store}`, {
  skip: store === 'postgres' ? !postgres && 'no PostgreSQL cluster (CITYBRAIN_TEST_POSTGRES_URL)' : Boolean(postgres) && 'a PostgreSQL cluster is given: the SQLite import runs without one',
}, () => {
  let sandbox: TestSandbox;
  let dir: string;
  let dbPath: string;
  let databaseUrl: string;
  let district: string;

  const ogr2ogr = async (...args: string[]) => {
    const { code, output } = await run('ogr2ogr', args);
    assert.equal(code, 0, output);
  };
  const importer = (file: string, ...args: string[]) =>
    run(process.execPath, ['--conditions=citybrain-source', '--import', 'tsx', 'packages/sandbox/src/import-cli.ts', file,
      ...(store === 'sqlite' ? ['--database', dbPath] : ['--database-url', databaseUrl]), ...args]);
  const get = async (path: string): Promise<Json> => {
    const res = await sandbox.api(path, { token: district });
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as Json;
  };
  /** Counts and last row ids of the GIS tables: what a refused import must leave as it was. */
  const storeState = () => {
    if (store === 'postgres') {
      return ['parcels', 'zones', 'gis_features'].map((table) => sandbox.ctx.db.prepare(`SELECT count(*) AS n, max(rid) AS last FROM ${table}`).get());
    }
    const db = new Database(dbPath, { readonly: true });
    try {
      return ['parcels', 'parcels_rtree', 'zones', 'gis_features'].map((table) => db.prepare(`SELECT count(*) AS n, max(rowid) AS last FROM ${table}`).get());
    } finally {
      db.close();
    }
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'citybrain-import-test-'));
    dbPath = join(dir, 'sandbox.db');
    if (store === 'postgres') {
      databaseUrl = await createTestDatabase(postgres!);
      sandbox = await startTestSandbox({ databaseUrl });
    } else {
      sandbox = await startTestSandbox({ dbPath });
    }
    district = await sandbox.token('demo-district');
  });
  after(async () => {
    await sandbox?.close();
    if (databaseUrl) await dropTestDatabase(postgres!, databaseUrl);
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads a shapefile in Gauss-Krüger EPSG:4547, reprojected, and the running sandbox serves and identifies it', async () => {
    const parcel = square(0.003, 0.003);
    writeFileSync(join(dir, 'parcels.geojson'), collection([
      { properties: { parcel_no: `${TANGBIAN}JC90001`, village_code: TANGBIAN, owner_name: '测试户主', land_use: 'rural-housing', status: 'approved', floors: 3 }, coordinates: parcel },
    ]));
    await ogr2ogr('-f', 'ESRI Shapefile', '-lco', 'ENCODING=UTF-8', join(dir, 'parcels-4547.shp'), join(dir, 'parcels.geojson'), '-s_srs', 'EPSG:4490', '-t_srs', 'EPSG:4547');

    const { code, output } = await importer(join(dir, 'parcels-4547.shp'), '--layer', 'parcels');
    assert.equal(code, 0, output);
    assert.match(output, /1 read, 1 added, 0 replaced, 0 repaired, 0 rejected/);

    const items = await get(`/gis/collections/homestead-parcels/items?parcelNo=${TANGBIAN}JC90001`);
    assert.equal(items.features.length, 1);
    const [feature] = items.features;
    assert.equal(feature.properties.villageCode, TANGBIAN);
    assert.equal(feature.properties.status, 'approved');
    assert.equal(feature.properties.ownerName, '测试户主');
    // About 20 m × 22 m at this latitude, measured in the Gauss-Krüger plane.
    assert.ok(feature.properties.areaSqm > 400 && feature.properties.areaSqm < 500, `area ${feature.properties.areaSqm}`);
    const corner = feature.geometry.coordinates[0].find((p: number[]) => Math.abs(p[0] - parcel[0]![0]![0]!) < 1e-6);
    assert.ok(corner && Math.abs(corner[1] - parcel[0]![0]![1]!) < 1e-6, 'the corners come back in CGCS2000 lon/lat where they were drawn');

    const [lon, lat] = centreOf(parcel);
    const identified = await get(`/gis/identify?lon=${lon}&lat=${lat}&tolerance=1&layers=homestead-parcels`);
    const parcels = identified.results.find((r: Json) => r.layerId === 'homestead-parcels');
    assert.ok(parcels?.features.some((f: Json) => f.properties.parcelNo === `${TANGBIAN}JC90001`), JSON.stringify(identified));
  });

  it('loads zones from a GeoPackage and replaces a zone imported again under the same id', async () => {
    const zone = square(0.006, 0.006, 0.001);
    const properties = { id: 'Z-IMPORT-1', zone_type: 'restricted', village_code: TANGBIAN, source_dept: '佛山市自然资源局南海分局', legal_basis: '测试规划', version: '2026.1', effective_date: '2026-01-01' };
    writeFileSync(join(dir, 'zones.geojson'), collection([{ properties, coordinates: zone }]));
    await ogr2ogr('-f', 'GPKG', join(dir, 'zones.gpkg'), join(dir, 'zones.geojson'), '-nln', 'zones');
    assert.equal((await importer(join(dir, 'zones.gpkg'), '--layer', 'zones')).code, 0);
    const again = await importer(join(dir, 'zones.gpkg'), '--layer', 'zones');
    assert.match(again.output, /1 read, 0 added, 1 replaced/);

    const [lon, lat] = centreOf(zone);
    const identified = await get(`/gis/identify?lon=${lon}&lat=${lat}&tolerance=1&layers=zones`);
    const zones = identified.results.find((r: Json) => r.layerId === 'zones');
    const hit = zones?.features.find((f: Json) => f.id === 'Z-IMPORT-1');
    assert.ok(hit, JSON.stringify(identified));
    assert.equal(hit.properties.zoneType, 'restricted');
    assert.equal(hit.properties.legalBasis, '测试规划');
  });

  it('loads a village from GeoJSON (EPSG:4326 by definition), served like the seeded ones', async () => {
    writeFileSync(join(dir, 'villages.geojson'), collection([{ properties: { code: '440605124299', name: '导入测试村委会', shortName: '导入测试' }, coordinates: square(-0.01, -0.01, 0.002) }]));
    const { code, output } = await importer(join(dir, 'villages.geojson'), '--layer', 'villages');
    assert.equal(code, 0, output);
    const village = await get('/gis/collections/villages/items/440605124299');
    assert.equal(village.properties.name, '导入测试村委会');
    assert.equal(village.properties.kind, 'village');
    assert.equal(village.properties.townName, '狮山镇');
  });

  it('repairs a self-intersecting bow-tie and reports it, and rejects a feature without its key or with a parcel id taken in the file, each by feature', async () => {
    const tie = bowTie(0.009, 0.009);
    writeFileSync(join(dir, 'mixed.geojson'), collection([
      { properties: { parcelNo: `${TANGBIAN}JC90002`, villageCode: TANGBIAN }, coordinates: tie },
      { properties: { villageCode: TANGBIAN }, coordinates: square(0.012, 0.012) },
      { properties: { id: 'P-IMPORT-SAME', parcelNo: `${TANGBIAN}JC90005`, villageCode: TANGBIAN }, coordinates: square(0.013, 0.013) },
      { properties: { id: 'P-IMPORT-SAME', parcelNo: `${TANGBIAN}JC90006`, villageCode: TANGBIAN }, coordinates: square(0.014, 0.014) },
    ]));
    const { code, output } = await importer(join(dir, 'mixed.geojson'), '--layer', 'parcels', '--crs', 'EPSG:4326');
    assert.equal(code, 0, output);
    assert.match(output, /4 read, 2 added, 0 replaced, 1 repaired, 2 rejected/);
    assert.match(output, new RegExp(`repaired +feature 1 \\(${TANGBIAN}JC90002\\): invalid geometry \\(Self-intersection`));
    assert.match(output, /rejected +feature 2: no parcelNo/);
    assert.match(output, new RegExp(`rejected +feature 4 \\(${TANGBIAN}JC90006\\): the same id as feature 3`));
    const items = await get(`/gis/collections/homestead-parcels/items?parcelNo=${TANGBIAN}JC90002`);
    assert.equal(items.features[0].geometry.type, 'MultiPolygon', 'MakeValid splits the bow-tie into its two triangles');
  });

  it('refuses a bad file with a clear error and leaves the store unchanged', async () => {
    writeFileSync(join(dir, 'broken.gpkg'), 'not a geopackage at all');
    writeFileSync(join(dir, 'nothing-valid.geojson'), collection([
      { properties: { parcelNo: 'not-a-parcel-number', villageCode: TANGBIAN }, coordinates: square(0.02, 0.02) },
      { properties: { parcelNo: `${TANGBIAN}JC90003`, villageCode: '110101001001' }, coordinates: square(0.03, 0.03) },
    ]));
    writeFileSync(join(dir, 'far-away.geojson'), collection([{ properties: { parcelNo: `${TANGBIAN}JC90004`, villageCode: TANGBIAN }, coordinates: [[[116.3, 39.9], [116.31, 39.9], [116.31, 39.91], [116.3, 39.9]]] }]));
    await ogr2ogr('-f', 'ESRI Shapefile', join(dir, 'no-crs.shp'), join(dir, 'parcels.geojson'));
    unlinkSync(join(dir, 'no-crs.prj'));

    const cases: [string, string[], RegExp][] = [
      ['broken.gpkg', [], /broken\.gpkg/],
      ['zones.gpkg', ['--source-layer', 'parcels'], /has no layer parcels \(it has zones\)/],
      ['no-crs.shp', [], /declares no coordinate reference system: name it with --crs/],
      ['nothing-valid.geojson', [], /none of its 2 features can be imported — feature 1 \(not-a-parcel-number\): parcelNo .* is not a 宗地号 .*; feature 2 .*not a 12-digit village code/],
      ['far-away.geojson', [], /lies outside the district/],
      ['missing.geojson', [], /no such file/],
    ];
    const before = storeState();
    for (const [file, extra, message] of cases) {
      const { code, output } = await importer(join(dir, file), '--layer', 'parcels', ...extra);
      assert.equal(code, 1, `${file}: ${output}`);
      assert.match(output, message, file);
      assert.match(output, /Nothing was written/, file);
    }
    assert.deepEqual(storeState(), before);
  });

  /** A parcel row as the importer builds it, numbered `n` under `letters`, at the same place each time. */
  const parcelRow = (letters: string, n: number, landUse = 'rural-housing'): ParcelRow => {
    const geometry = { type: 'Polygon' as const, coordinates: square(0.04, 0.04) };
    const parcelNo = `${TANGBIAN}${letters}${String(n).padStart(5, '0')}`;
    return {
      id: `P-${parcelNo}`, parcelNo, villageCode: TANGBIAN, townCode: TANGBIAN.slice(0, 9), ownerName: null, ownerIdNumber: null,
      ownerPhone: null, areaSqm: areaSqm(geometry), landUse, status: 'registered', approvalNo: null, approvedOn: null, certificateNo: null,
      registeredOn: null, floors: null, bbox: [0, 0, 0, 0], geometry,
    };
  };

  it('writes a file in one transaction: a row the database refuses in the last batch takes the batches before it back with it', () => {
    const rows = Array.from({ length: IMPORT_BATCH_ROWS + 1 }, (_, n) => parcelRow('TX', n + 1));
    // The importer never builds such a row (rowOf checks landUse); the table's CHECK refuses it all the same.
    rows.push(parcelRow('TX', rows.length + 1, 'golf-course'));
    const before = storeState();
    assert.throws(() => importTargetFor(sandbox.ctx.db).write({ layer: 'parcels', rows }), /check constraint/i);
    assert.deepEqual(storeState(), before);
  });

  it('replaces, across batches, what is stored under a parcel\'s id or its parcel number, and counts each replaced row once', () => {
    const first = Array.from({ length: IMPORT_BATCH_ROWS + 2 }, (_, n) => parcelRow('RB', n + 1));
    assert.deepEqual(importTargetFor(sandbox.ctx.db).write({ layer: 'parcels', rows: first }), { inserted: first.length, replaced: 0 });
    const [byParcelNo, byId] = [first.at(-1)!, first.at(-2)!];
    const again = [
      ...first.slice(0, -2),
      { ...byParcelNo, id: 'P-RB-RENAMED' },
      { ...parcelRow('RC', 1), id: byId.id },
      parcelRow('RC', 2),
    ];
    const counts = storeState() as { n: number }[];
    assert.deepEqual(importTargetFor(sandbox.ctx.db).write({ layer: 'parcels', rows: again }), { inserted: 1, replaced: first.length });
    const after = storeState() as { n: number }[];
    assert.equal(after[0]!.n, counts[0]!.n + 1, 'one parcel more: the new one');
    if (store === 'sqlite') assert.equal(after[1]!.n, after[0]!.n, 'every parcel has its box in the R*Tree, and no box is left without its parcel');
    const stored = (parcelNo: string) => sandbox.ctx.db.prepare('SELECT id FROM parcels WHERE parcel_no = ?').all(parcelNo);
    assert.deepEqual(stored(byParcelNo.parcelNo), [{ id: 'P-RB-RENAMED' }]);
    assert.deepEqual(stored(byId.parcelNo), [], 'the parcel stored under the id went with it');
  });

  it('answers usage errors and a missing database without touching anything', async () => {
    const usage = await importer(join(dir, 'parcels.geojson'), '--layer', 'roads');
    assert.equal(usage.code, 2);
    assert.match(usage.output, /--layer must be one of parcels, zones, villages/);
    const cli = ['--conditions=citybrain-source', '--import', 'tsx', 'packages/sandbox/src/import-cli.ts', join(dir, 'parcels.geojson'), '--layer', 'parcels'];
    if (store === 'sqlite') {
      const missing = await run(process.execPath, [...cli, '--database', join(dir, 'none.db')]);
      assert.equal(missing.code, 1);
      assert.match(missing.output, /no database at .*none\.db: start the sandbox once/);
    } else {
      // A database the sandbox never ran against has none of its tables.
      const empty = await createTestDatabase(postgres!);
      const missing = await run(process.execPath, [...cli, '--database-url', empty]);
      await dropTestDatabase(postgres!, empty);
      assert.equal(missing.code, 1, missing.output);
      assert.match(missing.output, /the database has no GIS tables \(parcels, zones, gis_features\): start the sandbox against it once/);
    }
  });
});
