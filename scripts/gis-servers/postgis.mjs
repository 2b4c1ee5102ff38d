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
import { execFile, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

export const POSTGIS_INSTALL_HINT =
  'PostgreSQL with PostGIS or GDAL not found, which the vector tile tests need: install them (Debian/Ubuntu: sudo apt-get install -y postgresql-15 postgresql-15-postgis-3 gdal-bin) or set PG_BIN to the directory of initdb and pg_ctl.';

function findPgBin() {
  return [process.env.PG_BIN, '/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/17/bin'].find((dir) => dir && existsSync(join(dir, 'initdb'))) ?? null;
}

/** The tables served, with the columns their tiles carry (the rest stays in the database). */
const TABLES = {
  zones: ['id', 'zonetype', 'village', 'source'],
  villages: ['code', 'name', 'towncode'],
};

const freePort = () =>
  new Promise((resolve, reject) => {
    const probe = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });

export async function startPostgis() {
  const bin = findPgBin();
  if (!bin || !existsSync('/usr/bin/psql') || !existsSync('/usr/bin/ogr2ogr')) throw new Error(POSTGIS_INSTALL_HINT);
  const dir = mkdtempSync(join(tmpdir(), 'citybrain-postgis-'));
  const asRoot = process.getuid?.() === 0;
  // initdb and the server refuse to run as root: they run as `postgres`, which must own the directory.
  const pgUser = asRoot ? 'postgres' : undefined;
  if (asRoot) chownSync(dir, Number((await run('id', ['-u', 'postgres'])).stdout), Number((await run('id', ['-g', 'postgres'])).stdout));
  const asPg = (command, args) => (pgUser ? run('su', [pgUser, '-s', '/bin/sh', '-c', [command, ...args].map((part) => `'${part}'`).join(' ')]) : run(command, args));
  const port = await freePort();
  await asPg(join(bin, 'initdb'), ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'cb', '-E', 'UTF8', '--no-sync']);
  await asPg(join(bin, 'pg_ctl'), ['-D', join(dir, 'data'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, '-l', join(dir, 'log'), '-w', 'start']);
  const connection = { host: '127.0.0.1', port, user: 'cb', database: 'postgres' };
  const psql = (sql) =>
    run('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'cb', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql], { maxBuffer: 64 * 1024 * 1024 });
  const stopCluster = () => asPg(join(bin, 'pg_ctl'), ['-D', join(dir, 'data'), '-m', 'immediate', 'stop']).catch(() => undefined);

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
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
