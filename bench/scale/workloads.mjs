/**
 * What the scale benchmark asks of a sandbox, as runLoad workloads: a data row page (the first, and
 * deep ones reached through `next` cursors), a z14 vector tile over dense parcels, and an identify at
 * a parcel. The places come from the filled store itself (`samplePlaces`).
 */
import { get } from './load.mjs';
import { SCALE_DATASET } from './fill.mjs';

export const ROW_PAGE_LIMIT = 50;
/** Rows per request of the walk that finds deep cursors (the API's maximum page). */
const WALK_LIMIT = 1000;
export const TILE_ZOOM = 14;
/**
 * The register's columns without personal data: a district officer's page of names and phones also
 * writes an audit record per request (an unmasked read), which would make the "read" a write.
 */
const ROW_COLUMNS = ['uscc', 'companyName', 'entityType', 'registeredCapital', 'industry', 'establishedDate', 'status', 'employees', 'regionCode'];
const ROWS_PATH = `/api/v1/data/datasets/${SCALE_DATASET}/rows?columns=${ROW_COLUMNS.join(',')}`;

/** The z/x/y tile (Web Mercator, XYZ scheme) holding a lon/lat. */
export function tileOf(lon, lat, z) {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const rad = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
  return { z, x, y };
}

/** The `count` tiles holding the most of `points` (densest first). */
export function densestTiles(points, z, count) {
  const tiles = new Map();
  for (const [lon, lat] of points) {
    const tile = tileOf(lon, lat, z);
    const key = `${tile.x}/${tile.y}`;
    const entry = tiles.get(key) ?? { ...tile, points: 0 };
    entry.points++;
    tiles.set(key, entry);
  }
  return [...tiles.values()].sort((a, b) => b.points - a.points || a.x - b.x || a.y - b.y).slice(0, count);
}

/** Centres of about `count` parcels, spread over the table (a sample, not the first rows). */
export async function sampleParcelCentres(store, count) {
  const [{ n }] = await store.all('SELECT count(*) AS n FROM parcels');
  const every = Math.max(1, Math.floor(Number(n) / count));
  const sql =
    store.dialect === 'sqlite'
      ? `SELECT (min_lon + max_lon) / 2 AS lon, (min_lat + max_lat) / 2 AS lat FROM parcels WHERE rowid % ${every} = 0 LIMIT ${count}`
      : `SELECT (min_lon + max_lon) / 2 AS lon, (min_lat + max_lat) / 2 AS lat FROM parcels TABLESAMPLE BERNOULLI (${Math.min(100, (100 * count) / Number(n))}) REPEATABLE (1) LIMIT ${count}`;
  return (await store.all(sql)).map((row) => [Number(row.lon), Number(row.lat)]);
}

/**
 * Cursors `depthRows` deep into the default order of the big dataset: walks `next` from the first
 * page in pages of 1000 and keeps the cursors of the last `count` pages (a cursor belongs to the
 * query — dataset, sort, filter, columns, region — not to the page size, so they serve pages of 50).
 */
export async function deepCursors(target, depthRows, count = 16) {
  const cursors = [];
  let cursor = null;
  for (let rows = 0; rows < depthRows; rows += WALK_LIMIT) {
    const page = await get(target, `${ROWS_PATH}&limit=${WALK_LIMIT}${cursor ? `&cursor=${cursor}` : ''}`, { json: true });
    cursor = page.page.nextCursor;
    if (!cursor) break;
    cursors.push(cursor);
  }
  if (!cursors.length) throw new Error(`no cursor: the dataset has fewer than ${WALK_LIMIT} rows`);
  return cursors.slice(-count);
}

/** The workloads, by name, given the places they use. */
export function workloads({ cursors, tiles, points }) {
  const seenTiles = new Map();
  return {
    rowFirst: async (target) => {
      await get(target, `${ROWS_PATH}&limit=${ROW_PAGE_LIMIT}`);
    },
    rowDeep: async (target, client) => {
      // Each client walks on from its own deep cursor, as a reader paging through the table does.
      client.cursor ??= cursors[client.index % cursors.length];
      const page = await get(target, `${ROWS_PATH}&limit=${ROW_PAGE_LIMIT}&cursor=${client.cursor}`, { json: true });
      client.cursor = page.page.nextCursor ?? cursors[client.index % cursors.length];
    },
    tile: async (target, client) => {
      // Clients take the dense tiles in turn; the first request of a tile on an instance is `cold` (its caches are per process).
      client.turn = (client.turn ?? client.index) + 1;
      const { z, x, y } = tiles[client.turn % tiles.length];
      const key = `${target.url} ${z}/${x}/${y}`;
      const cold = !seenTiles.has(key);
      seenTiles.set(key, true);
      await get(target, `/api/v1/gis/tiles/homestead-parcels/${z}/${x}/${y}.pbf`);
      return cold ? 'cold' : 'warm';
    },
    identify: async (target, client) => {
      client.turn = (client.turn ?? client.index * 7) + 1;
      const [lon, lat] = points[client.turn % points.length];
      await get(target, `/api/v1/gis/identify?lon=${lon.toFixed(7)}&lat=${lat.toFixed(7)}&layers=homestead-parcels&tolerance=5`);
    },
  };
}

export const WORKLOAD_LABELS = {
  rowFirst: `row page, first (${ROW_PAGE_LIMIT} rows × ${ROW_COLUMNS.length} columns, keyset)`,
  rowDeep: `row page, deep (${ROW_PAGE_LIMIT} rows × ${ROW_COLUMNS.length} columns via next cursors)`,
  tile: `z${TILE_ZOOM} tile over dense parcels`,
  identify: 'identify (point query, parcels; audited: owners are shown unmasked)',
};
