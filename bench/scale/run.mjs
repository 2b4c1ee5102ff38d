/**
 * Scale benchmark (issue 18, "Measured scale"; loopback only, bounded load): the sandbox on SQLite and
 * on PostgreSQL + PostGIS (one instance, then two on one database), each filled at scale with bulk SQL
 * (fill.mjs), then read by `clients` closed-loop clients (load.mjs) for a fixed time per workload
 * (workloads.mjs): a row page of the big dataset (first, and deep through `next` cursors), a z14 tile
 * over dense parcels and an identify. Reports p50/p95 and throughput beside the targets, seed
 * throughput per table and the time of `npm run import`.
 *
 * Each store: one sandbox start migrates and seeds it (small), the sandbox stops, the fill writes,
 * then `instances` sandboxes start as child processes on it; requests go round-robin across them.
 */
import { startBenchSandbox, districtToken } from '../lib/sandbox.mjs';
import { fmt, markdownTable } from '../lib/format.mjs';
import { fillDatasetRows, fillParcels, SCALE_DATASET } from './fill.mjs';
import { timeImport } from './import.mjs';
import { runLoad } from './load.mjs';
import { postgresStore, sqliteStore } from './stores.mjs';
import { deepCursors, densestTiles, sampleParcelCentres, TILE_ZOOM, workloads, WORKLOAD_LABELS } from './workloads.mjs';

export const SCALE_WORKLOADS = ['rowFirst', 'rowDeep', 'tile', 'identify'];

/** Issue 18's targets: p95 of a row page and of a z14 tile (at 1 M parcels), and read scaling from one instance to two. */
export const SCALE_TARGETS = {
  rowPageP95Ms: 50,
  tileP95Ms: 100,
  tileAtParcels: 1_000_000,
  twoInstanceSpeedup: 1.6,
};

const STORES = { sqlite: sqliteStore, postgres: postgresStore };
const STORE_NAMES = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

/** Starts `count` sandboxes on a store, each with its own token (whether tokens cross instances is not the question here). */
async function startInstances(store, count, env) {
  const instances = [];
  try {
    for (let i = 0; i < count; i++) {
      const sandbox = await startBenchSandbox({ env: { ...store.env, ...env } });
      instances.push(sandbox);
      sandbox.token = await districtToken(sandbox.url);
    }
  } catch (error) {
    await Promise.all(instances.map((s) => s.stop()));
    throw error;
  }
  return instances;
}

/** Fills a migrated store and picks the places the workloads visit: tiles (measured, and others for the warm-up) and points. */
async function fillStore(store, storeKind, size, { tileCount, log }) {
  const fills = [];
  const connection = await store.connect();
  try {
    log?.(`  ${store.name}: filling ${size.parcels.toLocaleString('en-US')} parcels and ${size.rows.toLocaleString('en-US')} rows of ${SCALE_DATASET}…`);
    for (const fill of [() => fillParcels(connection, size.parcels, { log }), () => fillDatasetRows(connection, size.rows, { log })]) {
      const result = await fill();
      fills.push({ store: storeKind, ...result });
      log?.(`  ${store.name}: ${result.table} +${result.rows.toLocaleString('en-US')} rows in ${fmt(result.seconds)} s (${fmt(result.rows / result.seconds, 0)} rows/s; now ${result.tableRows.toLocaleString('en-US')})`);
    }
    const points = await sampleParcelCentres(connection, 4_000);
    // The densest tiles are measured; the next ones serve the warm-up, so that the measured tiles start cold.
    const dense = densestTiles(points, TILE_ZOOM, 2 * tileCount);
    const tiles = dense.slice(0, tileCount);
    const places = { measured: { points, tiles }, warmup: { points, tiles: dense.length > tileCount ? dense.slice(tileCount) : tiles } };
    return { fills, places };
  } finally {
    await connection.close();
  }
}

/** Starts `count` instances on the filled store and runs every workload on them: the run's record (with `error` if it broke). */
async function measureInstances(store, storeKind, count, size, places, { env, clients, durationMs, warmupMs, deepRows, log }) {
  const run = { store: storeKind, instances: count, parcels: size.parcels, rows: size.rows, workloads: {} };
  let sandboxes = [];
  try {
    sandboxes = await startInstances(store, count, env);
    const targets = sandboxes.map((s) => ({ url: s.url, token: s.token }));
    const cursors = await deepCursors(targets[0], Math.min(deepRows, size.rows));
    const warmup = workloads({ ...places.warmup, cursors });
    const measured = workloads({ ...places.measured, cursors });
    for (const name of SCALE_WORKLOADS) {
      // The warm-up pays for what a first request pays once per process (tile indexes, plans, JIT).
      await runLoad(warmup[name], { targets, clients, durationMs: warmupMs });
      const result = await runLoad(measured[name], { targets, clients, durationMs });
      run.workloads[name] = result;
      log?.(`  ${store.name} ×${count} · ${WORKLOAD_LABELS[name]}: p50 ${fmt(result.p50)} ms, p95 ${fmt(result.p95)} ms, ${fmt(result.perSecond)} req/s${result.failed ? `, ${result.failed} failed (${result.errors[0]})` : ''}`);
    }
  } catch (error) {
    run.error = error.message;
    log?.(`  ${store.name} ×${count}: failed: ${reasonOf(error.message)}`);
  } finally {
    await Promise.all(sandboxes.map((s) => s.stop()));
  }
  return run;
}

/** `npm run import` of `count` parcels into the store: a fill record (with `error` if the import failed). */
async function importInto(store, storeKind, count, log) {
  const connection = await store.connect();
  try {
    const result = await timeImport(connection, store, count);
    log?.(`  ${store.name}: npm run import of ${result.rows.toLocaleString('en-US')} parcels in ${fmt(result.seconds)} s`);
    return { store: storeKind, ...result };
  } catch (error) {
    log?.(`  ${store.name}: ${reasonOf(error.message)}`);
    return { store: storeKind, table: 'parcels (npm run import, GeoJSON)', rows: count, error: error.message };
  } finally {
    await connection.close();
  }
}

/**
 * @param {{
 *   stores?: ('sqlite' | 'postgres')[],
 *   sizes?: Record<'sqlite' | 'postgres', { parcels: number, rows: number }>,
 *   instances?: Record<'sqlite' | 'postgres', number[]>,
 *   clients?: number, durationMs?: number, warmupMs?: number,
 *   deepRows?: number, tiles?: number, importParcels?: number,
 *   log?: ((line: string) => void) | null,
 * }} [options]
 */
export async function runScale(options = {}) {
  const {
    stores = ['sqlite', 'postgres'],
    // The sizes bench/RESULTS.md quotes: PostgreSQL at the issue's, SQLite smaller.
    sizes = { sqlite: { parcels: 250_000, rows: 1_000_000 }, postgres: { parcels: 1_000_000, rows: 10_000_000 } },
    instances = { sqlite: [1], postgres: [1, 2] },
    clients = 50,
    durationMs = 30_000,
    warmupMs = 5_000,
    deepRows = 200_000,
    tiles: tileCount = 128,
    importParcels = 50_000,
    log = console.log,
  } = options;
  // Tokens must outlive a whole store's measurements; the simulation would write while we read.
  const env = { CITYBRAIN_SEED_SIZE: 'small', CITYBRAIN_TOKEN_TTL: '86400', CITYBRAIN_SIMULATE: 'off' };
  const fills = [];
  const runs = [];
  const failAll = (storeKind, error) => {
    for (const count of instances[storeKind]) {
      if (!runs.some((r) => r.store === storeKind && r.instances === count)) runs.push({ store: storeKind, instances: count, error: error.message });
    }
  };
  for (const storeKind of stores) {
    const size = sizes[storeKind];
    let store;
    try {
      store = await STORES[storeKind]();
    } catch (error) {
      log?.(`  ${STORE_NAMES[storeKind]}: not available: ${reasonOf(error.message)}`);
      failAll(storeKind, error);
      continue;
    }
    try {
      log?.(`  ${store.name}: migrating and seeding (small)…`);
      await Promise.all((await startInstances(store, 1, env)).map((s) => s.stop()));
      const filled = await fillStore(store, storeKind, size, { tileCount, log });
      fills.push(...filled.fills);
      for (const count of instances[storeKind]) {
        runs.push(await measureInstances(store, storeKind, count, size, filled.places, { env, clients, durationMs, warmupMs, deepRows, log }));
      }
      if (importParcels > 0) fills.push(await importInto(store, storeKind, importParcels, log));
    } catch (error) {
      log?.(`  ${store.name}: failed: ${reasonOf(error.message)}`);
      failAll(storeKind, error);
    } finally {
      await store.close();
    }
  }
  return {
    suite: 'scale',
    config: { stores, sizes, instances, clients, durationMs, warmupMs, deepRows, tiles: tileCount, importParcels, dataset: SCALE_DATASET, tileZoom: TILE_ZOOM },
    targets: SCALE_TARGETS,
    fills,
    runs,
  };
}

// ---------------------------------------------------------------- report

/** An error's first line and, when that only introduces a child's output, the output's error line. */
export function reasonOf(message) {
  const lines = String(message).split('\n').map((line) => line.trim()).filter(Boolean);
  const cause = lines.length > 1 && lines[0].endsWith(':') ? lines.slice(1).find((line) => /Error\b/.test(line)) : undefined;
  return cause ? `${lines[0]} ${cause}` : (lines[0] ?? '');
}

const runName = (run) => `${STORE_NAMES[run.store]} ×${run.instances}`;

/** The p95 target a workload's result is held to in this run, or null (tiles only at the target's parcel count). */
function p95Target(name, run, targets) {
  if (name === 'rowFirst' || name === 'rowDeep') return targets.rowPageP95Ms;
  if (name === 'tile' || name === 'tileCold') return run.parcels >= targets.tileAtParcels ? targets.tileP95Ms : null;
  return null;
}

const verdict = (met) => (met ? 'met' : '**not met**');

/** p50 / p95 with the target's mark, then the throughput — or, for a tag's share of the requests, their number. */
function cell(result, target, { share = false } = {}) {
  if (!result) return '–';
  const mark = target === null ? '' : result.p95 <= target ? ' ✓' : ' ✗';
  const volume = share ? `${result.requests} requests` : `${fmt(result.perSecond)}/s`;
  return `${fmt(result.p50)} / ${fmt(result.p95)}${mark} ms · ${volume}${result.failed ? ` (${result.failed} failed)` : ''}`;
}

/** The two-instance speed-up of each workload per store measured with one and two instances: ×2 ÷ ×1 in requests per second. */
export function speedups(result) {
  const ok = (store, instances) => result.runs.find((r) => r.store === store && r.instances === instances && !r.error);
  const byStore = {};
  for (const store of new Set(result.runs.map((r) => r.store))) {
    const one = ok(store, 1);
    const two = ok(store, 2);
    if (!one || !two) continue;
    byStore[store] = Object.fromEntries(
      SCALE_WORKLOADS.filter((name) => one.workloads[name] && two.workloads[name]).map((name) => [name, two.workloads[name].perSecond / one.workloads[name].perSecond]),
    );
  }
  return byStore;
}

export function scaleReport(result) {
  const { config, targets } = result;
  const lines = [];
  const sizesLine = config.stores.map((s) => `${STORE_NAMES[s]} ${config.sizes[s].parcels.toLocaleString('en-US')} parcels, ${config.sizes[s].rows.toLocaleString('en-US')} rows`).join('; ');
  lines.push(`### Seed and import throughput (${sizesLine})`, '');
  lines.push(
    markdownTable(
      ['store', 'table', 'rows added', 'seconds (of which indexes and statistics)', 'rows/s'],
      result.fills.map((f) => [
        STORE_NAMES[f.store],
        f.table,
        f.rows.toLocaleString('en-US'),
        f.error ? `failed: ${reasonOf(f.error)}` : `${fmt(f.seconds)}${f.indexSeconds !== undefined ? ` (${fmt(f.indexSeconds)})` : ''}`,
        f.error ? '–' : fmt(f.rows / f.seconds, 0),
      ]),
    ),
    '',
  );

  const runs = result.runs;
  lines.push(
    `### Reads under ${config.clients} concurrent clients (closed loop, ${fmt(config.durationMs / 1000, 0)} s per workload after ${fmt(config.warmupMs / 1000, 0)} s warm-up; p50 / p95 ms · requests/s; ✓/✗ against the p95 target)`,
    '',
  );
  const rows = [];
  for (const name of SCALE_WORKLOADS) {
    rows.push([WORKLOAD_LABELS[name], ...runs.map((run) => (run.error ? 'failed' : cell(run.workloads[name], p95Target(name, run, targets)))), targetText(name, targets)]);
    if (name === 'tile') {
      rows.push([
        '  of which the first request of each tile',
        ...runs.map((run) => (run.error ? '–' : cell(run.workloads.tile?.byTag.cold, p95Target('tileCold', run, targets), { share: true }))),
        '',
      ]);
    }
  }
  lines.push(markdownTable(['workload', ...runs.map(runName), 'target'], rows), '');
  for (const run of runs.filter((r) => r.error)) lines.push(`${runName(run)} failed: ${reasonOf(run.error)}`);

  const speedup = speedups(result);
  lines.push('', '### Targets', '');
  const checks = [];
  for (const run of runs.filter((r) => !r.error && r.store === 'postgres')) {
    const pages = ['rowFirst', 'rowDeep'].map((n) => run.workloads[n]).filter(Boolean);
    if (pages.length) {
      const worst = Math.max(...pages.map((p) => p.p95));
      checks.push([`p95 row page ≤ ${targets.rowPageP95Ms} ms (${runName(run)}, ${run.rows.toLocaleString('en-US')} rows)`, `${fmt(worst)} ms (worse of first and deep)`, verdict(worst <= targets.rowPageP95Ms)]);
    }
    const tile = run.workloads.tile;
    if (tile) {
      const at = run.parcels >= targets.tileAtParcels;
      checks.push([
        `p95 z${config.tileZoom} tile ≤ ${targets.tileP95Ms} ms at ${targets.tileAtParcels.toLocaleString('en-US')} parcels (${runName(run)})`,
        `${fmt(tile.p95)} ms (first requests ${fmt(tile.byTag.cold?.p95)} ms) at ${run.parcels.toLocaleString('en-US')} parcels`,
        at ? verdict(tile.p95 <= targets.tileP95Ms) : 'not measured at size',
      ]);
    }
  }
  for (const [store, ratios] of Object.entries(speedup)) {
    for (const [name, ratio] of Object.entries(ratios)) {
      checks.push([`two instances ≥ ${targets.twoInstanceSpeedup}× one, reads/s (${STORE_NAMES[store]}): ${WORKLOAD_LABELS[name]}`, `×${fmt(ratio, 2)}`, verdict(ratio >= targets.twoInstanceSpeedup)]);
    }
  }
  if (!speedup.postgres) checks.push([`two instances ≥ ${targets.twoInstanceSpeedup}× one instance's read throughput`, 'no PostgreSQL ×1 and ×2 results', '–']);
  lines.push(markdownTable(['target', 'this run', 'verdict'], checks), '');
  return lines.join('\n');
}

function targetText(name, targets) {
  if (name === 'rowFirst' || name === 'rowDeep') return `p95 ≤ ${targets.rowPageP95Ms} ms`;
  if (name === 'tile') return `p95 ≤ ${targets.tileP95Ms} ms at ${targets.tileAtParcels / 1e6} M parcels`;
  return '';
}
