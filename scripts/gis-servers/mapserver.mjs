/**
 * A real MapServer 8 (Debian's `mapserver-bin`) publishing the seed's zones and villages the way a
 * natural-resources bureau does: WMS 1.3.0 (GetCapabilities, GetMap, GetFeatureInfo, GetLegendGraphic),
 * OGC API - Features, XYZ map tiles, and WMTS 1.0 through MapServer's tile cache MapCache (Debian's
 * `mapcache-cgi`, KVP and REST, a Web Mercator and a CGCS2000 tile matrix set) in front of that WMS. The data are written by GDAL's ogr2ogr as shapefiles in
 * CGCS2000 (EPSG:4490) — MapServer 8.0 pages OGC API items over shapefiles but ignores `offset` over
 * OGR GeoPackages; `mapserv` runs as CGI behind a small loopback HTTP bridge that adds CORS, as a
 * bureau's web server would for a town's pages.
 *
 *   const server = await startMapServer();   // { url, wmsUrl, ogcApiUrl, wmtsUrl, tileUrl, stop }
 *
 * Used by the browser tests (web-test-runner.config.mjs) and the client's node tests. A missing
 * `mapserv` or `ogr2ogr` is an error with the install command, never a silent skip.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

export const MAPSERVER_INSTALL_HINT =
  'MapServer, MapCache or GDAL not found, which the OGC layer tests need: install them (Debian/Ubuntu: sudo apt-get install -y mapserver-bin mapcache-cgi gdal-bin) or set MAPSERV_PATH and MAPCACHE_PATH.';

/** The `mapserv` CGI binary, or null. */
export function findMapserv() {
  return [process.env.MAPSERV_PATH, '/usr/bin/mapserv', '/usr/lib/cgi-bin/mapserv'].find((path) => path && existsSync(path)) ?? null;
}

/** The `mapcache` CGI binary (WMTS), or null. */
export function findMapcache() {
  return [process.env.MAPCACHE_PATH, '/usr/lib/cgi-bin/mapcache'].find((path) => path && existsSync(path)) ?? null;
}

function findOgr2ogr() {
  return ['/usr/bin/ogr2ogr', '/usr/local/bin/ogr2ogr'].find((path) => existsSync(path)) ?? null;
}

/** The alias under which the map answers OGC API requests (`/{alias}/ogcapi/...`). */
const MAP_ALIAS = 'nanhai';

/** Title of the layer whose texts are hostile on purpose. */
export const HOSTILE_LAYER_TITLE = '<img src=x onerror=cbTrap("wms-title")>';

const mapfile = ({ dir, url }) => `MAP
  NAME "${MAP_ALIAS}"
  EXTENT 112.85 22.85 113.25 23.35
  SIZE 256 256
  IMAGETYPE png
  PROJECTION "init=epsg:4490" END
  WEB
    METADATA
      "ows_title"                  "南海区自然资源局 测试服务"
      "ows_abstract"               "MapServer 8 for the City Brain Embed Kit's OGC layer tests"
      "ows_enable_request"         "*"
      "ows_srs"                    "EPSG:3857 EPSG:4490 EPSG:4326"
      "ows_onlineresource"         "${url}/wms?"
      "oga_onlineresource"         "${url}/${MAP_ALIAS}/ogcapi"
      "wms_feature_info_mime_type" "application/json"
      "wms_getfeatureinfo_formatlist" "application/json,application/vnd.ogc.gml,text/plain"
    END
  END
  OUTPUTFORMAT
    NAME "geojson"
    DRIVER "OGR/GEOJSON"
    MIMETYPE "application/json"
    FORMATOPTION "FORM=SIMPLE"
    FORMATOPTION "STORAGE=memory"
  END
  LEGEND KEYSIZE 18 12 LABEL TYPE TRUETYPE SIZE 8 END END
  LAYER
    NAME "zones"
    TYPE POLYGON
    STATUS ON
    DATA "${dir}/zones.shp"
    ENCODING "UTF-8"
    PROJECTION "init=epsg:4490" END
    TEMPLATE "query"
    METADATA
      "ows_title"          "建设管控分区（自然资源局）"
      "ows_abstract"       "Planning control zones of the villages"
      "gml_include_items"  "all"
      "gml_featureid"      "id"
      "oga_include_items"  "all"
      "wms_include_items"  "all"
    END
    CLASSITEM "zoneType"
    CLASS NAME "可建设区" EXPRESSION "buildable" STYLE COLOR 120 190 120 OUTLINECOLOR 40 110 40 END END
    CLASS NAME "限制建设区" EXPRESSION "restricted" STYLE COLOR 240 180 80 OUTLINECOLOR 150 100 20 END END
    CLASS NAME "禁止建设区" EXPRESSION "prohibited" STYLE COLOR 220 90 80 OUTLINECOLOR 140 30 20 END END
  END
  LAYER
    NAME "villages"
    TYPE POLYGON
    STATUS ON
    DATA "${dir}/villages.shp"
    ENCODING "UTF-8"
    PROJECTION "init=epsg:4490" END
    TEMPLATE "query"
    METADATA
      "ows_title"          "村（居）界线"
      "gml_include_items"  "all"
      "gml_featureid"      "code"
      "oga_include_items"  "all"
      "wms_include_items"  "all"
    END
    CLASS NAME "村界" STYLE OUTLINECOLOR 90 90 160 WIDTH 1.5 END END
  END
  LAYER
    NAME "hostile"
    TYPE POLYGON
    STATUS ON
    DATA "${dir}/hostile.shp"
    ENCODING "UTF-8"
    PROJECTION "init=epsg:4490" END
    TEMPLATE "query"
    METADATA
      "ows_title"          "${HOSTILE_LAYER_TITLE.replaceAll('"', '\\"')}"
      "gml_include_items"  "all"
      "gml_featureid"      "id"
      "oga_include_items"  "all"
      "wms_include_items"  "all"
    END
    CLASS NAME "${HOSTILE_LAYER_TITLE.replaceAll('"', '\\"')}" STYLE COLOR 200 0 200 END END
  END
END
`;

/** Tianditu-style CGCS2000 geographic tiles (two 256-px tiles span the world at level 0). */
const CGCS2000_RESOLUTIONS = Array.from({ length: 18 }, (_, level) => 0.703125 / 2 ** level).join(' ');

const mapcacheConfig = ({ dir, url }) => `<?xml version="1.0" encoding="UTF-8"?>
<mapcache>
  <metadata><title>南海区自然资源局 瓦片服务</title></metadata>
  <grid name="CGCS2000Quad">
    <metadata><title>CGCS2000 经纬度</title></metadata>
    <srs>EPSG:4490</srs>
    <size>256 256</size>
    <extent>-180 -90 180 90</extent>
    <units>dd</units>
    <resolutions>${CGCS2000_RESOLUTIONS}</resolutions>
  </grid>
  <source name="zones" type="wms">
    <getmap><params><FORMAT>image/png</FORMAT><LAYERS>zones</LAYERS><TRANSPARENT>true</TRANSPARENT></params></getmap>
    <http><url>${url}/wms?</url></http>
  </source>
  <cache name="disk" type="disk"><base>${dir}/tiles</base></cache>
  <tileset name="zones">
    <metadata><title>建设管控分区（瓦片）</title></metadata>
    <source>zones</source>
    <cache>disk</cache>
    <grid>GoogleMapsCompatible</grid>
    <grid>CGCS2000Quad</grid>
    <format>PNG</format>
  </tileset>
  <service type="wmts" enabled="true"/>
  <service type="wms" enabled="false"/>
  <log_level>warn</log_level>
</mapcache>
`;

const config = ({ dir }) => `CONFIG
  ENV
    MS_MAP_PATTERN "^${dir}"
    MS_MAPFILE "${dir}/nanhai.map"
  END
  MAPS
    ${MAP_ALIAS} "${dir}/nanhai.map"
  END
END
`;

/** Splits a CGI answer into status, headers and body. */
function parseCgi(output) {
  let split = output.indexOf('\r\n\r\n');
  let gap = 4;
  if (split < 0) {
    split = output.indexOf('\n\n');
    gap = 2;
  }
  if (split < 0) return { status: 502, headers: { 'content-type': 'text/plain' }, body: output };
  const headers = {};
  let status = 200;
  for (const line of output.subarray(0, split).toString('latin1').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'status') status = Number.parseInt(value, 10) || 200;
    else headers[name] = value;
  }
  return { status, headers, body: output.subarray(split + gap) };
}

function runMapserv({ mapserv, env }) {
  return new Promise((resolve, reject) => {
    const child = spawn(mapserv, [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks = [];
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

/**
 * @returns {Promise<{ url: string, wmsUrl: string, ogcApiUrl: string, wmtsUrl: string, tileUrl: string, requests: () => string[], stop: () => Promise<void> }>}
 */
export async function startMapServer() {
  const mapserv = findMapserv();
  const mapcache = findMapcache();
  const ogr2ogr = findOgr2ogr();
  if (!mapserv || !mapcache || !ogr2ogr) throw new Error(MAPSERVER_INSTALL_HINT);
  const dir = mkdtempSync(join(tmpdir(), 'citybrain-mapserver-'));

  await run(process.execPath, ['--conditions=citybrain-source', '--import', 'tsx', 'scripts/gis-servers/fixture-layers.ts', dir], { cwd: root });
  for (const layer of ['zones', 'villages', 'hostile']) {
    await run(ogr2ogr, ['-f', 'ESRI Shapefile', '-lco', 'ENCODING=UTF-8', join(dir, `${layer}.shp`), join(dir, `${layer}.geojson`), '-a_srs', 'EPSG:4490']);
  }

  const seen = [];
  const server = createServer(async (req, res) => {
    const target = new URL(req.url ?? '/', 'http://bridge');
    seen.push(`${req.method} ${target.pathname}${target.search}`);
    const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'authorization', 'access-control-expose-headers': 'content-type' };
    if (req.method === 'OPTIONS') return res.writeHead(204, cors).end();
    // `/secured/…`: the same services behind a bureau gateway that wants the district's bearer token.
    if (target.pathname.startsWith('/secured/')) {
      if (!/^Bearer \S+$/.test(req.headers.authorization ?? '')) return res.writeHead(401, { ...cors, 'content-type': 'text/plain', 'www-authenticate': 'Bearer' }).end('token required');
      target.pathname = target.pathname.slice('/secured'.length);
    }
    const ogcApi = target.pathname.startsWith(`/${MAP_ALIAS}/ogcapi`);
    const wmts = target.pathname.startsWith('/mapcache/');
    if (!ogcApi && !wmts && target.pathname !== '/wms') return res.writeHead(404, { ...cors, 'content-type': 'text/plain' }).end('not found');
    const cgi = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      REQUEST_METHOD: 'GET',
      QUERY_STRING: target.search.slice(1),
      SERVER_NAME: '127.0.0.1',
      SERVER_PORT: String(server.address().port),
    };
    const output = wmts
      ? await runMapserv({
          mapserv: mapcache,
          env: { ...cgi, MAPCACHE_CONFIG_FILE: join(dir, 'mapcache.xml'), SCRIPT_NAME: '/mapcache', PATH_INFO: target.pathname.slice('/mapcache'.length) },
        })
      : await runMapserv({
          mapserv,
          env: { ...cgi, MAPSERVER_CONFIG_FILE: join(dir, 'mapserver.conf'), ...(ogcApi ? { PATH_INFO: target.pathname, SCRIPT_NAME: '' } : {}) },
        });
    const answer = parseCgi(output);
    res.writeHead(answer.status, { ...answer.headers, ...cors }).end(answer.body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  writeFileSync(join(dir, 'nanhai.map'), mapfile({ dir, url }));
  writeFileSync(join(dir, 'mapserver.conf'), config({ dir }));
  writeFileSync(join(dir, 'mapcache.xml'), mapcacheConfig({ dir, url }));

  return {
    url,
    wmsUrl: `${url}/wms`,
    ogcApiUrl: `${url}/${MAP_ALIAS}/ogcapi`,
    wmtsUrl: `${url}/mapcache/wmts`,
    tileUrl: `${url}/wms?mode=tile&tilemode=gmap&tile={x}+{y}+{z}&layers=zones`,
    requests: () => [...seen],
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
