/**
 * A private PostgreSQL 15 + PostGIS 3 cluster (Debian's `postgresql-15-postgis-3`) on a free loopback
 * port, holding the seed's zones and villages (loaded by GDAL's ogr2ogr, GiST-indexed), and a vector
 * tile server over it the way Martin or pg_tileserv serve one: TileJSON 3.0 per table and Mapbox
 * Vector Tiles cut by `ST_AsMVT`/`ST_AsMVTGeom` in the database.
 *
 *   const postgis = await startPostgis();   // { url, tileJsonUrl(table), connection, stop }
 *
 * Run as root (CI, containers), the cluster belongs to the `postgres` user, as Debian's packages
 * expect. A missing PostgreSQL, PostGIS or ogr2ogr is an error with the install command.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { POSTGRES_INSTALL_HINT, startPostgresCluster } from '../postgres-cluster.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

export const POSTGIS_INSTALL_HINT = `${POSTGRES_INSTALL_HINT} The vector tile tests also need GDAL (gdal-bin).`;

/** The tables served, with the columns their tiles carry (the rest stays in the database). */
const TABLES = {
  zones: ['id', 'zonetype', 'village', 'source'],
  villages: ['code', 'name', 'towncode'],
};

export async function startPostgis() {
  if (!existsSync('/usr/bin/ogr2ogr')) throw new Error(POSTGIS_INSTALL_HINT);
  let cluster;
  try {
    cluster = await startPostgresCluster();
  } catch (error) {
    throw new Error(POSTGIS_INSTALL_HINT, { cause: error });
  }
  const dir = mkdtempSync(join(tmpdir(), 'citybrain-postgis-'));
  const { port, connection, psql } = cluster;
  const stopCluster = async () => {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await psql('CREATE EXTENSION postgis');
    await run(process.execPath, ['--conditions=citybrain-source', '--import', 'tsx', 'scripts/gis-servers/fixture-layers.ts', dir], { cwd: root });
    for (const table of Object.keys(TABLES)) {
      await run('ogr2ogr', [
        '-f', 'PostgreSQL', `PG:host=127.0.0.1 port=${port} user=cb dbname=postgres`, join(dir, `${table}.geojson`),
        '-nln', table, '-a_srs', 'EPSG:4490', '-lco', 'GEOMETRY_NAME=geom', '-lco', 'SPATIAL_INDEX=GIST', '-lco', 'LAUNDER=YES',
      ]);
    }
  } catch (error) {
    await stopCluster();
    throw error;
  }

  const server = createServer(async (req, res) => {
    const cors = { 'access-control-allow-origin': '*' };
    const path = new URL(req.url ?? '/', 'http://tiles').pathname;
    const tileJson = /^\/(\w+)\.json$/.exec(path);
    const tile = /^\/(\w+)\/(\d+)\/(\d+)\/(\d+)\.pbf$/.exec(path);
    const table = (tileJson ?? tile)?.[1];
    if (!table || !(table in TABLES)) return res.writeHead(404, { ...cors, 'content-type': 'text/plain' }).end('not found');
    const base = `http://127.0.0.1:${server.address().port}`;
    if (tileJson) {
      const [bounds] = (await psql(`SELECT concat_ws(',', ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)) FROM (SELECT ST_Extent(geom) AS e FROM ${table}) s`)).stdout.trim().split('\n');
      return res.writeHead(200, { ...cors, 'content-type': 'application/json' }).end(
        JSON.stringify({
          tilejson: '3.0.0',
          name: table,
          tiles: [`${base}/${table}/{z}/{x}/{y}.pbf`],
          minzoom: 0,
          maxzoom: 18,
          bounds: bounds.split(',').map(Number),
          vector_layers: [{ id: table, fields: Object.fromEntries(TABLES[table].map((column) => [column, 'String'])) }],
        }),
      );
    }
    const [z, x, y] = tile.slice(2).map(Number);
    // Geometry simplified to the tile's grid by ST_AsMVTGeom; the GiST index picks the rows by bbox.
    const sql = `SELECT encode(ST_AsMVT(q, '${table}', 4096, 'geom'), 'base64') FROM (
      SELECT ${TABLES[table].join(', ')}, ST_AsMVTGeom(ST_Transform(geom, 3857), ST_TileEnvelope(${z}, ${x}, ${y}), 4096, 64, true) AS geom
      FROM ${table} WHERE geom && ST_Transform(ST_TileEnvelope(${z}, ${x}, ${y}), 4490)) q`;
    try {
      const body = Buffer.from((await psql(sql)).stdout.replace(/\s+/g, ''), 'base64');
      res.writeHead(200, { ...cors, 'content-type': 'application/vnd.mapbox-vector-tile' }).end(body);
    } catch (error) {
      res.writeHead(500, { ...cors, 'content-type': 'text/plain' }).end(String(error));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    tileJsonUrl: (table) => `${url}/${table}.json`,
    connection,
    psql,
    stop: async () => {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
      await stopCluster();
    },
  };
}
