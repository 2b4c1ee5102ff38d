/**
 * The district GIS servers of the external-layer tests, started by web-test-runner.config.mjs:
 * Debian's MapServer 8 with MapCache (scripts/gis-servers/mapserver.mjs) as `window.CITYBRAIN_MAPSERVER_URL`,
 * and PostGIS behind a vector tile server (scripts/gis-servers/postgis.mjs) as `window.CITYBRAIN_TILESERVER_URL`.
 */
declare global {
  interface Window {
    CITYBRAIN_MAPSERVER_URL?: string;
    CITYBRAIN_TILESERVER_URL?: string;
  }
}

export function mapServerUrl(): string {
  const url = window.CITYBRAIN_MAPSERVER_URL;
  if (!url) throw new Error('No MapServer: run the browser tests through web-test-runner.config.mjs, which starts one (apt-get install mapserver-bin gdal-bin).');
  return url;
}

export function tileServerUrl(): string {
  const url = window.CITYBRAIN_TILESERVER_URL;
  if (!url) throw new Error('No PostGIS tile server: run the browser tests through web-test-runner.config.mjs, which starts one (apt-get install postgresql-15-postgis-3 gdal-bin).');
  return url;
}
