// CI smoke of the scale benchmark's harness, without the machine: the load loop's counting and
// statistics, the bulk fill on a small SQLite store, the dense-tile choice and the report's verdicts.
// (The benchmark itself starts PostgreSQL and millions of rows: `npm run bench -- scale --quick`.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrateGis } from '../packages/sandbox/src/services/gis/store.ts';
import { DATASET_TABLES, migrateDataTables } from '../packages/sandbox/src/services/data/tables.ts';
import { fillDatasetRows, fillParcels } from './scale/fill.mjs';
import { latencySummary, runLoad } from './scale/load.mjs';
import { reasonOf, SCALE_TARGETS, scaleReport, speedups } from './scale/run.mjs';
import { sqliteConnection } from './scale/stores.mjs';
import { densestTiles, tileOf } from './scale/workloads.mjs';

test('the load loop counts every request once, per tag, spreads them round-robin and counts failures', async () => {
  const perTarget = new Map();
  let calls = 0;
  const workload = async (target) => {
    perTarget.set(target.url, (perTarget.get(target.url) ?? 0) + 1);
    const call = ++calls;
    await new Promise((resolve) => setImmediate(resolve));
    if (call % 10 === 0) throw new Error('HTTP 503');
    return call % 2 ? 'odd' : 'even';
  };
  const clients = 4;
  const result = await runLoad(workload, { targets: [{ url: 'a' }, { url: 'b' }], clients, requests: 100, durationMs: 60_000 });
  assert.equal(calls, 100);
  assert.equal(result.ok + result.failed, 100);
  assert.equal(result.failed, 10);
  assert.deepEqual(result.errors, ['10× HTTP 503']);
  assert.equal(result.byTag.odd.requests + result.byTag.even.requests, 90);
  assert.ok(Math.abs(perTarget.get('a') - perTarget.get('b')) <= clients, `round-robin: ${[...perTarget]}`);
  assert.ok(result.p50 <= result.p95 && result.p95 <= result.max);
});

test('latency summary: percentiles interpolate, throughput is requests over the run', () => {
  const summary = latencySummary(Array.from({ length: 100 }, (_, i) => 100 - i), 4);
  assert.equal(summary.requests, 100);
  assert.equal(summary.perSecond, 25);
  assert.equal(summary.p50, 50.5);
  assert.ok(Math.abs(summary.p95 - 95.05) < 1e-9);
  assert.equal(summary.max, 100);
  // 30 s of cached tiles at ≈ 10,000 a second: as many latencies as a spread into Math.max could not take.
  const many = Array.from({ length: 500_000 }, (_, i) => i % 1000);
  assert.equal(latencySummary(many, 30).max, 999);
  assert.ok(Number.isNaN(latencySummary([], 30).max));
});

test('z14 tiles: the tile of a point in Nanhai, and the densest tiles first', () => {
  // By hand: x = ⌊(113.15 + 180) / 360 · 2¹⁴⌋; y from the Mercator ordinate of 23.03° N.
  assert.deepEqual(tileOf(113.15, 23.03, 14), { z: 14, x: 13341, y: 7114 });
  const points = [[113.15, 23.03], [113.1501, 23.0301], [113.2, 23.1], [113.15, 23.0302]];
  const [densest, next] = densestTiles(points, 14, 2);
  assert.deepEqual([densest.x, densest.y, densest.points], [13341, 7114, 3]);
  assert.equal(next.points, 1);
});

/** A small SQLite store with the services' GIS and data tables and three villages. */
function smallStore(t) {
  const dir = mkdtempSync(join(tmpdir(), 'citybrain-scale-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'scale.db');
  const db = Object.assign(new Database(path), { dialect: 'sqlite' });
  migrateGis(db);
  migrateDataTables(db);
  const village = db.prepare(`INSERT INTO gis_features (layer_id, id, name, code, town_code, properties, label_lon, label_lat, min_lon, min_lat, max_lon, max_lat, geometry)
    VALUES ('villages', ?, '村', ?, '440605124', '{}', 0, 0, ?, 23.0, ?, 23.01, '{}')`);
  for (let k = 0; k < 3; k++) village.run(`44060512420${k}`, `44060512420${k}`, 113 + k * 0.01, 113.01 + k * 0.01);
  return { db, path };
}

test('the bulk fill writes parcels inside their villages, the R*Tree, dataset rows and their region counts, and keeps the indexes', async (t) => {
  const { db, path } = smallStore(t);
  db.exec('CREATE INDEX IF NOT EXISTS ix_jc_scjg_scztdjxx_established_date ON jc_scjg_scztdjxx (established_date)');
  // As PostGIS's `geom` is derived from the GeoJSON text: a generated column takes no value from the fill.
  db.exec('ALTER TABLE parcels ADD COLUMN parcel_key TEXT GENERATED ALWAYS AS (lower(parcel_no)) VIRTUAL');
  const indexes = () => db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").all().map((r) => r.name);
  const before = indexes();
  const store = sqliteConnection(path);
  const parcels = await fillParcels(store, 3_000, { batch: 1_000 });
  const rows = await fillDatasetRows(store, 5_000, { batch: 2_000 });
  await store.close();
  assert.equal(parcels.tableRows, 3_000);
  assert.equal(rows.tableRows, 5_000);
  assert.deepEqual(indexes(), before);
  assert.equal(db.prepare('SELECT count(*) AS n FROM parcels_rtree').get().n, 3_000);
  const numbers = db.prepare('SELECT parcel_no, parcel_key, village_code, min_lon, max_lon FROM parcels').all();
  assert.equal(new Set(numbers.map((p) => p.parcel_no)).size, 3_000);
  for (const p of numbers) {
    assert.match(p.parcel_no, /^\d{12}[A-Z]{2}\d{5}$/);
    assert.ok(p.parcel_no.startsWith(p.village_code));
    assert.equal(p.parcel_key, p.parcel_no.toLowerCase());
    const west = 113 + Number(p.village_code.at(-1)) * 0.01;
    assert.ok(p.min_lon > west - 0.001 && p.max_lon < west + 0.011, `${p.parcel_no} lies in its village's box`);
  }
  const counts = db.prepare("SELECT sum(row_count) AS n, count(*) AS villages FROM data_region_counts WHERE dataset_id = 'market-enterprises'").get();
  assert.deepEqual(counts, { n: 5_000, villages: 3 });
  const dates = db.prepare('SELECT min(established_date) AS first, max(established_date) AS last FROM jc_scjg_scztdjxx').get();
  assert.ok(dates.first >= '1992-01-01' && dates.last <= '2026-07-01', JSON.stringify(dates));
  db.close();
});

test('the fill makes rows for the columns of every dataset of the catalogue (any may be chosen for the row pages)', async (t) => {
  const { db, path } = smallStore(t);
  db.close();
  const store = sqliteConnection(path);
  t.after(() => store.close());
  for (const [datasetId, table] of DATASET_TABLES) {
    const result = await fillDatasetRows(store, 300, { datasetId });
    assert.equal(result.tableRows, 300, datasetId);
    const [row] = await store.all(`SELECT * FROM ${table.sql} LIMIT 1`);
    for (const column of table.columns) {
      if (!column.def.nullable) assert.notEqual(row[column.sql.slice(1, -1)], null, `${datasetId}.${column.def.name}`);
    }
  }
});

test('the fill refuses a required column it does not know, naming it', async (t) => {
  const { db, path } = smallStore(t);
  // A parcels table of a future schema: one more required column, without a default.
  db.exec('DROP TABLE parcels');
  db.exec('CREATE TABLE parcels (id TEXT PRIMARY KEY, parcel_no TEXT NOT NULL, surveyor TEXT NOT NULL, note TEXT, kind TEXT NOT NULL DEFAULT \'x\')');
  db.close();
  const store = sqliteConnection(path);
  t.after(() => store.close());
  await assert.rejects(fillParcels(store, 10), /parcels\.surveyor is required and bench\/scale\/fill\.mjs does not know how to fill it/);
});

/** A result as runScale gives it, with chosen latencies and throughputs. */
function syntheticResult({ pgRowP95, pgTileP95, oneRps, twoRps }) {
  const load = (p95, perSecond, extra = {}) => ({ p50: p95 / 2, p95, perSecond, failed: 0, byTag: {}, ...extra });
  const workloadsOf = (rowP95, tileP95, rps) => ({
    rowFirst: load(rowP95, rps),
    rowDeep: load(rowP95, rps),
    tile: load(tileP95, rps, { byTag: { cold: load(tileP95 * 2, rps) } }),
    identify: load(10, rps),
  });
  return {
    config: { stores: ['sqlite', 'postgres'], sizes: { sqlite: { parcels: 1000, rows: 2000 }, postgres: { parcels: 1_000_000, rows: 10_000_000 } }, clients: 50, durationMs: 30_000, warmupMs: 5_000, tileZoom: 14 },
    targets: SCALE_TARGETS,
    fills: [{ store: 'postgres', table: 'parcels', rows: 1_000_000, seconds: 50, indexSeconds: 10, tableRows: 1_002_000 }],
    runs: [
      { store: 'sqlite', instances: 1, error: 'sandbox exited with 1 before it was ready' },
      { store: 'postgres', instances: 1, parcels: 1_000_000, rows: 10_000_000, workloads: workloadsOf(pgRowP95, pgTileP95, oneRps) },
      { store: 'postgres', instances: 2, parcels: 1_000_000, rows: 10_000_000, workloads: workloadsOf(pgRowP95, pgTileP95, twoRps) },
    ],
  };
}

test('the report holds each figure to its target', () => {
  const good = scaleReport(syntheticResult({ pgRowP95: 40, pgTileP95: 90, oneRps: 100, twoRps: 170 }));
  assert.match(good, /p95 row page ≤ 50 ms \(PostgreSQL ×1, 10,000,000 rows\) +\| 40\.0 ms[^|]*\| met/);
  assert.match(good, /p95 z14 tile ≤ 100 ms at 1,000,000 parcels \(PostgreSQL ×2\)[^\n]*\| met/);
  assert.match(good, /×1\.70 +\| met/);
  assert.match(good, /20,000/, 'seed throughput in rows/s');
  assert.match(good, /SQLite ×1 failed: sandbox exited/);
  const bad = scaleReport(syntheticResult({ pgRowP95: 60, pgTileP95: 150, oneRps: 100, twoRps: 120 }));
  assert.match(bad, /60\.0 ms \(worse of first and deep\) +\| \*\*not met\*\*/);
  assert.match(bad, /150 ms \(first requests 300 ms\)[^\n]*\*\*not met\*\*/);
  assert.match(bad, /×1\.20 +\| \*\*not met\*\*/);
  assert.deepEqual(speedups(syntheticResult({ pgRowP95: 1, pgTileP95: 1, oneRps: 100, twoRps: 150 })), { postgres: { rowFirst: 1.5, rowDeep: 1.5, tile: 1.5, identify: 1.5 } });
});

test('a failed start is reported by its cause, not by the line that introduces the output', () => {
  assert.equal(reasonOf('sandbox exited with 1 before it was ready:\nCity Brain sandbox: opening …\nMissingMigrationStepError: These migrations have no postgres step'), 'sandbox exited with 1 before it was ready: MissingMigrationStepError: These migrations have no postgres step');
  assert.equal(reasonOf('HTTP 500 /api/v1/gis/identify: boom\nmore'), 'HTTP 500 /api/v1/gis/identify: boom');
});
